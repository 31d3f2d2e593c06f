// Secrets (the API key, a report secret) kept out of everything written to disk: replaced
// wherever they occur in a record's strings. Pure.
import { isObject } from './is-object.js';

export const REDACTED = '[redacted]';

/** Secrets long enough to replace without mangling ordinary text. */
export function usableSecrets(secrets: readonly string[]): string[] {
  return [...new Set(secrets.filter((secret) => secret.length >= 8))].sort((a, b) => b.length - a.length);
}

/** `value` with every occurrence of each secret in its strings replaced by [redacted]. */
export function redact<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return secrets.reduce((text, secret) => text.split(secret).join(REDACTED), item);
    if (Array.isArray(item)) return item.map(walk);
    if (isObject(item)) return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, walk(inner)]));
    return item;
  };
  return walk(value) as T;
}

/**
 * Redacts secrets from a stream of bytes (an agent's output on its way to its log). A secret may
 * be split across chunks, so the last bytes that could begin one are held back until the next
 * chunk or the end.
 */
export class StreamRedactor {
  private readonly secrets: Buffer[];
  private readonly holdBack: number;
  private carry = Buffer.alloc(0);
  private readonly replacement = Buffer.from(REDACTED);

  constructor(secrets: readonly string[]) {
    this.secrets = usableSecrets(secrets).map((secret) => Buffer.from(secret));
    this.holdBack = Math.max(0, ...this.secrets.map((secret) => secret.length - 1));
  }

  /** What can be written now (without secrets to look for: `chunk` itself, not a copy). */
  push(chunk: Uint8Array): Buffer {
    if (this.secrets.length === 0) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const data = this.redacted(Buffer.concat([this.carry, chunk]));
    const keep = Math.min(this.holdBack, data.length);
    this.carry = Buffer.from(data.subarray(data.length - keep));
    return data.subarray(0, data.length - keep);
  }

  /** The rest, at the end of the stream. */
  flush(): Buffer {
    const rest = this.carry;
    this.carry = Buffer.alloc(0);
    return rest;
  }

  private redacted(data: Buffer): Buffer {
    let result = data;
    for (const secret of this.secrets) {
      let at = result.indexOf(secret);
      if (at === -1) continue;
      const parts: Buffer[] = [];
      let from = 0;
      while (at !== -1) {
        parts.push(result.subarray(from, at), this.replacement);
        from = at + secret.length;
        at = result.indexOf(secret, from);
      }
      parts.push(result.subarray(from));
      result = Buffer.concat(parts);
    }
    return result;
  }
}
