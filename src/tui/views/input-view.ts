// The input line: a prompt and the text, scrolled sideways so the cursor stays in view; while the line
// is empty, a suggested next message (dimmed, with the keys that take it) or a muted hint.
import type { Segment, StyledLine } from '../styled-text.js';
import { fitText, textWidth } from '../styled-text.js';

export interface InputRow {
  line: StyledLine;
  /** Where the cursor goes, in columns from the row's start. */
  cursorColumn: number;
  /** The suggestion did not fit and shows cut: Enter must not send what the user cannot read. */
  suggestionCut: boolean;
}

/** A suggested message and the label of the key (besides →) that takes it for editing. */
export interface ShownSuggestion {
  text: string;
  editKey: string;
}

export function inputRow(text: string, cursor: number, prompt: string, hint: string, width: number, suggestion?: ShownSuggestion): InputRow {
  const room = Math.max(1, width - prompt.length - 1);
  const chars = Array.from(text);
  const start = Math.max(0, cursor - room);
  const visible = chars.slice(start, start + room).join('');
  const promptSegment: Segment = { text: prompt, role: 'input.prompt' };
  if (!visible && suggestion?.text) {
    const fits = textWidth(suggestion.text) <= room;
    const keys = `  ↵ send · ${suggestion.editKey} edit`;
    const shownKeys = fits && textWidth(suggestion.text) + textWidth(keys) <= room ? keys : '';
    return {
      line: { segments: [promptSegment, { text: fitText(suggestion.text, room), role: 'input.suggestion' }, { text: shownKeys, role: 'muted' }] },
      cursorColumn: prompt.length,
      suggestionCut: !fits,
    };
  }
  return {
    line: {
      segments: [
        promptSegment,
        { text: visible },
        { text: visible ? '' : hint, role: 'muted' },
      ],
    },
    cursorColumn: prompt.length + textWidth(chars.slice(start, cursor).join('')),
    suggestionCut: false,
  };
}
