// What agentmux remembers per agent branch, kept in the branch's own config section
// (`branch.agentmux/NAME.*`), so that `git branch -D` forgets it together with the branch.

import { agentBranch } from './refs.js';
import type { GitRunner } from './runner.js';

const BASE = 'agentmuxbase';
const SQUASHED_AS = 'agentmuxsquashedas';
const SQUASHED_TIP = 'agentmuxsquashedtip';
const CARRIED = 'agentmuxcarried';

function key(name: string, variable: string): string {
  return `branch.${agentBranch(name)}.${variable}`;
}

async function read(git: GitRunner, name: string, variable: string): Promise<string | undefined> {
  const found = await git.run(['config', '--local', '--get', key(name, variable)], { allow: [1] });
  return found.exitCode === 0 ? found.stdout.trim() || undefined : undefined;
}

async function write(git: GitRunner, name: string, variable: string, value: string): Promise<void> {
  await git.run(['config', '--local', key(name, variable), value]);
}

/** The commit the agent's branch was created from. */
export function readBase(git: GitRunner, name: string): Promise<string | undefined> {
  return read(git, name, BASE);
}

export function writeBase(git: GitRunner, name: string, commit: string): Promise<void> {
  return write(git, name, BASE, commit);
}

/** A squash merge leaves the branch's commits unmerged in git's eyes; this records where they went. */
export async function recordSquash(git: GitRunner, name: string, squashCommit: string, branchTip: string): Promise<void> {
  await write(git, name, SQUASHED_AS, squashCommit);
  await write(git, name, SQUASHED_TIP, branchTip);
}

export async function readSquash(git: GitRunner, name: string): Promise<{ commit: string; tip: string } | undefined> {
  const [commit, tip] = await Promise.all([read(git, name, SQUASHED_AS), read(git, name, SQUASHED_TIP)]);
  return commit && tip ? { commit, tip } : undefined;
}

/** A file carried from the main checkout into the agent's worktree, and the fingerprint of what was carried. */
export interface CarriedRecord {
  path: string;
  hash: string;
}

/** One value per file, `HASH PATH`, added before the files are written: a file never lands unrecorded. */
export async function recordCarried(git: GitRunner, name: string, files: readonly CarriedRecord[]): Promise<void> {
  for (const file of files) await git.run(['config', '--local', '--add', key(name, CARRIED), `${file.hash} ${file.path}`]);
}

/** The carried files by path. */
export async function readCarried(git: GitRunner, name: string): Promise<Map<string, string>> {
  const found = await git.run(['config', '--local', '--null', '--get-all', key(name, CARRIED)], { allow: [1] });
  const files = new Map<string, string>();
  for (const value of found.exitCode === 0 ? found.stdout.split('\0') : []) {
    const match = /^([0-9a-f]{64}) ([\s\S]+)$/.exec(value);
    if (match) files.set(match[2], match[1]);
  }
  return files;
}
