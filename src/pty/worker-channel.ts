// agentmux's end of a built-in worker's private channel (core/report-channel.ts): a Unix socket in a
// directory of its own (mkdtemp: 0700) that takes exactly one connection — the worker's, made before
// it runs any tool — and then stops listening and disappears. The worker's hello is answered with its
// credentials; every later message must be a report, or the channel is closed. Commands go the other
// way (its budget, pause, go on) once it has been welcomed.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import {
  CHANNEL_VERSION, isWorkerHello, isWorkerReport, MAX_CHANNEL_MESSAGE_BYTES, type ChannelAnswer, type WorkerCommand, type WorkerCredentials,
  type WorkerReport,
} from '../core/report-channel.js';
import { encodeMessage, MessageDecoder, WireError } from '../core/wire.js';

export interface WorkerChannelListener {
  onReport(report: WorkerReport): void;
  /** The worker's end broke the protocol (the channel is closed then): one line saying how. */
  onChannelProblem(message: string): void;
}

/** How long the worker has to say hello once connected. */
const HELLO_TIMEOUT_MS = 10_000;
/** After the process ended, how long its end of the socket may take to close (it closes with the process). */
const CLOSE_GRACE_MS = 2_000;

export class WorkerChannel {
  /** The socket the worker connects to (named in its environment). */
  readonly path: string;
  private readonly dir: string;
  private readonly server: Server;
  private socket: Socket | undefined;
  private greeted = false;
  private done = false;
  /** Commands for a worker not welcomed yet: sent right after the welcome. */
  private pending: WorkerCommand[] = [];
  private readonly closedWaiters: Array<() => void> = [];

  /** Listens at once in a new private directory under `baseDir`. */
  /** `credentials`: what the worker is handed (none for a run agentmux only renders). */
  constructor(baseDir: string, private readonly credentials: WorkerCredentials | undefined, private readonly listener: WorkerChannelListener) {
    this.dir = mkdtempSync(join(baseDir, 'amx-'));
    this.path = join(this.dir, 'channel');
    this.server = createServer((socket) => this.accept(socket));
    this.server.on('error', (error) => this.problem(`could not open the channel: ${error.message}`));
    this.server.listen(this.path);
  }

  private accept(socket: Socket): void {
    if (this.socket || this.done) {
      socket.destroy();
      return;
    }
    this.socket = socket;
    // One connection only: nothing started after the worker can reach the channel.
    this.stopListening();
    const decoder = new MessageDecoder(MAX_CHANNEL_MESSAGE_BYTES);
    const helloTimer = setTimeout(() => this.refuse('said no hello'), HELLO_TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => {
      let messages: unknown[];
      try {
        messages = decoder.push(chunk);
      } catch (error) {
        if (!(error instanceof WireError)) throw error;
        this.refuse(error.message);
        return;
      }
      for (const message of messages) {
        if (socket.destroyed) return;
        if (!this.greeted) {
          clearTimeout(helloTimer);
          this.hello(message);
        } else if (isWorkerReport(message)) {
          this.listener.onReport(message);
        } else {
          this.refuse('sent something that is not a report');
        }
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      clearTimeout(helloTimer);
      this.finish();
    });
  }

  private hello(message: unknown): void {
    if (!isWorkerHello(message)) {
      this.refuse('did not start with a hello');
      return;
    }
    if (message.version !== CHANNEL_VERSION) {
      this.refuse(`speaks channel version ${message.version}, not ${CHANNEL_VERSION}`);
      return;
    }
    this.greeted = true;
    this.send(this.credentials ? { type: 'welcome', credentials: this.credentials } : { type: 'welcome' });
    for (const command of this.pending.splice(0)) this.send(command);
  }

  private send(answer: ChannelAnswer | WorkerCommand): void {
    if (this.socket && !this.socket.destroyed) this.socket.write(encodeMessage(answer));
  }

  /** Tells the worker something (its budget, to pause, to go on): right after its welcome if it has not had it; nothing once the channel is closed. */
  tell(command: WorkerCommand): void {
    if (this.done) return;
    if (this.greeted) this.send(command);
    else this.pending.push(command);
  }

  private refuse(reason: string): void {
    this.problem(`the worker's channel was closed: it ${reason}`);
    this.send({ type: 'refused', message: reason });
    this.socket?.end();
    this.socket?.destroySoon();
  }

  private problem(message: string): void {
    this.listener.onChannelProblem(message);
  }

  /** Closes the listening socket (a no-op once closed) and removes it with its directory. */
  private stopListening(): void {
    this.server.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.stopListening();
    for (const resolve of this.closedWaiters.splice(0)) resolve();
  }

  /**
   * The worker's process has ended: resolves once everything it sent has been read — when its end of
   * the socket closes, at once if it never connected.
   */
  processEnded(): Promise<void> {
    if (!this.socket) this.finish();
    if (this.done) return Promise.resolve();
    return new Promise((resolve) => {
      const grace = setTimeout(() => {
        this.socket?.destroy();
        this.finish();
      }, CLOSE_GRACE_MS);
      this.closedWaiters.push(() => {
        clearTimeout(grace);
        resolve();
      });
    });
  }

  dispose(): void {
    this.socket?.destroy();
    this.finish();
  }
}
