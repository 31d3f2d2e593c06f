// The state of the main checkout around a merge: operations in progress, staged work, and a fingerprint
// to prove that a failed merge left it exactly as it was.

import { createHash } from 'node:crypto';
import { access } from 'node:fs/promises';
import type { GitRunner } from './runner.js';

const IN_PROGRESS: Array<[string, string]> = [
  ['MERGE_HEAD', 'a merge'],
  ['CHERRY_PICK_HEAD', 'a cherry-pick'],
  ['REVERT_HEAD', 'a revert'],
  ['rebase-merge', 'a rebase'],
  ['rebase-apply', 'a rebase or git am'],
];

/** Absolute paths inside the checkout's git directory (`git rev-parse --git-path`). */
export async function gitPaths(git: GitRunner, names: readonly string[]): Promise<string[]> {
  const args = ['rev-parse', '--path-format=absolute', ...names.flatMap((name) => ['--git-path', name])];
  return (await git.text(args)).split('\n').slice(0, names.length);
}

export async function pathExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** What the user is in the middle of (e.g. "a rebase"), or undefined. */
export async function operationInProgress(git: GitRunner): Promise<string | undefined> {
  const paths = await gitPaths(git, IN_PROGRESS.map(([name]) => name));
  for (const [i, path] of paths.entries()) if (await pathExists(path)) return IN_PROGRESS[i][1];
  return undefined;
}

/** Whether the index differs from HEAD. */
export async function hasStagedChanges(git: GitRunner): Promise<boolean> {
  return !(await git.test(['diff', '--cached', '--quiet', '--no-ext-diff', 'HEAD', '--']));
}

/** A fingerprint of HEAD, the index entries, the status and the unstaged changes' contents. */
export async function checkoutFingerprint(git: GitRunner): Promise<string> {
  const parts = await Promise.all([
    git.run(['symbolic-ref', '--quiet', 'HEAD'], { allow: [1] }).then((result) => result.stdout),
    git.text(['rev-parse', '--verify', 'HEAD']),
    git.text(['ls-files', '--stage', '-z']),
    git.text(['--no-optional-locks', 'status', '--porcelain', '-z', '--untracked-files=all', '--no-renames']),
    git.text(['--no-optional-locks', 'diff', '--binary', '--no-ext-diff', '--no-color']),
  ]);
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}\0${part}`);
  return hash.digest('hex');
}

/** Paths `a` and `b` touch the same file: equal, or one is a directory holding the other. */
export function samePlace(a: string, b: string): boolean {
  const dirA = a.endsWith('/') ? a : `${a}/`;
  const dirB = b.endsWith('/') ? b : `${b}/`;
  return a === b || b.startsWith(dirA) || a.startsWith(dirB);
}
