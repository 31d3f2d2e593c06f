// The daemon that owns an agent on a remote host (`agentmux remote-agent start`): the agent in a pty,
// its output — with records of its own removed — appended to the run's log together with this
// daemon's records (relayed reports, then the exit status), and a socket in the run's directory on
// which `attach` follows the log from any offset and types into the agent, and `stop` and `tell`
// reach it. It lives in a session of its own, so the ssh session that started it may end.
import { closeSync, openSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pty from 'node-pty';
import { encodeRecord, RecordDecoder } from '../core/link-records.js';
import { CHANNEL_ENV } from '../core/report-channel.js';
import {
  parseAttachMessage, parseSessionRequest, RUN_FILES, type LinkRecord, type SessionAnswer, type SessionRequest, type WorkerStart,
} from '../core/remote-run.js';
import { encodeMessage, MessageDecoder, WireError } from '../core/wire.js';
import { holdSlave, ptyClosed } from './agent-process.js';
import { newRunMarker, RUN_ENV, RunProcesses } from './run-processes.js';
import { TreeKill } from './tree-kill.js';
import { WorkerChannel } from './worker-channel.js';

export interface RemoteSessionSpec {
  /** The run's directory (exists, private). */
  dir: string;
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  cols: number;
  rows: number;
  /** A built-in worker: it gets a report channel of this daemon's, whose hello is answered with its credentials. */
  worker?: WorkerStart;
}

/** How long the agent's processes have between SIGTERM and SIGKILL on `stop`. */
const STOP_GRACE_MS = 2_000;
/** After the agent ended, how long followers still being sent the log are waited for. */
const FOLLOWERS_GRACE_MS = 30_000;
const READ_BYTES = 64 << 10;
const MAX_REQUEST_BYTES = 1 << 20;

/** An attached client: sent the log from `position` on, as fast as its socket takes it. */
interface Follower {
  socket: Socket;
  position: number;
  waiting: boolean;
}

export class RemoteSession {
  private readonly agent: pty.IPty;
  private readonly log: number;
  private logBytes = 0;
  private readonly filter = new RecordDecoder();
  private readonly server: Server;
  private readonly followers = new Set<Follower>();
  private readonly channel: WorkerChannel | undefined;
  private readonly run = newRunMarker();
  private slave: number | undefined;
  private readonly readBuffer = Buffer.allocUnsafe(READ_BYTES);
  private ended = false;
  private closed = false;
  private stopping: TreeKill | undefined;
  private finish!: () => void;
  /** Resolves once the agent ended and every follower had the whole log (or the grace ran out). */
  readonly done = new Promise<void>((resolve) => { this.finish = resolve; });

  constructor(private readonly spec: RemoteSessionSpec) {
    this.log = openSync(join(spec.dir, RUN_FILES.log), 'a+', 0o600);
    // Under the temporary directory: a socket's path must stay short (~100 bytes), and a run's directory may be long.
    this.channel = spec.worker && new WorkerChannel(tmpdir(), spec.worker.credentials, {
      onReport: (report) => {
        // Only the link itself says whether the link is up.
        if (report.type !== 'link') this.record({ type: 'report', report });
      },
      onChannelProblem: (message) => this.record({ type: 'report', report: { type: 'activity', text: message } }),
    });
    for (const command of spec.worker?.commands ?? []) this.channel?.tell(command);
    this.agent = pty.spawn(spec.file, spec.args, {
      name: 'xterm-256color', cols: spec.cols, rows: spec.rows, cwd: spec.cwd, encoding: null,
      env: { ...spec.env, [RUN_ENV]: this.run, ...(this.channel ? { [CHANNEL_ENV]: this.channel.path } : {}) },
    });
    this.slave = holdSlave(this.agent);
    this.agent.onData((data) => this.output(data as unknown as Buffer));
    this.agent.onExit(({ exitCode, signal }) => void this.exited(exitCode, signal || undefined));
    this.server = createServer((socket) => this.accept(socket));
    this.server.listen(join(spec.dir, RUN_FILES.socket));
  }

  get pid(): number {
    return this.agent.pid;
  }

  private output(data: Buffer): void {
    for (const piece of this.filter.push(data)) if (piece.kind === 'output') this.append(piece.bytes);
    this.pumpAll();
  }

  private record(record: LinkRecord): void {
    this.append(encodeRecord(record));
    this.pumpAll();
  }

  private append(bytes: Uint8Array): void {
    writeSync(this.log, bytes);
    this.logBytes += bytes.length;
  }

  private async exited(code: number, signal: number | undefined): Promise<void> {
    if (this.slave !== undefined) closeSync(this.slave);
    this.slave = undefined;
    // Its last reports (the result) come before its end.
    await this.channel?.processEnded();
    const status = { type: 'exit', code, ...(signal ? { signal } : {}) } as const;
    this.record(status);
    writeFileSync(join(this.spec.dir, RUN_FILES.status), JSON.stringify(status) + '\n', { mode: 0o600 });
    this.ended = true;
    this.stopping?.dispose();
    const grace = setTimeout(() => {
      for (const follower of this.followers) follower.socket.destroy();
      this.close();
    }, FOLLOWERS_GRACE_MS);
    grace.unref();
    this.pumpAll();
    this.closeWhenDone();
  }

  private closeWhenDone(): void {
    if (this.ended && this.followers.size === 0) this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.close();
    rmSync(join(this.spec.dir, RUN_FILES.socket), { force: true });
    this.channel?.dispose();
    closeSync(this.log);
    this.finish();
  }

  private accept(socket: Socket): void {
    const decoder = new MessageDecoder(MAX_REQUEST_BYTES);
    let follower: Follower | undefined;
    socket.on('data', (chunk: Buffer) => {
      let messages: unknown[];
      try {
        messages = decoder.push(chunk);
      } catch (error) {
        if (!(error instanceof WireError)) throw error;
        socket.destroy();
        return;
      }
      for (const message of messages) {
        if (follower) this.attached(message);
        else if (!socket.destroyed) follower = this.request(socket, message);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (!follower) return;
      this.followers.delete(follower);
      this.closeWhenDone();
    });
  }

  /** A first message: an attach makes the socket a follower; anything else is answered and the socket closed. */
  private request(socket: Socket, message: unknown): Follower | undefined {
    const request = parseSessionRequest(message);
    if (request?.type === 'attach') {
      const follower: Follower = { socket, position: Math.min(request.from, this.logBytes), waiting: false };
      this.followers.add(follower);
      socket.on('drain', () => {
        follower.waiting = false;
        this.pump(follower);
      });
      this.resize(request.cols, request.rows);
      this.pump(follower);
      return follower;
    }
    socket.end(encodeMessage(this.answer(request)));
    return undefined;
  }

  private answer(request: Exclude<SessionRequest, { type: 'attach' }> | undefined): SessionAnswer {
    if (!request) return { ok: false, message: 'not a request this agent takes' };
    if (request.type === 'tell') {
      if (!this.channel) return { ok: false, message: 'this agent is not a built-in worker' };
      this.channel.tell(request.command);
      return { ok: true };
    }
    this.stop();
    return { ok: true };
  }

  private attached(message: unknown): void {
    const parsed = parseAttachMessage(message);
    if (!parsed || this.ended || ptyClosed(this.agent)) return;
    if (parsed.type === 'input') this.agent.write(Buffer.from(parsed.data, 'base64'));
    else this.resize(parsed.cols, parsed.rows);
  }

  private resize(cols: number, rows: number): void {
    if (!this.ended && !ptyClosed(this.agent)) this.agent.resize(cols, rows);
  }

  /** Ends the agent's every process: SIGTERM, SIGKILL after a grace period. */
  private stop(): void {
    if (this.ended || this.stopping) return;
    this.stopping = new TreeKill(new RunProcesses(this.agent.pid, this.run), STOP_GRACE_MS);
    void this.stopping.run();
  }

  private pumpAll(): void {
    for (const follower of this.followers) this.pump(follower);
  }

  /** Sends the follower the log from its position while its socket takes it; ends it after the exit record. */
  private pump(follower: Follower): void {
    if (this.closed) return;
    const buffer = this.readBuffer;
    while (!follower.waiting && follower.position < this.logBytes && !follower.socket.destroyed) {
      const read = readSync(this.log, buffer, 0, Math.min(READ_BYTES, this.logBytes - follower.position), follower.position);
      follower.position += read;
      follower.waiting = !follower.socket.write(Buffer.from(buffer.subarray(0, read)));
    }
    if (this.ended && follower.position >= this.logBytes) follower.socket.end();
  }
}
