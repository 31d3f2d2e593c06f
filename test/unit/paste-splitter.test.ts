import { describe, expect, it } from 'vitest';
import { PasteSplitter, type InputPart } from '../../src/tui/paste-splitter.js';

function splitReads(...reads: string[]): InputPart[] {
  const splitter = new PasteSplitter();
  return reads.flatMap((read) => splitter.split(read));
}

describe('PasteSplitter', () => {
  it('leaves typing alone', () => {
    const splitter = new PasteSplitter();
    expect(splitter.isPlainKeys('abc\x1b[A\r')).toBe(true);
    // F9 looks like the start of a paste marker but is a key.
    expect(splitReads('\x1b[20~x')).toEqual([{ kind: 'keys', text: '\x1b[20~x' }]);
  });

  it('cuts a read into keys and pastes, in order', () => {
    expect(splitReads('a\x1b[200~one\rtwo\x1b[201~b\x1b[200~\x02\x1b[201~')).toEqual([
      { kind: 'keys', text: 'a' },
      { kind: 'paste', text: 'one\rtwo' },
      { kind: 'keys', text: 'b' },
      { kind: 'paste', text: '\x02' },
    ]);
  });

  it('keeps a paste open across reads, also with its markers split', () => {
    expect(splitReads('x\x1b[2', '00~one ', 'two\x1b[20', '1~y')).toEqual([
      { kind: 'keys', text: 'x' },
      { kind: 'paste', text: 'one two' },
      { kind: 'keys', text: 'y' },
    ]);
  });

  it('gives back held bytes that turn out to be keys, and never holds a lone Escape', () => {
    const splitter = new PasteSplitter();
    expect(splitter.split('a\x1b[')).toEqual([{ kind: 'keys', text: 'a' }]);
    expect(splitter.isPlainKeys('B')).toBe(false);
    expect(splitter.split('B')).toEqual([{ kind: 'keys', text: '\x1b[B' }]);
    expect(splitter.split('\x1b')).toEqual([{ kind: 'keys', text: '\x1b' }]);
  });

  it('keeps at most 8 M characters of one paste, however much comes before its end', () => {
    const splitter = new PasteSplitter();
    const chunk = 'x'.repeat(1 << 20);
    expect(splitter.split(`\x1b[200~${chunk}`)).toEqual([]);
    for (let i = 0; i < 10; i++) expect(splitter.split(chunk)).toEqual([]);
    const [paste, after] = splitter.split('\x1b[201~k');
    expect(paste).toMatchObject({ kind: 'paste' });
    expect(paste.text.length).toBe(8 << 20);
    expect(after).toEqual({ kind: 'keys', text: 'k' });
  });

  it('keeps an escape sequence inside a paste as text', () => {
    expect(splitReads('\x1b[200~\x1b[31mred\x1b[0m\x1b[201~')).toEqual([{ kind: 'paste', text: '\x1b[31mred\x1b[0m' }]);
  });
});
