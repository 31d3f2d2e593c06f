// 3. CPU used by the whole CLI (client screen and the server holding the agents) while 20 agents
// sit idle, vs tmux (server + an attached client) holding 20 idle windows.
import { agentCount, firstFrameShown, launchCli, runAgent } from './lib/cli.mjs';
import { cpuMs } from './lib/proc.mjs';
import { Screen } from './lib/screen.mjs';
import { fmtRatio, sleep } from './lib/stats.mjs';
import { Tmux, tmuxEnv } from './lib/tmux.mjs';

const AGENTS = 20;
const SETTLE_MS = 2000;
const MEASURE_MS = 5000;

/** % of one core used by `pids` over MEASURE_MS, and the bytes `screen` received meanwhile. */
async function measure(pids, screen) {
  const cpuBefore = pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
  const bytesBefore = screen.bytesReceived;
  const started = performance.now();
  await sleep(MEASURE_MS);
  const elapsed = performance.now() - started;
  const cpu = pids.reduce((sum, pid) => sum + cpuMs(pid), 0) - cpuBefore;
  return { percent: (100 * cpu) / elapsed, bytesPerSecond: ((screen.bytesReceived - bytesBefore) * 1000) / elapsed };
}

async function agentmuxIdle() {
  const screen = launchCli();
  try {
    await screen.waitFor(firstFrameShown, { what: 'the first frame' });
    for (let i = 0; i < AGENTS; i++) await runAgent(screen, '-- sleep 1000');
    await screen.waitForText(`${AGENTS} running`);
    if (agentCount(screen) !== AGENTS) throw new Error(`expected ${AGENTS} agents:\n${screen.text()}`);
    await sleep(SETTLE_MS);
    // The agents live in the server the screen started: its CPU time counts too.
    const server = screen.sandbox.serverPid();
    if (server === undefined) throw new Error('no agentmux server process found for the screen');
    return await measure([screen.pid, server], screen);
  } finally {
    await screen.close();
  }
}

async function tmuxIdle(dir) {
  const tmux = new Tmux(dir);
  const screen = new Screen({ command: 'tmux', args: [...tmux.base, 'new-session', 'exec sleep 1000'], env: tmuxEnv() });
  try {
    await screen.waitForText('[0] 0:', { what: 'the tmux status line' });
    for (let i = 1; i < AGENTS; i++) tmux.run('new-window', '-d', 'exec sleep 1000');
    const windows = tmux.run('list-windows', '-F', '#{window_index}').trim().split('\n').length;
    if (windows !== AGENTS) throw new Error(`expected ${AGENTS} tmux windows, found ${windows}`);
    await sleep(SETTLE_MS);
    return await measure([tmux.serverPid(), screen.pid], screen);
  } finally {
    tmux.killServer();
    tmux.close();
    await screen.close();
  }
}

const percent = (value) => `${value.toFixed(value < 0.1 ? 3 : 2)}%`;

export default async function idleCpu({ fixtures, log }) {
  const ours = await agentmuxIdle();
  log(`  agentmux server + client with ${AGENTS} idle agents: ${percent(ours.percent)} of a core, ${Math.round(ours.bytesPerSecond)} B/s to the terminal`);
  const tmux = await tmuxIdle(fixtures.dir);
  log(`  tmux server + client with ${AGENTS} idle windows: ${percent(tmux.percent)} of a core, ${Math.round(tmux.bytesPerSecond)} B/s to the terminal`);
  return [{
    benchmark: `idle CPU, ${AGENTS} idle agents, server and screen (${MEASURE_MS / 1000} s)`,
    agentmux: `${percent(ours.percent)} of a core`,
    reference: `tmux ${percent(tmux.percent)}`,
    // Below 0.01% tmux is at the resolution of the measurement: a ratio would be noise.
    ratio: tmux.percent >= 0.01 ? fmtRatio(ours.percent / tmux.percent) : 'tmux ≈ 0',
    target: '< 1%',
  }];
}
