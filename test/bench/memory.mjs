// 2a. Memory per idle agent holding a full scrollback (5,000 lines), vs a tmux window doing the same.
import { Agents, COLS, ROWS, SCROLLBACK } from './lib/agents.mjs';
import { settledRss } from './lib/memory.mjs';
import { rss } from './lib/proc.mjs';
import { fmtMB, fmtRatio, MB, sleep } from './lib/stats.mjs';
import { Tmux } from './lib/tmux.mjs';

const AGENTS = 10;
const LINES = SCROLLBACK + 1000;
const READY = 'agentmux-bench: idle';

const idleCommand = (file) => `head -n ${LINES} '${file}'; echo '${READY}'; exec sleep 1000`;

async function agentmuxPerAgent(file) {
  const agents = new Agents();
  try {
    await agents.warmUp();
    const before = await settledRss(1500);
    let ready = 0;
    const allReady = new Promise((resolve) => {
      for (let i = 0; i < AGENTS; i++) {
        agents.start(idleCommand(file), {
          onLastLine: (text) => {
            if (text === READY && ++ready === AGENTS) resolve();
          },
        });
      }
    });
    await allReady;
    const after = await settledRss(1500);
    return { before, after };
  } finally {
    await agents.close();
  }
}

async function tmuxPerWindow(dir, file) {
  const tmux = new Tmux(dir, { historyLimit: SCROLLBACK });
  try {
    tmux.run('new-session', '-d', '-x', String(COLS), '-y', String(ROWS), 'exec sleep 1000');
    const pid = tmux.serverPid();
    await sleep(300);
    const before = rss(pid);
    for (let i = 0; i < AGENTS; i++) tmux.run('new-window', '-d', idleCommand(file));
    // Ready when every new window has a full history (tmux trims 10% whenever it reaches the limit).
    for (let tries = 0; ; tries++) {
      const full = tmux.run('list-panes', '-s', '-F', '#{history_size}').split('\n').filter((n) => Number(n) >= SCROLLBACK * 0.9);
      if (full.length >= AGENTS) break;
      if (tries > 200) throw new Error('tmux windows did not fill their history');
      await sleep(50);
    }
    await sleep(300);
    return { before, after: rss(pid) };
  } finally {
    tmux.killServer();
    tmux.close();
  }
}

export default async function memory({ fixtures, log }) {
  if (!globalThis.gc) log('  (no global.gc: run with node --expose-gc for steadier figures)');
  const ours = await agentmuxPerAgent(fixtures.big.path);
  const perAgent = (ours.after - ours.before) / AGENTS;
  log(`  agentmux: RSS ${fmtMB(ours.before)} → ${fmtMB(ours.after)} with ${AGENTS} idle agents: ${fmtMB(perAgent)} per agent`);
  const tmux = await tmuxPerWindow(fixtures.dir, fixtures.big.path);
  const perWindow = (tmux.after - tmux.before) / AGENTS;
  log(`  tmux server: RSS ${fmtMB(tmux.before)} → ${fmtMB(tmux.after)} with ${AGENTS} more windows: ${fmtMB(perWindow)} per window`);
  // xterm.js keeps 3 32-bit words per cell: the buffer alone is about this much.
  const cells = ((SCROLLBACK + ROWS) * COLS * 12) / MB;
  log(`  (a ${COLS}-column xterm.js buffer of ${SCROLLBACK + ROWS} lines holds ≈ ${cells.toFixed(1)} MB of cells)`);
  return [{
    benchmark: `RSS per idle agent, ${SCROLLBACK} lines of scrollback (${AGENTS} agents)`,
    agentmux: fmtMB(perAgent),
    reference: `tmux ${fmtMB(perWindow)}`,
    ratio: fmtRatio(perAgent / perWindow),
    target: '≤ 15 MB',
  }];
}
