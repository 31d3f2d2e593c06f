// 4. Keystroke echo latency through the whole CLI: a key written to the CLI's pty until its
// echo (by the agent's tty) is on the screen, idle and while 5 other agents flood output.
// Reference: the same through a tmux client attached to a session running cat.
import { firstFrameShown, launchCli, runAgent, typeLine } from './lib/cli.mjs';
import { Screen } from './lib/screen.mjs';
import { measureEcho, summary } from './lib/echo.mjs';
import { fmtMs, fmtRatio, sleep } from './lib/stats.mjs';
import { Tmux, tmuxEnv } from './lib/tmux.mjs';

const FLOODERS = 5;

const floodCommand = (file) => `while :; do cat '${file}'; done`;

async function agentmuxEcho(smallFile) {
  const screen = launchCli();
  try {
    await screen.waitFor(firstFrameShown, { what: 'the first frame' });
    await runAgent(screen, '--name kitty -- cat');
    const attach = async () => {
      typeLine(screen, '/fg kitty');
      await screen.waitForText('keys go to kitty');
    };
    await attach();
    const idle = summary(await measureEcho(screen));
    screen.write('\x02'); // Ctrl-B: back to the chat
    await screen.waitForText('/help commands');
    for (let i = 0; i < FLOODERS; i++) await runAgent(screen, `-- ${floodCommand(smallFile)}`);
    await attach();
    await sleep(1000);
    const flood = summary(await measureEcho(screen));
    return { idle, flood };
  } finally {
    await screen.close();
  }
}

async function tmuxEcho(dir, smallFile) {
  const tmux = new Tmux(dir);
  const screen = new Screen({ command: 'tmux', args: [...tmux.base, 'new-session', 'exec cat'], env: tmuxEnv() });
  try {
    await screen.waitForText('[0] 0:', { what: 'the tmux status line' });
    const idle = summary(await measureEcho(screen));
    for (let i = 0; i < FLOODERS; i++) tmux.run('new-window', '-d', floodCommand(smallFile));
    await sleep(1000);
    const flood = summary(await measureEcho(screen));
    return { idle, flood };
  } finally {
    tmux.killServer();
    tmux.close();
    await screen.close();
  }
}

const describe = (s) => `median ${fmtMs(s.median)}, p95 ${fmtMs(s.p95)} (${s.count} keys)`;

export default async function echoLatency({ fixtures, log }) {
  const ours = await agentmuxEcho(fixtures.small.path);
  log(`  agentmux idle:  ${describe(ours.idle)}`);
  log(`  agentmux flood: ${describe(ours.flood)} with ${FLOODERS} agents flooding`);
  const tmux = await tmuxEcho(fixtures.dir, fixtures.small.path);
  log(`  tmux idle:      ${describe(tmux.idle)}`);
  log(`  tmux flood:     ${describe(tmux.flood)} with ${FLOODERS} windows flooding`);
  const row = (label, a, b) => ({
    benchmark: `keystroke echo, ${label} (median / p95)`,
    agentmux: `${fmtMs(a.median)} / ${fmtMs(a.p95)}`,
    reference: `tmux ${fmtMs(b.median)} / ${fmtMs(b.p95)}`,
    ratio: `${fmtRatio(a.p95 / b.p95)} (p95)`,
    target: 'p95 ≤ 50 ms',
  });
  return [row('idle', ours.idle, tmux.idle), row(`${FLOODERS} agents flooding`, ours.flood, tmux.flood)];
}
