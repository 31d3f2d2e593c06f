// 1. Ingest: how fast one background agent's flood of coloured output is fully parsed.
// agentmux (pty + EmulatorPool) vs tmux (a detached session) vs a bare pty (`script`).
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Agents, COLS, ROWS } from './lib/agents.mjs';
import { END_MARKER } from './lib/fixtures.mjs';
import { cpuMs } from './lib/proc.mjs';
import { fmtRatio, median, MB } from './lib/stats.mjs';
import { Tmux, tmuxEnv } from './lib/tmux.mjs';

const RUNS = 3;

/** CPU time of this whole process (all threads: the emulator workers too), in ms. */
const ownCpuMs = () => cpuMs(process.pid);

async function agentmuxOnce(agents, file) {
  const cpuBefore = ownCpuMs();
  const started = performance.now();
  const agent = agents.start(`cat '${file}'`);
  const { at, lastLine } = await agent.ended;
  const cpu = ownCpuMs() - cpuBefore;
  agents.dispose(agent);
  // node-pty on Linux may drop the last few kB when a process exits right after a burst
  // (microsoft/node-pty#72, #85, #726): count it, it does not change the timing.
  return { ms: at - started, cpu, complete: lastLine === END_MARKER };
}

function tmuxOnce(dir, file) {
  const tmux = new Tmux(dir);
  const signal = `tmux -L ${tmux.socket} wait-for -S done`;
  const started = performance.now();
  tmux.run('new-session', '-d', '-x', String(COLS), '-y', String(ROWS), `cat '${file}'; ${signal}; sleep 1000`);
  tmux.run('wait-for', 'done');
  const elapsed = performance.now() - started;
  // The server started with this session: all its CPU time went into this run.
  const cpu = cpuMs(tmux.serverPid());
  const screen = tmux.run('capture-pane', '-p');
  tmux.killServer();
  tmux.close();
  if (!screen.includes(END_MARKER)) throw new Error('tmux did not show the end of the log');
  return { ms: elapsed, cpu };
}

function rawPtyOnce(file) {
  const started = performance.now();
  execFileSync('sh', ['-c', `script -qc "cat '${file}'" /dev/null > /dev/null`], { stdio: 'ignore', env: tmuxEnv() });
  return performance.now() - started;
}

export default async function ingest({ fixtures, log }) {
  const { path: file, bytes } = fixtures.big;
  const agents = new Agents();
  const times = { agentmux: [], tmux: [], raw: [] };
  const cpu = { agentmux: [], tmux: [] };
  let truncated = 0;
  try {
    await agents.warmUp();
    // Interleaved, so a noisy moment of the machine hits all three alike.
    for (let run = 0; run < RUNS; run++) {
      const ours = await agentmuxOnce(agents, file);
      times.agentmux.push(ours.ms);
      cpu.agentmux.push(ours.cpu);
      if (!ours.complete) truncated++;
      const tmux = tmuxOnce(fixtures.dir, file);
      times.tmux.push(tmux.ms);
      cpu.tmux.push(tmux.cpu);
      times.raw.push(rawPtyOnce(file));
      log(`  run ${run + 1}: agentmux ${Math.round(times.agentmux[run])} ms (CPU ${Math.round(cpu.agentmux[run])} ms), `
        + `tmux ${Math.round(times.tmux[run])} ms (CPU ${Math.round(cpu.tmux[run])} ms), raw pty ${Math.round(times.raw[run])} ms`);
    }
  } finally {
    await agents.close();
  }
  const speed = (ms) => bytes / MB / (ms / 1000);
  const [ours, tmux, raw] = [times.agentmux, times.tmux, times.raw].map((list) => speed(median(list)));
  if (truncated) log(`  WARNING: agentmux lost the end of the output in ${truncated} of ${RUNS} runs (last line was not the end marker)`);
  log(`  median: agentmux ${ours.toFixed(1)} MB/s, tmux ${tmux.toFixed(1)} MB/s, raw pty ${raw.toFixed(1)} MB/s`);
  const size = `${Math.round(bytes / MB)} MB`;
  // CPU time suffers less than wall time from other load on the machine.
  const [ourCpu, tmuxCpu] = [cpu.agentmux, cpu.tmux].map((list) => median(list) / 1000);
  log(`  median CPU time: agentmux ${ourCpu.toFixed(2)} s (main thread + workers), tmux server ${tmuxCpu.toFixed(2)} s`);
  const lost = truncated ? ` (tail lost in ${truncated}/${RUNS})` : '';
  return [
    { benchmark: `ingest ${size} coloured log (parsed and logged), median of ${RUNS}`, agentmux: `${ours.toFixed(1)} MB/s${lost}`, reference: `tmux ${tmux.toFixed(1)} MB/s`, ratio: fmtRatio(ours / tmux), target: '≥ 1.5× tmux' },
    { benchmark: `ingest CPU time for ${size}`, agentmux: `${ourCpu.toFixed(2)} s`, reference: `tmux ${tmuxCpu.toFixed(2)} s`, ratio: fmtRatio(ourCpu / tmuxCpu), target: '—' },
    { benchmark: 'ingest vs bare pty (`script`)', agentmux: `${ours.toFixed(1)} MB/s`, reference: `raw pty ${raw.toFixed(1)} MB/s`, ratio: fmtRatio(ours / raw), target: '—' },
  ];
}
