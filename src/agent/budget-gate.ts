// Whether a worker must stop before its next model request: its budget is reached as its own meter
// counts it, or agentmux told it to pause (agentmux keeps its own count and decides; stopping here
// first means no request starts in the moment before agentmux's word arrives). It goes on once
// agentmux says so, or raises the budget above what was spent.
import { budgetShares, reachedQuestion, spentOf, type Budget } from '../core/budget.js';
import type { WorkerCommand } from '../core/report-channel.js';
import type { UsageMeter } from '../core/usage.js';

export class BudgetGate {
  /** agentmux's question while it holds the worker paused. */
  private pausedBy: string | undefined;
  private waiters: Array<() => void> = [];

  constructor(private budget: Budget = {}) {}

  command(command: WorkerCommand): void {
    switch (command.type) {
      case 'budget':
        this.budget = command.budget;
        break;
      case 'pause':
        this.pausedBy = command.question;
        break;
      case 'goOn':
        this.pausedBy = undefined;
        break;
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** The question to stop with, or undefined to go on. */
  pauseReason(meter: UsageMeter): string | undefined {
    if (this.pausedBy !== undefined) return this.pausedBy;
    const reached = budgetShares(spentOf(meter), this.budget).find((share) => share.share >= 1);
    return reached && reachedQuestion(reached);
  }

  /** Resolves at agentmux's next command, or once `signal` aborts. */
  changed(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        this.waiters = this.waiters.filter((waiter) => waiter !== done);
        resolve();
      };
      signal.addEventListener('abort', done, { once: true });
      this.waiters.push(done);
    });
  }
}
