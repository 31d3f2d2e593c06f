// What an agent CLI's hook events mean for its state (spec §1: a state shown comes from a real
// signal). Pure: a hook event in, what it says out; the server applies it (agent-table.ts).
//   Claude Code: SessionStart → idle (at its prompt), UserPromptSubmit / PreToolUse / PostToolUse →
//     running, PermissionRequest (at once) or a permission Notification (seconds later) → waiting,
//     asking about the tool call, Stop → idle with the turn ended, the idle Notification (a minute
//     after it stopped, also after a refused tool call, which has no Stop) → idle, SessionEnd →
//     nothing (the process's exit says how it ended).
//   Codex (notify program): agent-turn-complete of the agent's own thread → idle with the turn ended
//     (its last message is the result, its thread the session). Codex notifies nothing else: its
//     approvals go to its screen only (its hooks could say more, but Codex asks the user to trust
//     hooks given for one run before it runs them).
//   Gemini CLI: BeforeAgent / BeforeTool / AfterTool → running, Notification (ToolPermission) →
//     waiting, AfterAgent → idle with the turn ended, SessionStart → idle.
//   Aider (notifications command): it waits for the user after a reply → idle with the turn ended.
//     The command runs alike before its next prompt and before a question it asks right after a
//     reply, so a question shows as idle too; nothing says it is running.
import type { HookSource } from './cli-hooks.js';
import { isObject } from './is-object.js';

export interface CliSignal {
  state?: 'running' | 'waiting' | 'idle';
  /** What a waiting CLI asks. */
  question?: string;
  /**
   * It waits, said late: Claude Code's permission Notification comes seconds after its
   * PermissionRequest, often after the user answered. From a CLI that asks directly (`asks`) it says
   * nothing; from one that does not (older releases), it is the question.
   */
  echo?: boolean;
  /** It asks directly, at once (Claude Code's PermissionRequest): its later echoes say nothing. */
  asks?: boolean;
  /** A turn ended (the CLI is idle again): the main agent is told, with `result` when the CLI said it. */
  turnEnded?: boolean;
  result?: string;
  /** One line on what it does now ("Bash touch x"). */
  activity?: string;
  /** Its own session id, to resume it with. */
  session?: string;
  /** Claude Code's transcript (JSON Lines), where its usage is read from. */
  transcript?: string;
  /** A file it wrote (absolute, or relative to its working directory). */
  wrote?: string;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The session id and transcript every Claude Code and Gemini CLI hook payload carries. */
function sessionOf(payload: Record<string, unknown>): Pick<CliSignal, 'session' | 'transcript'> {
  const session = text(payload.session_id);
  const transcript = text(payload.transcript_path);
  return { ...(session ? { session } : {}), ...(transcript ? { transcript } : {}) };
}

/** The file a tool call that writes files wrote, by the CLI's names of such tools. */
function writtenFile(payload: Record<string, unknown>, writers: ReadonlySet<string>): Pick<CliSignal, 'wrote'> {
  const name = text(payload.tool_name);
  const input = isObject(payload.tool_input) ? payload.tool_input : {};
  const file = name && writers.has(name) ? text(input.file_path) ?? text(input.notebook_path) : undefined;
  return file ? { wrote: file } : {};
}

const CLAUDE_WRITERS: ReadonlySet<string> = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit']);
const GEMINI_WRITERS: ReadonlySet<string> = new Set(['write_file', 'replace']);

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
      return { ...base, state: 'running' };
    case 'PostToolUse':
      return { ...base, state: 'running', ...writtenFile(payload, CLAUDE_WRITERS) };
    case 'PreToolUse': {
      const activity = toolActivity(payload);
      return { ...base, state: 'running', ...(activity ? { activity } : {}) };
    }
    case 'PermissionRequest': {
      const activity = toolActivity(payload);
      return { ...base, state: 'waiting', asks: true, question: activity ? `Allow ${activity}?` : 'Claude needs your permission' };
    }
    case 'Notification': {
      const message = text(payload.message);
      const kind = text(payload.notification_type);
      if (kind === 'idle_prompt') return { ...base, state: 'idle' };
      const asks = kind === 'permission_prompt' || (kind === undefined && message !== undefined && /permission|approv/i.test(message));
      return asks ? { ...base, state: 'waiting', echo: true, ...(message ? { question: message } : {}) } : base;
    }
    case 'Stop': {
      const result = text(payload.last_assistant_message);
      return { ...base, state: 'idle', turnEnded: true, ...(result ? { result } : {}) };
    }
    default:
      return base;
  }
}

/**
 * Codex gives a new thread a name with a turn of its own, in a thread of its own, while the agent's
 * turn goes on (seen in Codex 0.171.0): that turn's notification is not the agent's.
 */
const CODEX_TITLE_PROMPT = 'Generate a concise, single-line task title';

function codex(event: string, payload: Record<string, unknown>, session: string | undefined): CliSignal {
  if ((text(payload.type) ?? event) !== 'agent-turn-complete') return {};
  const inputs = Array.isArray(payload['input-messages']) ? payload['input-messages'] : [];
  if (inputs.some((input) => typeof input === 'string' && input.startsWith(CODEX_TITLE_PROMPT))) return {};
  const thread = text(payload['thread-id']);
  // Once its thread is known, another thread's turns (a sub-agent's) are not the agent's.
  if (session !== undefined && thread !== undefined && thread !== session) return {};
  const result = text(payload['last-assistant-message']);
  return { state: 'idle', turnEnded: true, ...(thread ? { session: thread } : {}), ...(result ? { result } : {}) };
}

function gemini(event: string, payload: Record<string, unknown>): CliSignal {
  const base = sessionOf(payload);
  switch (event) {
    case 'SessionStart':
      return { ...base, state: 'idle' };
    case 'BeforeAgent':
      return { ...base, state: 'running' };
    case 'AfterTool':
      return { ...base, state: 'running', ...writtenFile(payload, GEMINI_WRITERS) };
    case 'BeforeTool': {
      const activity = toolActivity(payload);
      return { ...base, state: 'running', ...(activity ? { activity } : {}) };
    }
    case 'Notification': {
      // ToolPermission is the one kind Gemini CLI has; another one would not be a question.
      const kind = text(payload.notification_type);
      if (kind !== undefined && kind !== 'ToolPermission') return base;
      // Its message names the tool only ("Tool Confirm Shell Command requires execution"): the command says what it asks.
      const details = isObject(payload.details) ? payload.details : {};
      const message = text(payload.message);
      const command = text(details.command);
      const question = message && command ? `${message}: ${command}` : message ?? command;
      return { ...base, state: 'waiting', ...(question ? { question } : {}) };
    }
    case 'AfterAgent': {
      const result = text(payload.prompt_response);
      return { ...base, state: 'idle', turnEnded: true, ...(result ? { result } : {}) };
    }
    default:
      return base;
  }
}

/** What hook `event` of `source`, with the CLI's `payload`, says to an agent whose session is `session` (if known). */
export function interpretHook(source: HookSource, event: string, payload: unknown, session?: string): CliSignal {
  const fields = isObject(payload) ? payload : {};
  switch (source) {
    case 'claude':
      return claude(event, fields);
    case 'codex':
      return codex(event, fields, session);
    case 'gemini':
      return gemini(event, fields);
    case 'aider':
      return event === 'waiting' ? { state: 'idle', turnEnded: true } : {};
  }
}
