// Ends every process of a run (run-processes.ts): SIGTERM (and SIGCONT, so that a stopped one can
// act on it) to all, then SIGKILL to whatever is still there when the grace period ends; a process
// that turns up meanwhile gets the same. Then it looks again and tells what survived even that.
import type { ProcessTree, RunProcess } from './run-processes.js';

/** How often the run's processes are looked for while they end. */
const POLL_MS = 50;
/** How long processes sent SIGKILL are given to be gone. */
const AFTER_KILL_MS = 1000;

export class TreeKill {
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private disposed = false;
  /** What the last look found alive. */
  private seen: RunProcess[] = [];
  /** The signal of the current stage, and who has had it. */
  private stage: NodeJS.Signals = 'SIGTERM';
  private signalled = new Set<number>();

  constructor(private readonly tree: ProcessTree, private readonly graceMs: number) {}

  /** Resolves with the processes that survived SIGKILL (none, nearly always). */
  async run(): Promise<RunProcess[]> {
    this.seen = await this.tree.find();
    this.begin('SIGTERM');
    if (await this.goneWithin(this.graceMs)) return [];
    this.begin('SIGKILL');
    if (await this.goneWithin(AFTER_KILL_MS)) return [];
    return this.seen;
  }

  /** Stops looking; whatever was last seen alive is sent SIGKILL. */
  dispose(): void {
    if (this.disposed) return;
    this.begin('SIGKILL');
    this.disposed = true;
    clearTimeout(this.timer);
    this.wake?.();
  }

  private begin(signal: NodeJS.Signals): void {
    if (this.disposed) return;
    this.stage = signal;
    this.signalled.clear();
    this.tree.signalGroup(signal);
    if (signal === 'SIGTERM') this.tree.signalGroup('SIGCONT');
    this.newcomers();
  }

  /** Sends the stage's signal to the processes seen that have not had it. */
  private newcomers(): void {
    const fresh = this.seen.filter(({ pid }) => !this.signalled.has(pid));
    for (const { pid } of fresh) this.signalled.add(pid);
    this.tree.signalEach(fresh, this.stage);
    if (this.stage === 'SIGTERM') this.tree.signalEach(fresh, 'SIGCONT');
  }

  /** Whether every process of the run is gone within `ms` (or the kill was disposed of). */
  private async goneWithin(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    for (;;) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, Math.max(0, Math.min(POLL_MS, deadline - Date.now())));
      });
      if (this.disposed) return true;
      this.seen = await this.tree.find();
      if (this.seen.length === 0) return true;
      this.newcomers();
      if (Date.now() >= deadline) return false;
    }
  }
}
