// One agent's raw output on disk (pty data, UTF-8), kept within about twice a size limit by
// rotating the file to `<path>.1` once.
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, statSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

export const DEFAULT_OUTPUT_LOG_LIMIT = 32 * 1024 * 1024;

/**
 * Appends output to `path`. The file is opened on the first append and kept open until `close`;
 * an append after `close` opens it again. Appends are not fsynced: the page cache survives a
 * crash of our process, and a sync per chunk of output would cost too much throughput.
 */
export class OutputLog {
  private fd: number | undefined;
  private size = 0;
  private readonly limit: number;

  constructor(private readonly path: string, options: { limitBytes?: number } = {}) {
    this.limit = options.limitBytes ?? DEFAULT_OUTPUT_LOG_LIMIT;
  }

  /**
   * Writes `data` (text as UTF-8, or the pty's bytes as they came) whole. When it would take the file past the limit, the file first becomes
   * `<path>.1` (replacing an older one) and a new file starts; a chunk is never split, so a
   * single chunk larger than the limit makes a file larger than the limit.
   */
  append(data: string | Uint8Array): void {
    if (data.length === 0) return;
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let fd = this.fd ?? this.open();
    if (this.size > 0 && this.size + bytes.length > this.limit) {
      this.close();
      renameSync(this.path, rotatedPath(this.path));
      fd = this.open();
    }
    writeSync(fd, bytes);
    this.size += bytes.length;
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): number {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const fd = openSync(this.path, 'a', 0o600);
    this.fd = fd;
    this.size = fstatSync(fd).size;
    return fd;
  }
}

function rotatedPath(path: string): string {
  return `${path}.1`;
}

/** Bytes in the log (both files); 0 when there is none. */
export function outputLogSize(path: string): number {
  return fileSize(rotatedPath(path)) + fileSize(path);
}

/** Bytes `start` (included) to `end` (excluded) of `<path>.1` and `<path>` taken as one, cut at the log's end. */
export function readOutputLogRange(path: string, start: number, end: number): Promise<Buffer> {
  return readLogBytes(path, () => [start, end]);
}

/** The last `maxBytes` of the log, read at once (small reads while a workspace opens). */
export function readOutputLogTail(path: string, maxBytes: number): Buffer {
  const parts: Buffer[] = [];
  let wanted = maxBytes;
  for (const file of [path, rotatedPath(path)]) {
    if (wanted <= 0) break;
    const size = fileSize(file);
    if (size === 0) continue;
    const from = Math.max(0, size - wanted);
    const fd = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(size - from);
      const read = readSync(fd, buffer, 0, buffer.length, from);
      parts.unshift(buffer.subarray(0, read));
      wanted -= read;
    } finally {
      closeSync(fd);
    }
  }
  return Buffer.concat(parts);
}

/** The bytes of the log between the offsets `range` picks, given the log's size when read. */
async function readLogBytes(path: string, range: (total: number) => [number, number]): Promise<Buffer> {
  // The current file first: a rotation between the two opens then repeats output instead of losing it.
  const current = await openIfExists(path);
  const rotated = await openIfExists(rotatedPath(path));
  try {
    const rotatedSize = rotated ? (await rotated.stat()).size : 0;
    const currentSize = current ? (await current.stat()).size : 0;
    const [start, end] = range(rotatedSize + currentSize);
    const from = Math.max(0, start);
    return Buffer.concat([
      await readRange(rotated, from, Math.min(end, rotatedSize)),
      await readRange(current, Math.max(0, from - rotatedSize), Math.min(end - rotatedSize, currentSize)),
    ]);
  } finally {
    await current?.close();
    await rotated?.close();
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

async function openIfExists(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function readRange(handle: FileHandle | undefined, from: number, to: number): Promise<Buffer> {
  if (!handle || from >= to) return Buffer.alloc(0);
  const buffer = Buffer.alloc(to - from);
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, from + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}
