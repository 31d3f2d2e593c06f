import { describe, expect, it } from 'vitest';
import { encodeMessage, MessageDecoder, WireError } from '../../src/core/wire.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function concat(...parts: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}

function errorOf(action: () => unknown): WireError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(WireError);
    return error as WireError;
  }
  throw new Error('expected a WireError');
}

describe('encodeMessage', () => {
  it('is one line of JSON ending with a newline', () => {
    const line = encodeMessage({ type: 'chat', text: 'two\nlines\r\n' });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ type: 'chat', text: 'two\nlines\r\n' });
  });

  it('refuses what JSON cannot represent', () => {
    expect(() => encodeMessage(undefined)).toThrow(WireError);
  });
});

describe('MessageDecoder', () => {
  const messages = [
    { type: 'hello', text: 'héllo wörld — 日本語 🎉' },
    { type: 'input', data: '\u001b[A\r\n' },
    [1, 2, 3],
    'a string',
    42,
    null,
  ];
  const stream = bytes(messages.map(encodeMessage).join(''));

  it('decodes many messages in one chunk', () => {
    expect(new MessageDecoder(1024).push(stream)).toEqual(messages);
  });

  it('decodes messages split at every byte boundary, even inside a UTF-8 character', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const decoder = new MessageDecoder(1024);
      const got = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
      expect(got, `cut at ${cut}`).toEqual(messages);
    }
  });

  it('decodes a stream fed one byte at a time', () => {
    const decoder = new MessageDecoder(1024);
    const got: unknown[] = [];
    for (let i = 0; i < stream.length; i++) got.push(...decoder.push(stream.subarray(i, i + 1)));
    expect(got).toEqual(messages);
  });

  it('does not depend on the caller keeping its buffer', () => {
    const decoder = new MessageDecoder(1024);
    const buffer = bytes('{"a":1');
    expect(decoder.push(buffer)).toEqual([]);
    buffer.fill(0x20);
    expect(decoder.push(bytes('}\n'))).toEqual([{ a: 1 }]);
  });

  it('ignores empty lines', () => {
    expect(new MessageDecoder(1024).push(bytes('\n\n{"a":1}\n\n\n2\n'))).toEqual([{ a: 1 }, 2]);
  });

  it('accepts a line of exactly maxBytes', () => {
    const line = encodeMessage('x'.repeat(8)); // 10 bytes of JSON
    expect(new MessageDecoder(10).push(bytes(line))).toEqual(['x'.repeat(8)]);
  });

  it('refuses a line over maxBytes before its newline arrives', () => {
    const decoder = new MessageDecoder(10);
    expect(decoder.push(bytes('"abcde'))).toEqual([]);
    expect(errorOf(() => decoder.push(bytes('fghij'))).message).toBe('message too large: more than 10 bytes');
  });

  it('refuses an oversized line whose newline is in the same chunk', () => {
    const decoder = new MessageDecoder(10);
    expect(errorOf(() => decoder.push(bytes('1\n"abcdefghijk"\n'))).message).toBe('message too large: more than 10 bytes');
  });

  it('refuses an oversized line that a newline finishes in a later chunk', () => {
    const decoder = new MessageDecoder(10);
    decoder.push(bytes('"abcdefgh'));
    expect(errorOf(() => decoder.push(bytes('ij"\n'))).message).toBe('message too large: more than 10 bytes');
  });

  it('refuses invalid JSON', () => {
    expect(errorOf(() => new MessageDecoder(1024).push(bytes('{"a":\n'))).message).toBe('malformed message: invalid JSON');
    expect(errorOf(() => new MessageDecoder(1024).push(bytes('{"a":1}x\n'))).message).toBe('malformed message: invalid JSON');
  });

  it('refuses invalid UTF-8', () => {
    const badLines = [
      concat(bytes('"'), Uint8Array.of(0xff), bytes('"\n')),
      concat(bytes('"'), Uint8Array.of(0xc3), bytes('"\n')), // a lead byte without its continuation
      concat(bytes('"'), Uint8Array.of(0xed, 0xa0, 0x80), bytes('"\n')), // an encoded surrogate
      concat(bytes('"'), Uint8Array.of(0xc0, 0xaf), bytes('"\n')), // an overlong form
    ];
    for (const line of badLines) {
      expect(errorOf(() => new MessageDecoder(1024).push(line)).message).toBe('malformed message: invalid UTF-8');
    }
  });

  it('is unusable after an error', () => {
    const decoder = new MessageDecoder(1024);
    const first = errorOf(() => decoder.push(bytes('nope\n')));
    expect(errorOf(() => decoder.push(bytes('{"a":1}\n')))).toBe(first);
  });

  it('wants a positive integer limit', () => {
    expect(() => new MessageDecoder(0)).toThrow(RangeError);
    expect(() => new MessageDecoder(1.5)).toThrow(RangeError);
  });

  it('joins a large message arriving in many chunks', () => {
    const big = { type: 'screen', rows: Array.from({ length: 2000 }, (_, i) => `row ${i} ${'█'.repeat(20)}`) };
    const encoded = bytes(encodeMessage(big));
    const decoder = new MessageDecoder(encoded.length);
    const got: unknown[] = [];
    for (let i = 0; i < encoded.length; i += 1000) got.push(...decoder.push(encoded.subarray(i, i + 1000)));
    expect(got).toEqual([big]);
  });
});
