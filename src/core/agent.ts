// The agent model shared by server and screen: plain, serializable data.
import type { WorkerCredentials } from './report-channel.js';
import type { UsageMeter } from './usage.js';
import type { WorktreeInfo } from './worktree.js';

export type AgentKind = 'command' | 'claude';

export type AgentState = 'queued' | 'running' | 'waiting' | 'finished' | 'failed' | 'killed' | 'lost' | 'unknown';

export type EndState = 'finished' | 'failed' | 'killed' | 'lost';

const END_STATES: ReadonlySet<AgentState> = new Set<AgentState>(['finished', 'failed', 'killed', 'lost']);

export function isEnded(state: AgentState): state is EndState {
  return END_STATES.has(state);
}

export interface AgentInfo {
  name: string;
  kind: AgentKind;
  /** The shell command of a command agent, or the task of a claude agent. */
  task: string;
  cwd: string;
  state: AgentState;
  startedAt: number;
  endedAt?: number;
  exitCode?: number;
  signal?: string;
  /** The latest line of output on the agent's screen (above an agent CLI's input box), as plain text from the emulator's cell grid. */
  lastLine: string;
  /** Ended and not yet looked at by anyone. */
  unread: boolean;
  /** Token meter of a claude agent, from its own reports. */
  usage?: UsageMeter;
  /** The question a waiting agent asks. */
  question?: string;
  /** A claude agent's final report. */
  result?: string;
  /** Set for an agent working in its own git worktree. */
  worktree?: WorktreeInfo;
}

export interface ProcessExit {
  exitCode: number;
  /** Signal number that ended the process, 0 or undefined if it exited by itself. */
  signal?: number;
}

/**
 * The state an agent ends in, from how its process ended — a real signal, never a guess —
 * and, for a built-in worker, the outcome it reported (it cannot report success and exit non-zero).
 */
export function endStateOf(exit: ProcessExit, killRequested: boolean, reported?: 'finished' | 'failed'): EndState {
  if (killRequested) return 'killed';
  const exitedCleanly = exit.exitCode === 0 && !exit.signal;
  return exitedCleanly && reported !== 'failed' ? 'finished' : 'failed';
}

/** How to start an agent's process: what both the server and the pty layer speak. */
export interface AgentLaunch {
  name: string;
  /** A shell command (`/bin/sh -c`), or a program and its arguments. */
  program: { shell: string } | { file: string; args: string[] };
  cwd: string;
  cols: number;
  rows: number;
  /** The environment it inherits: the requesting client's, or the last screen's (default: the server's own). */
  inherit?: Record<string, string>;
  /** Variables on top of the inherited environment. */
  env?: Record<string, string>;
  /** A model drives the process (a built-in worker, the main agent's bash): no model credentials in its environment. */
  modelDriven?: boolean;
  /** A built-in worker: it gets a private report channel, over which it is handed these credentials. */
  credentials?: WorkerCredentials;
  /** Output of an earlier run of this agent, shown above what the new process prints (a continued worker). */
  history?: Uint8Array;
}
