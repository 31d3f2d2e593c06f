// A few worker threads, each hosting the emulators of many agents.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ScreenFrame } from '../core/screen-frame.js';
import type { EmulatorModes, FromWorker, ToWorker } from './emulator-messages.js';

export interface EmulatorListener {
  /** `bytes` of earlier writes have been parsed (flow control counts on it). */
  onParsed(bytes: number): void;
  onLastLine(text: string): void;
  /** A frame for one view of this terminal. */
  onFrame(frame: ScreenFrame, view: number): void;
  onModes(modes: EmulatorModes): void;
  /** The emulator answers a query (DA, cursor position): write it to the pty. */
  onReply(data: string): void;
  /** The program rang the bell (bells close together are told once). */
  onBell(): void;
  /** The program set its window title. */
  onTitle(title: string): void;
  /** The program reported its state (the OSC 7501 sequence's text). */
  onStatus(data: string): void;
  /** A text emulator's lines that became final, as plain text. */
  onText?(text: string): void;
}

/** Compiled JS for the worker; vitest runs TypeScript sources, so it uses the build in dist/. */
function workerScript(): URL {
  const beside = new URL('./emulator-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  return new URL('../../dist/pty/emulator-worker.js', import.meta.url);
}

export class Emulator {
  private drainWaiters: Array<(lastLine: string) => void> = [];
  private readonly snapshotWaiters = new Map<number, (text: string) => void>();
  private nextRequest = 1;

  constructor(
    private readonly id: number,
    private readonly worker: Worker,
    readonly listener: EmulatorListener,
    private readonly release: () => void,
  ) {}

  private send(message: ToWorker, transfer?: ArrayBuffer[]): void {
    this.worker.postMessage(message, transfer);
  }

  /** Takes ownership of `data`'s memory (transferred to the worker). */
  write(data: Uint8Array): void {
    const owned = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer;
    const copy = owned ? data : new Uint8Array(data);
    this.send({ op: 'write', id: this.id, data: copy }, [copy.buffer as ArrayBuffer]);
  }

  resize(cols: number, rows: number): void {
    this.send({ op: 'resize', id: this.id, cols, rows });
  }

  watch(view: number, on: boolean): void {
    this.send({ op: 'watch', id: this.id, view, on });
  }

  scroll(view: number, lines: number | 'live'): void {
    this.send({ op: 'scroll', id: this.id, view, lines });
  }

  /** Resolves with the final last line once everything written so far is parsed. */
  drain(): Promise<string> {
    return new Promise((resolve) => {
      this.drainWaiters.push(resolve);
      this.send({ op: 'drain', id: this.id });
    });
  }

  /** A text emulator's input has ended: resolves once the rest of its text has been handed to `onText`. */
  finish(): Promise<void> {
    return new Promise((resolve) => {
      this.drainWaiters.push(() => resolve());
      this.send({ op: 'finish', id: this.id });
    });
  }

  /** Plain text of the last `maxLines` lines, once everything written so far is parsed. */
  snapshot(maxLines: number): Promise<string> {
    return new Promise((resolve) => {
      const request = this.nextRequest++;
      this.snapshotWaiters.set(request, resolve);
      this.send({ op: 'snapshot', id: this.id, request, maxLines });
    });
  }

  handleSnapshot(request: number, text: string): void {
    this.snapshotWaiters.get(request)?.(text);
    this.snapshotWaiters.delete(request);
  }

  handleDrained(lastLine: string): void {
    this.drainWaiters.shift()?.(lastLine);
  }

  dispose(): void {
    this.send({ op: 'dispose', id: this.id });
    this.release();
    // Nothing more will be parsed: whoever waits on it is answered now.
    for (const resolve of this.drainWaiters.splice(0)) resolve('');
    for (const resolve of this.snapshotWaiters.values()) resolve('');
    this.snapshotWaiters.clear();
  }
}

export class EmulatorPool {
  private readonly workers: Worker[] = [];
  private readonly load: number[] = [];
  private readonly emulators = new Map<number, Emulator>();
  private nextId = 1;

  // Parsing may use every core but one: the screen and the pty reads need one to stay responsive.
  constructor(private readonly size = Math.max(1, Math.min(2, availableParallelism() - 1))) {}

  private worker(index: number): Worker {
    if (!this.workers[index]) {
      const worker = new Worker(workerScript());
      worker.on('message', (message: FromWorker) => this.dispatch(message));
      worker.on('error', (error) => {
        throw new Error(`emulator worker failed: ${error.message}`);
      });
      worker.unref();
      this.workers[index] = worker;
      this.load[index] = 0;
    }
    return this.workers[index];
  }

  /** `text`: an emulator that hands its lines to `onText` as plain text as they become final, and draws nothing. */
  create(options: { cols: number; rows: number; scrollback: number; text?: { eager: boolean } }, listener: EmulatorListener): Emulator {
    let index = 0;
    for (let i = 0; i < this.size; i++) {
      if ((this.load[i] ?? 0) < (this.load[index] ?? 0)) index = i;
    }
    const worker = this.worker(index);
    this.load[index]++;
    const id = this.nextId++;
    const emulator = new Emulator(id, worker, listener, () => {
      this.load[index]--;
      this.emulators.delete(id);
    });
    this.emulators.set(id, emulator);
    worker.postMessage({ op: 'create', id, ...options } satisfies ToWorker);
    return emulator;
  }

  private dispatch(message: FromWorker): void {
    const emulator = this.emulators.get(message.id);
    if (!emulator) return;
    const { listener } = emulator;
    switch (message.op) {
      case 'parsed': listener.onParsed(message.bytes); break;
      case 'lastLine': listener.onLastLine(message.text); break;
      case 'frame': listener.onFrame(message.frame, message.view); break;
      case 'modes': listener.onModes(message.modes); break;
      case 'reply': listener.onReply(message.data); break;
      case 'bell': listener.onBell(); break;
      case 'title': listener.onTitle(message.title); break;
      case 'status': listener.onStatus(message.data); break;
      case 'drained': emulator.handleDrained(message.lastLine); break;
      case 'snapshot': emulator.handleSnapshot(message.request, message.text); break;
      case 'text': listener.onText?.(message.text); break;
    }
  }

  async dispose(): Promise<void> {
    const workers = this.workers.splice(0);
    this.emulators.clear();
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
