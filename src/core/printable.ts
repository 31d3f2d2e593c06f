// Text that reaches the user's terminal from anywhere but our own code (agent output,
// model replies, file names, git messages) carries no unprintable characters: C0 and C1
// controls and DEL, which act on the terminal, and the bidirectional formatting characters
// (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), which reorder the text around them so
// that what is read is not what is there.

const CONTROLS_BUT_LAYOUT = '\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f';
const BIDI_FORMATTING = '\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';

const UNPRINTABLE = new RegExp(`^[\\t\\n${CONTROLS_BUT_LAYOUT}${BIDI_FORMATTING}]$`);
const ANY_UNPRINTABLE = new RegExp(`[\\t\\n${CONTROLS_BUT_LAYOUT}${BIDI_FORMATTING}]`);
const CONTROL = new RegExp(`[\\t\\n${CONTROLS_BUT_LAYOUT}]`, 'g');
const CONTROL_BUT_LAYOUT = new RegExp(`[${CONTROLS_BUT_LAYOUT}]`, 'g');
// Invisible, so removed; a control is replaced instead, as a tab or a carriage return may have stood between two words.
const BIDI = new RegExp(`[${BIDI_FORMATTING}]`, 'g');

/** `text` with every control character replaced by `replacement`, and bidirectional formatting removed. */
export function printable(text: string, replacement = ' '): string {
  // Nearly all text has nothing to remove (an agent's every row goes through here): one scan, no copies.
  if (!ANY_UNPRINTABLE.test(text)) return text;
  return text.replace(BIDI, '').replace(CONTROL, replacement);
}

/** The same but for tab and newline; controls are removed unless a `replacement` is given. */
export function printableLines(text: string, replacement = ''): string {
  return text.replace(BIDI, '').replace(CONTROL_BUT_LAYOUT, replacement);
}

export function isUnprintable(char: string): boolean {
  return UNPRINTABLE.test(char);
}
