// 6. Reattach: `agentmux attach` to a server already holding 20 agents with 5,000 lines of
// scrollback each, until the first complete frame; then attaching one of those agents until its
// screen shows its last line. References: the same attach to a server with no agents, and a tmux
// client attaching to a session of 20 windows holding the same output.
import { performance } from 'node:perf_hooks';
import { agentCount, firstFrameShown, Sandbox, typeLine } from './lib/cli.mjs';
import { Screen } from './lib/screen.mjs';
import { fmtMs, fmtRatio, median, sleep } from './lib/stats.mjs';
import { Tmux, tmuxEnv } from './lib/tmux.mjs';

const RUNS = 5;
const AGENTS = 20;
const LINES = 5000;
const COLS = 100;
const ROWS = 30;
/** The agent attached in each run (tmux: the window at index TARGET - 1). */
const TARGET = 7;
const READY_TIMEOUT_MS = 60_000;
const LAST_LINE = String(LINES);

/** 4,999 lines of the coloured build log, then `5000`, then idle. */
const agentCommand = (file) => `head -n ${LINES - 1} '${file}'; echo ${LAST_LINE}; exec sleep 100000`;

const CTRL_B = '\x02';
const CTRL_Q = '\x11';

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

/** Ctrl+Q (after Ctrl+B when an agent has the keys) and the client's exit. */
async function quit(screen) {
  screen.write(CTRL_Q);
  await screen.waitForExit({ timeoutMs: 5000, what: 'the client to exit after Ctrl+Q' });
}

/** One `agentmux attach`: ms to the first complete frame, and (with `attach`) ms from Enter on `/fg agent-N` to its last line. */
async function agentmuxOnce(sandbox, agents, { attach = false } = {}) {
  const started = performance.now();
  const screen = sandbox.screen({ args: ['attach'], cols: COLS, rows: ROWS });
  try {
    const frame = (await screen.waitFor(completeFrame(agents), { what: `the first complete frame with ${agents} agents` })) - started;
    let attached;
    if (attach) {
      const name = `agent-${TARGET}`;
      screen.write(`/fg ${name}`);
      await screen.waitForText(`/fg ${name}`, { what: 'the typed /fg command' });
      const sent = performance.now();
      screen.write('\r');
      attached = (await screen.waitFor(agentScreenShown(name), { what: `${name}'s screen down to its last line ${LAST_LINE}` })) - sent;
      screen.write(CTRL_B);
      await screen.waitFor(firstFrameShown, { what: 'the chat again after Ctrl+B' });
    }
    await quit(screen);
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

/** One `tmux attach`: ms to its status line over the active window's screen, then ms from `C-b 6` to window agent-7. */
async function tmuxOnce(tmux) {
  tmux.run('select-window', '-t', 'bench:0');
  const started = performance.now();
  const screen = new Screen({ command: 'tmux', args: [...tmux.base, 'attach-session', '-t', 'bench'], cols: COLS, rows: ROWS, env: tmuxEnv() });
  try {
    const shown = (name) => (s) => s.line(ROWS - 1).startsWith('[bench]') && s.line(ROWS - 1).includes(`${name}*`)
      && s.text().split('\n').some((row) => row.trim() === LAST_LINE);
    const frame = (await screen.waitFor(shown('agent-1'), { what: 'the tmux status line over window agent-1' })) - started;
    const sent = performance.now();
    screen.write(`${CTRL_B}${TARGET - 1}`);
    const attached = (await screen.waitFor(shown(`agent-${TARGET}`), { what: `tmux window agent-${TARGET}` })) - sent;
    screen.write(`${CTRL_B}d`);
    await screen.waitForExit({ timeoutMs: 5000, what: 'the tmux client to exit after C-b d' });
    return { frame, attached };
  } finally {
    await screen.close();
  }
}

export default async function reattach({ fixtures, log }) {
  const file = fixtures.small.path;
  const setupStarted = performance.now();
  const full = await fullServer(file);
  const empty = await emptyServer();
  const tmux = await tmuxSession(fixtures.dir, file);
  log(`  set up ${AGENTS} agents and ${AGENTS} tmux windows of ${LINES} lines in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`);
  const times = { full: [], attach: [], empty: [], tmux: [], tmuxAttach: [] };
  const warnings = [];
  try {
    // Interleaved, so a noisy moment of the machine hits all three alike.
    for (let run = 0; run < RUNS; run++) {
      const ours = await agentmuxOnce(full, AGENTS, { attach: true });
      const bare = await agentmuxOnce(empty, 0);
      const theirs = await tmuxOnce(tmux);
      times.full.push(ours.frame);
      times.attach.push(ours.attached);
      times.empty.push(bare.frame);
      times.tmux.push(theirs.frame);
      times.tmuxAttach.push(theirs.attached);
      log(`  run ${run + 1}: reattach (${AGENTS} agents) ${fmtMs(ours.frame)}, /fg agent-${TARGET} ${fmtMs(ours.attached)}; `
        + `attach to an empty server ${fmtMs(bare.frame)}; tmux attach ${fmtMs(theirs.frame)}, C-b ${TARGET - 1} ${fmtMs(theirs.attached)}`);
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
  for (const warning of warnings) log(`  WARNING: ${warning}`);
  const [frame, attach, bare, tmuxFrame, tmuxAttach] = [times.full, times.attach, times.empty, times.tmux, times.tmuxAttach].map(median);
  log(`  medians of ${RUNS}: reattach ${fmtMs(frame)} (empty server ${fmtMs(bare)}, tmux ${fmtMs(tmuxFrame)}); `
    + `attach agent-${TARGET} ${fmtMs(attach)} (tmux ${fmtMs(tmuxAttach)})`);
  return [
    { benchmark: `reattach, ${AGENTS} agents × ${LINES} lines: first complete frame, median of ${RUNS}`, agentmux: fmtMs(frame), reference: `empty server ${fmtMs(bare)}`, ratio: fmtRatio(frame / bare), target: '≤ 300 ms' },
    { benchmark: 'reattach first frame vs tmux attach (20 windows)', agentmux: fmtMs(frame), reference: `tmux ${fmtMs(tmuxFrame)}`, ratio: fmtRatio(frame / tmuxFrame), target: '—' },
    { benchmark: `attach one agent (/fg) to its last line, median of ${RUNS}`, agentmux: fmtMs(attach), reference: `tmux C-b ${TARGET - 1} ${fmtMs(tmuxAttach)}`, ratio: fmtRatio(attach / tmuxAttach), target: '—' },
  ];
}
