// The files a removed agent leaves in its workspace's state directory: its output log (logs/NAME.log
// and the rotated .1) and a built-in worker's transcript (workers/NAME.jsonl). Removing an agent
// sets them aside under names of their own, so that the name starts afresh; `agentmux gc` deletes
// them, with every other file there that no record names.
import { existsSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentRecord } from './agent-records.js';

const FOLDERS = ['logs', 'workers'];

/** Renames `name`'s log and transcript to `NAME.removed-TIME…`; returns the new names (relative to `dir`). */
export function setAside(dir: string, name: string, at: number): string[] {
  const moved: string[] = [];
  for (const [folder, ending] of [['logs', '.log'], ['logs', '.log.1'], ['workers', '.jsonl']]) {
    const from = join(folder, `${name}${ending}`);
    const to = join(folder, `${name}.removed-${at}${ending}`);
    if (!existsSync(join(dir, from))) continue;
    renameSync(join(dir, from), join(dir, to));
    moved.push(to);
  }
  return moved;
}

/** Files of agents no record names, by the agent's name. */
export interface LeftoverFiles {
  name: string;
  /** Relative to the state directory. */
  files: string[];
  bytes: number;
  /** When it was removed, if it was (not only forgotten by damaged records). */
  removedAt?: number;
}

/** The files in `dir`'s logs/ and workers/ that none of `records` names. */
export function leftoverFiles(dir: string, records: readonly AgentRecord[]): LeftoverFiles[] {
  const known = new Set(records.flatMap((record) => [record.log, `${record.log}.1`, ...(record.transcript ? [record.transcript] : [])]));
  const byName = new Map<string, LeftoverFiles>();
  for (const folder of FOLDERS) {
    let entries: string[];
    try {
      entries = readdirSync(join(dir, folder));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    for (const entry of entries.sort()) {
      const file = join(folder, entry);
      if (known.has(file)) continue;
      const name = entry.slice(0, entry.indexOf('.') === -1 ? entry.length : entry.indexOf('.'));
      const removed = /\.removed-(\d+)\./.exec(entry);
      const group = byName.get(name) ?? { name, files: [], bytes: 0 };
      group.files.push(file);
      group.bytes += statSync(join(dir, file)).size;
      if (removed) group.removedAt = Math.max(group.removedAt ?? 0, Number(removed[1]));
      byName.set(name, group);
    }
  }
  return [...byName.values()];
}

/** Deletes `files` (relative to `dir`); one already gone is no error. */
export function deleteFiles(dir: string, files: readonly string[]): void {
  for (const file of files) {
    try {
      unlinkSync(join(dir, file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
