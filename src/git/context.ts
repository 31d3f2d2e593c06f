// What every operation needs: a git runner in the main checkout and where agent worktrees go.

import { realpath } from 'node:fs/promises';
import type { GitEnv } from './environment.js';
import { worktreeRoot } from './layout.js';
import { readRepoInfo } from './repo-info.js';
import { GitRunner } from './runner.js';
import { listWorktrees } from './worktree-list.js';

export interface Context {
  /** Runs git in the main checkout. */
  git: GitRunner;
  /** Top level of the main checkout: the checkout agentmux was started in, whose branch merges go into. */
  root: string;
  /** Directory that holds the agents' worktrees. */
  worktreeRoot: string;
  /** The default root, made by agentmux: removed again when its last worktree goes. */
  ownsWorktreeRoot: boolean;
}

/** Resolves symlinks where the path exists (git reports real paths; /tmp may be a link). */
export async function realPath(path: string): Promise<string> {
  return realpath(path).catch(() => path);
}

export async function openContext(repoPath: string, env: GitEnv, configuredRoot: string | undefined): Promise<Context> {
  const git = await GitRunner.open(repoPath, env);
  const info = await readRepoInfo(git);
  const root = await realPath(info.root);
  // Worktrees go beside the repository's main worktree, even when agentmux runs in a linked one.
  const [main] = await listWorktrees(git);
  const mainRoot = main && !main.bare ? await realPath(main.path) : root;
  return {
    git: await GitRunner.open(root, env),
    root,
    worktreeRoot: worktreeRoot(mainRoot, configuredRoot),
    ownsWorktreeRoot: !configuredRoot,
  };
}
