// `status(name)`: the agent list's figures for one worktree agent.

import { agentBase, requireBranch } from './agent.js';
import type { Context } from './context.js';
import { parseShortstat } from './diffstat.js';
import { checkName } from './refs.js';
import { untouchedCarried } from './untouched.js';
import { allBut, hasTrackedChanges, untrackedEntries } from './worktree-state.js';
import type { WorktreeStatus } from './worktrees.js';

export async function worktreeStatus(ctx: Context, nameInput: string): Promise<WorktreeStatus> {
  const name = checkName(nameInput);
  const agent = await requireBranch(ctx, name);
  const base = await agentBase(ctx, agent);
  const present = agent.presence === 'present' ? agent.path : undefined;
  // Carried files the agent left alone are not its changes.
  const except = present ? await untouchedCarried(ctx.git, name, present) : [];
  const diff = ['--no-optional-locks', 'diff', '--shortstat', '--no-ext-diff', '--no-renames', '--no-color'];
  const [ahead, stat, untracked, tracked] = await Promise.all([
    ctx.git.text(['rev-list', '--count', `${base}..${agent.tip}`]),
    // In the worktree: its files (committed and not) against the base. Without one: the branch against the base.
    present ? ctx.git.text([...diff, base, '--', ...allBut(except)], present) : ctx.git.text([...diff, base, agent.tip, '--']),
    present ? untrackedEntries(ctx.git, present, except) : Promise.resolve([]),
    present ? hasTrackedChanges(ctx.git, present, except) : Promise.resolve(false),
  ]);
  return {
    name,
    branch: agent.branch,
    path: agent.path,
    worktree: agent.presence,
    locked: agent.entry?.locked ?? false,
    baseCommit: base,
    head: agent.tip,
    ahead: Number(ahead.trim()) || 0,
    ...parseShortstat(stat),
    untracked: untracked.length,
    uncommitted: tracked || untracked.length > 0,
  };
}
