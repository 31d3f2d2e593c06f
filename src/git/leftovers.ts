// `leftovers` and `prune`: what `agentmux gc` offers to clean up.

import { locateAgent } from './agent.js';
import type { Context } from './context.js';
import { nameOfRef } from './refs.js';
import { listWorktrees } from './worktree-list.js';
import type { Leftover } from './worktrees.js';

export async function findLeftovers(ctx: Context, knownNames: Iterable<string>): Promise<Leftover[]> {
  const known = new Set(knownNames);
  const [refs, entries] = await Promise.all([
    ctx.git.text(['for-each-ref', '--format=%(refname)', 'refs/heads/agentmux/']),
    listWorktrees(ctx.git),
  ]);
  const names = new Set<string>();
  for (const ref of [...refs.split('\n'), ...entries.map((entry) => entry.branch)]) {
    const name = nameOfRef(ref);
    if (name && !known.has(name)) names.add(name);
  }
  const found = await Promise.all([...names].sort().map((name) => locateAgent(ctx, name, entries)));
  return found.map((agent) => ({
    name: agent.name,
    branch: agent.tip ? agent.branch : undefined,
    path: agent.path,
    worktree: agent.presence,
    locked: agent.entry?.locked ?? false,
  }));
}

/** `git worktree prune`; returns the paths of the worktrees git forgot (locked ones are kept). */
export async function pruneWorktrees(ctx: Context): Promise<string[]> {
  const before = await listWorktrees(ctx.git);
  await ctx.git.run(['worktree', 'prune']);
  const after = new Set((await listWorktrees(ctx.git)).map((entry) => entry.path));
  return before.filter((entry) => !after.has(entry.path)).map((entry) => entry.path);
}
