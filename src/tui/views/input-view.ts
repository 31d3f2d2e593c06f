// The input line: a prompt and the text, scrolled sideways so the cursor stays in view, or a
// muted hint while the line is empty.
import type { StyledLine } from '../styled-text.js';
import { textWidth } from '../styled-text.js';

export interface InputRow {
  line: StyledLine;
  /** Where the cursor goes, in columns from the row's start. */
  cursorColumn: number;
}

export function inputRow(text: string, cursor: number, prompt: string, hint: string, width: number): InputRow {
  const room = Math.max(1, width - prompt.length - 1);
  const chars = Array.from(text);
  const start = Math.max(0, cursor - room);
  const visible = chars.slice(start, start + room).join('');
  return {
    line: {
      segments: [
        { text: prompt, role: 'input.prompt' },
        { text: visible },
        { text: visible ? '' : hint, role: 'muted' },
      ],
    },
    cursorColumn: prompt.length + textWidth(chars.slice(start, cursor).join('')),
  };
}
