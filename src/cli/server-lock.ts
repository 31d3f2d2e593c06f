// One server per state directory. The server holds an exclusive flock(2) on <state>/server.lock
// for as long as it runs, and writes there how to reach it. Node has no flock, so util-linux's
// flock(1) takes the lock on our descriptor, passed as its fd 3: the lock belongs to the open file
// description, which stays open here, so the kernel releases it when this process ends, even by
// SIGKILL. Node opens files close-on-exec, so agents never inherit it.
import { spawnSync } from 'node:child_process';
import { closeSync, constants, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SERVER_LOCK_FILE } from '../store/state-paths.js';
import { probeServer } from './server-link.js';

/** flock(1)'s exit status when another process holds the lock. */
const HELD_STATUS = 75;
/** How long a server that has just taken the lock may take to write where it listens. */
const HOLDER_WAIT_MS = 2000;
/** How long the holder may take to listen again on a socket file that was removed. */
const SOCKET_RETURN_MS = 5000;
const POLL_MS = 50;

/** What the lock file says about the server holding it. */
export interface LockHolder {
  pid: number;
  socket: string;
  startedAt: string;
}

/** The held lock; disposing it (or the end of this process) releases it. */
export class ServerLock {
  private open = true;

  constructor(private readonly fd: number) {}

  dispose(): void {
    if (!this.open) return;
    this.open = false;
    closeSync(this.fd);
  }
}

/**
 * Takes the lock of the state in `stateRoot` for a server that will listen on `socket`, and writes
 * its pid, socket and start time into the lock file. When another server holds it: 'running' if
 * that server answers on this same socket (it listens again after its socket file was removed),
 * else one line that says which process holds it and how to reach or stop it. Changes nothing then.
 */
export async function lockState(stateRoot: string, socket: string, env: NodeJS.ProcessEnv): Promise<ServerLock | 'running' | { refused: string }> {
  const path = join(stateRoot, SERVER_LOCK_FILE);
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  let holder: LockHolder | undefined;
  const deadline = Date.now() + HOLDER_WAIT_MS;
  for (;;) {
    const taken = spawnSync('flock', ['-n', '-E', String(HELD_STATUS), '3'], { stdio: ['ignore', 'ignore', 'pipe', fd], env });
    if (taken.status === 0) {
      const line = `${JSON.stringify({ pid: process.pid, socket, startedAt: new Date().toISOString() } satisfies LockHolder)}\n`;
      // Written over the old text, then cut to length: a reader sees one whole first line at any time.
      writeSync(fd, line, 0);
      ftruncateSync(fd, Buffer.byteLength(line));
      return new ServerLock(fd);
    }
    if (taken.status !== HELD_STATUS) {
      closeSync(fd);
      if ((taken.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
        return { refused: `flock(1) is missing: install util-linux, which agentmux needs to run one server per state directory (${stateRoot})` };
      }
      const why = taken.error?.message ?? (taken.stderr.toString().trim() || `exit ${taken.signal ?? taken.status}`);
      return { refused: `flock(1) could not lock ${path}: ${why}` };
    }
    // The holder may have taken the lock a moment ago and not written yet: the file still names
    // the server before it, whose process is gone.
    const written = readHolder(path);
    holder = written && alive(written.pid) ? written : undefined;
    if (holder || Date.now() > deadline) break;
    await delay(POLL_MS);
  }
  closeSync(fd);
  const state = `uses this state (${stateRoot})`;
  if (!holder) return { refused: `another agentmux server ${state} and has not written where it listens in ${path}: find it with fuser -v ${path}` };
  const server = `another agentmux server (pid ${holder.pid}) ${state}`;
  if (holder.socket !== socket) {
    return { refused: `${server}: it listens on ${holder.socket} — reach it with ${runtimeDirFor(holder.socket)}, or stop it with kill ${holder.pid}` };
  }
  if (await answersWithin(socket, SOCKET_RETURN_MS)) return 'running';
  return { refused: `${server} but does not answer on ${socket}: stop it with kill ${holder.pid}` };
}

function readHolder(path: string): LockHolder | undefined {
  const line = readFileSync(path, 'utf8').split('\n')[0];
  try {
    const value = JSON.parse(line) as Partial<LockHolder> | null;
    if (value && Number.isInteger(value.pid) && typeof value.socket === 'string' && typeof value.startedAt === 'string') return value as LockHolder;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The setting that makes a shell's agentmux use `socket` (see runtimeDir in store/state-paths.ts). */
function runtimeDirFor(socket: string): string {
  const dir = dirname(socket);
  return basename(dir) === 'agentmux' ? `XDG_RUNTIME_DIR=${dirname(dir)}` : `XDG_RUNTIME_DIR unset and TMPDIR=${dirname(dir)}`;
}

async function answersWithin(socket: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!await probeServer(socket)) {
    if (Date.now() > deadline) return false;
    await delay(POLL_MS);
  }
  return true;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
