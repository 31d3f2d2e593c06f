// 2b. Peak memory while one agent floods 100 MB: flow control should keep it bounded.
import { Agents, COLS, ROWS } from './lib/agents.mjs';
import { sampleRss, settledRss } from './lib/memory.mjs';
import { rss } from './lib/proc.mjs';
import { fmtMB, fmtRatio, sleep } from './lib/stats.mjs';
import { Tmux } from './lib/tmux.mjs';

async function agentmuxPeak(file) {
  const agents = new Agents();
  try {
    await agents.warmUp();
    const before = await settledRss(1500);
    const sampler = sampleRss();
    const agent = agents.start(`cat '${file}'`);
    await agent.ended;
    const peak = sampler.stop();
    agents.dispose(agent);
    return { before, peak };
  } finally {
    await agents.close();
  }
}

async function tmuxPeak(dir, file) {
  const tmux = new Tmux(dir);
  try {
    tmux.run('new-session', '-d', '-x', String(COLS), '-y', String(ROWS), 'exec sleep 1000');
    const pid = tmux.serverPid();
    await sleep(300);
    const before = rss(pid);
    const sampler = sampleRss(pid);
    tmux.run('new-window', '-d', `cat '${file}'; tmux -L ${tmux.socket} wait-for -S done; exec sleep 1000`);
    // Waited for asynchronously, so the sampler's timer keeps running meanwhile.
    await tmux.runAsync('wait-for', 'done');
    return { before, peak: sampler.stop() };
  } finally {
    tmux.killServer();
    tmux.close();
  }
}

export default async function flood({ fixtures, log }) {
  const { path, bytes } = fixtures.big;
  const ours = await agentmuxPeak(path);
  log(`  agentmux: RSS ${fmtMB(ours.before)} before, peak ${fmtMB(ours.peak)} while parsing ${fmtMB(bytes)}`);
  const tmux = await tmuxPeak(fixtures.dir, path);
  log(`  tmux server: RSS ${fmtMB(tmux.before)} before, peak ${fmtMB(tmux.peak)}`);
  const ourGrowth = ours.peak - ours.before;
  const tmuxGrowth = tmux.peak - tmux.before;
  return [{
    benchmark: `peak RSS growth while one agent floods ${fmtMB(bytes)}`,
    agentmux: fmtMB(ourGrowth),
    reference: `tmux ${fmtMB(tmuxGrowth)}`,
    ratio: fmtRatio(ourGrowth / tmuxGrowth),
    target: 'bounded',
  }];
}
