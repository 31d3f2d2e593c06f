// A merge into a branch that no checkout has: a commit of the predicted tree, then the ref moves (compare-and-swap).

import type { Context } from './context.js';

export interface RefMerge {
  name: string;
  target: string;
  targetCommit: string;
  tip: string;
  tree: string;
  message: string;
  squash: boolean;
}

export async function mergeRefOnly(ctx: Context, plan: RefMerge): Promise<string> {
  const parents = plan.squash ? [plan.targetCommit] : [plan.targetCommit, plan.tip];
  const args = ['commit-tree', ...parents.flatMap((parent) => ['-p', parent]), '-m', plan.message, plan.tree];
  const commit = (await ctx.git.text(args)).trim();
  // With the old value: fails instead of overwriting when the branch moved since the prediction.
  await ctx.git.run(['update-ref', '-m', `agentmux: merge ${plan.name}`, `refs/heads/${plan.target}`, commit, plan.targetCommit]);
  return commit;
}
