// The agent model shared by server and screen: plain, serializable data.
import type { Budget } from './budget.js';
import type { WorkerCredentials } from './report-channel.js';
import type { UsageMeter } from './usage.js';
import type { WorktreeInfo } from './worktree.js';

/** `command`: a shell command; `claude`: the built-in worker; `cli`: an external agent CLI (Claude Code, Codex, …). */
export type AgentKind = 'command' | 'claude' | 'cli';

/**
 * `idle`: an interactive agent CLI done with its turn, waiting for the next prompt; `unknown`: no
 * signal says what it does (a state shown comes from a real signal, never a guess).
 */
export type AgentState = 'queued' | 'running' | 'waiting' | 'idle' | 'finished' | 'failed' | 'killed' | 'lost' | 'unknown';

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
  /** What it may spend (its meter says what it has): at 100% it pauses, `waiting`, until the budget is raised. */
  budget?: Budget;
  /** The question a waiting agent asks. */
  question?: string;
  /** A claude agent's final report. */
  result?: string;
  /** Set for an agent working in its own git worktree. */
  worktree?: WorktreeInfo;
  /** A built-in worker started as this agent profile. */
  profile?: string;
  /** A `cli` agent: which CLI (`claude`, `codex`, … or one from config). */
  cli?: string;
  /** A `cli` agent's own session id (from its hooks), with which it is resumed. */
  cliSession?: string;
  /**
   * Where a `cli` agent's state comes from when the signal is a weak one, something on its terminal:
   * its bell, or its status report (OSC 7501) (shown beside the state). Hooks and notifications are
   * not labelled; a window title gives no state.
   */
  stateFrom?: 'bell' | 'status';
  /** A `cli` agent's window title (OSC 0/2), as it last set it: shown, never read for a state. */
  windowTitle?: string;
  /** The host (config `hosts`, core/hosts.ts) it runs on; absent: this machine. */
  host?: string;
  /**
   * How its state is known across the link to its host: `agentmux` (a remote agentmux reports it),
   * `plain` (plain `ssh -tt`: its exit status is the only signal), `docker` (`docker exec`/`run`).
   */
  hostLink?: 'agentmux' | 'plain' | 'docker';
  /** When its link went down (ms since the epoch): its state is `unknown` until the link is back. */
  linkDownSince?: number;
}

/** The state as shown: with where it came from when that is a weak signal (`waiting (bell)`). */
export function stateLabel(info: Pick<AgentInfo, 'state' | 'stateFrom' | 'linkDownSince' | 'hostLink'>): string {
  if (info.linkDownSince !== undefined && !isEnded(info.state)) return `${info.state} (link down since ${clockTime(info.linkDownSince)})`;
  if (info.hostLink === 'plain' && !isEnded(info.state)) return `${info.state} (exit status only)`;
  return info.stateFrom ? `${info.state} (${info.stateFrom})` : info.state;
}

/** The state in at most `width` columns: a link that is down keeps its time, the state's word gives way. */
export function shortStateLabel(info: Pick<AgentInfo, 'state' | 'stateFrom' | 'linkDownSince' | 'hostLink'>, width: number): string {
  const label = stateLabel(info);
  if (label.length <= width || info.linkDownSince === undefined || isEnded(info.state)) return label;
  return `link down since ${clockTime(info.linkDownSince)}`;
}

/** HH:MM in local time. */
function clockTime(ms: number): string {
  const at = new Date(ms);
  return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
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

/** A file an agent CLI is set up with for one run: written in the agent's private directory, its path named in the variable `env`. */
export interface HookFile {
  name: string;
  env: string;
  content: string;
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
  /** A built-in worker (or a print run agentmux renders): it gets a private report channel, over which it is handed these credentials. */
  reports?: { credentials?: WorkerCredentials };
  /** An agent CLI with hooks: it gets a socket for them (`agentmux hook` finds it in its environment). */
  hooks?: boolean;
  /** Files its hooks are set up with (a settings file), written beside that socket and gone with it. */
  hookFiles?: HookFile[];
  /** Output of an earlier run of this agent, shown above what the new process prints (a continued worker). */
  history?: Uint8Array;
}
