// What an agent CLI's hook events mean for its state (spec §1: a state shown comes from a real
// signal). Pure: a hook event in, what it says out; the server applies it (agent-table.ts).
//   Claude Code: SessionStart → idle (at its prompt), UserPromptSubmit / PreToolUse / PostToolUse →
//     running, PermissionRequest (at once) or a permission Notification (seconds later) → waiting,
//     asking about the tool call, Stop → idle with the turn ended, the idle Notification (a minute
//     after it stopped, also after a refused tool call, which has no Stop) → idle, SessionEnd →
//     nothing (the process's exit says how it ended).
//   Codex (notify program): agent-turn-complete → idle with the turn ended (its last message is the
//     result); approval-requested → waiting.
//   Gemini CLI: BeforeAgent / BeforeTool / AfterTool → running, Notification → waiting, AfterAgent →
//     idle with the turn ended, SessionStart → idle.
//   Aider (notifications command): it waits for input → idle with the turn ended.
import type { HookSource } from './cli-hooks.js';
import { isObject } from './is-object.js';

export interface CliSignal {
  state?: 'running' | 'waiting' | 'idle';
  /** What a waiting CLI asks. */
  question?: string;
  /** A vaguer question than one it may have asked already: that one stays. */
  keepQuestion?: boolean;
  /** A turn ended (the CLI is idle again): the main agent is told, with `result` when the CLI said it. */
  turnEnded?: boolean;
  result?: string;
  /** One line on what it does now ("Bash touch x"). */
  activity?: string;
  /** Its own session id, to resume it with. */
  session?: string;
  /** Claude Code's transcript (JSON Lines), where its usage is read from. */
  transcript?: string;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The session id and transcript every Claude Code and Gemini CLI hook payload carries. */
function sessionOf(payload: Record<string, unknown>): Pick<CliSignal, 'session' | 'transcript'> {
  const session = text(payload.session_id);
  const transcript = text(payload.transcript_path);
  return { ...(session ? { session } : {}), ...(transcript ? { transcript } : {}) };
}

/** "Bash touch x" from a tool's name and input. */
function toolActivity(payload: Record<string, unknown>): string | undefined {
  const name = text(payload.tool_name);
  if (!name) return undefined;
  const input = isObject(payload.tool_input) ? payload.tool_input : {};
  const detail = text(input.command) ?? text(input.file_path) ?? text(input.path) ?? text(input.pattern) ?? text(input.url) ?? '';
  return `${name} ${detail}`.trim();
}

function claude(event: string, payload: Record<string, unknown>): CliSignal {
  const base = sessionOf(payload);
  switch (event) {
    case 'SessionStart':
      return { ...base, state: 'idle' };
    case 'UserPromptSubmit':
    case 'PostToolUse':
      return { ...base, state: 'running' };
    case 'PreToolUse': {
      const activity = toolActivity(payload);
      return { ...base, state: 'running', ...(activity ? { activity } : {}) };
    }
    case 'PermissionRequest': {
      const activity = toolActivity(payload);
      return { ...base, state: 'waiting', question: activity ? `Allow ${activity}?` : 'Claude needs your permission' };
    }
    case 'Notification': {
      const message = text(payload.message);
      const kind = text(payload.notification_type);
      if (kind === 'idle_prompt') return { ...base, state: 'idle' };
      const asks = kind === 'permission_prompt' || (kind === undefined && message !== undefined && /permission|approv/i.test(message));
      return asks ? { ...base, state: 'waiting', ...(message ? { question: message, keepQuestion: true } : {}) } : base;
    }
    case 'Stop': {
      const result = text(payload.last_assistant_message);
      return { ...base, state: 'idle', turnEnded: true, ...(result ? { result } : {}) };
    }
    default:
      return base;
  }
}

function codex(event: string, payload: Record<string, unknown>): CliSignal {
  const type = text(payload.type) ?? event;
  const session = text(payload['thread-id']) ?? text(payload.thread_id);
  const base: CliSignal = session ? { session } : {};
  if (type === 'agent-turn-complete') {
    const result = text(payload['last-assistant-message']);
    return { ...base, state: 'idle', turnEnded: true, ...(result ? { result } : {}) };
  }
  if (type === 'approval-requested') return { ...base, state: 'waiting', ...(text(payload.message) ? { question: text(payload.message) } : {}) };
  return base;
}

function gemini(event: string, payload: Record<string, unknown>): CliSignal {
  const base = sessionOf(payload);
  switch (event) {
    case 'SessionStart':
      return { ...base, state: 'idle' };
    case 'BeforeAgent':
    case 'AfterTool':
      return { ...base, state: 'running' };
    case 'BeforeTool': {
      const activity = toolActivity(payload);
      return { ...base, state: 'running', ...(activity ? { activity } : {}) };
    }
    case 'Notification': {
      const message = text(payload.message);
      return { ...base, state: 'waiting', ...(message ? { question: message } : {}) };
    }
    case 'AfterAgent': {
      const result = text(payload.prompt_response);
      return { ...base, state: 'idle', turnEnded: true, ...(result ? { result } : {}) };
    }
    default:
      return base;
  }
}

/** What hook `event` of `source`, with the CLI's `payload`, says. */
export function interpretHook(source: HookSource, event: string, payload: unknown): CliSignal {
  const fields = isObject(payload) ? payload : {};
  switch (source) {
    case 'claude':
      return claude(event, fields);
    case 'codex':
      return codex(event, fields);
    case 'gemini':
      return gemini(event, fields);
    case 'aider':
      return event === 'waiting' ? { state: 'idle', turnEnded: true } : {};
  }
}
