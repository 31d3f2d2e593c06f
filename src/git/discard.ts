// `discard`: remove an agent's worktree and delete its branch, never losing unmerged work without `force`.

import { rmdir } from 'node:fs/promises';
import { locateAgent, type AgentWorktree } from './agent.js';
import { readSquash } from './base-record.js';
import type { Context } from './context.js';
import { WorktreeError } from './errors.js';
import { checkName, BRANCH_PREFIX } from './refs.js';
import { untouchedCarried } from './untouched.js';
import { isDirty } from './worktree-state.js';
import type { DiscardOptions, DiscardResult } from './worktrees.js';

/** Commits of `tip` that no other local branch has. */
async function unmergedCount(ctx: Context, name: string, tip: string): Promise<number> {
  const args = ['rev-list', '--count', tip, '--not', `--exclude=${BRANCH_PREFIX}${name}`, '--branches'];
  return Number((await ctx.git.text(args)).trim()) || 0;
}

/** Squash-merged by agentmux, unchanged since, and the squash commit is on another branch. */
async function squashMerged(ctx: Context, name: string, tip: string): Promise<boolean> {
  const squash = await readSquash(ctx.git, name);
  return squash !== undefined && squash.tip === tip && (await unmergedCount(ctx, name, squash.commit)) === 0;
}

/** Why discarding without force would lose something, or undefined; `carried`: untouched carried files, nothing to lose. */
async function refusal(ctx: Context, agent: AgentWorktree, carried: readonly string[]): Promise<WorktreeError | undefined> {
  if (agent.entry?.locked) {
    const reason = agent.entry.lockReason ? ` (${agent.entry.lockReason})` : '';
    const message = `${agent.name}'s worktree ${agent.entry.path} is locked${reason}: git worktree unlock it, or discard with --force`;
    return new WorktreeError('locked', message);
  }
  if (agent.presence === 'present' && agent.path && (await isDirty(ctx.git, agent.path, carried))) {
    const message = `${agent.name}'s worktree has uncommitted changes: commit or merge them first, or discard with --force`;
    return new WorktreeError('uncommitted', message);
  }
  if (agent.tip) {
    const count = await unmergedCount(ctx, agent.name, agent.tip);
    if (count > 0 && !(await squashMerged(ctx, agent.name, agent.tip))) {
      const commits = count === 1 ? '1 commit' : `${count} commits`;
      const message = `${agent.branch} has ${commits} not merged into any other branch: merge ${agent.name} first, or discard with --force`;
      return new WorktreeError('unmerged', message);
    }
  }
  return undefined;
}

/** `force` also when only untouched carried files keep git from removing it: copies of the main checkout's. */
async function removeWorktree(ctx: Context, agent: AgentWorktree, force: boolean): Promise<void> {
  const entry = agent.entry;
  if (!entry) return;
  if (agent.presence === 'missing') {
    // Deleted by hand: git forgets it on prune, but never while it is locked.
    if (entry.locked) await ctx.git.run(['worktree', 'unlock', '--', entry.path]);
    await ctx.git.run(['worktree', 'prune']);
    return;
  }
  const forced = !force ? [] : entry.locked ? ['--force', '--force'] : ['--force'];
  await ctx.git.run(['worktree', 'remove', ...forced, '--', entry.path]);
}

export async function discardAgent(ctx: Context, nameInput: string, options: DiscardOptions = {}): Promise<DiscardResult> {
  const name = checkName(nameInput);
  const force = options?.force === true;
  const agent = await locateAgent(ctx, name);
  if (!agent.tip && !agent.entry) {
    throw new WorktreeError('not-found', `no worktree agent ${JSON.stringify(name)}: no branch ${agent.branch} and no worktree`);
  }
  const carried = agent.presence === 'present' && agent.path ? await untouchedCarried(ctx.git, name, agent.path) : [];
  const refused = force ? undefined : await refusal(ctx, agent, carried);
  if (refused) throw refused;
  await removeWorktree(ctx, agent, force || carried.length > 0);
  if (agent.tip) {
    const deleted = await ctx.git.run(['branch', '--delete', '--force', '--', agent.branch], { allow: [1] });
    if (deleted.exitCode !== 0) {
      throw new WorktreeError('checked-out-elsewhere', `${agent.branch} could not be deleted (${deleted.stderr.trim()}): check out another branch where it is checked out`);
    }
  }
  // agentmux's own worktrees folder goes away with its last worktree (rmdir refuses a non-empty one).
  if (ctx.ownsWorktreeRoot) {
    await rmdir(ctx.worktreeRoot).catch((error: NodeJS.ErrnoException) => {
      if (!['ENOTEMPTY', 'EEXIST', 'ENOENT', 'ENOTDIR'].includes(error.code ?? '')) throw error;
    });
  }
  return { name, removedWorktree: agent.entry?.path, deletedBranch: agent.tip !== undefined };
}
