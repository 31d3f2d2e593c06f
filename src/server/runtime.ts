// What the server needs from whatever runs agents' processes (the pty layer in production).
import type { AgentLaunch, ProcessExit } from '../core/agent.js';
import type { HookSource } from '../core/cli-hooks.js';
import type { WorkerCommand, WorkerReport } from '../core/report-channel.js';
import type { ScreenFrame } from '../core/screen-frame.js';

export interface AgentEvents {
  onLastLine(text: string): void;
  /** A frame for one view (one watcher) of the agent's screen. */
  onFrame(frame: ScreenFrame, view: number): void;
  onReport(report: WorkerReport): void;
  /** What an agent CLI's hooks said (`agentmux hook`, core/cli-hooks.ts). */
  onHook(event: { source: HookSource; event: string; payload?: unknown }): void;
  /** The program rang the terminal bell (bells close together are told once): a weak signal. */
  onBell?(): void;
  /** The program set its window title (OSC 0/2). */
  onTitle?(title: string): void;
  /** The program reported its state on its terminal (the OSC 7501 sequence's text, core/program-status.ts): a weak signal. */
  onStatus?(data: string): void;
  /** A worker broke its report channel's protocol (the channel is closed), or something not the agent's hook spoke on its socket. */
  onChannelProblem(message: string): void;
  /** Raw output as the process wrote it (for its output log); valid only during the call: copy what you keep. */
  onOutput(data: Buffer): void;
  /** Called once, after all output was processed. */
  onEnd(exit: ProcessExit, lastLine: string): void;
}

export interface AgentHandle {
  writeKeys(data: string): void;
  paste(text: string): void;
  /** Types `text`, then Enter once the program has taken it; resolves once Enter is written. */
  sendLine(text: string): Promise<void>;
  resize(cols: number, rows: number): void;
  /** Plain text of the last `maxLines` lines of output (scrollback and screen). */
  outputText(maxLines: number): Promise<string>;
  /** `view`'s frames show history `lines` further up (negative: down), or the live screen again. */
  scroll(view: number, lines: number | 'live'): void;
  /** Frames wanted for `view` (a client shows this agent; each client its own view) or not. */
  watch(view: number, on: boolean): void;
  /**
   * Stops the agent and every process of its run, daemons that left its session included (SIGTERM,
   * SIGKILL after the grace period); `onEnd` follows. Resolves, once they are gone, with any that survived.
   */
  kill(): Promise<Array<{ pid: number; name: string }>>;
  /** Stops (SIGSTOP) or continues (SIGCONT) its process group: a budget pause of a program that cannot be asked to wait. */
  freeze?(on: boolean): void;
  /** Tells a built-in worker something over its channel (its budget, to pause, to go on). */
  tellWorker?(command: WorkerCommand): void;
  dispose(): void;
}

/** Output as the plain text an emulator shows (cursor-placed words with their spaces, wrapped lines joined). */
export interface OutputTextHandle {
  /** Takes ownership of `data`'s memory. */
  write(data: Uint8Array): void;
  /** Resolves once everything written has been handed over, the lines still on the screen last. */
  end(): Promise<void>;
  dispose(): void;
}

export interface AgentRuntime {
  /** Where agents' private directories (an agent CLI's hook socket, the files it is set up with) are made. */
  readonly privateDir?: string;
  /**
   * Where `program` is for an agent that inherits `inherit` (default: the runtime's own environment),
   * found as the agent's exec will find it: a path, or looked up in that environment's PATH; undefined if it is not there.
   */
  findProgram(program: string, inherit?: Record<string, string>): string | undefined;
  /** Throws with a one-line message when the agent cannot be started. */
  start(launch: AgentLaunch, events: AgentEvents): AgentHandle;
  /** The screen of an agent that ended before the server restarted, rebuilt from its output log. */
  replay(output: Buffer, size: { cols: number; rows: number }, events: { onFrame(frame: ScreenFrame, view: number): void }): AgentHandle;
  /**
   * Renders output written to it as plain text, handed to `onText` a line at a time as lines become
   * final: once they scroll off the screen, and with `follow` as soon as a program that only writes
   * forward has left them.
   */
  outputText(size: { cols: number; rows: number }, follow: boolean, onText: (text: string) => void): OutputTextHandle;
}
