// The git version, for the features agentmux needs (`git merge-tree --write-tree` arrived in git 2.38).

import { WorktreeError } from './errors.js';
import type { GitRunner } from './runner.js';

export const WRITE_TREE_SINCE = [2, 38] as const;

/** [major, minor] from `git version` output ("git version 2.39.5", "git version 2.39.3 (Apple Git-146)"). */
export function parseGitVersion(output: string): [number, number] | undefined {
  const match = /(\d+)\.(\d+)/.exec(output);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

export function supportsWriteTree(version: readonly [number, number]): boolean {
  const [major, minor] = version;
  return major > WRITE_TREE_SINCE[0] || (major === WRITE_TREE_SINCE[0] && minor >= WRITE_TREE_SINCE[1]);
}

const versions = new WeakMap<GitRunner, Promise<string>>();

/** Rejects unless this git can predict merges without a checkout (`git version` asked once per runner). */
export async function requireWriteTree(git: GitRunner): Promise<void> {
  if (!versions.has(git)) versions.set(git, git.text(['version']));
  const output = ((await versions.get(git)) ?? '').trim();
  const version = parseGitVersion(output);
  if (version && supportsWriteTree(version)) return;
  const [major, minor] = WRITE_TREE_SINCE;
  throw new WorktreeError('git-too-old', `${output || 'this git'} cannot predict merges: install git ${major}.${minor} or newer`);
}
