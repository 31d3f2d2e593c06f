// The branch a merge goes into: `--into BRANCH`, else the branch of the main checkout.

import type { Context } from './context.js';
import { WorktreeError } from './errors.js';
import { readRepoInfo } from './repo-info.js';
import { existingBranch } from './refs.js';

export async function targetBranch(ctx: Context, into: string | undefined): Promise<{ branch: string; commit: string }> {
  if (into !== undefined) return existingBranch(ctx.git, into, 'target branch');
  const info = await readRepoInfo(ctx.git);
  if (!info.branch || !info.head) {
    const why = info.branch ? `branch ${info.branch} has no commits` : 'the main checkout is on a detached HEAD';
    throw new WorktreeError('detached', `${why}: check out a branch, or name the target branch (--into BRANCH)`);
  }
  return { branch: info.branch, commit: info.head };
}
