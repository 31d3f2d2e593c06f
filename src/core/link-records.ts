// Records in the byte stream of a remote agent (`agentmux remote-agent`): its log is the agent's
// terminal output with records in between — its exit status, a relayed worker's reports — and an
// attach writes the same stream, preceded by a record that marks where the log starts. A record is
// the private escape sequence `ESC ] 7502 ; <json> BEL`. The remote side passes the agent's own
// output through `RecordDecoder` and keeps only the output, so no record in the log comes from the
// agent; the link decodes the log with the same decoder.
import { MAX_CHANNEL_MESSAGE_BYTES } from './report-channel.js';

const PREFIX = Buffer.from('\x1b]7502;', 'latin1');
const ESC = 0x1b;
const BEL = 0x07;
const CAN = 0x18;
const SUB = 0x1a;
/** Longest record (its JSON) a decoder takes: a relayed report with room for its wrapper. */
export const MAX_RECORD_BYTES = MAX_CHANNEL_MESSAGE_BYTES + 4096;

/** What a stream is split into; `size` is how many bytes of the stream the piece took. */
export type StreamPiece =
  | { kind: 'output'; bytes: Uint8Array; size: number }
  | { kind: 'record'; value: unknown; size: number }
  /** A broken or unfinished sequence that began like a record, or a record that is not JSON: nothing on a terminal. */
  | { kind: 'dropped'; size: number };

/** One record as bytes of the stream. JSON has no raw control characters, so BEL ends it. */
export function encodeRecord(value: unknown): Buffer {
  return Buffer.concat([PREFIX, Buffer.from(JSON.stringify(value), 'utf8'), Buffer.of(BEL)]);
}

/**
 * Splits a byte stream into output and records, across chunk boundaries. Bytes that may begin a
 * record are held until it is known whether they do (`held`); everything else is output at once.
 * Output never ends with the beginning of a record: a partial prefix cut short by ESC (which begins a
 * new sequence on a terminal too) is dropped, so that removing a record cannot join the bytes before
 * it and those after it into a new one. Output pieces may be views of the chunk pushed.
 */
export class RecordDecoder {
  /** The bytes of a possible record so far (prefix, then body). */
  private pending = Buffer.alloc(256);
  private pendingBytes = 0;
  /** How much of PREFIX has been seen (PREFIX.length: inside a record's body). */
  private matched = 0;
  /** Bytes of an overlong record being skipped to its end. */
  private skipped = 0;

  /** Bytes taken but not given out yet (the start of a possible record). */
  get held(): number {
    return this.pendingBytes + this.skipped;
  }

  push(chunk: Uint8Array): StreamPiece[] {
    const pieces: StreamPiece[] = [];
    let outputStart = 0;
    for (let at = 0; at < chunk.length; at++) {
      const byte = chunk[at];
      if (this.matched === 0) {
        if (byte !== ESC) continue;
        if (at > outputStart) pieces.push({ kind: 'output', bytes: chunk.subarray(outputStart, at), size: at - outputStart });
        this.begin();
      } else if (byte === ESC) {
        // Cut short by a new sequence: nothing on a terminal; the ESC may begin a record itself.
        pieces.push(this.drop());
        this.begin();
      } else if (this.matched < PREFIX.length) {
        if (byte === PREFIX[this.matched]) {
          this.add(byte);
          this.matched++;
        } else {
          this.add(byte);
          pieces.push({ kind: 'output', bytes: Buffer.from(this.pending.subarray(0, this.pendingBytes)), size: this.pendingBytes });
          this.reset();
          outputStart = at + 1;
        }
      } else if (byte === BEL || byte === CAN || byte === SUB) {
        if (this.skipped > 0) {
          this.skipped++;
          pieces.push(this.drop());
        } else {
          this.add(byte);
          pieces.push(byte === BEL ? this.takeRecord() : this.drop());
        }
        outputStart = at + 1;
      } else if (this.skipped > 0) {
        this.skipped++;
      } else if (this.pendingBytes >= PREFIX.length + MAX_RECORD_BYTES) {
        // Too long to be a record: skipped to its end, never given out.
        this.skipped = this.pendingBytes + 1;
        this.pendingBytes = 0;
      } else {
        this.add(byte);
      }
    }
    if (this.matched === 0 && chunk.length > outputStart) {
      pieces.push({ kind: 'output', bytes: chunk.subarray(outputStart), size: chunk.length - outputStart });
    }
    return pieces;
  }

  private begin(): void {
    this.matched = 1;
    this.pending[0] = ESC;
    this.pendingBytes = 1;
  }

  private add(byte: number): void {
    if (this.pendingBytes === this.pending.length) {
      const grown = Buffer.alloc(this.pending.length * 2);
      this.pending.copy(grown);
      this.pending = grown;
    }
    this.pending[this.pendingBytes++] = byte;
  }

  private reset(): void {
    this.matched = 0;
    this.pendingBytes = 0;
    this.skipped = 0;
    if (this.pending.length > 256) this.pending = Buffer.alloc(256);
  }

  private drop(): StreamPiece {
    const size = this.held;
    this.reset();
    return { kind: 'dropped', size };
  }

  private takeRecord(): StreamPiece {
    const size = this.pendingBytes;
    const json = this.pending.subarray(PREFIX.length, size - 1).toString('utf8');
    this.reset();
    try {
      return { kind: 'record', value: JSON.parse(json) as unknown, size };
    } catch {
      return { kind: 'dropped', size };
    }
  }
}
