// Append-only JSON Lines files: each record is one line, written with one write(2) and
// flushed to disk, so a crash loses at most the line being written. A torn last line (no
// newline, or not JSON) is skipped on read; a bad line in the middle is reported.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Appends `value` as one line; creates the file (0600) and its directory (0700) when missing. */
export function appendJsonl(path: string, value: unknown): void {
  appendJsonlLines(path, [value]);
}

/** Appends several records with a single write. */
export function appendJsonlLines(path: string, values: readonly unknown[]): void {
  if (values.length === 0) return;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const fd = openSync(path, 'a', 0o600);
  try {
    writeSync(fd, values.map((value) => `${JSON.stringify(value)}\n`).join(''));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export interface JsonlRead {
  records: unknown[];
  /** Lines that are not JSON, other than a torn last line: 1-based line numbers. */
  badLines: number[];
  /** The last line was cut off by a crash and was left out. */
  torn: boolean;
}

/** Every record in `path`; a missing file has none. */
export function readJsonl(path: string): JsonlRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], badLines: [], torn: false };
    throw error;
  }
  return parseJsonl(text);
}

export function parseJsonl(text: string): JsonlRead {
  const lines = text.split('\n');
  const complete = text.endsWith('\n');
  // After the split the last element is '' for a complete file, or the unterminated tail.
  const tail = lines.pop() ?? '';
  const result: JsonlRead = { records: [], badLines: [], torn: !complete && tail.length > 0 };
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      result.records.push(JSON.parse(line));
    } catch {
      // A crash mid-write leaves a torn line only at the end: a line that is followed by others
      // and still does not parse was damaged some other way.
      result.badLines.push(index + 1);
    }
  });
  return result;
}

/**
 * Cuts a torn last line off `path`, so that the next append starts on a line of its own.
 * Call it once after reading a file that is going to be appended to again.
 */
export function repairJsonl(path: string): void {
  let text: Buffer;
  try {
    text = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (text.length === 0 || text[text.length - 1] === 0x0a) return;
  truncateSync(path, text.lastIndexOf(0x0a) + 1);
}
