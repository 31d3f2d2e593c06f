// 11. An agent on an SSH host (a real OpenSSH server on loopback, test/support/loopback-sshd.mjs):
// bringing it to the front (/fg until its last line shows) and keystroke echo once attached, for the
// same `cat` agent run locally, on the host through agentmux's link (a remote agentmux), and on the
// host under plain `ssh -tt`. Reference: `ssh -tt` to the same server running cat, in a bare pty.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sshdMissing, startLoopbackSshd } from '../support/loopback-sshd.mjs';
import { CLI_ENTRY, firstFrameShown, runAgent, Sandbox, typeLine } from './lib/cli.mjs';
import { measureEcho, summary } from './lib/echo.mjs';
import { Screen } from './lib/screen.mjs';
import { fmtMs, fmtRatio, median } from './lib/stats.mjs';

const ATTACHES = 5;
const LAST_LINE = 'ready-keys';
const CTRL_B = '\x02';

/** The agentmux screen with `hosts` in its config. */
async function screenWith(hosts) {
  const sandbox = new Sandbox();
  mkdirSync(join(sandbox.env.XDG_CONFIG_HOME, 'agentmux'), { recursive: true });
  writeFileSync(join(sandbox.env.XDG_CONFIG_HOME, 'agentmux', 'config.json'), JSON.stringify({ hosts }));
  const screen = sandbox.screen();
  const closeScreen = screen.close.bind(screen);
  screen.close = async () => {
    await sandbox.close();
    await closeScreen();
  };
  await screen.waitFor(firstFrameShown, { what: 'the first frame' });
  return screen;
}

/** /fg of `name` until its last line shows, then back (Ctrl-B); the median of `runs`. */
async function attachTime(screen, name, runs, timeoutMs = 10_000) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const sent = performance.now();
    typeLine(screen, `/fg ${name}`);
    const shown = await screen.waitFor((s) => s.text().includes(`keys go to ${name}`) && s.text().includes(LAST_LINE), { what: `${name} in front`, timeoutMs });
    times.push(shown - sent);
    screen.write(CTRL_B);
    await screen.waitForText('/help commands');
  }
  return median(times);
}

/** A `cat` agent started with `hostFlag`: attach time, then echo once attached. */
async function agentFigures(hosts, hostFlag) {
  const screen = await screenWith(hosts);
  try {
    // The command does not hold its output's text, so only the output itself shows it.
    await runAgent(screen, `--name kitty ${hostFlag} -- printf '%s-%s\\n' ${LAST_LINE.replace('-', ' ')}; exec cat`);
    // Once untimed: the first attach also waits for the agent to start and print.
    await attachTime(screen, 'kitty', 1, 30_000);
    const attach = await attachTime(screen, 'kitty', ATTACHES);
    typeLine(screen, '/fg kitty');
    await screen.waitForText('keys go to kitty');
    return { attach, echo: summary(await measureEcho(screen)) };
  } finally {
    await screen.close();
  }
}

async function sshCatEcho(sshd) {
  const screen = new Screen({ command: 'ssh', args: ['-F', sshd.sshConfig, '-tt', sshd.alias, `echo ${LAST_LINE}; exec cat`], env: { ...process.env, TERM: 'xterm-256color' } });
  try {
    await screen.waitForText(LAST_LINE);
    return summary(await measureEcho(screen));
  } finally {
    await screen.close();
  }
}

const describe = (s) => `median ${fmtMs(s.median)}, p95 ${fmtMs(s.p95)} (${s.count} keys)`;

export default async function remote({ log }) {
  const missing = sshdMissing();
  if (missing) {
    log(`  skipped: ${missing}`);
    return [{ benchmark: 'agent on an SSH host', agentmux: `skipped: ${missing}`, reference: '', ratio: '', target: '' }];
  }
  const sshd = await startLoopbackSshd();
  try {
    const host = { ssh: sshd.alias, sshArgs: ['-F', sshd.sshConfig], cwd: sshd.remoteHome };
    const hosts = { loop: { ...host, agentmux: `${process.execPath} ${CLI_ENTRY}` }, plain: { ...host, agentmux: false } };
    const local = await agentFigures(hosts, '');
    log(`  local:       attach ${fmtMs(local.attach)}, echo ${describe(local.echo)}`);
    const plain = await agentFigures(hosts, '--host plain');
    log(`  plain ssh:   attach ${fmtMs(plain.attach)}, echo ${describe(plain.echo)}`);
    const linked = await agentFigures(hosts, '--host loop');
    log(`  link:        attach ${fmtMs(linked.attach)}, echo ${describe(linked.echo)}`);
    const direct = await sshCatEcho(sshd);
    log(`  ssh -tt cat: echo ${describe(direct)}`);
    const echoRow = (label, figures) => ({
      benchmark: `keystroke echo, agent on a loopback SSH host (${label}) (median / p95)`,
      agentmux: `${fmtMs(figures.echo.median)} / ${fmtMs(figures.echo.p95)}`,
      reference: `local agent ${fmtMs(local.echo.median)} / ${fmtMs(local.echo.p95)}; ssh -tt cat ${fmtMs(direct.median)} / ${fmtMs(direct.p95)}`,
      ratio: `${fmtRatio(figures.echo.p95 / local.echo.p95)} local, ${fmtRatio(figures.echo.p95 / direct.p95)} ssh (p95)`,
      target: 'p95 ≤ 50 ms',
    });
    return [
      {
        benchmark: 'bring an agent on a loopback SSH host to the front (/fg until its screen shows)',
        agentmux: `link ${fmtMs(linked.attach)}, plain ssh ${fmtMs(plain.attach)}`,
        reference: `local agent ${fmtMs(local.attach)}`,
        ratio: `${fmtRatio(linked.attach / local.attach)}`,
        target: '≈ local',
      },
      echoRow('link', linked),
      echoRow('plain ssh', plain),
    ];
  } finally {
    await sshd.stop();
  }
}
