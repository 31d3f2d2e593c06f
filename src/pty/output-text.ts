// An agent's output as the plain text its terminal shows, for `agentmux logs` and the last
// lines of an agent whose screen is gone: its output log parsed by an emulator of the pool,
// which hands over lines as they become final (text-lines.ts).
import type { Emulator, EmulatorPool } from './emulator-pool.js';

export class OutputText {
  private readonly emulator: Emulator;
  private disposed = false;

  /** `follow`: lines a forward-only program has left are final at once, not only once they scroll off the screen. */
  constructor(pool: EmulatorPool, size: { cols: number; rows: number }, follow: boolean, onText: (text: string) => void) {
    this.emulator = pool.create({ ...size, scrollback: 0, text: { eager: follow } }, {
      onParsed: () => undefined,
      onLastLine: () => undefined,
      onFrame: () => undefined,
      onModes: () => undefined,
      onReply: () => undefined,
      onBell: () => undefined,
      onTitle: () => undefined,
      onStatus: () => undefined,
      onText: (text) => {
        if (!this.disposed) onText(text);
      },
    });
  }

  /** Takes ownership of `data`'s memory (handed to the emulator's thread). */
  write(data: Uint8Array): void {
    if (data.length > 0 && !this.disposed) this.emulator.write(data);
  }

  /** Resolves once everything written has been handed over as text, the lines still on the screen last. */
  end(): Promise<void> {
    return this.disposed ? Promise.resolve() : this.emulator.finish();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.emulator.dispose();
  }
}
