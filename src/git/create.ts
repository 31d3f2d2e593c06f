// `create`: a new branch `agentmux/NAME` at a recorded base commit, checked out in a new worktree.

import { lstat } from 'node:fs/promises';
import { findEntry } from './agent.js';
import { writeBase } from './base-record.js';
import type { Context } from './context.js';
import { WorktreeError } from './errors.js';
import { worktreePath } from './layout.js';
import { readRepoInfo } from './repo-info.js';
import { agentBranch, agentRef, checkBranchName, checkName, refCommit, resolveCommit } from './refs.js';
import type { CreatedWorktree, CreateOptions } from './worktrees.js';

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

export async function createWorktree(ctx: Context, options: CreateOptions): Promise<CreatedWorktree> {
  const name = checkName(options?.name);
  await checkBranchName(ctx.git, name);
  const info = await readRepoInfo(ctx.git);
  if (!info.hasCommits) {
    throw new WorktreeError('no-commits', 'the repository has no commits yet: make a first commit, then start worktree agents');
  }
  const baseCommit = options.base === undefined ? (info.head as string) : await resolveCommit(ctx.git, options.base);
  const branch = agentBranch(name);
  if (await refCommit(ctx.git, agentRef(name))) {
    throw new WorktreeError('branch-exists', `branch ${branch} already exists: choose another name, or /discard ${name} first`);
  }
  const path = worktreePath(ctx.worktreeRoot, name);
  if (await findEntry(ctx, name)) {
    throw new WorktreeError('path-exists', `a worktree is still registered at ${path}: /discard ${name} or run git worktree prune`);
  }
  if (await exists(path)) throw new WorktreeError('path-exists', `${path} already exists: remove it, or choose another name`);
  // Every value is ours or checked: the branch is a slug under agentmux/, the path absolute, the base a commit id.
  await ctx.git.run(['worktree', 'add', '--quiet', '-b', branch, '--', path, baseCommit]);
  try {
    await writeBase(ctx.git, name, baseCommit);
  } catch (error) {
    await ctx.git.run(['worktree', 'remove', '--force', '--', path], { allow: [128] });
    await ctx.git.run(['branch', '-D', '--', branch], { allow: [1] });
    throw error;
  }
  return { name, path, branch, baseCommit };
}
