// Predicts a merge without touching any checkout: `git merge-tree --write-tree` (git 2.38+).

import { WorktreeError, gitMessage } from './errors.js';
import type { GitRunner } from './runner.js';

export interface TreeMerge {
  /** The tree the merge would produce (with conflict markers where it conflicts). */
  tree: string;
  clean: boolean;
  /** Conflicted paths, each once. */
  conflicts: string[];
}

const OBJECT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * Parses `merge-tree --write-tree -z --name-only --messages` output: the tree id, the conflicted paths
 * up to an empty field, then messages as `COUNT\0PATH…\0TYPE\0TEXT\0`.
 */
export function parseMergeTree(output: string, exitCode: number): TreeMerge | undefined {
  const fields = output.split('\0');
  const tree = fields[0];
  if (!OBJECT_ID.test(tree)) return undefined;
  if (exitCode === 0) return { tree, clean: true, conflicts: [] };
  const conflicts = new Set<string>();
  let i = 1;
  for (; i < fields.length && fields[i] !== ''; i++) conflicts.add(fields[i]);
  // Some conflicts name no conflicted file (e.g. rename/rename of directories): take their messages' paths.
  if (conflicts.size === 0) {
    for (i++; i < fields.length; ) {
      const count = Number(fields[i]);
      if (!Number.isInteger(count) || count < 0) break;
      const paths = fields.slice(i + 1, i + 1 + count);
      const type = fields[i + 1 + count] ?? '';
      if (type.startsWith('CONFLICT')) paths.forEach((path) => conflicts.add(path));
      i += count + 3;
    }
  }
  return { tree, clean: false, conflicts: [...conflicts] };
}

/** Merges two commits in memory; writes objects to the object store only (no ref, index or file changes). */
export async function mergeTrees(git: GitRunner, target: string, branch: string): Promise<TreeMerge> {
  const args = ['merge-tree', '--write-tree', '-z', '--name-only', '--messages', target, branch];
  const result = await git.run(args, { allow: [1] });
  const parsed = result.stderr.trim() === '' ? parseMergeTree(result.stdout, result.exitCode) : undefined;
  if (!parsed) throw new WorktreeError('git-failed', `git merge-tree failed: ${gitMessage(result.stderr || result.stdout)}`);
  return parsed;
}
