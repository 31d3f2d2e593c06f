// `git worktree list --porcelain -z`: every worktree of the repository, the main one first.

import type { GitRunner } from './runner.js';

export interface WorktreeEntry {
  path: string;
  head: string | undefined;
  /** Full ref of the checked-out branch; undefined when detached or bare. */
  branch: string | undefined;
  bare: boolean;
  locked: boolean;
  lockReason: string | undefined;
  /** Git's own finding that the directory is gone (`prunable`). */
  prunable: boolean;
}

/** Parses the NUL-separated porcelain listing (attributes end with NUL, records with an extra NUL). */
export function parseWorktreeList(output: string): WorktreeEntry[] {
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | undefined;
  for (const field of output.split('\0')) {
    if (field === '') {
      current = undefined;
      continue;
    }
    const space = field.indexOf(' ');
    const key = space < 0 ? field : field.slice(0, space);
    const value = space < 0 ? undefined : field.slice(space + 1);
    if (key === 'worktree') {
      current = { path: value ?? '', head: undefined, branch: undefined, bare: false, locked: false, lockReason: undefined, prunable: false };
      entries.push(current);
    } else if (current) {
      if (key === 'HEAD') current.head = value;
      else if (key === 'branch') current.branch = value;
      else if (key === 'bare') current.bare = true;
      else if (key === 'locked') [current.locked, current.lockReason] = [true, value || undefined];
      else if (key === 'prunable') current.prunable = true;
    }
  }
  return entries;
}

export async function listWorktrees(git: GitRunner): Promise<WorktreeEntry[]> {
  return parseWorktreeList(await git.text(['worktree', 'list', '--porcelain', '-z']));
}
