import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { isLightBackground, parseOsc11Reply, queryTerminalBackground } from '../../src/tui/background-query.js';

const QUERY = '\x1b]11;?\x1b\\\x1b[c';
const DA1 = '\x1b[?62;22c';

class FakeTty extends PassThrough {
  isTTY = true;
  isRaw = false;
  setRawMode = vi.fn((mode: boolean) => {
    this.isRaw = mode;
    return this;
  });
}

/** A terminal that answers the query with `reply`, split into the given chunks. */
function terminal(input: PassThrough, ...chunks: string[]): PassThrough {
  const output = new PassThrough();
  output.once('data', () => {
    for (const chunk of chunks) input.write(Buffer.from(chunk, 'latin1'));
  });
  return output;
}

function leftover(input: PassThrough): string {
  const chunk: Buffer | null = input.read();
  return chunk ? chunk.toString('latin1') : '';
}

describe('parseOsc11Reply', () => {
  it('reads 1 to 4 hex digits per channel, ended by BEL or ST', () => {
    expect(parseOsc11Reply('\x1b]11;rgb:ffff/8080/0000\x07')).toEqual({ r: 255, g: 128, b: 0 });
    expect(parseOsc11Reply('\x1b]11;rgb:ff/80/00\x1b\\')).toEqual({ r: 255, g: 128, b: 0 });
    expect(parseOsc11Reply('\x1b]11;rgb:f/8/0\x07')).toEqual({ r: 255, g: 136, b: 0 });
    expect(parseOsc11Reply('junk\x1b]11;rgb:1C1C/1C1C/1C1C\x1b\\more')).toEqual({ r: 28, g: 28, b: 28 });
  });

  it('rejects anything else', () => {
    for (const text of ['\x1b]11;rgb:ffff/ffff/ffff', '\x1b]11;rgb:fffff/0/0\x07', '\x1b]10;rgb:0/0/0\x07', '\x1b]11;?\x07', '']) {
      expect(parseOsc11Reply(text)).toBeUndefined();
    }
  });
});

describe('isLightBackground', () => {
  it('uses relative luminance', () => {
    expect(isLightBackground({ r: 255, g: 255, b: 255 })).toBe(true);
    expect(isLightBackground({ r: 253, g: 246, b: 227 })).toBe(true);
    expect(isLightBackground({ r: 0, g: 0, b: 0 })).toBe(false);
    expect(isLightBackground({ r: 40, g: 44, b: 52 })).toBe(false);
    expect(isLightBackground({ r: 128, g: 128, b: 128 })).toBe(false);
    expect(isLightBackground({ r: 0, g: 255, b: 0 })).toBe(true);
  });
});

describe('queryTerminalBackground', () => {
  it('sends OSC 11 and DA1 and reads a light answer', async () => {
    const input = new FakeTty();
    const output = terminal(input, `\x1b]11;rgb:ffff/ffff/ffff\x1b\\${DA1}`);
    const written: string[] = [];
    output.on('data', (chunk: Buffer) => written.push(chunk.toString()));
    expect(await queryTerminalBackground(input, output)).toBe('light');
    expect(written.join('')).toBe(QUERY);
  });

  it('reads a dark answer split across chunks', async () => {
    const input = new PassThrough();
    const output = terminal(input, '\x1b]11;rgb:00', '00/0000/00', '00\x07\x1b[?6', '2c');
    expect(await queryTerminalBackground(input, output)).toBe('dark');
    expect(leftover(input)).toBe('');
  });

  it('gives undefined when DA1 comes back alone', async () => {
    const input = new PassThrough();
    const output = terminal(input, DA1);
    expect(await queryTerminalBackground(input, output, 5000)).toBeUndefined();
  });

  it('gives undefined after the timeout, keeping what was typed but not a cut-off reply', async () => {
    const input = new PassThrough();
    const output = terminal(input, 'ls\r\x1b]11;rgb:ff');
    const started = Date.now();
    expect(await queryTerminalBackground(input, output, 50)).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(leftover(input)).toBe('ls\r');
  });

  it('keeps the answer if DA1 does not follow in time', async () => {
    const input = new PassThrough();
    const output = terminal(input, '\x1b]11;rgb:ffff/ffff/ffff\x07');
    expect(await queryTerminalBackground(input, output, 50)).toBe('light');
  });

  it('puts back keys typed around the replies', async () => {
    const input = new PassThrough();
    const output = terminal(input, 'a\x1b]11;rgb:0/0/0\x07', 'b\x1b[A', `${DA1}c`);
    expect(await queryTerminalBackground(input, output)).toBe('dark');
    expect(leftover(input)).toBe('ab\x1b[Ac');
  });

  it('restores raw mode, removes its listeners and leaves the stream paused', async () => {
    const input = new FakeTty();
    const output = terminal(input, DA1);
    const listeners = { data: input.listenerCount('data'), end: input.listenerCount('end') };
    await queryTerminalBackground(input, output);
    expect(input.setRawMode.mock.calls).toEqual([[true], [false]]);
    expect(input.isRaw).toBe(false);
    expect(input.listenerCount('data')).toBe(listeners.data);
    expect(input.listenerCount('end')).toBe(listeners.end);
    expect(input.isPaused()).toBe(true);
  });

  it('leaves raw mode alone when it is on already', async () => {
    const input = new FakeTty();
    input.isRaw = true;
    await queryTerminalBackground(input, terminal(input, DA1));
    expect(input.setRawMode).not.toHaveBeenCalled();
  });

  it('stops when the input ends', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    output.once('data', () => input.end());
    expect(await queryTerminalBackground(input, output, 5000)).toBeUndefined();
  });
});
