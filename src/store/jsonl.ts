// Append-only JSON Lines files: each record is one line, written with one write(2) and
// flushed to disk, so a crash loses at most the line being written. A torn last line (no
// newline, or not JSON) is skipped on read; a bad line in the middle is reported (and, by a
// writer's loadJsonl, moved to `<file>.bad`).
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, truncateSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { numberRanges, plural } from '../core/format.js';

/** Appends `value` as one line; creates the file (0600) and its directory (0700) when missing. */
export function appendJsonl(path: string, value: unknown): void {
  appendJsonlLines(path, [value]);
}

/** Appends several records with a single write. */
export function appendJsonlLines(path: string, values: readonly unknown[]): void {
  appendLines(path, values.map((value) => JSON.stringify(value)));
}

const NEWLINE = Buffer.from('\n');

/** Lines as bytes, each ended by a newline. */
function joined(lines: ReadonlyArray<string | Buffer>): Buffer {
  return Buffer.concat(lines.flatMap((line) => [typeof line === 'string' ? Buffer.from(line) : line, NEWLINE]));
}

function appendLines(path: string, lines: ReadonlyArray<string | Buffer>): void {
  if (lines.length === 0) return;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const fd = openSync(path, 'a', 0o600);
  try {
    writeSync(fd, joined(lines));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces `path` with these lines: written beside it and renamed over it, so a crash leaves the old file or the new one. */
export function replaceJsonl(path: string, lines: ReadonlyArray<string | Buffer>): void {
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, joined(lines));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
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

export interface JsonlLoad<T> {
  records: T[];
  /** Lines the file holds once loaded: for a caller deciding whether to compact it. */
  lines: number;
  /** What was wrong with the file and what was done about it, one line each. */
  notices: string[];
}

/**
 * The records of `path` that `parse` accepts, for a writer that goes on appending to it. Unreadable
 * lines in the middle (not JSON, or not a record) are appended to `<path>.bad`, so nothing is lost,
 * and the file is rewritten without them, so they are reported once; a torn last line is cut off.
 * `skip`: lines at the start that the caller reads itself (a header), kept as they are.
 * `readOnly`, for a reader beside a running server (whose write in progress looks torn), changes
 * nothing and reports nothing: the server reports it when it opens the file.
 */
export function loadJsonl<T>(
  path: string, parse: (value: unknown) => T | undefined, { skip = 0, readOnly = false }: { skip?: number; readOnly?: boolean } = {},
): JsonlLoad<T> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], lines: 0, notices: [] };
    throw error;
  }
  // Lines are kept as bytes, so that what is set aside is what was there, even when it is not UTF-8.
  const lines: Buffer[] = [];
  let start = 0;
  for (let end = bytes.indexOf(0x0a); end !== -1; end = bytes.indexOf(0x0a, start)) {
    lines.push(bytes.subarray(start, end));
    start = end + 1;
  }
  const torn = start < bytes.length;
  const records: T[] = [];
  const kept = lines.slice(0, skip);
  const unreadable: number[] = [];
  lines.slice(skip).forEach((line, index) => {
    const text = line.toString('utf8');
    if (text.trim() === '') return;
    const record = parseLine(text, parse);
    if (record === undefined) {
      unreadable.push(skip + index + 1);
      return;
    }
    records.push(record);
    kept.push(line);
  });
  if (readOnly) return { records, lines: lines.length, notices: [] };
  const notices: string[] = [];
  if (unreadable.length > 0) {
    appendLines(`${path}.bad`, unreadable.map((number) => lines[number - 1]));
    replaceJsonl(path, kept);
    const where = `line${unreadable.length === 1 ? '' : 's'} ${numberRanges(unreadable)}`;
    notices.push(`${path}: ${plural(unreadable.length, 'unreadable line')} skipped (${where}), kept in ${basename(path)}.bad`);
  } else if (torn) {
    repairJsonl(path);
  }
  if (torn) notices.push(`${path}: the last line (line ${lines.length + 1}) was cut off by a crash while it was written, skipped`);
  return { records, lines: unreadable.length > 0 ? kept.length : lines.length, notices };
}

function parseLine<T>(line: string, parse: (value: unknown) => T | undefined): T | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  return parse(value);
}
