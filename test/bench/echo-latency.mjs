// 4. Keystroke echo latency through the whole CLI: a key written to the CLI's pty until its
// echo (by the agent's tty) is on the screen, idle and while 5 other agents flood output.
// Reference: the same through a tmux client attached to a session running cat.
import { performance } from 'node:perf_hooks';
import { firstFrameShown, launchCli, runAgent, typeLine } from './lib/cli.mjs';
import { Screen } from './lib/screen.mjs';
import { fmtMs, fmtRatio, median, percentile, sleep } from './lib/stats.mjs';
import { Tmux, tmuxEnv } from './lib/tmux.mjs';

const SAMPLES = 200;
const FLOODERS = 5;
const LINE_LENGTH = 20;
const PHASE_LIMIT_MS = 40_000;
const KILL_LINE = '\x15'; // Ctrl-U: the tty erases the echoed line
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** Where the cursor rests once it has not moved for 200 ms (the screen has settled), or after 5 s. */
async function restingCursor(screen) {
  let last = '';
  for (let still = 0, polls = 0; still < 8 && polls < 200; polls++) {
    await sleep(25);
    const { cursorX: x, cursorY: y } = screen.terminal.buffer.active;
    still = `${x},${y}` === last ? still + 1 : 0;
    last = `${x},${y}`;
  }
  const [x, y] = last.split(',').map(Number);
  return { x, y };
}

/**
 * Types SAMPLES single letters into `screen`, whose cursor sits where the echo will appear,
 * and returns the latencies in ms. Every LINE_LENGTH letters the line is erased again.
 */
async function measureEcho(screen) {
  const latencies = [];
  const started = performance.now();
  let origin;
  for (let i = 0; i < SAMPLES && performance.now() - started < PHASE_LIMIT_MS; i++) {
    const column = i % LINE_LENGTH;
    if (column === 0) {
      if (origin) {
        screen.write(KILL_LINE);
        await screen.waitFor((s) => s.charAt(origin.x, origin.y).trim() === '', { what: 'the erased line' });
      }
      origin = await restingCursor(screen);
    }
    // A pause of varying length, so keys do not fall in step with any frame timer.
    await sleep(5 + Math.random() * 20);
    const letter = LETTERS[i % LETTERS.length];
    const x = origin.x + column;
    const sent = performance.now();
    screen.write(letter);
    const shown = await screen.waitFor((s) => s.charAt(x, origin.y) === letter, { what: `the echo of ${letter}` });
    latencies.push(shown - sent);
  }
  return latencies;
}

function summary(latencies) {
  return { median: median(latencies), p95: percentile(latencies, 95), count: latencies.length };
}

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
