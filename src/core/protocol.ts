// The protocol between the server (which owns agents) and a screen client.
// Commands go in, events come out; all plain serializable data so the same screen
// works in-process and across a socket.
import type { AgentInfo, EndState } from './agent.js';
import type { ScreenFrame } from './screen-frame.js';
import { formatDuration } from './format.js';

export const PROTOCOL_VERSION = 1;

export type ClientCommand =
  | { type: 'run'; command: string; name?: string; cwd: string }
  | { type: 'kill'; name: string }
  /** Show this agent's screen to this client; keys typed by it then go to the agent. */
  | { type: 'attach'; name: string }
  | { type: 'detach' }
  /** Keys for the agent this client has attached. */
  | { type: 'input'; data: string }
  /** Type a line into an agent, attached or not. */
  | { type: 'send'; name: string; text: string }
  /** The size of the client's agent pane; agents' ptys take it. */
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'chat'; text: string }
  /** Stop every agent (used when the screen quits while the server lives in-process). */
  | { type: 'stopAll' };

export type FlashWord = EndState | 'needs input';

export interface Flash {
  name: string;
  word: FlashWord;
  durationMs: number;
  exitCode?: number;
  signal?: string;
  summary?: string;
}

export type ChatRole = 'user' | 'assistant' | 'system' | 'error' | 'event';

export interface ChatEntry {
  id: number;
  at: number;
  role: ChatRole;
  text: string;
  flash?: Flash;
}

export interface ModelStatus {
  configured: boolean;
  /** One line telling the user how to configure the model when it is not. */
  help?: string;
}

export type ServerEvent =
  | { type: 'welcome'; version: number; agents: AgentInfo[]; chat: ChatEntry[]; model: ModelStatus }
  | { type: 'agent'; agent: AgentInfo }
  | { type: 'flash'; flash: Flash }
  | { type: 'chat'; entry: ChatEntry }
  | { type: 'attached'; name: string }
  | { type: 'detached'; name: string }
  | { type: 'screen'; name: string; frame: ScreenFrame }
  /** A command from this client was refused; nothing changed. */
  | { type: 'error'; message: string }
  | { type: 'stopped'; count: number };

/** One line for the chat history: `build-ui failed · after 12s · exit 2`. */
export function describeFlash(flash: Flash): string {
  const parts = [`${flash.name} ${flash.word}`, `after ${formatDuration(flash.durationMs)}`];
  if (flash.exitCode !== undefined && flash.word !== 'needs input') parts.push(`exit ${flash.exitCode}`);
  if (flash.signal) parts.push(flash.signal);
  if (flash.summary) parts.push(flash.summary);
  return parts.join(' · ');
}
