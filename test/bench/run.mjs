// `npm run bench`: every benchmark in sequence, each in its own node process, then a
// Markdown table. `node test/bench/run.mjs ingest echo-latency` runs only those.
import { fork } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { cleanupAll } from './lib/cleanup.mjs';
import { tempDir, writeBuildLog } from './lib/fixtures.mjs';
import { markdownTable } from './lib/report.mjs';
import { MB } from './lib/stats.mjs';

const BENCHMARKS = {
  ingest: 'ingest: 100 MB of coloured output',
  memory: 'memory: idle agents holding 5,000 lines of scrollback',
  flood: 'memory: peak while one agent floods',
  'idle-cpu': 'idle CPU: 20 idle agents',
  'echo-latency': 'keystroke echo latency, idle and under a flood',
  startup: 'launch to first frame',
  reattach: 'reattach to a server holding 20 agents with 5,000 lines of scrollback each',
  'client-bytes': 'bytes written to the client terminal while an attached agent streams',
  logs: '`agentmux logs` of a 32 MB log: text from the emulator\'s cells',
  compaction: 'auto-compaction: the pause at the threshold, against a manual /compact',
  remote: 'an agent on an SSH host (loopback sshd): bringing it to the front, keystroke echo',
};

function runChild(name, fixtures) {
  return new Promise((resolve) => {
    let rows;
    const child = fork(new URL('./lib/child.mjs', import.meta.url), [name], {
      execArgv: ['--expose-gc'],
      env: { ...process.env, AGENTMUX_BENCH_FIXTURES: JSON.stringify(fixtures) },
    });
    child.on('message', (message) => {
      rows = message.rows;
    });
    child.on('exit', (code, signal) => {
      resolve(rows ?? [{ benchmark: name, agentmux: `failed (${signal ?? `exit ${code}`})`, reference: '', ratio: '', target: '' }]);
    });
  });
}

async function main() {
  const chosen = process.argv.slice(2);
  const unknown = chosen.filter((name) => !(name in BENCHMARKS));
  if (unknown.length) {
    console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    process.exit(2);
  }
  const names = chosen.length ? chosen : Object.keys(BENCHMARKS);

  const dir = tempDir();
  const fixtures = {
    dir,
    big: writeBuildLog(join(dir, 'build-100mb.log'), 100 * MB),
    small: writeBuildLog(join(dir, 'build-1mb.log'), 1 * MB),
  };

  // Other work on the machine skews every figure: say how busy it was.
  const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');
  console.log(`${availableParallelism()} cores, load average ${load()} at start.`);
  const started = performance.now();
  const rows = [];
  for (const name of names) {
    console.log(`\n## ${BENCHMARKS[name]}`);
    const benchStarted = performance.now();
    rows.push(...await runChild(name, fixtures));
    console.log(`  (${((performance.now() - benchStarted) / 1000).toFixed(1)} s)`);
  }
  console.log(`\nAll done in ${((performance.now() - started) / 1000).toFixed(0)} s on ${process.platform}, node ${process.version}; load average ${load()}.\n`);
  console.log(markdownTable(rows));
  cleanupAll();
}

main().catch((error) => {
  console.error(error);
  cleanupAll();
  process.exit(1);
});
