import { describe, expect, it } from 'vitest';
import { continueKeys } from '../../src/tui/continue-input.js';
import { LineEditor } from '../../src/tui/line-editor.js';

const CTRL_B = '\x02';

describe('continueKeys', () => {
  it('collects printable text and submits it on Enter', () => {
    const editor = new LineEditor();
    expect(continueKeys(editor, 'now fix', CTRL_B)).toEqual({ action: 'none' });
    expect(continueKeys(editor, ' it\r', CTRL_B)).toEqual({ action: 'submit' });
    expect(editor.text).toBe('now fix it');
  });

  it('edits with Backspace and Ctrl+U, and ignores cursor keys', () => {
    const editor = new LineEditor();
    continueKeys(editor, 'abc\x7f\x1b[D\x1bOAd', CTRL_B);
    expect(editor.text).toBe('abd');
    continueKeys(editor, '\x15xy', CTRL_B);
    expect(editor.text).toBe('xy');
  });

  it('does not submit an empty line', () => {
    const editor = new LineEditor();
    expect(continueKeys(editor, '  \r', CTRL_B)).toEqual({ action: 'none' });
  });

  it('leaves on the background key or a lone Esc, whatever came before', () => {
    expect(continueKeys(new LineEditor(), `ab${CTRL_B}cd`, CTRL_B)).toEqual({ action: 'leave' });
    expect(continueKeys(new LineEditor(), '\x1b', CTRL_B)).toEqual({ action: 'leave' });
  });
});
