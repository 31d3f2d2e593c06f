// A client's end of the socket: starts the user's server when none runs, says hello, and
// then carries commands out and events in (newline-delimited JSON, as the server speaks it).
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, renameSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_VERSION, type ClientCommand, type ClientHello, type ClientMessage, type ServerEvent } from '../core/protocol.js';
import { encodeMessage, MessageDecoder, WireError } from '../core/wire.js';
import { SERVER_LOG_FILE } from '../store/state-paths.js';
import { credentialsMessage, serverEnvironment } from './server-credentials.js';

const CLI_ENTRY = fileURLToPath(new URL('./main.js', import.meta.url));
/** Events can be large (a welcome with a long chat); this only guards against a broken peer. */
const MAX_EVENT_BYTES = 512 << 20;
const START_TIMEOUT_MS = 20_000;
/** What a server that does not start says on its ready pipe before its reason. */
export const REFUSED = 'refused: ';

type Welcome = Extract<ServerEvent, { type: 'welcome' }>;

/** The words for a server that went away without a goodbye: its log says why. */
export function serverClosed(serverLog: string): string {
  return `the agentmux server closed the connection (its log: ${serverLog})`;
}

export class ServerLink {
  private handler: ((event: ServerEvent) => void) | undefined;
  private readonly held: ServerEvent[] = [];
  private nextId = 1;
  private readonly answers = new Map<number, (event: Extract<ServerEvent, { type: 'done' }>) => void>();
  private closedHandlers: Array<(reason: string | undefined) => void> = [];
  private goodbye: string | undefined;

  /** `serverLog` is the server's log, named when the connection ends without a word. */
  private constructor(private readonly socket: Socket, readonly welcome: Welcome, readonly serverLog: string) {}

  /** Says hello on a connected socket; resolves once the server welcomed or refused this client. */
  static open(socket: Socket, hello: ClientHello, serverLog: string): Promise<ServerLink | { refused: string; stopping?: boolean }> {
    return new Promise((resolve, reject) => {
      const decoder = new MessageDecoder(MAX_EVENT_BYTES);
      let link: ServerLink | undefined;
      let settled = false;
      socket.on('data', (chunk: Buffer) => {
        let events: ServerEvent[];
        try {
          events = decoder.push(chunk) as ServerEvent[];
        } catch (error) {
          if (!(error instanceof WireError)) throw error;
          socket.destroy(error);
          return;
        }
        for (const event of events) {
          if (link) {
            link.receive(event);
            continue;
          }
          settled = true;
          if (event.type === 'welcome' && event.version === PROTOCOL_VERSION) {
            link = new ServerLink(socket, event, serverLog);
            resolve(link);
          } else if (event.type === 'refused') {
            resolve({ refused: event.message, ...(event.stopping ? { stopping: true } : {}) });
          } else if (event.type === 'goodbye') {
            resolve({ refused: event.message });
          } else {
            resolve({ refused: 'the agentmux server speaks another protocol: restart it with `agentmux server stop`' });
          }
        }
      });
      socket.on('error', (error) => {
        if (!settled) reject(error);
      });
      socket.on('close', () => {
        if (!settled) resolve({ refused: serverClosed(serverLog) });
        link?.closed();
      });
      socket.write(encodeMessage(hello));
    });
  }

  /** Events after the welcome; those that came before a handler was set are delivered to it first. */
  onEvent(handler: (event: ServerEvent) => void): void {
    this.handler = handler;
    for (const event of this.held.splice(0)) handler(event);
  }

  /** Called once when the connection ends, with the server's reason when it gave one. */
  onClose(handler: (reason: string | undefined) => void): void {
    this.closedHandlers.push(handler);
  }

  send(command: ClientCommand): void {
    if (!this.socket.destroyed) this.socket.write(encodeMessage(command));
  }

  /** Sends a command and resolves with the server's answer to it. */
  request(command: ClientCommand): Promise<{ error?: string; name?: string; running?: number }> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.answers.set(id, resolve);
      this.socket.write(encodeMessage({ ...command, id } satisfies ClientMessage));
    });
  }

  /** Ends the connection from this side: nobody is told it closed. */
  close(): void {
    this.closedHandlers = [];
    this.socket.end();
  }

  private receive(event: ServerEvent): void {
    if (event.type === 'done') {
      this.answers.get(event.id)?.(event);
      this.answers.delete(event.id);
      return;
    }
    if (event.type === 'goodbye') this.goodbye = event.message;
    if (this.handler) this.handler(event);
    else this.held.push(event);
  }

  private closed(): void {
    const closed = serverClosed(this.serverLog);
    const reason = this.goodbye ?? (this.answers.size > 0 ? closed : undefined);
    for (const [, answer] of this.answers) answer({ type: 'done', id: 0, error: closed });
    this.answers.clear();
    for (const handler of this.closedHandlers.splice(0)) handler(reason);
  }
}

function connectSocket(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Whether a server answers on `path`. */
export async function probeServer(path: string): Promise<boolean> {
  try {
    const socket = await connectSocket(path);
    socket.destroy();
    return true;
  } catch {
    return false;
  }
}

function noServer(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ECONNREFUSED';
}

/** Connects to the user's server; starts it first when none runs and `start` allows. */
export async function connectToServer(
  paths: { socket: string; stateRoot: string }, env: NodeJS.ProcessEnv, start: boolean,
): Promise<Socket | undefined> {
  try {
    return await connectSocket(paths.socket);
  } catch (error) {
    if (!noServer(error)) throw error;
    if (!start) return undefined;
  }
  await startServer(paths.stateRoot, env);
  return connectSocket(paths.socket);
}

const MAX_SERVER_LOG_BYTES = 1 << 20;

/** Starts `agentmux server run` in its own session, detached from this terminal; resolves once it listens. */
async function startServer(stateRoot: string, env: NodeJS.ProcessEnv): Promise<void> {
  const logPath = join(stateRoot, SERVER_LOG_FILE);
  // Each server appends to the log; a long-grown one is kept once, as server.log.1.
  if ((statSync(logPath, { throwIfNoEntry: false })?.size ?? 0) > MAX_SERVER_LOG_BYTES) renameSync(logPath, `${logPath}.1`);
  const log = openSync(logPath, 'a', 0o600);
  const child = spawn(process.execPath, [CLI_ENTRY, 'server', 'run', '--ready-fd', '3', '--credentials-stdin'], {
    detached: true,
    stdio: ['pipe', log, log, 'pipe'],
    env: serverEnvironment(env),
    cwd: '/',
  });
  closeSync(log);
  child.unref();
  child.stdin?.on('error', () => undefined); // a server that ended at once: what it said is read below
  child.stdin?.end(credentialsMessage(env));
  const pipe = child.stdio[3] as Socket;
  const said = await new Promise<string>((resolve) => {
    let text = '';
    const timer = setTimeout(() => resolve(''), START_TIMEOUT_MS);
    pipe.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    pipe.on('close', () => {
      clearTimeout(timer);
      resolve(text.trim());
    });
  });
  pipe.destroy();
  if (said.startsWith(REFUSED)) throw new Error(said.slice(REFUSED.length));
  if (said !== 'ready' && said !== 'running') {
    const tail = readFileSync(logPath, 'utf8').trim().split('\n').slice(-3).join(' / ');
    throw new Error(`the agentmux server did not start${tail ? `: ${tail}` : ''} (log: ${logPath})`);
  }
}
