// What an agent CLI's hooks send to agentmux (spec §1 states from real signals): `agentmux hook`,
// run by the CLI at its events (Claude Code's hooks, Codex's notify program, Aider's notifications
// command…), connects to its agent's hook socket (named in the agent's environment) and sends one
// message with the agent's hook token, the source, the event and the CLI's own payload. The socket
// and token are the agent's own, so what a CLI or anything it runs says lands on that agent only.
import { isObject } from './is-object.js';

export const HOOK_SOCKET_ENV = 'AGENTMUX_HOOK';
export const HOOK_TOKEN_ENV = 'AGENTMUX_HOOK_TOKEN';
/** A CLI's payload (Claude Code's carry a tool's whole input) may be large; more is cut. */
export const MAX_HOOK_MESSAGE_BYTES = 4 << 20;

export const HOOK_SOURCES = ['claude', 'codex', 'gemini', 'aider'] as const;
export type HookSource = (typeof HOOK_SOURCES)[number];

export interface HookMessage {
  token: string;
  source: HookSource;
  /** The CLI's name for what happened (`Stop`, `Notification`, `agent-turn-complete`, …). */
  event: string;
  /** What the CLI said of it (parsed JSON), if anything. */
  payload?: unknown;
}

/** The message, or why it is not one. */
export function parseHookMessage(value: unknown): HookMessage | { error: string } {
  if (!isObject(value)) return { error: 'not an object' };
  const { token, source, event, payload } = value;
  if (typeof token !== 'string' || token === '') return { error: 'no token' };
  if (typeof source !== 'string' || !(HOOK_SOURCES as readonly string[]).includes(source)) return { error: `unknown source ${JSON.stringify(source)}` };
  if (typeof event !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(event)) return { error: 'no event name' };
  return { token, source: source as HookSource, event, ...(payload !== undefined ? { payload } : {}) };
}
