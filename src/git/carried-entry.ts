// One file carried from the main checkout into an agent's worktree, read without following a link
// there, and its fingerprint: what tells a carried file the agent left alone from one it changed.

import { constants } from 'node:fs';
import { lstat, open, readlink } from 'node:fs/promises';
import { createHash } from 'node:crypto';

/** A regular file (`exec`: with an executable bit, which git keeps) or a symbolic link. */
export type CarriedEntry = { kind: 'file' | 'exec'; bytes: Buffer; mode: number } | { kind: 'link'; target: string };

/** Why a path is not carried, said in the chat. */
export class CarryRefusal extends Error {}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** The file or link at `path` (a link is read, never followed); undefined when nothing is there. */
export async function readEntry(path: string): Promise<CarriedEntry | undefined> {
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer.
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if (isMissing(error)) return undefined;
    if ((error as NodeJS.ErrnoException).code !== 'ELOOP') throw error;
    const info = await lstat(path);
    if (!info.isSymbolicLink()) throw error;
    return { kind: 'link', target: await readlink(path) };
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new CarryRefusal('not a regular file');
    return { kind: info.mode & 0o111 ? 'exec' : 'file', bytes: await handle.readFile(), mode: info.mode & 0o777 };
  } finally {
    await handle.close();
  }
}

export function fingerprint(entry: CarriedEntry): string {
  const hash = createHash('sha256').update(`${entry.kind}\0`);
  return hash.update(entry.kind === 'link' ? entry.target : entry.bytes).digest('hex');
}

/** Whether two entries are the same, mode included (a file is carried to set its mode too). */
export function sameEntry(a: CarriedEntry, b: CarriedEntry): boolean {
  if (a.kind === 'link' || b.kind === 'link') return a.kind === b.kind && fingerprint(a) === fingerprint(b);
  return a.mode === b.mode && a.bytes.equals(b.bytes);
}
