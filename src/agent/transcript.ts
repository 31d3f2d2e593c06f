// A worker's conversation on disk, so that a finished (or stopped) worker can be continued later with
// `agentmux worker … --transcript PATH --resume --task TEXT`. The file is JSON Lines (store/jsonl.ts):
// each line is one record, written with one flushed write, so a crash loses at most the line in flight.
//
//   {"type":"message","message":{"role":"user"|"assistant","content":…}}
//       every message as it joins the conversation: the task, each assistant reply, each user message
//       of tool results (and, when continued, the new task text and any results made up for tool calls
//       that never ran)
//   {"type":"usage","total":{"input":…,"output":…,"cacheRead":…,"cacheWrite":…},"costUsd":…}
//       after each model request: the agent's cumulative totals so far (costUsd absent when unknown);
//       the last one seeds the meter of a continued worker
//   {"type":"compacted","summary":…,"kept":N}
//       auto-compaction: from here the model sees the summary, then the last N messages before this
//       record verbatim (llm/compacted-conversation.ts); the messages before stay in the file
//
// Reading back tolerates a crash: a torn last line is left out (and cut off before appending again),
// damaged or unknown lines are skipped with a warning, and the conversation is made well-formed for the
// API (alternating roles from the user, every tool call answered by a result in the next message).
// Secrets handed to the writer (the API key, the report secret) are replaced before anything is written.
import { existsSync, mkdirSync, openSync, closeSync, fsyncSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Usage } from '../core/usage.js';
import { redact, usableSecrets } from '../core/redact.js';
import { replayCompaction } from '../llm/compacted-conversation.js';
import { blocksOf, messageOf, wellFormed } from '../llm/conversation.js';
import type { Message } from '../llm/types.js';
import { appendJsonl, readJsonl, repairJsonl } from '../store/jsonl.js';
import { plural } from '../core/format.js';
import { isObject } from '../core/is-object.js';

export type TranscriptRecord =
  | { type: 'message'; message: Message }
  | { type: 'usage'; total: Usage; costUsd?: number }
  | { type: 'compacted'; summary: string; kept: number };

export interface TranscriptUsage {
  total: Usage;
  costUsd?: number;
}

export interface LoadedTranscript {
  /** The conversation, well-formed for the API: it starts with the user, roles alternate, tool calls are answered. */
  messages: Message[];
  /** The totals of the last usage record, if any. */
  usage?: TranscriptUsage;
  /**
   * Messages at the end of `messages` that are not on disk: results made up for tool calls that never
   * ran. Whoever carries on the conversation appends them to the transcript first.
   */
  added: Message[];
  /** What was wrong with the file and was skipped or repaired, for the screen. */
  warnings: string[];
}

/** Why a transcript cannot be continued. */
export class TranscriptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TranscriptError';
  }
}

/** Reads the conversation at `path` (absolute); throws TranscriptError when there is none to continue. */
export function loadTranscript(path: string): LoadedTranscript {
  if (!existsSync(path)) throw new TranscriptError(`no transcript at ${path}: this agent cannot be continued`);
  let read: ReturnType<typeof readJsonl>;
  try {
    read = readJsonl(path);
  } catch (error) {
    throw new TranscriptError(`cannot read the transcript at ${path} (${error instanceof Error ? error.message : String(error)}): this agent cannot be continued`);
  }
  const warnings: string[] = [];
  if (read.torn) warnings.push('the last line of the transcript was cut off (the agent stopped while writing it) and is left out');
  if (read.badLines.length > 0) warnings.push(`${plural(read.badLines.length, 'damaged line')} of the transcript left out (line ${read.badLines.join(', ')})`);
  const stored: Message[] = [];
  let usage: TranscriptUsage | undefined;
  let invalid = 0;
  for (const record of read.records) {
    if (!isObject(record)) {
      invalid += 1;
      continue;
    }
    if (record.type === 'message') {
      const message = messageOf(record.message);
      if (message) stored.push(message);
      else invalid += 1;
    } else if (record.type === 'compacted') {
      const { summary, kept } = record;
      if (typeof summary === 'string' && summary.trim() !== '' && Number.isInteger(kept) && (kept as number) >= 0) {
        stored.splice(0, stored.length, ...replayCompaction(stored, summary, kept as number));
      } else {
        invalid += 1;
      }
    } else if (record.type === 'usage') {
      const total = usageOf(record.total);
      const cost = record.costUsd;
      if (total && (cost === undefined || (typeof cost === 'number' && Number.isFinite(cost) && cost >= 0))) {
        usage = cost === undefined ? { total } : { total, costUsd: cost };
      } else {
        invalid += 1;
      }
    }
    // Other record types (from a later version) are not ours to judge: skipped quietly.
  }
  if (invalid > 0) warnings.push(`${plural(invalid, 'malformed record')} of the transcript left out`);
  const { messages, added } = wellFormed(stored, warnings);
  if (messages.length === 0) throw new TranscriptError(`the transcript at ${path} holds no conversation: this agent cannot be continued`);
  return usage ? { messages, usage, added, warnings } : { messages, added, warnings };
}

/** `message` with `text` appended as a text block (a message the user sends after it, merged into it). */
export function withText(message: Message, text: string): Message {
  return { role: message.role, content: [...blocksOf(message.content), { type: 'text', text }] };
}

/**
 * Appends records to a transcript. A failed write is reported once through `onError`; no record is
 * written after it, so what is on disk stays a consistent prefix of the conversation.
 */
export class TranscriptWriter {
  private failed = false;

  private constructor(
    readonly path: string,
    private readonly secrets: readonly string[],
    private readonly onError: (message: string) => void,
  ) {}

  /** A new transcript at `path`, replacing any file there: a new conversation starts. */
  static create(path: string, options: WriterOptions): TranscriptWriter {
    const writer = new TranscriptWriter(path, usableSecrets(options.secrets), options.onError);
    writer.attempt(() => {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      const fd = openSync(path, 'w', 0o600);
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    });
    return writer;
  }

  /** Carries on the transcript at `path`: a torn last line is cut off first, so records start on a line of their own. */
  static append(path: string, options: WriterOptions): TranscriptWriter {
    const writer = new TranscriptWriter(path, usableSecrets(options.secrets), options.onError);
    writer.attempt(() => repairJsonl(path));
    return writer;
  }

  message(message: Message): void {
    this.write({ type: 'message', message });
  }

  /** The conversation became `summary` and its last `kept` messages. */
  compacted(summary: string, kept: number): void {
    this.write({ type: 'compacted', summary, kept });
  }

  usage(total: Usage, costUsd: number | undefined): void {
    this.write(costUsd === undefined ? { type: 'usage', total } : { type: 'usage', total, costUsd });
  }

  private write(record: TranscriptRecord): void {
    if (this.failed) return;
    this.attempt(() => appendJsonl(this.path, redact(record, this.secrets)));
  }

  private attempt(action: () => void): void {
    if (this.failed) return;
    try {
      action();
    } catch (error) {
      this.failed = true;
      this.onError(`cannot write the transcript ${this.path} (${error instanceof Error ? error.message : String(error)}): this agent cannot be continued later`);
    }
  }
}

export interface WriterOptions {
  /** Strings never written (the API key, the report secret): replaced by [redacted] wherever they occur. */
  secrets: readonly string[];
  /** Told once when the transcript cannot be written. */
  onError: (message: string) => void;
}

// ── reading ─────────────────────────────────────────────────────────────────────────────────────────

function usageOf(value: unknown): Usage | undefined {
  if (!isObject(value)) return undefined;
  const fields = ['input', 'output', 'cacheRead', 'cacheWrite'] as const;
  const counts = fields.map((field) => value[field]);
  if (!counts.every((count) => typeof count === 'number' && Number.isFinite(count) && count >= 0)) return undefined;
  const [input, output, cacheRead, cacheWrite] = counts as number[];
  return { input, output, cacheRead, cacheWrite };
}
