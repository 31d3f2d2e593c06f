// What the server needs from whatever runs agents' processes (the pty layer in production).
import type { ProcessExit } from '../core/agent.js';
import type { WorkerReport } from '../core/report-channel.js';
import type { ScreenFrame } from '../core/screen-frame.js';

export interface AgentLaunch {
  name: string;
  /** A shell command (`/bin/sh -c`), or a program and its arguments. */
  program: { shell: string } | { file: string; args: string[] };
  cwd: string;
  cols: number;
  rows: number;
  /** Variables on top of the inherited environment. */
  env?: Record<string, string>;
  /** Structured reports carrying this secret are accepted from the agent's output. */
  reportSecret?: string;
}

export interface AgentEvents {
  onLastLine(text: string): void;
  onFrame(frame: ScreenFrame): void;
  onReport(report: WorkerReport): void;
  /** Called once, after all output was processed. */
  onEnd(exit: ProcessExit, lastLine: string): void;
}

export interface AgentHandle {
  writeKeys(data: string): void;
  sendLine(text: string): void;
  resize(cols: number, rows: number): void;
  /** Plain text of the last `maxLines` lines of output (scrollback and screen). */
  outputText(maxLines: number): Promise<string>;
  /** Frames wanted (a client shows this agent) or not. */
  watch(on: boolean): void;
  /** Ask the agent to stop; `onEnd` follows. */
  kill(): void;
  dispose(): void;
}

export interface AgentRuntime {
  /** Throws with a one-line message when the agent cannot be started. */
  start(launch: AgentLaunch, events: AgentEvents): AgentHandle;
}
