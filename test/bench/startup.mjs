// 5. Launch to the first complete frame (header, list title, input prompt, status bar).
// References: bare node start-up (`node -e ''`) and tmux new-session until its status line shows.
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { firstFrameShown, launchCli } from './lib/cli.mjs';
import { Screen } from './lib/screen.mjs';
import { fmtMs, fmtRatio, median, repeat } from './lib/stats.mjs';
import { Tmux, tmuxEnv } from './lib/tmux.mjs';

const RUNS = 5;

async function agentmuxOnce() {
  const started = performance.now();
  const screen = launchCli();
  try {
    return (await screen.waitFor(firstFrameShown, { what: 'the first frame' })) - started;
  } finally {
    await screen.close();
  }
}

function nodeOnce() {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', ''], (error) => (error ? reject(error) : resolve(performance.now() - started)));
  });
}

async function tmuxOnce(dir) {
  const tmux = new Tmux(dir);
  const started = performance.now();
  const screen = new Screen({ command: 'tmux', args: [...tmux.base, 'new-session', 'exec cat'], env: tmuxEnv() });
  try {
    return (await screen.waitForText('[0] 0:', { what: 'the tmux status line' })) - started;
  } finally {
    tmux.killServer();
    tmux.close();
    await screen.close();
  }
}

export default async function startup({ fixtures, log }) {
  const ours = median(await repeat(RUNS, agentmuxOnce));
  const node = median(await repeat(RUNS, nodeOnce));
  const tmux = median(await repeat(RUNS, () => tmuxOnce(fixtures.dir)));
  log(`  medians of ${RUNS}: agentmux first frame ${fmtMs(ours)}, node -e '' ${fmtMs(node)}, tmux new-session to status line ${fmtMs(tmux)}`);
  return [
    { benchmark: `launch to first complete frame, median of ${RUNS}`, agentmux: fmtMs(ours), reference: `tmux ${fmtMs(tmux)}`, ratio: fmtRatio(ours / tmux), target: '—' },
    { benchmark: 'launch vs bare node start-up', agentmux: fmtMs(ours), reference: `node -e '' ${fmtMs(node)}`, ratio: fmtRatio(ours / node), target: '—' },
  ];
}
