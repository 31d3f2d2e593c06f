// A merge into the branch checked out in the main checkout: checked first, undone if git still fails.

import { readFile, rm, writeFile } from 'node:fs/promises';
import {
  checkoutFingerprint, gitPaths, hasStagedChanges, operationInProgress, pathExists, samePlace,
} from './checkout-state.js';
import type { Context } from './context.js';
import { WorktreeError, fileList, oneLine } from './errors.js';
import { changedPaths } from './worktree-state.js';

export interface CheckoutMerge {
  name: string;
  /** The branch tip that was predicted to merge cleanly (merged by commit id: a later commit is not taken). */
  tip: string;
  target: string;
  message: string;
  squash: boolean;
  /** Files the merge changes. */
  files: readonly string[];
}

/** Refuses, changing nothing, when the main checkout is busy or has uncommitted work in the merge's way. */
export async function checkCheckout(ctx: Context, plan: CheckoutMerge): Promise<void> {
  const busy = await operationInProgress(ctx.git);
  if (busy) throw new WorktreeError('busy', `the main checkout is in the middle of ${busy}: finish or abort it, then merge ${plan.name}`);
  if (await hasStagedChanges(ctx.git)) {
    throw new WorktreeError('dirty', `the main checkout has staged changes: commit or unstage them, then merge ${plan.name}`);
  }
  const dirty = await changedPaths(ctx.git);
  const inTheWay = dirty.filter((path) => plan.files.some((file) => samePlace(path, file)));
  if (inTheWay.length > 0) {
    throw new WorktreeError(
      'dirty',
      `the main checkout has uncommitted changes to ${fileList(inTheWay)}, which merging ${plan.name} would change: commit or stash them first`,
      inTheWay,
    );
  }
}

/** Runs `git merge` (or `merge --squash` and `commit`) and returns the new commit; on failure puts everything back. */
export async function mergeInCheckout(ctx: Context, plan: CheckoutMerge): Promise<string> {
  const before = await checkoutFingerprint(ctx.git);
  const [mergeHead, squashMsg, origHead] = await gitPaths(ctx.git, ['MERGE_HEAD', 'SQUASH_MSG', 'ORIG_HEAD']);
  const hadSquashMsg = await pathExists(squashMsg);
  const oldOrigHead = await readFile(origHead).catch(() => undefined);
  const common = ['--no-autostash', '--no-edit', '--quiet'];
  try {
    if (plan.squash) {
      await ctx.git.run(['merge', '--squash', ...common, '--', plan.tip]);
      await ctx.git.run(['commit', '--quiet', '-m', plan.message]);
    } else {
      await ctx.git.run(['merge', '--no-ff', ...common, '-m', plan.message, '--', plan.tip]);
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // A failed undo shows in the fingerprint, which is what the user is told about.
    const undone = await undo(ctx, mergeHead, plan.squash && !hadSquashMsg ? squashMsg : undefined).then(
      () => true,
      () => false,
    );
    // git merge moved ORIG_HEAD to the old HEAD; a merge that did not happen leaves it where it was.
    await (oldOrigHead ? writeFile(origHead, oldOrigHead) : rm(origHead, { force: true }));
    const restored = undone && (await checkoutFingerprint(ctx.git)) === before;
    const outcome = restored ? 'the main checkout is as it was' : 'the main checkout could not be restored exactly: check git status';
    throw new WorktreeError('git-failed', `merging ${plan.name} into ${plan.target} failed (${oneLine(reason)}); ${outcome}`);
  }
  return (await ctx.git.text(['rev-parse', 'HEAD'])).trim();
}

/** Takes back a merge that stopped half way: `merge --abort` while MERGE_HEAD exists, else `reset --merge` of a squash. */
async function undo(ctx: Context, mergeHead: string, squashMsg: string | undefined): Promise<void> {
  if (await pathExists(mergeHead)) await ctx.git.run(['merge', '--abort']);
  else if (await hasStagedChanges(ctx.git)) await ctx.git.run(['reset', '--merge']);
  if (squashMsg) await rm(squashMsg, { force: true });
}
