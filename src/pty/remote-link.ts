// The local end of an agent on an SSH host (`agentmux remote-link`), run by the server as the agent's
// program in its usual pty. It starts the agent there once (`remote-agent start` over `ssh -T`), then
// attaches to it in an inner pty (`ssh -tt … remote-agent attach --from N`): what is typed goes in,
// the agent's output comes out, and the stream's records (core/link-records.ts) carry relayed reports
// and the exit status, which this process ends with. When ssh ends before the agent did, the link is
// down: it says so, attaches again with backoff from the byte it got to, and says when it is back.
import { closeSync } from 'node:fs';
import * as pty from 'node-pty';
import { RecordDecoder, type StreamPiece } from '../core/link-records.js';
import { remoteAgentmux, sshCommand, sshFailure, type SshHost } from '../core/hosts.js';
import { printable } from '../core/printable.js';
import { CHANNEL_ENV, type WorkerCommand, type WorkerCredentials, type WorkerReport } from '../core/report-channel.js';
import { exitStatusOf, parseLinkRecord } from '../core/remote-run.js';
import { holdSlave, ptyClosed } from './agent-process.js';
import { runCommand, type CommandRunner } from './command-runner.js';
import { RUN_ENV } from './run-processes.js';

export interface RemoteLinkSpec {
  host: SshHost;
  /** ssh's ControlPath directory (private, short). */
  controlDir: string;
  id: string;
  cwd?: string;
  /** NAME=VALUE for the agent's environment there. */
  env: string[];
  /** The program is a built-in worker: it is handed `credentials`, and its reports are relayed. */
  worker?: { credentials: WorkerCredentials };
  program: string[];
}

export interface LinkTerminal {
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
  /** One line saying why the link gives up. */
  error(line: string): void;
}

export interface LinkReports {
  report(report: WorkerReport): void;
}

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;
/** Typed while the link is down: kept up to this much, sent once it is back. */
const MAX_QUEUED_INPUT = 64 << 10;
const START_TIMEOUT_MS = 60_000;
/** What ssh printed before the attach record is kept up to this much, for a failure's line. */
const MAX_NOISE = 4096;

export class RemoteLink {
  private readonly agentmux: string[];
  /** ssh's environment: without the run's marker, so that a ControlMaster one of them forks is not ended with this agent. */
  private readonly sshEnv: Record<string, string>;
  private inner: pty.IPty | undefined;
  private attached = false;
  private down = false;
  private retryMs = FIRST_RETRY_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Bytes of the run's log received. */
  private offset = 0;
  private queuedInput: Buffer[] = [];
  private queuedBytes = 0;
  private started = false;
  private stopWanted = false;
  private stopSent = false;
  private tells: WorkerCommand[] = [];
  private telling = false;
  private finished = false;
  /** The exit record came: nothing more is taken from the stream. */
  private finishing = false;
  private end!: (code: number) => void;
  private readonly ended = new Promise<number>((resolve) => { this.end = resolve; });

  constructor(
    private readonly spec: RemoteLinkSpec,
    private readonly terminal: LinkTerminal,
    private readonly reports: LinkReports,
    private readonly run: CommandRunner = runCommand,
  ) {
    const agentmux = remoteAgentmux(spec.host);
    if (!agentmux) throw new Error('this host has no agentmux ("agentmux": false): a link needs one');
    this.agentmux = agentmux;
    this.sshEnv = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => (
      entry[1] !== undefined && entry[0] !== RUN_ENV && entry[0] !== CHANNEL_ENV)));
  }

  /** Starts the agent and follows it; resolves with its exit status (1 when the link gives up). */
  async start(): Promise<number> {
    const { id, cwd, env, worker, program } = this.spec;
    const size = ['--cols', String(this.terminal.output.columns || 80), '--rows', String(this.terminal.output.rows || 24)];
    const words = ['start', '--id', id, ...size, ...(cwd !== undefined ? ['--cwd', cwd] : []), ...env.flatMap((pair) => ['--env', pair]), ...(worker ? ['--worker'] : []), '--', ...program];
    // Commands agentmux gave before the start go with it: the worker has them before its first request.
    const started = await this.remote(words, worker ? JSON.stringify({ credentials: worker.credentials, commands: this.tells.splice(0) }) : '');
    if (started.code !== 0) return this.giveUp(this.failure(started.code, started.stderr, 'could not start the agent'));
    this.started = true;
    this.terminal.input.on('data', this.typed);
    this.terminal.output.on('resize', this.resized);
    if (this.stopWanted) void this.sendStop();
    this.attach();
    return this.ended;
  }

  /** Ends the agent there (the link goes on until its end has arrived). */
  stop(): void {
    if (this.stopWanted) return;
    this.stopWanted = true;
    if (!this.started) return;
    void this.sendStop();
    // Down and waiting to try again: try now, the end is wanted soon.
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.attach();
    }
  }

  /** A command for a relayed worker, sent in order; those the link could not send go when it is back. */
  tell(command: WorkerCommand): void {
    this.tells.push(command);
    void this.sendTells();
  }

  private async sendTells(): Promise<void> {
    // Before the run exists there, a command waits for the start.
    if (this.telling || this.finished || !this.started) return;
    this.telling = true;
    while (this.tells.length > 0 && !this.finished) {
      const told = await this.remote(['tell', '--id', this.spec.id], JSON.stringify(this.tells[0]));
      // ssh's own failure: the link is down; the command goes when it is back.
      if (told.code === 255) break;
      this.tells.shift();
    }
    this.telling = false;
  }

  private async sendStop(): Promise<void> {
    if (this.stopSent) return;
    this.stopSent = true;
    const stopped = await this.remote(['stop', '--id', this.spec.id], '');
    if (stopped.code === 255) this.stopSent = false;
  }

  /**
   * A short remote-agent command over `ssh -T`, in a process group of its own: the server's kill
   * signals this agent's group, and again every newcomer to it, which would cut short the stop it sent.
   */
  private remote(words: string[], input: string): ReturnType<CommandRunner> {
    const { file, args } = sshCommand(this.spec.host, this.spec.controlDir, [...this.agentmux, 'remote-agent', ...words], false);
    return this.run(file, args, { input, env: this.sshEnv, timeoutMs: START_TIMEOUT_MS, detached: true });
  }

  private failure(code: number | null, stderr: string, what: string): string {
    const destination = this.spec.host.ssh;
    if (code === 255) return sshFailure(destination, destination, stderr);
    const said = printable(stderr).split('\n').map((line) => line.replace(/^agentmux remote-agent: /, '').trim()).find((line) => line.length > 0);
    return `${destination}: ${what}: ${said?.slice(0, 300) ?? `exit status ${code ?? 'unknown'}`}`;
  }

  private attach(): void {
    this.retryTimer = undefined;
    if (this.finished) return;
    const { args } = sshCommand(this.spec.host, this.spec.controlDir, [...this.agentmux, 'remote-agent', 'attach', '--id', this.spec.id, '--from', String(this.offset)], true);
    // No escape character (typed "~." would cut the link); ssh's own messages off the stream.
    const [tty, ...rest] = args;
    const inner = pty.spawn('ssh', [tty, '-e', 'none', '-o', 'LogLevel=ERROR', '-E', '/dev/null', ...rest], {
      name: 'xterm-256color', cols: this.terminal.output.columns || 80, rows: this.terminal.output.rows || 24, env: this.sshEnv, encoding: null,
    });
    this.inner = inner;
    const slave = holdSlave(inner);
    const decoder = new RecordDecoder();
    let noise = '';
    let marked = false;
    inner.onData((data) => {
      for (const piece of decoder.push(data as unknown as Buffer)) {
        if (this.finishing || this.finished) return;
        if (marked) this.received(piece);
        else if (piece.kind === 'record' && parseLinkRecord(piece.value)?.type === 'attach') {
          marked = true;
          this.linkUp();
        } else if (piece.kind === 'output' && noise.length < MAX_NOISE) noise += Buffer.from(piece.bytes).toString('utf8');
      }
    });
    inner.onExit(({ exitCode }) => {
      if (slave !== undefined) closeSync(slave);
      if (this.inner === inner) this.inner = undefined;
      this.attached = false;
      if (this.finishing || this.finished) return;
      if (exitCode !== 255) this.giveUp(this.failure(exitCode, noise, 'the agent cannot be followed'));
      else this.linkDown();
    });
  }

  private received(piece: StreamPiece): void {
    this.offset += piece.size;
    if (piece.kind === 'output') {
      this.terminal.output.write(piece.bytes);
      return;
    }
    if (piece.kind !== 'record') return;
    const record = parseLinkRecord(piece.value);
    if (record?.type === 'exit') void this.agentEnded(exitStatusOf(record));
    else if (record?.type === 'gone') this.giveUp(`${this.spec.host.ssh}: ${record.message}`);
    // Only the link says whether the link is up.
    else if (record?.type === 'report' && record.report.type !== 'link') this.reports.report(record.report);
  }

  private linkUp(): void {
    this.attached = true;
    this.retryMs = FIRST_RETRY_MS;
    if (this.down) {
      this.down = false;
      this.reports.report({ type: 'link', up: true });
    }
    for (const chunk of this.queuedInput.splice(0)) this.inner?.write(chunk);
    this.queuedBytes = 0;
    if (this.stopWanted) void this.sendStop();
    void this.sendTells();
  }

  private linkDown(): void {
    if (!this.down) {
      this.down = true;
      this.reports.report({ type: 'link', up: false });
    }
    this.retryTimer = setTimeout(() => this.attach(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  private readonly typed = (data: Buffer): void => {
    if (this.attached && this.inner && !ptyClosed(this.inner)) {
      this.inner.write(data);
    } else if (this.queuedBytes + data.length <= MAX_QUEUED_INPUT) {
      this.queuedInput.push(data);
      this.queuedBytes += data.length;
    }
  };

  private readonly resized = (): void => {
    const { columns, rows } = this.terminal.output;
    if (this.inner && !ptyClosed(this.inner) && columns && rows) this.inner.resize(columns, rows);
  };

  /** The whole run is here: its files there can go. */
  private async agentEnded(code: number): Promise<void> {
    if (this.finishing) return;
    this.finishing = true;
    this.inner?.kill('SIGHUP');
    const removed = await this.remote(['remove', '--id', this.spec.id], '');
    if (removed.code !== 0) this.terminal.error(`${this.failure(removed.code, removed.stderr, 'its files there were left')}`);
    this.finish(code);
  }

  private giveUp(line: string): number {
    this.terminal.error(line);
    this.finish(1);
    return 1;
  }

  private finish(code: number): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.retryTimer);
    this.terminal.input.off('data', this.typed);
    this.terminal.output.off('resize', this.resized);
    if (this.inner && !ptyClosed(this.inner)) this.inner.kill('SIGHUP');
    this.end(code);
  }
}
