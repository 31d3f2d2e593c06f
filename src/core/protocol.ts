// The protocol between the server (which owns agents) and a screen client.
// Commands go in, events come out; all plain serializable data so the same screen
// works in-process and across a socket.
import type { AgentInfo, EndState } from './agent.js';
import type { ProfileEntry } from './profile-listing.js';
import type { ScreenFrame } from './screen-frame.js';
import type { SpendReport } from './spend.js';
import type { UsageMeter } from './usage.js';
import type { ComparisonView } from './worktree.js';
import { formatDuration } from './format.js';

/** Raised whenever a message changes shape; a client and a server of different versions refuse each other. */
export const PROTOCOL_VERSION = 8;

/** The most a client may send in one message (a line of JSON); more disconnects it. */
export const MAX_CLIENT_MESSAGE_BYTES = 1024 * 1024;

/** Which main conversation a screen wants when it opens a workspace. */
export type SessionChoice =
  | { kind: 'current' }
  /** The latest conversation of this repository (`--continue`). */
  | { kind: 'continue'; fork?: boolean }
  /** A chosen one by ID or unique ID prefix (`--resume ID`). */
  | { kind: 'resume'; id: string; fork?: boolean };

/** Flags the first client of a workspace chose; later clients' differing flags are reported, not applied. */
export interface WorkspaceFlags {
  model?: string;
  permissionMode?: 'ask' | 'edits' | 'auto';
  demo?: boolean;
  /** The main conversation runs as this agent profile (`agentmux --agent NAME`). */
  agent?: string;
}

/** The first message on a connection: who is speaking, for which directory. */
export interface ClientHello {
  type: 'hello';
  version: number;
  /** `screen`: the full-screen UI; `script`: a one-shot command such as `agentmux ls`. */
  role: 'screen' | 'script';
  /** The client's working directory: the workspace is its repository (or the directory itself). */
  cwd: string;
  flags: WorkspaceFlags;
  session: SessionChoice;
  /**
   * The client's environment: the agents it starts inherit it, so `agentmux run` after `nvm use`
   * or in a virtualenv runs as it would in that shell; a screen's also goes to the agents the
   * model starts from then on (tmux's update-environment, for every variable).
   */
  env?: Record<string, string>;
  /** `agentmux attach` outside any repository: the workspace a screen used last, as `tmux attach` takes the last session. */
  latest?: boolean;
}

export type ClientCommand =
  | { type: 'run'; command: string; name?: string; cwd: string; worktree?: WorktreeRequest; after?: string; host?: string }
  | { type: 'kill'; name: string }
  /** Show this agent's screen to this client; keys typed by it then go to the agent. */
  | { type: 'attach'; name: string }
  | { type: 'detach' }
  /** Keys for the agent this client has attached. */
  | { type: 'input'; data: string }
  /** Text the user pasted into the attached agent: one paste, bracketed when the program asked for that. */
  | { type: 'paste'; text: string }
  /** Look at the attached agent's history: `lines` further up (negative: down), or the live screen. */
  | { type: 'scroll'; lines: number | 'live' }
  /** What this screen has typed in its input line and not sent yet: the next screen to open gets it. */
  | { type: 'draft'; text: string }
  /** Replace the main conversation with a summary the model writes of it (`instructions`: what to keep). */
  | { type: 'compact'; instructions?: string }
  /** Type a line into an agent, attached or not. */
  | { type: 'send'; name: string; text: string }
  /** The size of the client's agent pane; agents' ptys take it. */
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'chat'; text: string }
  /**
   * Start an external agent CLI (`cli`: a kind such as claude or codex), on a first prompt when `task` is given;
   * `print`: run it once on `task` without its screen, shown as a worker's work.
   */
  | {
    type: 'new'; cli: string; task?: string; name?: string; cwd: string; worktree?: WorktreeRequest; after?: string; print?: boolean;
    budgetUsd?: number; budgetTokens?: number; host?: string;
  }
  /** Start a built-in claude agent on a task, without asking the model; `agent`: as that agent profile. */
  | {
    type: 'spawn'; task: string; name?: string; budgetUsd?: number; budgetTokens?: number; cwd: string; worktree?: WorktreeRequest; after?: string;
    agent?: string; host?: string;
  }
  /** Set an agent's budget (`name`) or the session's (`session`); a paused agent under its new budget goes on. */
  | { type: 'budget'; name?: string; session?: boolean; usd?: number; tokens?: number }
  /** The workspace's agent profiles (answered with a `profiles` event). */
  | { type: 'profiles' }
  /** Put worktree agents' attempts side by side (answered with a `comparison` event). */
  | { type: 'compare'; names: string[] }
  /** One file's diff in an attempt, against its base (answered with a `fileDiff` event). */
  | { type: 'fileDiff'; name: string; file: string }
  | { type: 'merge'; name: string; into?: string; squash?: boolean }
  | { type: 'discard'; names: string[]; force?: boolean }
  /** Forget ended agents: gone from every list and the records, their names free again (answered `removed` for each). */
  | { type: 'remove'; names: string[] }
  /** Ctrl+C in the chat: stop the main agent's current turn. */
  | { type: 'interrupt' }
  /** Ctrl+B in the chat: move the main agent's running foreground tool into the background. */
  | { type: 'background' }
  /**
   * The output log of an agent, then (with `follow`) what it prints until it ends: `log` events, then `logEnd`.
   * Plain text as its terminal shows it, or (`raw`) the bytes as the agent wrote them.
   */
  | { type: 'logs'; name: string; follow?: boolean; raw?: boolean }
  /** Stop the server. Refused while agents run unless `force`; forced, it stops them first. */
  | { type: 'shutdown'; force?: boolean }
  /** Copy the current main conversation into a new session and continue in the copy. */
  | { type: 'fork' }
  /** Switch the main conversation to `session` (ID or unique prefix); without it: answered with `sessions`. */
  | { type: 'resume'; session?: string }
  /** What the session has cost so far, per agent and per model, and over time (answered with a `spend` event). */
  | { type: 'spend' };

/** A command as it crosses the wire: with `id`, the server answers `done` with the same id when it is carried out. */
export type ClientMessage = ClientCommand & { id?: number };

/** Give the agent its own git worktree on a new branch from `base` (HEAD by default). */
export interface WorktreeRequest {
  base?: string;
}

/**
 * `idle`: an agent CLI is done with its turn and waits for the next prompt; `shares a file`: it wrote a
 * file another running agent wrote too; `budget`: most of a budget is spent.
 */
export type FlashWord = EndState | 'needs input' | 'idle' | 'shares a file' | 'budget';

export interface Flash {
  name: string;
  word: FlashWord;
  durationMs: number;
  exitCode?: number;
  signal?: string;
  summary?: string;
}

/** `tool`: a compact line for a tool call of the main agent; `notice`: retries and the like. */
export type ChatRole = 'user' | 'assistant' | 'system' | 'error' | 'event' | 'tool' | 'notice';

/** An entry sent again with the same id replaces the earlier one (streamed text grows). */
export interface ChatEntry {
  id: number;
  at: number;
  role: ChatRole;
  text: string;
  flash?: Flash;
  /** Still being written (streamed text, a running tool). */
  open?: boolean;
}

export interface ModelStatus {
  configured: boolean;
  model?: string;
  demo?: boolean;
  /** One line telling the user how to configure the model when it is not. */
  help?: string;
  /** The agent profile the main agent runs as. */
  profile?: string;
}

export interface SessionStatus {
  /** The main conversation's session ID (its transcript's name). */
  id?: string;
  /** The main agent is taking a turn. */
  busy: boolean;
  /** A foreground tool run that Ctrl+B can send to the background. */
  foreground?: string;
  mainUsage?: UsageMeter;
  /** The session's budget in USD: the main agent's and every agent's spending together. */
  budgetUsd?: number;
  /** The requests for prompt suggestions (a model of their own), once there was one. */
  suggestionUsage?: UsageMeter;
}

/** A main conversation on disk, for `--resume` and `/resume`. */
export interface SessionSummary {
  id: string;
  createdAt: number;
  updatedAt: number;
  /** The first thing the user said, as a title. */
  title: string;
  messages: number;
  forkedFrom?: string;
}

export type ServerEvent =
  | {
    type: 'welcome'; version: number; serverVersion: string; workspace: string; agents: AgentInfo[]; chat: ChatEntry[]; model: ModelStatus; session: SessionStatus;
    /** What a screen had typed in its input line and not sent yet, when it went away. */
    draft?: string;
    /** The prompt suggestion the screens show now, if any. */
    suggestion?: string;
  }
  /** The hello was refused (e.g. another protocol version); the connection closes after it. */
  | { type: 'refused'; version: number; serverVersion: string; message: string; stopping?: boolean }
  /** The command with this id was carried out (`error` unset) or refused; `name` is the agent it started. */
  | { type: 'done'; id: number; error?: string; name?: string; running?: number }
  | { type: 'log'; name: string; data: string }
  | { type: 'logEnd'; name: string }
  | { type: 'sessions'; sessions: SessionSummary[] }
  /** The agent profiles found, and where they were looked for. */
  | { type: 'profiles'; profiles: ProfileEntry[]; searched: string[] }
  /** The server is going away (stopped, or it disconnects this client for sending garbage). */
  | { type: 'goodbye'; message: string }
  | { type: 'session'; session: SessionStatus }
  | { type: 'agent'; agent: AgentInfo }
  /** An ended agent was removed: it leaves the list. */
  | { type: 'removed'; name: string }
  | { type: 'flash'; flash: Flash }
  | { type: 'chat'; entry: ChatEntry }
  /** The user's likely next message after a main-agent turn (model output, one printable line): shown in an empty input line. */
  | { type: 'suggestion'; text: string }
  /** The chat shows another conversation now (a resumed or forked session): these lines replace all. */
  | { type: 'chatReset'; chat: ChatEntry[] }
  | { type: 'attached'; name: string }
  | { type: 'detached'; name: string }
  | { type: 'screen'; name: string; frame: ScreenFrame }
  /** A command from this client was refused; nothing changed. */
  | { type: 'error'; message: string }
  /** A word for this client alone, not a refusal (which workspace it was given, say). */
  | { type: 'notice'; message: string }
  | { type: 'comparison'; comparison: ComparisonView }
  | { type: 'fileDiff'; name: string; file: string; diff: string }
  | { type: 'spend'; report: SpendReport };

/** One line for the chat history: `build-ui failed · after 12s · exit 2`. */
export function describeFlash(flash: Flash): string {
  if (flash.word === 'budget') return `${flash.name}: ${flash.summary ?? 'most of its budget is spent'}`;
  const parts = [`${flash.name} ${flash.word}`, `after ${formatDuration(flash.durationMs)}`];
  if (flash.exitCode !== undefined && flash.word !== 'needs input') parts.push(`exit ${flash.exitCode}`);
  if (flash.signal) parts.push(flash.signal);
  if (flash.summary) parts.push(flash.summary);
  return parts.join(' · ');
}
