// Finds an agent's branch, worktree and base commit.

import { stat } from 'node:fs/promises';
import { realPath, type Context } from './context.js';
import { WorktreeError } from './errors.js';
import { readBase } from './base-record.js';
import { worktreePath } from './layout.js';
import { agentBranch, agentRef, refCommit } from './refs.js';
import { listWorktrees, type WorktreeEntry } from './worktree-list.js';
import type { WorktreePresence } from './worktrees.js';

export interface AgentWorktree {
  name: string;
  /** Short branch name `agentmux/NAME`. */
  branch: string;
  ref: string;
  /** Tip of the branch; undefined when the branch does not exist. */
  tip: string | undefined;
  entry: WorktreeEntry | undefined;
  path: string | undefined;
  presence: WorktreePresence;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

/** The worktree that has the agent's branch checked out, else the one at the agent's default path. */
export async function findEntry(ctx: Context, name: string, entries?: WorktreeEntry[]): Promise<WorktreeEntry | undefined> {
  // The first entry is the main worktree: never an agent's, even when someone checks the agent's branch out there.
  const linked = (entries ?? (await listWorktrees(ctx.git))).slice(1);
  const byBranch = linked.find((entry) => entry.branch === agentRef(name));
  if (byBranch) return byBranch;
  const expected = await realPath(worktreePath(ctx.worktreeRoot, name));
  for (const entry of linked) if ((await realPath(entry.path)) === expected) return entry;
  return undefined;
}

export async function locateAgent(ctx: Context, name: string, entries?: WorktreeEntry[]): Promise<AgentWorktree> {
  const [tip, entry] = await Promise.all([refCommit(ctx.git, agentRef(name)), findEntry(ctx, name, entries)]);
  const presence: WorktreePresence = !entry ? 'none' : !entry.prunable && (await isDirectory(entry.path)) ? 'present' : 'missing';
  return { name, branch: agentBranch(name), ref: agentRef(name), tip, entry, path: entry?.path, presence };
}

/** Like locateAgent, but the branch must exist. */
export async function requireBranch(ctx: Context, name: string): Promise<AgentWorktree & { tip: string }> {
  const agent = await locateAgent(ctx, name);
  if (agent.tip !== undefined) return { ...agent, tip: agent.tip };
  if (agent.entry) {
    throw new WorktreeError('not-found', `branch ${agent.branch} is gone (its worktree ${agent.entry.path} is left): /discard ${name} removes it`);
  }
  throw new WorktreeError('not-found', `no worktree agent ${JSON.stringify(name)}: branch ${agent.branch} does not exist`);
}

/** The recorded base commit; for a branch agentmux did not create, where it left the main checkout's HEAD. */
export async function agentBase(ctx: Context, agent: AgentWorktree & { tip: string }): Promise<string> {
  const recorded = await readBase(ctx.git, agent.name);
  if (recorded && (await refCommit(ctx.git, recorded))) return recorded;
  const forked = await ctx.git.run(['merge-base', 'HEAD', agent.tip], { allow: [1] });
  if (forked.exitCode === 0 && forked.stdout.trim()) return forked.stdout.trim();
  throw new WorktreeError('not-found', `${agent.branch} has no recorded base commit and shares no history with HEAD`);
}
