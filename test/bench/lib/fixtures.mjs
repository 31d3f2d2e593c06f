// Test data: a build log with SGR colours, ~80-100 visible characters a line.
import { mkdtempSync, openSync, closeSync, writeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onCleanup } from './cleanup.mjs';

export const END_MARKER = 'agentmux-bench: end of log';

/** A fresh temporary directory, removed at exit. */
export function tempDir(prefix = 'agentmux-bench-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// Deterministic pseudo-random numbers (mulberry32), so every run parses the same bytes.
function random(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DIRS = ['src/core', 'src/server', 'src/pty', 'src/tui/views', 'packages/api/lib', 'test/unit', 'vendor/xterm/common'];
const FILES = ['agent-server', 'emulator-pool', 'frame-builder', 'chat-view', 'config-schema', 'line-editor', 'parser', 'buffer-line'];
const WORDS = ['compiling', 'bundling', 'linking', 'checking', 'resolving', 'transforming', 'optimizing', 'emitting'];
const WARNINGS = ['unused variable `tmp`', 'implicit any in parameter `x`', 'deprecated API `Buffer()`', 'unreachable code after return'];

/** One log line: timestamp, coloured level, a path, a message, a dim duration. */
function logLine(rand, n) {
  const r = rand();
  const time = `\x1b[2m[${String(10 + (n % 14)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}:${String((n * 7) % 60).padStart(2, '0')}]\x1b[0m`;
  const path = `${DIRS[Math.floor(rand() * DIRS.length)]}/${FILES[Math.floor(rand() * FILES.length)]}.ts`;
  const ms = `\x1b[2m(${Math.floor(rand() * 900) + 3} ms)\x1b[0m`;
  if (r < 0.08) {
    const warning = WARNINGS[Math.floor(rand() * WARNINGS.length)];
    return `${time} \x1b[1;33mWARN \x1b[0m \x1b[36m${path}\x1b[0m:${Math.floor(rand() * 400) + 1}:${Math.floor(rand() * 80) + 1} ${warning} ${ms}`;
  }
  if (r < 0.1) {
    return `${time} \x1b[1;31mERROR\x1b[0m \x1b[36m${path}\x1b[0m: expected \x1b[32mstring\x1b[0m, got \x1b[31mnumber\x1b[0m (TS2345) ${ms}`;
  }
  const word = WORDS[Math.floor(rand() * WORDS.length)];
  const detail = `${Math.floor(rand() * 5000)} modules, ${Math.floor(rand() * 90) + 10} kB`;
  return `${time} \x1b[32mINFO \x1b[0m ${word} \x1b[36m${path}\x1b[0m \x1b[38;5;244m${detail}\x1b[0m ${ms}`;
}

/**
 * Writes about `bytes` of coloured build log to `path`, ending with END_MARKER.
 * A few MB of distinct lines are generated and repeated to reach the size quickly.
 */
export function writeBuildLog(path, bytes) {
  const rand = random(42);
  const block = [];
  let blockBytes = 0;
  for (let n = 0; blockBytes < Math.min(bytes, 4 << 20); n++) {
    const line = `${logLine(rand, n)}\n`;
    block.push(line);
    blockBytes += Buffer.byteLength(line);
  }
  const chunk = Buffer.from(block.join(''));
  const fd = openSync(path, 'w');
  let written = 0;
  try {
    while (written + chunk.length <= bytes) {
      writeSync(fd, chunk);
      written += chunk.length;
    }
    const rest = chunk.subarray(0, chunk.lastIndexOf('\n', bytes - written) + 1);
    writeSync(fd, rest);
    written += rest.length;
    const tail = Buffer.from(`${END_MARKER}\n`);
    writeSync(fd, tail);
    written += tail.length;
  } finally {
    closeSync(fd);
  }
  return { path, bytes: written };
}
