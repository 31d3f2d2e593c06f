// File helpers shared by the tools: reading text files within limits, replacing files, and walking a
// directory tree. A file with more than one hard link is never opened for its content: its other
// names may lie outside the working directory, where no path check can see them. Writes never go
// through an existing file: a new file is renamed over it, so its other names keep their content.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { errorCode } from '../paths.js';
import type { Validation } from './tool.js';

/** read_file and edit_file refuse larger files. */
export const MAX_READ_BYTES = 1024 * 1024;
/** Bytes looked at to tell a binary file from a text file. */
const SNIFF_BYTES = 8000;
/** Directories no walk descends into (unless the walk starts inside one). */
export const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules']);

/** Binary: a NUL byte in the first few kilobytes, or bytes that are not UTF-8. */
export function looksBinary(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, SNIFF_BYTES);
  if (head.includes(0)) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return false;
  } catch {
    return true;
  }
}

/** A message for a failed file operation that the model can act on. */
export function fileErrorMessage(error: unknown, shown: string): string {
  switch (errorCode(error)) {
    case 'ENOENT': return `file not found: ${shown}`;
    case 'EISDIR': return `${shown} is a directory, not a file (use list_files to see what it holds)`;
    case 'ENOTDIR': return `${shown}: a part of this path is a file, not a directory`;
    case 'EACCES':
    case 'EPERM': return `permission denied: ${shown}`;
    default: return `${shown}: ${(error as Error).message}`;
  }
}

/** What opening a file for its content found. */
export type FileContent =
  | { kind: 'bytes'; bytes: Buffer }
  | { kind: 'directory' }
  /** A device, pipe or socket; or, when links are not followed, a symbolic link. */
  | { kind: 'not-regular' }
  | { kind: 'too-large'; size: number }
  | { kind: 'hard-linked'; links: number };

/**
 * The bytes of a regular file of at most MAX_READ_BYTES that has a single name. Checked with fstat on
 * the opened descriptor, so the file checked is the file read. Opened non-blocking: a named pipe is
 * refused instead of waiting for a writer. Other failures (missing, no permission) throw.
 */
export async function readFileContent(absolute: string, options: { followLinks: boolean }): Promise<FileContent> {
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | (options.followLinks ? 0 : constants.O_NOFOLLOW);
  let handle;
  try {
    handle = await open(absolute, flags);
  } catch (error) {
    if (!options.followLinks && errorCode(error) === 'ELOOP') return { kind: 'not-regular' };
    throw error;
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) return { kind: 'directory' };
    if (!info.isFile()) return { kind: 'not-regular' };
    if (info.nlink > 1) return { kind: 'hard-linked', links: info.nlink };
    if (info.size > MAX_READ_BYTES) return { kind: 'too-large', size: info.size };
    const bytes = await handle.readFile();
    return bytes.length > MAX_READ_BYTES ? { kind: 'too-large', size: bytes.length } : { kind: 'bytes', bytes };
  } finally {
    await handle.close();
  }
}

/** The UTF-8 text of a file, refusing directories, other non-regular files, hard-linked, binary and large files. */
export async function readTextFile(absolute: string, shown: string): Promise<Validation<string>> {
  let content: FileContent;
  try {
    content = await readFileContent(absolute, { followLinks: true });
  } catch (error) {
    return { ok: false, error: fileErrorMessage(error, shown) };
  }
  switch (content.kind) {
    case 'directory': return { ok: false, error: `${shown} is a directory, not a file (use list_files to see what it holds)` };
    case 'not-regular': return { ok: false, error: `${shown} is not a regular file` };
    case 'hard-linked':
      return {
        ok: false,
        error: `${shown} has ${content.links} hard links and its other names may lie outside the working directory, so the file tools do not open it; use bash (e.g. cat), which asks the user first`,
      };
    case 'too-large':
      return {
        ok: false,
        error: `${shown} is ${content.size} bytes, more than the 1 MB (${MAX_READ_BYTES} bytes) read_file reads; use grep, or bash with head/tail/sed, to read parts of it`,
      };
    case 'bytes':
      if (looksBinary(content.bytes)) return { ok: false, error: `${shown} looks like a binary file (not UTF-8 text); it cannot be read as text` };
      return { ok: true, value: content.bytes.toString('utf8') };
  }
}

/**
 * Writes `content` as the file at `absolute` (whose parent exists): into a new file in the same
 * directory, renamed over the old one, so a hard link's other names keep their content. A replaced
 * file keeps its mode, a new one gets the default mode. A symbolic link (resolveInside has checked that
 * it stays inside) stays a link: the file it names is replaced.
 */
export async function replaceFile(absolute: string, content: string): Promise<void> {
  const target = await realpath(absolute).catch((error: unknown) => {
    if (errorCode(error) === 'ENOENT') return absolute;
    throw error;
  });
  const mode = await stat(target).then((info) => info.mode & 0o7777, (error: unknown) => {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  });
  const temporary = path.join(path.dirname(target), `.agentmux-${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx');
  try {
    try {
      await handle.writeFile(content, 'utf8');
      if (mode !== undefined) await handle.chmod(mode);
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined); // the write's own error is the one to report
    throw error;
  }
}

export interface WalkEntry {
  /** Path relative to cwd ("src/a.ts"). */
  relative: string;
  absolute: string;
}

/**
 * Every file under `start` (depth first, names sorted), as paths relative to `cwd`. Symbolic links are
 * listed but never followed into (no loops, no escapes); `.git` and `node_modules` are skipped.
 * Stops when `visit` returns false or `signal` aborts.
 */
export async function walkFiles(cwd: string, start: string, visit: (entry: WalkEntry) => boolean | Promise<boolean>, signal?: AbortSignal): Promise<void> {
  const stack = [start];
  while (stack.length > 0) {
    if (signal?.aborted) return;
    const directory = stack.pop() as string;
    let entries;
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch {
      continue; // unreadable directory: nothing to list there
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirectories: string[] = [];
    for (const entry of entries) {
      const absolute = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) subdirectories.push(absolute);
        continue;
      }
      if (!(await visit({ relative: path.relative(cwd, absolute), absolute }))) return;
    }
    // Pushed in reverse so that they are walked in name order.
    for (let index = subdirectories.length - 1; index >= 0; index -= 1) stack.push(subdirectories[index]);
  }
}
