// Newline-delimited JSON: how protocol messages cross the Unix socket. One message per
// line; JSON.stringify never writes a raw newline, so '\n' always ends a message.

/** A peer sent something that is not a message (too large, not UTF-8, not JSON): close the connection. */
export class WireError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WireError';
  }
}

const NEWLINE = 0x0a;

/** One message as a line of JSON, newline included. */
export function encodeMessage(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) throw new WireError('cannot encode a message that JSON cannot represent');
  return `${json}\n`;
}

/**
 * Splits a byte stream into messages. Bytes of an unfinished line are kept as a list of
 * pieces, joined once when its newline arrives, so a large message costs one copy, not
 * one per chunk. A line of more than `maxBytes` (newline not counted) is refused as soon
 * as it is known to be too long, before the rest arrives.
 *
 * After it throws a WireError the decoder only throws that error again: the connection
 * is to be closed. Messages earlier in the same chunk as the bad one are not returned.
 */
export class MessageDecoder {
  private readonly pieces: Uint8Array[] = [];
  private pendingBytes = 0;
  private failure: WireError | undefined;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });

  constructor(private readonly maxBytes: number) {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new RangeError(`maxBytes must be a positive integer, not ${maxBytes}`);
  }

  /** The complete messages this chunk finishes, in order; throws WireError. */
  push(chunk: Uint8Array): unknown[] {
    if (this.failure) throw this.failure;
    try {
      return this.split(chunk);
    } catch (error) {
      this.failure = error instanceof WireError ? error : new WireError('malformed message', { cause: error });
      this.pieces.length = 0;
      this.pendingBytes = 0;
      throw this.failure;
    }
  }

  private split(chunk: Uint8Array): unknown[] {
    const messages: unknown[] = [];
    let start = 0;
    for (;;) {
      const end = chunk.indexOf(NEWLINE, start);
      if (end === -1) break;
      const line = this.takeLine(chunk.subarray(start, end));
      if (line.length > 0) messages.push(this.parse(line));
      start = end + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.checkSize(this.pendingBytes + rest.length);
      // A copy: the caller may reuse its buffer, and a view would keep all of it alive.
      this.pieces.push(rest.slice());
      this.pendingBytes += rest.length;
    }
    return messages;
  }

  /** The bytes kept so far followed by `last`, as one array. */
  private takeLine(last: Uint8Array): Uint8Array {
    const total = this.pendingBytes + last.length;
    this.checkSize(total);
    if (this.pieces.length === 0) return last;
    const line = new Uint8Array(total);
    let offset = 0;
    for (const piece of this.pieces) {
      line.set(piece, offset);
      offset += piece.length;
    }
    line.set(last, offset);
    this.pieces.length = 0;
    this.pendingBytes = 0;
    return line;
  }

  private checkSize(bytes: number): void {
    if (bytes > this.maxBytes) throw new WireError(`message too large: more than ${this.maxBytes} bytes`);
  }

  private parse(line: Uint8Array): unknown {
    let text: string;
    try {
      text = this.utf8.decode(line);
    } catch (error) {
      throw new WireError('malformed message: invalid UTF-8', { cause: error });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      // Not the parser's own text: it quotes the input, which may hold anything.
      throw new WireError('malformed message: invalid JSON', { cause: error });
    }
  }
}
