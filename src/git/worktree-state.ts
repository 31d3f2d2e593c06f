// Cheap looks into a worktree: no full `git status`, no optional index writes while an agent works in it.
// `except`: paths left out of every look (carried files the agent has not changed, untouched.ts).

import { parsePaths, parseStatusPaths } from './diffstat.js';
import type { GitRunner } from './runner.js';

/** Pathspecs (after `--`) for the whole worktree but `paths`, taken literally. */
export function allBut(paths: readonly string[]): string[] {
  return paths.length === 0 ? [] : ['.', ...paths.map((path) => `:(exclude,literal)${path}`)];
}

/** Untracked, not ignored entries; a wholly new directory is one entry (its contents are not scanned). */
export async function untrackedEntries(git: GitRunner, path: string, except: readonly string[] = []): Promise<string[]> {
  const args = ['--no-optional-locks', 'ls-files', '--others', '--exclude-standard', '--directory', '--no-empty-directory', '-z', '--', ...allBut(except)];
  return parsePaths(await git.text(args, path));
}

/** Whether tracked files differ from the worktree's HEAD (staged or not). */
export async function hasTrackedChanges(git: GitRunner, path: string, except: readonly string[] = []): Promise<boolean> {
  return !(await git.test(['--no-optional-locks', 'diff', '--quiet', '--no-ext-diff', 'HEAD', '--', ...allBut(except)], path));
}

/** Whether anything in the worktree is not committed: tracked changes or untracked files. */
export async function isDirty(git: GitRunner, path: string, except: readonly string[] = []): Promise<boolean> {
  const [tracked, untracked] = await Promise.all([hasTrackedChanges(git, path, except), untrackedEntries(git, path, except)]);
  return tracked || untracked.length > 0;
}

/** Every changed, staged or untracked path (one full status, for decisions rather than the agent list). */
export async function changedPaths(git: GitRunner, path?: string): Promise<string[]> {
  const args = ['--no-optional-locks', 'status', '--porcelain', '-z', '--untracked-files=all', '--no-renames'];
  return parseStatusPaths(await git.text(args, path));
}
