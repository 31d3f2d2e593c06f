// Which repository a directory belongs to, as agentmux keeps one workspace per repository:
// the main checkout's root, also from inside one of its linked worktrees (an agent's).
import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The main checkout's root of the repository containing `cwd`, or `cwd` itself (resolved) outside one. */
export async function workspaceRoot(cwd: string): Promise<string> {
  const resolved = await realpath(cwd);
  try {
    const { stdout } = await run('git', ['rev-parse', '--path-format=absolute', '--git-common-dir', '--show-toplevel'], { cwd: resolved, timeout: 10_000 });
    const [commonDir, topLevel] = stdout.trim().split('\n');
    if (commonDir && basename(commonDir) === '.git') return dirname(commonDir);
    return topLevel || resolved;
  } catch {
    // Not a repository (or no git at all): the directory is its own workspace.
    return resolved;
  }
}
