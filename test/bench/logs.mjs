// `agentmux logs` of a 32 MB coloured log: plain text read from an emulator's cells (the log
// replayed through @xterm/headless) against the same log as written (`--raw`), both end to end
// through the CLI and the server.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CLI_ENTRY, Sandbox } from './lib/cli.mjs';
import { writeBuildLog } from './lib/fixtures.mjs';
import { fmtMs, fmtRatio, median, MB } from './lib/stats.mjs';

const RUNS = 3;
const SIZE = 32 * MB;

export default async function logs({ fixtures, log }) {
  const { path: file, bytes } = writeBuildLog(join(fixtures.dir, 'build-32mb.log'), SIZE);
  const sandbox = new Sandbox();
  const times = { plain: [], raw: [] };
  let printed = { plain: 0, raw: 0 };
  try {
    await sandbox.cli(['run', '--name', 'big', '--', `cat '${file}'`]);
    await sandbox.cli(['wait', 'big'], { timeoutMs: 120_000 });
    const run = (args) => {
      const started = performance.now();
      const out = execFileSync(process.execPath, [CLI_ENTRY, ...args], { env: sandbox.env, cwd: sandbox.home, maxBuffer: 1 << 30 });
      return { ms: performance.now() - started, bytes: out.length };
    };
    // Interleaved, so a noisy moment of the machine hits both alike.
    for (let i = 0; i < RUNS; i++) {
      const plain = run(['logs', 'big']);
      const raw = run(['logs', 'big', '--raw']);
      times.plain.push(plain.ms);
      times.raw.push(raw.ms);
      printed = { plain: plain.bytes, raw: raw.bytes };
      log(`  run ${i + 1}: logs ${Math.round(plain.ms)} ms (${(plain.bytes / MB).toFixed(1)} MB of text), logs --raw ${Math.round(raw.ms)} ms (${(raw.bytes / MB).toFixed(1)} MB)`);
    }
  } finally {
    const warning = await sandbox.stopServer();
    if (warning) log(`  WARNING: ${warning}`);
  }
  const [plain, raw] = [median(times.plain), median(times.raw)];
  log(`  median: logs ${fmtMs(plain)}, --raw ${fmtMs(raw)}; ${(printed.plain / MB).toFixed(1)} MB of text from ${(bytes / MB).toFixed(0)} MB of output`);
  return [
    { benchmark: `\`agentmux logs\` of a ${Math.round(bytes / MB)} MB coloured log (text from the emulator's cells), median of ${RUNS}`, agentmux: fmtMs(plain), reference: `--raw ${fmtMs(raw)}`, ratio: fmtRatio(plain / raw), target: '—' },
  ];
}
