// Which repository a directory belongs to, as agentmux keeps one workspace per repository:
// the main checkout's root, also from inside one of its linked worktrees (an agent's).
import { realpath } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { GitEnv } from './environment.js';
import { GitRunner } from './runner.js';

/** The main checkout's root of the repository containing `cwd`, or `cwd` itself (resolved) outside one. */
export async function workspaceRoot(cwd: string, env: GitEnv = process.env): Promise<string> {
  return (await findWorkspace(cwd, env)).root;
}

/** The workspace of `cwd`, and whether it is a repository's (or only the directory itself). */
export async function findWorkspace(cwd: string, env: GitEnv = process.env): Promise<{ root: string; repository: boolean }> {
  const resolved = await realpath(cwd);
  const git = await GitRunner.open(resolved, env);
  // 128: not a repository. Git missing altogether rejects: then the directory is its own workspace too.
  const found = await git.run(['rev-parse', '--path-format=absolute', '--git-common-dir', '--show-toplevel'], { allow: [128] }).catch(() => undefined);
  if (!found || found.exitCode !== 0) return { root: resolved, repository: false };
  const [commonDir, topLevel] = found.stdout.trim().split('\n');
  if (commonDir && basename(commonDir) === '.git') return { root: dirname(commonDir), repository: true };
  return { root: topLevel || resolved, repository: true };
}
