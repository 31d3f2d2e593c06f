// A program run as agentmux runs an agent (AgentProcess: a real pty, its output parsed by the emulator
// pool), with the agent's screen kept from the frames a watcher gets, for tests to read and wait on.
import type { ProcessExit } from '../../src/core/agent.js';
import { applyFrame, type FrameLine } from '../../src/core/screen-frame.js';
import { AgentProcess, type AgentProcessSpec } from '../../src/pty/agent-process.js';
import type { EmulatorPool } from '../../src/pty/emulator-pool.js';

const VIEW = 1;
const POLL_MS = 20;

export class AgentScreen {
  readonly process: AgentProcess;
  private grid: FrameLine[] = [];
  private exit: ProcessExit | undefined;

  constructor(pool: EmulatorPool, spec: AgentProcessSpec) {
    this.process = new AgentProcess(pool, spec, {
      onLastLine: () => undefined,
      onFrame: (frame, view) => {
        if (view === VIEW) this.grid = applyFrame(this.grid, frame);
      },
      onReport: () => undefined,
      onHook: () => undefined,
      onChannelProblem: () => undefined,
      onOutput: () => undefined,
      onEnd: (exit) => {
        this.exit = exit;
      },
    });
    this.process.watch(VIEW, true);
  }

  /** The screen's rows, trailing blanks trimmed. */
  rows(): string[] {
    return this.grid.map((line) => line.runs.map((run) => run.text).join('').trimEnd());
  }

  /** Whether a row contains `text`. */
  shows(text: string): boolean {
    return this.rows().some((row) => row.includes(text));
  }

  /** The screen with row numbers, as a failed wait shows it. */
  formatted(): string {
    return this.rows().map((row, y) => `${String(y).padStart(2)} |${row}`).join('\n');
  }

  /**
   * Resolves once `condition` holds for the screen. Rejects after `timeoutMs`, or as soon as the program
   * has ended without it holding, saying what it waited for and showing the screen.
   */
  async waitFor(what: string, condition: (screen: AgentScreen) => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (condition(this)) return;
      const ended = this.exit && `the program ended (${JSON.stringify(this.exit)})`;
      if (ended || Date.now() > deadline) {
        throw new Error(`${ended || `timed out after ${timeoutMs} ms`} while waiting for ${what}; the screen:\n${this.formatted()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** SIGTERM (SIGKILL after the spec's grace period), then resolves once the program has ended. */
  async stop(timeoutMs: number): Promise<void> {
    this.process.kill();
    const deadline = Date.now() + timeoutMs;
    while (!this.exit && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    this.process.dispose();
  }
}
