// `merge`: the agent's branch into the target branch, only when it is predicted clean and nothing is in the way.

import { agentBase, requireBranch } from './agent.js';
import { recordSquash } from './base-record.js';
import { realPath, type Context } from './context.js';
import { parsePaths } from './diffstat.js';
import { WorktreeError, fileList } from './errors.js';
import { checkCheckout, mergeInCheckout } from './merge-checkout.js';
import { mergeRefOnly } from './merge-ref.js';
import { mergeTrees } from './merge-tree.js';
import { mergeMessage, messageError } from './messages.js';
import { checkName } from './refs.js';
import { targetBranch } from './target.js';
import { requireWriteTree } from './version.js';
import { listWorktrees } from './worktree-list.js';
import type { MergeOptions, MergeResult } from './worktrees.js';

/** Where the target branch is checked out: the main checkout, nowhere, or another worktree (refused). */
async function targetCheckout(ctx: Context, target: string): Promise<'main' | 'none'> {
  const holder = (await listWorktrees(ctx.git)).find((entry) => entry.branch === `refs/heads/${target}`);
  if (!holder) return 'none';
  if ((await realPath(holder.path)) === ctx.root) return 'main';
  throw new WorktreeError(
    'checked-out-elsewhere',
    `branch ${target} is checked out in another worktree (${holder.path}): merge there, or check ${target} out in the main checkout`,
  );
}

export async function mergeAgent(ctx: Context, nameInput: string, options: MergeOptions): Promise<MergeResult> {
  const name = checkName(nameInput);
  const invalid = messageError(options?.message);
  if (invalid) throw new WorktreeError('invalid-input', invalid);
  const squash = options.squash === true;
  await requireWriteTree(ctx.git);
  const agent = await requireBranch(ctx, name);
  const base = await agentBase(ctx, agent);
  const target = await targetBranch(ctx, options.into);
  if (target.branch === agent.branch) throw new WorktreeError('invalid-ref', `cannot merge ${name} into its own branch: name another target`);
  const checkout = await targetCheckout(ctx, target.branch);
  if (await ctx.git.test(['merge-base', '--is-ancestor', agent.tip, target.commit])) {
    throw new WorktreeError('nothing-to-merge', `${target.branch} already has everything on ${agent.branch}: nothing to merge`);
  }
  const predicted = await mergeTrees(ctx.git, target.commit, agent.tip);
  if (!predicted.clean) {
    throw new WorktreeError(
      'conflict',
      `merging ${name} into ${target.branch} would conflict in ${fileList(predicted.conflicts)}: nothing was changed; merge by hand or pick another attempt`,
      predicted.conflicts,
    );
  }
  const files = parsePaths(await ctx.git.text(['diff', '--name-only', '-z', '--no-renames', '--no-ext-diff', target.commit, predicted.tree, '--']));
  const message = mergeMessage(name, options.message, squash, base);
  const plan = { name, tip: agent.tip, target: target.branch, message, squash, files };
  let commit: string;
  if (checkout === 'main') {
    await checkCheckout(ctx, plan);
    commit = await mergeInCheckout(ctx, plan);
  } else {
    commit = await mergeRefOnly(ctx, { ...plan, targetCommit: target.commit, tree: predicted.tree });
  }
  if (squash) await recordSquash(ctx.git, name, commit, agent.tip);
  return { name, into: target.branch, commit, squash, files };
}
