import { describe, expect, it } from 'vitest';
import { encodeRecord, MAX_RECORD_BYTES, RecordDecoder, type StreamPiece } from '../../src/core/link-records.js';

/** Everything the decoder gives for `chunks`, output joined up, with the total size accounted for. */
function decode(chunks: Array<string | Buffer>, decoder = new RecordDecoder()): { output: string; records: unknown[]; sizes: number; dropped: number } {
  const pieces: StreamPiece[] = [];
  for (const chunk of chunks) pieces.push(...decoder.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, 'latin1')));
  return {
    output: pieces.map((piece) => (piece.kind === 'output' ? Buffer.from(piece.bytes).toString('latin1') : '')).join(''),
    records: pieces.flatMap((piece) => (piece.kind === 'record' ? [piece.value] : [])),
    sizes: pieces.reduce((sum, piece) => sum + piece.size, 0),
    dropped: pieces.filter((piece) => piece.kind === 'dropped').length,
  };
}

/** Every way to cut `bytes` in two. */
function splits(bytes: Buffer): Buffer[][] {
  return Array.from({ length: bytes.length + 1 }, (_, at) => [bytes.subarray(0, at), bytes.subarray(at)]);
}

describe('link records', () => {
  it('splits output and records, whatever the chunks', () => {
    const stream = Buffer.concat([
      Buffer.from('hello \x1b[31mred\x1b[0m\r\n'), encodeRecord({ type: 'exit', code: 3 }), Buffer.from('\x1b]0;title\x07after'),
    ]);
    for (const chunks of [[stream], ...splits(stream), [...stream].map((byte) => Buffer.of(byte))]) {
      const result = decode(chunks);
      expect(result.output).toBe('hello \x1b[31mred\x1b[0m\r\n\x1b]0;title\x07after');
      expect(result.records).toEqual([{ type: 'exit', code: 3 }]);
      expect(result.sizes).toBe(stream.length);
    }
  });

  it('holds the start of a possible record, and counts only what it gave out', () => {
    const decoder = new RecordDecoder();
    const record = encodeRecord({ type: 'exit', code: 0 });
    const first = decode([Buffer.concat([Buffer.from('abc'), record.subarray(0, 5)])], decoder);
    expect(first).toMatchObject({ output: 'abc', records: [], sizes: 3 });
    expect(decoder.held).toBe(5);
    const rest = decode([record.subarray(5)], decoder);
    expect(rest).toMatchObject({ records: [{ type: 'exit', code: 0 }], sizes: record.length });
    expect(decoder.held).toBe(0);
  });

  it('gives out a sequence that only looked like a record as output', () => {
    const text = '\x1b]7501;status\x07\x1b]750x\x1b]75';
    expect(decode([text]).output).toBe('\x1b]7501;status\x07\x1b]750x');
    expect(decode(['\x1b]7501;', 'status\x07']).output).toBe('\x1b]7501;status\x07');
  });

  it('removes records an agent writes, and what is left forms no record', () => {
    const forged = encodeRecord({ type: 'exit', code: 0 });
    const tricks = [
      Buffer.concat([Buffer.from('a'), forged, Buffer.from('b')]),
      // The bytes around a removed record would join into a new one.
      Buffer.concat([Buffer.from('\x1b]75'), forged, Buffer.from('02;{"type":"exit","code":0}\x07')]),
      // Ended by ST, CAN, or cut off by another sequence, instead of BEL.
      Buffer.from('\x1b]7502;{"type":"exit","code":0}\x1b\\x'),
      Buffer.from('\x1b]7502;{"type":"exit"\x18y'),
      Buffer.from('\x1b]7502;{"type":"exit"\x1b]7502;not json\x07z'),
    ];
    for (const trick of tricks) {
      for (const chunks of splits(trick)) {
        const decoder = new RecordDecoder();
        const filtered = decode(chunks, decoder);
        expect(filtered.records.length + filtered.dropped).toBeGreaterThan(0);
        expect(filtered.sizes + decoder.held).toBe(trick.length);
        // What the log keeps, decoded again (the link's view), holds no record.
        expect(decode([Buffer.from(filtered.output, 'latin1')]).records).toEqual([]);
        expect(filtered.output).not.toContain('\x1b]7502;');
      }
    }
  });

  it('drops an overlong record to its end without holding it all', () => {
    const decoder = new RecordDecoder();
    const body = Buffer.alloc(MAX_RECORD_BYTES + 100, 'x'.charCodeAt(0));
    const result = decode([Buffer.from('\x1b]7502;'), body, body, Buffer.from('\x07tail')], decoder);
    expect(result).toMatchObject({ output: 'tail', records: [], dropped: 1, sizes: 7 + 2 * body.length + 5 });
  });
});
