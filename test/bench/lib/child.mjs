// Runs one benchmark in a fresh node process (started by run.mjs with --expose-gc) and
// sends its table rows back over the IPC channel.
import { cleanupAll } from './cleanup.mjs';

const [name] = process.argv.slice(2);
const fixtures = JSON.parse(process.env.AGENTMUX_BENCH_FIXTURES ?? '{}');

// The emulator pool's workers are unref'd (the CLI's tty keeps it alive): keep this process alive.
const keepAlive = setInterval(() => {}, 1 << 30);

try {
  const { default: bench } = await import(`../${name}.mjs`);
  const rows = await bench({ fixtures, log: (line) => console.log(line) });
  await new Promise((resolve) => process.send({ rows }, resolve));
  clearInterval(keepAlive);
  cleanupAll();
  process.exit(0);
} catch (error) {
  console.error(`${name} failed: ${error instanceof Error ? error.stack : error}`);
  cleanupAll();
  process.exit(1);
}
