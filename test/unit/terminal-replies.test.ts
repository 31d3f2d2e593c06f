import { describe, expect, it } from 'vitest';
import { keysBesideReplies } from '../../src/tui/terminal-replies.js';

describe('keysBesideReplies', () => {
  it('takes DECRPM, DA1 and OSC 11 replies out and keeps the keys around them', () => {
    expect(keysBesideReplies('a\x1b[?2026;2$yb\x1b[?62;22cc')).toBe('abc');
    expect(keysBesideReplies('\x1b]11;rgb:ffff/ffff/ffff\x1b\\/fg x\r\x1b[?1;2c')).toBe('/fg x\r');
    expect(keysBesideReplies('\x1b]11;rgb:0000/0000/0000\x07\x11')).toBe('\x11');
  });

  it('drops a reply cut off at the end but keeps a lone Escape and other keys', () => {
    expect(keysBesideReplies('q\x1b[?2026;')).toBe('q');
    expect(keysBesideReplies('q\x1b]11;rgb:ff')).toBe('q');
    expect(keysBesideReplies('\x1b')).toBe('\x1b');
    expect(keysBesideReplies('\x1b[A')).toBe('\x1b[A');
  });
});
