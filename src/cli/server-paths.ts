// Where the user's server keeps its state and its socket.
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { preparePrivateDir, runtimeDir, SOCKET_FILE, stateRoot } from '../store/state-paths.js';

export interface ServerPaths {
  stateRoot: string;
  runtimeDir: string;
  socket: string;
}

/** Where this user's server keeps its state and its socket; both directories are made private (0700). */
export function serverPaths(env: NodeJS.ProcessEnv): ServerPaths {
  const uid = process.getuid?.() ?? 0;
  const paths = { stateRoot: stateRoot(env, homedir()), runtimeDir: runtimeDir(env, uid, tmpdir()) };
  preparePrivateDir(paths.stateRoot);
  preparePrivateDir(paths.runtimeDir);
  return { ...paths, socket: join(paths.runtimeDir, SOCKET_FILE) };
}
