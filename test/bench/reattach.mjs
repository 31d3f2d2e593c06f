// 6. Reattach: `agentmux attach` to a server already holding 20 agents with 5,000 lines of
// scrollback each, until the first complete frame; then attaching one of those agents until its
// screen shows its last line. References: the same attach to a server with no agents, and a tmux
// client attaching to a session of 20 windows holding the same output.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { agentCount, droppedKeys, firstFrameShown, quitScreen, Sandbox, typeInput } from './lib/cli.mjs';
import { Screen } from './lib/screen.mjs';
import { fmtMs, fmtRatio, median, sleep } from './lib/stats.mjs';
import { Tmux, tmuxEnv } from './lib/tmux.mjs';

const RUNS = 5;
const AGENTS = 20;
const LINES = 5000;
const COLS = 100;
const ROWS = 30;
/** The agent attached in each run, a different one each time (tmux: the window at index N - 1, one key). */
const TARGETS = [7, 3, 9, 5, 10];
const READY_TIMEOUT_MS = 60_000;
const LAST_LINE = String(LINES);

/** 4,999 lines of the coloured build log, then `5000`, then idle. */
const agentCommand = (file) => `head -n ${LINES - 1} '${file}'; echo ${LAST_LINE}; exec sleep 100000`;

const CTRL_B = '\x02';

/** Column of the list's border (the main pane is left of it), or -1 when not drawn yet. */
const border = (screen) => screen.line(0).indexOf('│');

/** Names `agent-N` shown in the agent list (right of the border). */
function listedNames(screen) {
  const x = border(screen);
  const names = new Set();
  if (x < 0) return names;
  for (let y = 1; y < screen.terminal.rows - 1; y++) {
    for (const match of screen.line(y).slice(x + 1).matchAll(/\bagent-\d+\b/g)) names.add(match[0]);
  }
  return names;
}

/**
 * The first complete frame of a screen over `agents` agents: header, input prompt and status bar
 * (firstFrameShown), the list's count, and as many agents' names as the list has room for
 * (two rows an agent below its title).
 */
function completeFrame(agents) {
  return (screen) => {
    if (!firstFrameShown(screen) || agentCount(screen) !== agents) return false;
    const room = Math.floor((screen.terminal.rows - 2) / 2);
    const names = listedNames(screen);
    return names.size >= Math.min(agents, room);
  };
}

/** The main pane (left of the list) shows `name`'s screen down to its last line. */
function agentScreenShown(name) {
  return (screen) => {
    const x = border(screen);
    if (x < 0 || !screen.line(0).slice(0, x).includes(name)) return false;
    for (let y = 1; y < screen.terminal.rows - 1; y++) {
      if (screen.line(y).slice(0, x).trim() === LAST_LINE) return true;
    }
    return false;
  };
}

/** Polls `ready()` until it holds; `describe()` says what is missing when it times out. */
async function pollUntil(ready, describe, timeoutMs = READY_TIMEOUT_MS) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await ready()) return;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${await describe()}`);
    await sleep(100);
  }
}

/** A server running AGENTS agents that have all printed their LINES lines. */
async function fullServer(file) {
  const sandbox = new Sandbox();
  for (let i = 1; i <= AGENTS; i++) {
    const name = (await sandbox.cli(['run', '--name', `agent-${i}`, '--', agentCommand(file)])).trim();
    if (name !== `agent-${i}`) throw new Error(`agentmux run --name agent-${i} started ${JSON.stringify(name)}`);
  }
  let agents = [];
  const done = () => agents.filter((agent) => agent.lastLine === LAST_LINE);
  await pollUntil(async () => {
    agents = await sandbox.agents();
    return agents.length === AGENTS && done().length === AGENTS;
  }, () => `${done().length} of ${AGENTS} agents printed their last line; agentmux ls --json: ${JSON.stringify(agents.map(({ name, state, lastLine }) => ({ name, state, lastLine })))}`);
  return sandbox;
}

/** A server with no agents, already started (by `agentmux ls`), as the full one was by `agentmux run`. */
async function emptyServer() {
  const sandbox = new Sandbox();
  const agents = await sandbox.agents();
  if (agents.length !== 0) throw new Error(`a fresh server has agents: ${JSON.stringify(agents)}`);
  return sandbox;
}

/** `/fg name` + Enter: ms from Enter until the main pane shows the agent's screen down to its last line; then back to the chat. */
async function attachAgent(screen, name) {
  await typeInput(screen, `/fg ${name}`);
  const sent = performance.now();
  screen.write('\r');
  const shown = (await screen.waitFor(agentScreenShown(name), { what: `${name}'s screen down to its last line ${LAST_LINE}` })) - sent;
  screen.write(CTRL_B);
  await screen.waitFor(firstFrameShown, { what: 'the chat again after Ctrl+B' });
  return shown;
}

/** One `agentmux attach`: ms to the first complete frame; with `target`, also ms to attach agent-`target`. */
async function agentmuxOnce(sandbox, agents, target) {
  const started = performance.now();
  const screen = sandbox.screen({ args: ['attach'], cols: COLS, rows: ROWS });
  try {
    const frame = (await screen.waitFor(completeFrame(agents), { what: `the first complete frame with ${agents} agents` })) - started;
    const attached = target ? await attachAgent(screen, `agent-${target}`) : undefined;
    await quitScreen(screen);
    return { frame, attached };
  } finally {
    await screen.close();
  }
}

/** A tmux session of AGENTS windows (agent-1 … agent-20) with the same output as the agents. */
async function tmuxSession(dir, file) {
  const tmux = new Tmux(dir, { historyLimit: LINES });
  tmux.run('new-session', '-d', '-s', 'bench', '-n', 'agent-1', '-x', String(COLS), '-y', String(ROWS), agentCommand(file));
  for (let i = 2; i <= AGENTS; i++) tmux.run('new-window', '-d', '-t', 'bench', '-n', `agent-${i}`, agentCommand(file));
  const pending = new Set(Array.from({ length: AGENTS }, (_, i) => i));
  await pollUntil(async () => {
    for (const index of [...pending]) {
      const text = await tmux.runAsync('capture-pane', '-p', '-t', `bench:${index}`);
      if (text.split('\n').some((row) => row.trim() === LAST_LINE)) pending.delete(index);
    }
    return pending.size === 0;
  }, () => `tmux windows ${[...pending].join(', ')} did not show their last line`);
  return tmux;
}

/** One `tmux attach`: ms to its status line over the active window's screen; then ms from `C-b N` to window agent-`target` (N = its index). */
async function tmuxOnce(tmux, target) {
  tmux.run('select-window', '-t', 'bench:0');
  const started = performance.now();
  const screen = new Screen({ command: 'tmux', args: [...tmux.base, 'attach-session', '-t', 'bench'], cols: COLS, rows: ROWS, env: tmuxEnv() });
  try {
    const shown = (name) => (s) => s.line(ROWS - 1).startsWith('[bench]') && s.line(ROWS - 1).includes(`${name}*`)
      && s.text().split('\n').some((row) => row.trim() === LAST_LINE);
    const frame = (await screen.waitFor(shown('agent-1'), { what: 'the tmux status line over window agent-1' })) - started;
    const sent = performance.now();
    screen.write(`${CTRL_B}${target - 1}`);
    const attached = (await screen.waitFor(shown(`agent-${target}`), { what: `tmux window agent-${target}` })) - sent;
    screen.write(`${CTRL_B}d`);
    await screen.waitForExit({ timeoutMs: 5000, what: 'the tmux client to exit after C-b d' });
    return { frame, attached };
  } finally {
    await screen.close();
  }
}

export default async function reattach({ fixtures, log }) {
  const file = fixtures.small.path;
  const lines = readFileSync(file, 'latin1').split('\n').length - 1;
  if (lines < LINES - 1) throw new Error(`${file} has ${lines} lines, fewer than the ${LINES - 1} each agent prints`);
  const setupStarted = performance.now();
  const full = await fullServer(file);
  const empty = await emptyServer();
  const tmux = await tmuxSession(fixtures.dir, file);
  log(`  set up ${AGENTS} agents and ${AGENTS} tmux windows of ${LINES} lines in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`);
  const keys = ['full', 'attach', 'empty', 'tmux', 'tmuxAttach'];
  const times = Object.fromEntries(keys.map((key) => [key, []]));
  const warnings = [];
  try {
    // Interleaved, so a noisy moment of the machine hits all three alike.
    for (let run = 0; run < RUNS; run++) {
      const target = TARGETS[run % TARGETS.length];
      const ours = await agentmuxOnce(full, AGENTS, target);
      const bare = await agentmuxOnce(empty, 0);
      const theirs = await tmuxOnce(tmux, target);
      times.full.push(ours.frame);
      times.attach.push(ours.attached);
      times.empty.push(bare.frame);
      times.tmux.push(theirs.frame);
      times.tmuxAttach.push(theirs.attached);
      log(`  run ${run + 1}: reattach ${fmtMs(ours.frame)}, /fg agent-${target} ${fmtMs(ours.attached)}; `
        + `empty server ${fmtMs(bare.frame)}; tmux attach ${fmtMs(theirs.frame)}, C-b ${target - 1} ${fmtMs(theirs.attached)}`);
    }
    // The agents must have outlived every client.
    const agents = await full.agents();
    const running = agents.filter((agent) => agent.state === 'running').length;
    if (running !== AGENTS) warnings.push(`only ${running} of ${AGENTS} agents still running after ${RUNS} attach/quit cycles`);
  } finally {
    for (const sandbox of [full, empty]) {
      const warning = await sandbox.close();
      if (warning) warnings.push(warning);
    }
    tmux.killServer();
    tmux.close();
  }
  warnings.push(...droppedKeys.warnings());
  for (const warning of warnings) log(`  WARNING: ${warning}`);
  const m = Object.fromEntries(keys.map((key) => [key, median(times[key])]));
  log(`  medians of ${RUNS}: reattach ${fmtMs(m.full)} (empty server ${fmtMs(m.empty)}, tmux ${fmtMs(m.tmux)}); `
    + `attach an agent ${fmtMs(m.attach)} (tmux ${fmtMs(m.tmuxAttach)})`);
  // The agents started without a screen, at the server's default size: each /fg resizes the agent
  // it attaches to the client's pane, which re-wraps its 5,000 lines (the others are left alone).
  log(`  (each /fg attached an agent still at the default size, so it includes one re-wrap of ${LINES} lines; `
    + `run 1 took ${fmtMs(times.attach[0])}, ${fmtRatio(times.attach[0] / median(times.attach.slice(1)))} the later runs' median)`);
  return [
    { benchmark: `reattach, ${AGENTS} agents × ${LINES} lines: first complete frame, median of ${RUNS}`, agentmux: fmtMs(m.full), reference: `empty server ${fmtMs(m.empty)}`, ratio: fmtRatio(m.full / m.empty), target: '≤ 300 ms' },
    { benchmark: `reattach first frame vs tmux attach (${AGENTS} windows)`, agentmux: fmtMs(m.full), reference: `tmux ${fmtMs(m.tmux)}`, ratio: fmtRatio(m.full / m.tmux), target: '—' },
    { benchmark: `attach one agent (/fg, Enter) until its last line shows, median of ${RUNS}`, agentmux: fmtMs(m.attach), reference: `tmux C-b N ${fmtMs(m.tmuxAttach)}`, ratio: fmtRatio(m.attach / m.tmuxAttach), target: '—' },
  ];
}
