// Where the user's server keeps its state and its socket.
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPrivateDir, preparePrivateDir, runtimeDir, SERVER_LOG_FILE, SOCKET_FILE, stateRoot } from '../store/state-paths.js';

export interface ServerPaths {
  stateRoot: string;
  runtimeDir: string;
  socket: string;
  /** The server's log: where it says why it ended. */
  log: string;
}

/**
 * Where this user's server keeps its state and its socket. Both directories must be private
 * (0700, ours); with `create` they are made when missing (a client that may start the server).
 */
export function serverPaths(env: NodeJS.ProcessEnv, create = true): ServerPaths {
  const uid = process.getuid?.() ?? 0;
  const paths = { stateRoot: stateRoot(env, homedir()), runtimeDir: runtimeDir(env, uid, tmpdir()) };
  for (const dir of [paths.stateRoot, paths.runtimeDir]) {
    if (create) preparePrivateDir(dir);
    else checkPrivateDir(dir);
  }
  return { ...paths, socket: join(paths.runtimeDir, SOCKET_FILE), log: join(paths.stateRoot, SERVER_LOG_FILE) };
}

/** ssh's shared connections to hosts (ControlPath), beside the server's socket: private, and short, as a socket path must be. */
export function sshControlDir(runtimeDir: string): string {
  const dir = join(runtimeDir, 'ssh');
  preparePrivateDir(dir);
  return dir;
}
