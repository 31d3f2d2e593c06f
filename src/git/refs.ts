// Agent names and refs from users or models: validated before git sees them, and never in an option's place.

import { nameError } from '../core/names.js';
import { WorktreeError, oneLine } from './errors.js';
import type { GitRunner } from './runner.js';

export const BRANCH_PREFIX = 'agentmux/';

/** Short branch name of an agent. */
export function agentBranch(name: string): string {
  return `${BRANCH_PREFIX}${name}`;
}

/** Full ref of an agent's branch. */
export function agentRef(name: string): string {
  return `refs/heads/${agentBranch(name)}`;
}

/** The agent name of a full ref `refs/heads/agentmux/NAME`, when NAME is a valid name. */
export function nameOfRef(ref: string | undefined): string | undefined {
  const prefix = `refs/heads/${BRANCH_PREFIX}`;
  if (!ref?.startsWith(prefix)) return undefined;
  const name = ref.slice(prefix.length);
  return nameError(name) ? undefined : name;
}

/** Rejects anything that is not a valid agent name (spec §2); names never start with "-". */
export function checkName(name: unknown): string {
  if (typeof name !== 'string') throw new WorktreeError('invalid-name', 'the agent name must be a string');
  const error = nameError(name);
  if (error) throw new WorktreeError('invalid-name', error);
  return name;
}

/** Rejects a name whose branch git would not accept (`git check-ref-format --branch`). */
export async function checkBranchName(git: GitRunner, name: string): Promise<void> {
  const valid = await git.run(['check-ref-format', '--branch', agentBranch(name)], { allow: [1, 128] });
  if (valid.exitCode !== 0) throw new WorktreeError('invalid-name', `${agentBranch(name)} is not a valid branch name: choose another name`);
}

/** Refuses text that cannot be a ref or revision at all: empty, an option, control characters. */
export function refTextError(ref: unknown, what: string): string | undefined {
  if (typeof ref !== 'string' || ref.trim() === '') return `the ${what} is empty: name a branch, tag or commit`;
  if (ref.startsWith('-')) return `${what} ${JSON.stringify(oneLine(ref))} starts with "-": name a branch, tag or commit`;
  if (/[\u0000-\u0020\u007f]/.test(ref)) return `${what} ${JSON.stringify(oneLine(ref))} contains spaces or control characters`;
  return undefined;
}

/** The commit a user-supplied revision (branch, tag, sha, `HEAD~2`) names. */
export async function resolveCommit(git: GitRunner, rev: unknown, what = 'base ref'): Promise<string> {
  const error = refTextError(rev, what);
  if (error) throw new WorktreeError('invalid-ref', error);
  const found = await git.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev as string}^{commit}`], { allow: [1, 128] });
  const commit = found.stdout.trim();
  if (found.exitCode !== 0 || !commit) {
    throw new WorktreeError('unknown-ref', `${what} ${JSON.stringify(oneLine(rev as string))} does not name a commit: check the branch, tag or commit name`);
  }
  return commit;
}

/** A user-supplied local branch name, checked with `git check-ref-format --branch`, that must exist. */
export async function existingBranch(git: GitRunner, branch: unknown, what = 'branch'): Promise<{ branch: string; commit: string }> {
  const error = refTextError(branch, what);
  if (error) throw new WorktreeError('invalid-ref', error);
  const name = branch as string;
  const format = await git.run(['check-ref-format', '--branch', name], { allow: [1, 128] });
  // `--branch` expands `@{-1}` and the like; only a plain branch name is accepted.
  if (format.exitCode !== 0 || format.stdout.trim() !== name) {
    throw new WorktreeError('invalid-ref', `${what} ${JSON.stringify(oneLine(name))} is not a valid branch name`);
  }
  const commit = await refCommit(git, `refs/heads/${name}`);
  if (!commit) throw new WorktreeError('unknown-ref', `${what} ${JSON.stringify(name)} does not exist: name an existing local branch`);
  return { branch: name, commit };
}

/** The commit a full ref points at, or undefined when the ref does not exist. */
export async function refCommit(git: GitRunner, ref: string): Promise<string | undefined> {
  const found = await git.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], { allow: [1] });
  return found.exitCode === 0 ? found.stdout.trim() : undefined;
}
