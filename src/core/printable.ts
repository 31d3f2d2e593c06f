// Text that reaches the user's terminal from anywhere but our own code (agent output,
// model replies, file names, git messages) carries no unprintable characters: C0 and C1
// controls and DEL, which act on the terminal, and the bidirectional formatting characters
// (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), which reorder the text around them so
// that what is read is not what is there.

const CONTROLS_BUT_LAYOUT = '\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f';
const BIDI_FORMATTING = '\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';

/** A RegExp character class of the unprintable characters but tab and newline, which lay out text of several lines. */
export const UNPRINTABLE_BUT_LAYOUT = `[${CONTROLS_BUT_LAYOUT}${BIDI_FORMATTING}]`;
const UNPRINTABLE = `[\\t\\n${CONTROLS_BUT_LAYOUT}${BIDI_FORMATTING}]`;

const UNPRINTABLE_CHARACTERS = new RegExp(UNPRINTABLE, 'g');
const UNPRINTABLE_CHARACTER = new RegExp(`^${UNPRINTABLE}$`);
const UNPRINTABLE_CHARACTERS_BUT_LAYOUT = new RegExp(UNPRINTABLE_BUT_LAYOUT, 'g');

/** `text` with every unprintable character replaced by `replacement`. */
export function printable(text: string, replacement = ' '): string {
  return text.replace(UNPRINTABLE_CHARACTERS, replacement);
}

/** `text` with every unprintable character but tab and newline replaced by `replacement` (removed by default). */
export function printableLines(text: string, replacement = ''): string {
  return text.replace(UNPRINTABLE_CHARACTERS_BUT_LAYOUT, replacement);
}

export function isUnprintable(char: string): boolean {
  return UNPRINTABLE_CHARACTER.test(char);
}
