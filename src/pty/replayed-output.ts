// The screen of an agent whose process is gone (it ended before the server restarted):
// its output log replayed into an emulator, so attaching shows its screen and scrollback
// as they were. Nothing runs: keys go nowhere.
import type { ScreenFrame } from '../core/screen-frame.js';
import type { Emulator, EmulatorPool } from './emulator-pool.js';

export interface ReplayListener {
  onFrame(frame: ScreenFrame, view: number): void;
}

export class ReplayedOutput {
  private readonly emulator: Emulator;

  constructor(pool: EmulatorPool, options: { data: Buffer; cols: number; rows: number; scrollback: number }, listener: ReplayListener) {
    this.emulator = pool.create({ cols: options.cols, rows: options.rows, scrollback: options.scrollback }, {
      onParsed: () => undefined,
      onLastLine: () => undefined,
      onFrame: (frame, view) => listener.onFrame(frame, view),
      onModes: () => undefined,
      onBell: () => undefined,
      onTitle: () => undefined,
      onStatus: () => undefined,
      onReply: () => undefined,
    });
    if (options.data.length > 0) this.emulator.write(options.data);
  }

  outputText(maxLines: number): Promise<string> {
    return this.emulator.snapshot(maxLines);
  }

  watch(view: number, on: boolean): void {
    this.emulator.watch(view, on);
  }

  scroll(view: number, lines: number | 'live'): void {
    this.emulator.scroll(view, lines);
  }

  resize(cols: number, rows: number): void {
    this.emulator.resize(cols, rows);
  }

  writeKeys(): void {
    // Nothing reads keys: the process is gone.
  }

  paste(): void {
    // Nothing reads input: the process is gone.
  }

  async sendLine(): Promise<void> {
    // Nothing reads input: the process is gone.
  }

  async kill(): Promise<[]> {
    // Nothing to stop.
    return [];
  }

  dispose(): void {
    this.emulator.dispose();
  }
}
