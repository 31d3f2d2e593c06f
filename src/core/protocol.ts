// The protocol between the server (which owns agents) and a screen client.
// Commands go in, events come out; all plain serializable data so the same screen
// works in-process and across a socket.
import type { AgentInfo, EndState } from './agent.js';
import type { ScreenFrame } from './screen-frame.js';
import type { UsageMeter } from './usage.js';
import type { ComparisonView } from './worktree.js';
import { formatDuration } from './format.js';

export const PROTOCOL_VERSION = 1;

export type ClientCommand =
  | { type: 'run'; command: string; name?: string; cwd: string; worktree?: WorktreeRequest; after?: string }
  | { type: 'kill'; name: string }
  /** Show this agent's screen to this client; keys typed by it then go to the agent. */
  | { type: 'attach'; name: string }
  | { type: 'detach' }
  /** Keys for the agent this client has attached. */
  | { type: 'input'; data: string }
  /** Look at the attached agent's history: `lines` further up (negative: down), or the live screen. */
  | { type: 'scroll'; lines: number | 'live' }
  /** Type a line into an agent, attached or not. */
  | { type: 'send'; name: string; text: string }
  /** The size of the client's agent pane; agents' ptys take it. */
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'chat'; text: string }
  /** Start a built-in claude agent on a task, without asking the model. */
  | { type: 'spawn'; task: string; name?: string; budgetUsd?: number; cwd: string; worktree?: WorktreeRequest; after?: string }
  /** Put worktree agents' attempts side by side (answered with a `comparison` event). */
  | { type: 'compare'; names: string[] }
  /** One file's diff in an attempt, against its base (answered with a `fileDiff` event). */
  | { type: 'fileDiff'; name: string; file: string }
  | { type: 'merge'; name: string; into?: string; squash?: boolean }
  | { type: 'discard'; names: string[]; force?: boolean }
  /** Ctrl+C in the chat: stop the main agent's current turn. */
  | { type: 'interrupt' }
  /** Ctrl+B in the chat: move the main agent's running foreground tool into the background. */
  | { type: 'background' }
  /** Stop every agent (used when the screen quits while the server lives in-process). */
  | { type: 'stopAll' };

/** Give the agent its own git worktree on a new branch from `base` (HEAD by default). */
export interface WorktreeRequest {
  base?: string;
}

export type FlashWord = EndState | 'needs input';

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
}

export interface SessionStatus {
  /** The main agent is taking a turn. */
  busy: boolean;
  /** A foreground tool run that Ctrl+B can send to the background. */
  foreground?: string;
  mainUsage?: UsageMeter;
}

export type ServerEvent =
  | { type: 'welcome'; version: number; agents: AgentInfo[]; chat: ChatEntry[]; model: ModelStatus; session: SessionStatus }
  | { type: 'session'; session: SessionStatus }
  | { type: 'agent'; agent: AgentInfo }
  | { type: 'flash'; flash: Flash }
  | { type: 'chat'; entry: ChatEntry }
  | { type: 'attached'; name: string }
  | { type: 'detached'; name: string }
  | { type: 'screen'; name: string; frame: ScreenFrame }
  /** A command from this client was refused; nothing changed. */
  | { type: 'error'; message: string }
  | { type: 'stopped'; count: number }
  | { type: 'comparison'; comparison: ComparisonView }
  | { type: 'fileDiff'; name: string; file: string; diff: string };

/** One line for the chat history: `build-ui failed · after 12s · exit 2`. */
export function describeFlash(flash: Flash): string {
  const parts = [`${flash.name} ${flash.word}`, `after ${formatDuration(flash.durationMs)}`];
  if (flash.exitCode !== undefined && flash.word !== 'needs input') parts.push(`exit ${flash.exitCode}`);
  if (flash.signal) parts.push(flash.signal);
  if (flash.summary) parts.push(flash.summary);
  return parts.join(' · ');
}
