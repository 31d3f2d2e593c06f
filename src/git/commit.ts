// `commitPending`: what a finished agent left uncommitted goes onto its branch, so that nothing is lost.

import { requireBranch } from './agent.js';
import type { Context } from './context.js';
import { WorktreeError, gitMessage } from './errors.js';
import { messageError, pendingMessage } from './messages.js';
import { checkName } from './refs.js';
import { untouchedCarried } from './untouched.js';
import { isDirty } from './worktree-state.js';
import type { CommitResult } from './worktrees.js';

export async function commitPending(ctx: Context, nameInput: string, message: string): Promise<CommitResult> {
  const name = checkName(nameInput);
  const invalid = messageError(message);
  if (invalid) throw new WorktreeError('invalid-input', invalid);
  const agent = await requireBranch(ctx, name);
  if (agent.presence !== 'present' || !agent.path) {
    const where = agent.path ? `its directory ${agent.path} was deleted` : 'it has no worktree';
    throw new WorktreeError('missing', `cannot commit ${name}'s work: ${where}; its branch ${agent.branch} keeps what was committed`);
  }
  if (agent.entry?.branch !== agent.ref) {
    throw new WorktreeError('detached', `${name}'s worktree ${agent.path} is not on ${agent.branch}: check that branch out there first`);
  }
  // Carried files the agent left alone are the main checkout's: they stay out of its branch.
  const untouched = await untouchedCarried(ctx.git, name, agent.path);
  if (!(await isDirty(ctx.git, agent.path, untouched))) return { committed: false, commit: undefined };
  await ctx.git.run(['add', '--all'], { cwd: agent.path });
  if (untouched.length > 0) await ctx.git.run(['reset', '--quiet', '--', ...untouched.map((path) => `:(literal)${path}`)], { cwd: agent.path });
  // agentmux's own safety commit: the repository's hooks (linters, tests) must not stop it from saving work.
  const committed = await ctx.git.run(['commit', '--quiet', '--no-verify', '-m', pendingMessage(name, message)], {
    cwd: agent.path,
    allow: [1, 128],
  });
  if (committed.exitCode !== 0) throw commitFailure(name, committed.stderr + committed.stdout);
  return { committed: true, commit: (await ctx.git.text(['rev-parse', 'HEAD'], agent.path)).trim() };
}

/** A failed commit, with the fix for the usual cause. */
export function commitFailure(name: string, output: string): WorktreeError {
  if (/tell me who you are|empty ident|unable to auto-detect email/i.test(output)) {
    return new WorktreeError('git-failed', 'git does not know who is committing: set git config user.name and user.email');
  }
  return new WorktreeError('git-failed', `committing ${name}'s work failed: ${gitMessage(output)}`);
}
