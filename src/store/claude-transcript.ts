// Token usage from Claude Code's own transcript (JSON Lines it keeps per session; its hooks say
// where). Each model response is an assistant line — several lines for one response, one per content
// block, carrying the same message id and usage — so usage is taken once per message id, the latest
// line winning. The file is read incrementally: only what was appended since the last read.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { isObject } from '../core/is-object.js';
import type { Usage } from '../core/usage.js';

export interface MessageUsage {
  model: string;
  usage: Usage;
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0);

/** The usage an assistant line of the transcript carries, with its message id; undefined for any other line. */
export function assistantUsage(line: string): { id: string; usage: MessageUsage } | undefined {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return undefined; // a line Claude Code is still writing, or not ours to understand
  }
  if (!isObject(record) || record.type !== 'assistant' || !isObject(record.message)) return undefined;
  const { id, model, usage } = record.message;
  if (typeof id !== 'string' || typeof model !== 'string' || !isObject(usage)) return undefined;
  return {
    id,
    usage: {
      model,
      usage: {
        input: count(usage.input_tokens),
        output: count(usage.output_tokens),
        cacheRead: count(usage.cache_read_input_tokens),
        cacheWrite: count(usage.cache_creation_input_tokens),
      },
    },
  };
}

/** Reads one transcript as it grows: `read()` takes in what was appended since. */
export class ClaudeTranscript {
  private offset = 0;
  private partial = '';
  private decoder = new StringDecoder('utf8');
  /** Usage by message id, in the order the messages came. */
  readonly messages = new Map<string, MessageUsage>();
  /** The message that came last (the context's size is its usage). */
  last: MessageUsage | undefined;

  constructor(readonly path: string) {}

  /** Takes in the lines appended since the last read; a missing file has none yet. */
  read(): void {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      const size = fstatSync(fd).size;
      // Rewritten shorter (not something Claude Code does): start over.
      if (size < this.offset) this.reset();
      const chunk = Buffer.alloc(size - this.offset);
      const read = readSync(fd, chunk, 0, chunk.length, this.offset);
      this.offset += read;
      this.take(this.decoder.write(chunk.subarray(0, read)));
    } finally {
      closeSync(fd);
    }
  }

  private take(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      const found = assistantUsage(line);
      if (!found) continue;
      this.messages.set(found.id, found.usage);
      this.last = found.usage;
    }
  }

  private reset(): void {
    this.offset = 0;
    this.partial = '';
    this.decoder = new StringDecoder('utf8');
    this.messages.clear();
    this.last = undefined;
  }
}
