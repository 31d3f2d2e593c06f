// Is this directory in a git repository, on which branch, with commits?

import { WorktreeError, gitMessage } from './errors.js';
import type { GitRunner } from './runner.js';
import type { RepoInfo } from './worktrees.js';

/** Facts about the checkout containing `cwd` (the runner's directory by default). */
export async function readRepoInfo(git: GitRunner, cwd?: string): Promise<RepoInfo> {
  const inside = await git.run(['rev-parse', '--is-inside-work-tree'], { cwd, allow: [128] });
  if (inside.exitCode !== 0) {
    if (/not a git repository/i.test(inside.stderr)) {
      throw new WorktreeError('not-a-repo', 'not a git repository: worktree options need one (run agentmux inside a repository, or git init)');
    }
    throw new WorktreeError('not-a-repo', `git cannot use this directory: ${gitMessage(inside.stderr)}`);
  }
  if (inside.stdout.trim() !== 'true') {
    throw new WorktreeError('not-a-repo', 'not inside a checkout (a bare repository or a .git directory): worktree options need a working tree');
  }
  const [root, branch, head] = await Promise.all([
    git.text(['rev-parse', '--show-toplevel'], cwd),
    git.run(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd, allow: [1] }),
    git.run(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd, allow: [1] }),
  ]);
  const onBranch = branch.exitCode === 0 && branch.stdout.trim() !== '';
  const commit = head.exitCode === 0 ? head.stdout.trim() : undefined;
  return {
    root: root.trim(),
    branch: onBranch ? branch.stdout.trim() : undefined,
    detached: !onBranch,
    head: commit,
    hasCommits: commit !== undefined,
  };
}
