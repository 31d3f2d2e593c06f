// Keys typed while an ended built-in worker or agent CLI is attached: a line to continue its
// conversation with (a CLI resumes its session, on that line if it is not empty). Printable text
// goes into the line, Backspace edits it, Enter sends it, Esc or the background key leave. Other
// sequences (arrows, function keys) are ignored.
import type { LineEditor } from './line-editor.js';

export type ContinueKeys = { action: 'none' } | { action: 'submit' } | { action: 'leave' };

const ESCAPE_SEQUENCE = /^\x1b(?:\[[0-9;?]*[ -/]*[@-~]|O.|.)?/s;

export function continueKeys(editor: LineEditor, data: string, backgroundSequence: string, emptyLineSubmits = false): ContinueKeys {
  let rest = data;
  while (rest.length > 0) {
    if (rest.startsWith(backgroundSequence)) return { action: 'leave' };
    const char = rest[0];
    if (char === '\x1b') {
      const sequence = ESCAPE_SEQUENCE.exec(rest)?.[0] ?? char;
      if (sequence === '\x1b') return { action: 'leave' };
      rest = rest.slice(sequence.length);
      continue;
    }
    rest = rest.slice(1);
    if (char === '\r' || char === '\n') {
      if (editor.text.trim() || emptyLineSubmits) return { action: 'submit' };
    } else if (char === '\x7f' || char === '\b') {
      editor.backspace();
    } else if (char === '\x15') {
      editor.deleteToStart();
    } else if (char >= ' ') {
      editor.insert(char);
    }
  }
  return { action: 'none' };
}
