// One agent's process: a shell command in a pty whose output feeds an emulator, with
// flow control so a flood of output cannot grow memory without bound. A built-in worker also
// gets a private channel (worker-channel.ts) for its reports, never its terminal; an agent CLI a
// socket for its hooks (hook-channel.ts).
import { closeSync, constants, openSync } from 'node:fs';
import * as pty from 'node-pty';
import { CHANNEL_ENV, type WorkerCommand, type WorkerCredentials, type WorkerReport } from '../core/report-channel.js';
import type { ScreenFrame } from '../core/screen-frame.js';
import type { HookFile, ProcessExit } from '../core/agent.js';
import type { Emulator, EmulatorPool } from './emulator-pool.js';
import type { EmulatorModes } from './emulator-messages.js';
import { EchoWait } from './echo-wait.js';
import { HookChannel, type HookEvent } from './hook-channel.js';
import { encodeCursorKeys, encodePaste } from './input-encoding.js';
import { newRunMarker, RUN_ENV, RunProcesses, type RunProcess } from './run-processes.js';
import { TreeKill } from './tree-kill.js';
import { WorkerChannel } from './worker-channel.js';

/** Pause the pty when this many bytes wait for the emulator; resume below the low mark. */
// Kept small: what waits here delays everything behind it in the same worker, and node-pty
// drops unread output 200 ms after an exit, so a paused pty must drain fast.
const HIGH_WATERMARK = 1 << 20;
const LOW_WATERMARK = 256 << 10;
/** Output is handed to the emulator in batches of about this size. */
const BATCH_BYTES = 64 << 10;

export interface AgentProcessSpec {
  /** The program and its arguments (a command agent runs `/bin/sh -c COMMAND`). */
  file: string;
  args: string[];
  cwd: string;
  cols: number;
  rows: number;
  env: Record<string, string>;
  scrollback: number;
  killGraceMs: number;
  /** Open a report channel (in a new directory under `dir`) whose worker is handed `credentials`, if any. */
  channel?: { dir: string; credentials?: WorkerCredentials };
  /** Open a socket for the agent CLI's hooks (in a new directory under `dir`, with `files`), named in its environment. */
  hooks?: { dir: string; files?: HookFile[] };
  /** Output of an earlier run, parsed before anything the new process prints. */
  history?: Uint8Array;
}

export interface AgentProcessListener {
  onLastLine(text: string): void;
  /** A frame for one view (one watcher) of the agent's screen. */
  onFrame(frame: ScreenFrame, view: number): void;
  onReport(report: WorkerReport): void;
  /** What the agent CLI's hooks said. */
  onHook(event: HookEvent): void;
  /** The program rang the terminal bell (bells close together are told once). */
  onBell?(): void;
  /** The program set its window title (OSC 0/2). */
  onTitle?(title: string): void;
  /** The program reported its state on its terminal (the OSC 7501 sequence's text). */
  onStatus?(data: string): void;
  /** The worker broke its channel's protocol (the channel is closed), or something not the agent's hook spoke on its socket. */
  onChannelProblem(message: string): void;
  /**
   * Raw output as it came from the pty, before any parsing (for the agent's output log). Valid only
   * during the call: its memory is handed to the emulator's thread afterwards, so copy what you keep.
   */
  onOutput(data: Buffer): void;
  /** The process ended and all its output has been parsed; `lastLine` is final. */
  onEnd(exit: ProcessExit, lastLine: string): void;
}

export class AgentProcess {
  private readonly pty: pty.IPty;
  private readonly emulator: Emulator;
  private readonly channel: WorkerChannel | undefined;
  private hooks: HookChannel | undefined;
  private modes: EmulatorModes = { applicationCursorKeys: false, bracketedPaste: false };
  private inFlight = 0;
  private paused = false;
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private batchScheduled = false;
  private exited = false;
  /** This run's marker in its environment: the processes it starts, daemons included, carry it. */
  private readonly run = newRunMarker();
  private killing: { tree: TreeKill; done: Promise<RunProcess[]> } | undefined;
  private disposed = false;
  private readonly echo = new EchoWait();
  /** Lines sent with sendLine, one after another. */
  private sends: Promise<void> = Promise.resolve();

  constructor(pool: EmulatorPool, spec: AgentProcessSpec, private readonly listener: AgentProcessListener) {
    this.emulator = pool.create(
      { cols: spec.cols, rows: spec.rows, scrollback: spec.scrollback },
      {
        onParsed: (bytes) => this.parsed(bytes),
        onLastLine: (text) => listener.onLastLine(text),
        onFrame: (frame, view) => listener.onFrame(frame, view),
        onModes: (modes) => { this.modes = modes; },
        onReply: (data) => this.writeRaw(data),
        onBell: () => listener.onBell?.(),
        onTitle: (title) => listener.onTitle?.(title),
        onStatus: (data) => listener.onStatus?.(data),
      },
    );
    if (spec.history && spec.history.length > 0) {
      this.inFlight += spec.history.length;
      this.emulator.write(new Uint8Array(spec.history));
    }
    try {
      this.channel = spec.channel && new WorkerChannel(spec.channel.dir, spec.channel.credentials, listener);
      this.hooks = spec.hooks && new HookChannel(spec.hooks.dir, listener, spec.hooks.files);
      this.pty = pty.spawn(spec.file, spec.args, {
        name: 'xterm-256color',
        cols: spec.cols,
        rows: spec.rows,
        cwd: spec.cwd,
        env: { ...spec.env, [RUN_ENV]: this.run, ...(this.channel ? { [CHANNEL_ENV]: this.channel.path } : {}), ...this.hooks?.env },
        encoding: null,
      });
    } catch (error) {
      this.channel?.dispose();
      this.hooks?.dispose();
      this.emulator.dispose();
      throw error;
    }
    this.killGraceMs = spec.killGraceMs;
    this.pty.onData((data) => this.received(data as unknown as Buffer));
    this.slave = holdSlave(this.pty);
    this.pty.onExit(({ exitCode, signal }) => this.exit({ exitCode, signal: signal || undefined }));
  }

  /** Our own handle on the pty's terminal side; see holdSlave. */
  private slave: number | undefined;

  private releaseSlave(): void {
    if (this.slave === undefined) return;
    closeSync(this.slave);
    this.slave = undefined;
  }

  private readonly killGraceMs: number;

  get pid(): number {
    return this.pty.pid;
  }

  private received(data: Buffer): void {
    this.echo.output();
    this.batch.push(data);
    this.batchBytes += data.length;
    this.inFlight += data.length;
    if (this.batchBytes >= BATCH_BYTES) this.flushBatch();
    else if (!this.batchScheduled) {
      this.batchScheduled = true;
      setImmediate(() => this.flushBatch());
    }
    if (!this.paused && this.inFlight > HIGH_WATERMARK) {
      this.paused = true;
      this.pty.pause();
    }
  }

  private flushBatch(): void {
    this.batchScheduled = false;
    if (this.batchBytes === 0 || this.disposed) return;
    const chunk = this.batch.length === 1 ? this.batch[0] : Buffer.concat(this.batch, this.batchBytes);
    this.batch = [];
    this.batchBytes = 0;
    // One log write per batch, not per read: a flood makes thousands of reads a second.
    this.listener.onOutput(chunk);
    this.emulator.write(chunk);
  }

  private parsed(bytes: number): void {
    this.inFlight -= bytes;
    if (this.paused && this.inFlight < LOW_WATERMARK) {
      this.paused = false;
      this.pty.resume();
    }
  }

  private async exit(exit: ProcessExit): Promise<void> {
    this.exited = true;
    this.echo.end();
    this.releaseSlave();
    this.hooks?.dispose();
    this.hooks = undefined;
    this.flushBatch();
    // Its last reports (the result) count before its end does.
    const [lastLine] = await Promise.all([this.emulator.drain(), this.channel?.processEnded()]);
    if (!this.disposed) this.listener.onEnd(exit, lastLine);
  }

  /**
   * Whether the pty may still be written to and resized. node-pty closes the pty's fd (it destroys
   * its read stream 200 ms after the child is reaped) but reports the exit only from the stream's
   * 'close', at the end of that loop iteration; clients' commands and the emulator's replies handled
   * in between find `exited` still false. A resize there throws EBADF, which ended the whole server;
   * a write fails, or lands in whatever file or socket reuses the fd number.
   */
  private get ptyOpen(): boolean {
    return !this.exited && !this.disposed && !ptyClosed(this.pty);
  }

  private writeRaw(data: string): void {
    if (this.ptyOpen) this.pty.write(data);
  }

  /** Keys typed by the user while attached. */
  writeKeys(data: string): void {
    this.writeRaw(encodeCursorKeys(data, this.modes.applicationCursorKeys));
  }

  /** Text the user pasted: newlines as Enter, in one bracketed paste when the program turned that on. */
  paste(text: string): void {
    this.writeRaw(encodePaste(text.replace(/\r?\n/g, '\r'), this.modes.bracketedPaste));
  }

  /**
   * A line of text, as if pasted (bracketed when the program asked for that), then Enter in a write
   * of its own once the program has taken the text (echo-wait.ts). Resolves once Enter is written.
   */
  sendLine(text: string): Promise<void> {
    const sent = this.sends.then(() => this.typeLine(text));
    this.sends = sent.catch(() => undefined);
    return sent;
  }

  private async typeLine(text: string): Promise<void> {
    if (text && this.ptyOpen) {
      this.writeRaw(encodePaste(text, this.modes.bracketedPaste));
      await this.echo.wait();
      // Its echo is on the agent's screen before Enter goes in.
      this.flushBatch();
      await this.emulator.drain();
    }
    this.writeRaw('\r');
  }

  resize(cols: number, rows: number): void {
    if (!this.ptyOpen) return;
    this.pty.resize(cols, rows);
    this.emulator.resize(cols, rows);
  }

  /** Plain text of the agent's last `maxLines` lines of output. */
  outputText(maxLines: number): Promise<string> {
    return this.emulator.snapshot(maxLines);
  }

  /** Frames of this agent's screen are wanted for `view` (a client shows it) or not. */
  watch(view: number, on: boolean): void {
    this.emulator.watch(view, on);
  }

  /** `view` shows history `lines` further up (negative: down), or the live screen again. */
  scroll(view: number, lines: number | 'live'): void {
    this.emulator.scroll(view, lines);
  }

  /**
   * Ends the run's every process — its process group, and daemons that left it but carry the run's
   * marker (tree-kill.ts): SIGTERM, SIGKILL after the grace period. Resolves with what survived.
   */
  kill(): Promise<RunProcess[]> {
    if (this.exited && !this.killing) return Promise.resolve([]);
    if (!this.killing) {
      const tree = new TreeKill(new RunProcesses(this.pty.pid, this.run), this.killGraceMs);
      this.killing = { tree, done: tree.run() };
    }
    return this.killing.done;
  }

  /**
   * Stops (SIGSTOP) or continues (SIGCONT) the pty's process group: the program and what it runs in
   * the foreground. A kill continues it (tree-kill.ts), so a stopped run still ends.
   */
  freeze(on: boolean): void {
    if (this.exited) return;
    try {
      process.kill(-this.pty.pid, on ? 'SIGSTOP' : 'SIGCONT');
    } catch (error) {
      // Gone already: its end is on its way.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }

  /** Tells the worker something over its channel. */
  tellWorker(command: WorkerCommand): void {
    this.channel?.tell(command);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.echo.end();
    this.killing?.tree.dispose();
    this.releaseSlave();
    if (!this.exited) {
      try {
        // The pty's child leads its own session: the whole group goes.
        process.kill(-this.pty.pid, 'SIGKILL');
      } catch {
        this.pty.kill('SIGKILL');
      }
    }
    this.channel?.dispose();
    this.hooks?.dispose();
    this.emulator.dispose();
  }
}

/** node-pty has closed the pty's fd (its read stream is destroyed), though it may not have reported the exit yet. */
export function ptyClosed(terminal: pty.IPty): boolean {
  const socket = (terminal as unknown as { _socket?: { destroyed?: boolean } })._socket;
  return socket?.destroyed === true;
}

/**
 * Opens the terminal side of the pty in our process. When a program exits right after
 * printing, Linux may report the hang-up to the reading side before the last output is
 * delivered, and node-pty then drops that output (about one run in three of `seq 1 2000`).
 * While we hold the terminal side open there is no hang-up: node-pty reads everything and
 * reports the exit when its own grace period (200 ms) ends.
 */
export function holdSlave(terminal: pty.IPty): number | undefined {
  const path = (terminal as unknown as { _pty?: unknown })._pty;
  if (typeof path !== 'string' || !path.startsWith('/dev/')) return undefined;
  return openSync(path, constants.O_RDWR | constants.O_NOCTTY);
}
