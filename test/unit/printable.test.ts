import { describe, expect, it } from 'vitest';
import { isUnprintable, printable, printableLines } from '../../src/core/printable.js';

/** The bidirectional formatting characters: ALM, LRM, RLM, LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI. */
const BIDI = ['\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];

describe('unprintable characters', () => {
  it('are the C0 and C1 controls, DEL and the bidirectional formatting characters', () => {
    for (const char of ['\x00', '\x07', '\t', '\n', '\x1b', '\x1f', '\x7f', '\x80', '\x9b', '\x9f', ...BIDI]) {
      expect(isUnprintable(char), JSON.stringify(char)).toBe(true);
    }
    for (const char of [' ', 'a', '~', '\u00a0', 'é', '日', '\u200b', '\u200d', '\u2028', '\u2065', '\u206a', '\u0301', '🎉']) {
      expect(isUnprintable(char), JSON.stringify(char)).toBe(false);
    }
  });

  it('printable() replaces controls, by a space unless told otherwise, and removes bidirectional formatting, which is invisible', () => {
    expect(printable('user\u202etxt.exe\u2066x\u2069 \u200fok\u061c')).toBe('usertxt.exex ok');
    expect(printable('tab\there\r\nnext\u202e.', '?')).toBe('tab?here??next.');
  });

  it('printableLines() keeps tab and newline, removes bidirectional formatting, and removes or replaces the other controls', () => {
    expect(printableLines('a\tb\nc\x1b\u202ed\u2067e\x9bf')).toBe('a\tb\ncdef');
    expect(printableLines('a\x07b\u200ec', ' ')).toBe('a bc');
  });
});
