// Where the per-user server keeps its files: durable state per repository, and the runtime
// directory that holds its socket.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';

/** The server's socket, in the runtime directory. */
export const SOCKET_FILE = 'server.sock';
/** The server's own log, in the state root. */
export const SERVER_LOG_FILE = 'server.log';
/** Locked by the running server, in the state root; says how to reach it. */
export const SERVER_LOCK_FILE = 'server.lock';

const SLUG_MAX = 32;

/** `$XDG_STATE_HOME/agentmux`, or `~/.local/state/agentmux`; a relative XDG_STATE_HOME is ignored, as the spec says. */
export function stateRoot(env: NodeJS.ProcessEnv, homeDir: string): string {
  const xdg = env.XDG_STATE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homeDir, '.local', 'state'), 'agentmux');
}

/**
 * The state directory of one workspace: a readable slug of its folder name plus a hash of the
 * whole path, so that two repositories with the same folder name never share one.
 */
export function workspaceStateDir(root: string, workspaceRoot: string): string {
  const slug = basename(workspaceRoot)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, SLUG_MAX)
    .replace(/-+$/, '');
  const hash = createHash('sha256').update(workspaceRoot).digest('hex').slice(0, 12);
  return join(root, 'repos', `${slug || 'root'}-${hash}`);
}

/** `$XDG_RUNTIME_DIR/agentmux`, or `<tmp>/agentmux-<uid>`; a relative XDG_RUNTIME_DIR is ignored. */
export function runtimeDir(env: NodeJS.ProcessEnv, uid: number, tmp: string): string {
  const xdg = env.XDG_RUNTIME_DIR;
  return xdg && isAbsolute(xdg) ? join(xdg, 'agentmux') : join(tmp, `agentmux-${uid}`);
}

/**
 * Creates `dir` (mode 0700) if missing, then makes sure nobody else can use it: a real directory,
 * ours, not readable or writable by others. In a shared /tmp another user could have created it
 * first, to read our socket or plant one of theirs.
 */
export function preparePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    // Something in its place, such as a dangling symlink: the checks below name it plainly.
    if (!lstatSync(dir, { throwIfNoEntry: false })) throw error;
  }
  checkPrivateDir(dir);
}

/** Throws a one-line error unless `dir` is a real directory of ours that nobody else can use; a missing one is fine. */
export function checkPrivateDir(dir: string): void {
  const stats = lstatSync(dir, { throwIfNoEntry: false });
  if (!stats) return;
  if (stats.isSymbolicLink()) throw new Error(`${dir} is a symbolic link, not a directory: remove it`);
  if (!stats.isDirectory()) throw new Error(`${dir} is not a directory: remove it`);
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) {
    throw new Error(`${dir} is owned by uid ${stats.uid}, not you (uid ${uid}): remove it or use another directory (XDG_RUNTIME_DIR, XDG_STATE_HOME)`);
  }
  const mode = stats.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new Error(`${dir} is not private (mode ${mode.toString(8).padStart(4, '0')}): run chmod 700 ${dir}`);
  }
}
