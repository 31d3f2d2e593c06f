// The main conversation's session on disk: which one is current, its transcript (the
// messages the model sees and the chat lines the screen shows), forks and resumes.
import { isObject } from '../core/is-object.js';
import type { ChatEntry, SessionChoice, SessionSummary } from '../core/protocol.js';
import { redact, usableSecrets } from '../core/redact.js';
import { replayCompaction } from '../llm/compacted-conversation.js';
import { messageOf, wellFormed } from '../llm/conversation.js';
import type { Message } from '../llm/types.js';
import type { SessionStore } from '../store/session-store.js';

export interface LoadedSession {
  id: string;
  messages: Message[];
  chat: ChatEntry[];
  /** What was wrong with the conversation (tool calls that never ran…): for the chat. */
  warnings: string[];
  /** What was wrong with its file (unreadable lines set aside, a torn last line): for the chat and the server log. */
  fileNotices: string[];
}

type SessionRecord =
  /** From here the model sees the summary, then the last `kept` messages before it (none after /compact). */
  | { type: 'compacted'; summary: string; kept?: number }
  | { type: 'message'; message: Message }
  | { type: 'chat'; entry: ChatEntry };

const MAX_PENDING = 500;
const CHAT_ROLES = new Set(['user', 'assistant', 'system', 'error', 'event', 'tool', 'notice']);

export class MainSession {
  private current: string | undefined;
  /** Chat lines from before anything was said (flashes, notices): kept once the conversation starts. */
  private readonly pending: ChatEntry[] = [];

  private readonly secrets: string[];

  /** `secrets` (the API key) are never written: replaced wherever they occur. */
  constructor(private readonly store: SessionStore, private readonly cwd: string, secrets: readonly string[] = []) {
    this.secrets = usableSecrets(secrets);
  }

  get id(): string | undefined {
    return this.current;
  }

  /** Opens the session the choice names (a new one for `current` when there is none yet). */
  open(choice: SessionChoice): LoadedSession | { error: string } {
    if (choice.kind === 'current') {
      if (this.current) return this.load(this.current);
      this.current = this.store.create(this.cwd);
      return { id: this.current, messages: [], chat: [], warnings: [], fileNotices: [] };
    }
    let id: string;
    if (choice.kind === 'continue') {
      const latest = this.store.latest();
      if (!latest) return { error: 'no earlier conversation in this repository to continue' };
      id = latest;
    } else {
      const found = this.store.find(choice.id);
      if ('error' in found) return found;
      id = found.id;
    }
    if (choice.fork) id = this.store.fork(id);
    this.current = id;
    this.pending.length = 0;
    return this.load(id);
  }

  /** Copies the current session into a new one, which becomes current; the original is left as it is. */
  fork(): LoadedSession {
    const id = this.store.fork(this.ensure());
    this.current = id;
    return this.load(id);
  }

  list(): SessionSummary[] {
    return this.store.list();
  }

  recordMessage(message: Message): void {
    this.store.append(this.ensure(), [redact({ type: 'message', message }, this.secrets)]);
  }

  /**
   * From here on the conversation is this summary of it, then the last `kept` messages verbatim (an
   * automatic compaction); the messages before stay in the file.
   */
  recordCompaction(summary: string, kept = 0): void {
    this.store.append(this.ensure(), [redact({ type: 'compacted', summary, ...(kept > 0 ? { kept } : {}) }, this.secrets)]);
  }

  /** A closed chat line. Until the user has said something, there is no conversation to keep it in yet. */
  recordChat(entry: ChatEntry): void {
    if (!this.current && entry.role !== 'user') {
      this.pending.push(entry);
      if (this.pending.length > MAX_PENDING) this.pending.shift();
      return;
    }
    this.store.append(this.ensure(), [redact({ type: 'chat', entry }, this.secrets)]);
  }

  /** The current session's ID, creating it (with what was said before it) on first use. */
  private ensure(): string {
    if (this.current) return this.current;
    this.current = this.store.create(this.cwd);
    const earlier = this.pending.splice(0).map((entry) => redact({ type: 'chat', entry }, this.secrets));
    if (earlier.length > 0) this.store.append(this.current, earlier);
    return this.current;
  }

  private load(id: string): LoadedSession {
    const read = this.store.read(id, sessionRecordOf);
    const messages: Message[] = [];
    const chat = new Map<number, ChatEntry>();
    for (const record of read.records) {
      if (record.type === 'compacted') messages.splice(0, messages.length, ...replayCompaction(messages, record.summary, record.kept ?? 0));
      else if (record.type === 'message') messages.push(record.message);
      // A line written again (closed, then changed) replaces its earlier copy.
      else chat.set(record.entry.id, record.entry);
    }
    const warnings: string[] = [];
    const repaired = wellFormed(messages, warnings);
    // Answers made up for tool calls that never ran join the file, so that it says what the model will see.
    if (repaired.added.length > 0) this.store.append(id, repaired.added.map((message) => ({ type: 'message', message })));
    return { id, messages: repaired.messages, chat: [...chat.values()], warnings, fileNotices: read.notices };
  }
}

function sessionRecordOf(value: unknown): SessionRecord | undefined {
  if (!isObject(value)) return undefined;
  if (value.type === 'compacted') {
    if (typeof value.summary !== 'string' || !value.summary.trim()) return undefined;
    if (value.kept === undefined) return { type: 'compacted', summary: value.summary };
    return Number.isInteger(value.kept) && (value.kept as number) >= 0 ? { type: 'compacted', summary: value.summary, kept: value.kept as number } : undefined;
  }
  if (value.type === 'message') {
    const message = messageOf(value.message);
    return message ? { type: 'message', message } : undefined;
  }
  if (value.type === 'chat') {
    const entry = chatEntryFrom(value.entry);
    return entry ? { type: 'chat', entry } : undefined;
  }
  return undefined;
}

function chatEntryFrom(value: unknown): ChatEntry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entry = value as Record<string, unknown>;
  if (typeof entry.id !== 'number' || typeof entry.at !== 'number' || typeof entry.text !== 'string') return undefined;
  if (typeof entry.role !== 'string' || !CHAT_ROLES.has(entry.role)) return undefined;
  return { id: entry.id, at: entry.at, role: entry.role as ChatEntry['role'], text: entry.text };
}
