// Where agent worktrees live: beside the repository, never inside its tree (nested checkouts break tools like jest).

import { basename, dirname, isAbsolute, join, posix, resolve } from 'node:path';

/** `<parent of repo>/<repo-name>.agentmux-worktrees`, or the configured root (relative to the repository). */
export function worktreeRoot(mainRoot: string, configured?: string): string {
  if (configured) return isAbsolute(configured) ? resolve(configured) : resolve(mainRoot, configured);
  return join(dirname(mainRoot), `${basename(mainRoot)}.agentmux-worktrees`);
}

export function worktreePath(root: string, name: string): string {
  return join(root, name);
}

/** The same rule for a checkout on an SSH host, whose paths are POSIX whatever this machine's are. */
export function remoteWorktreePath(checkout: string, name: string): string {
  return posix.join(posix.dirname(checkout), `${posix.basename(checkout)}.agentmux-worktrees`, name);
}
