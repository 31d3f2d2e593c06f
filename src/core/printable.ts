// Text that reaches the user's terminal from anywhere but our own code (agent output,
// model replies, file names, git messages) carries no control characters: C0, DEL, C1.

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;
const CONTROL_CHARACTER = /^[\u0000-\u001f\u007f-\u009f]$/;
/** The same but for tab and newline, which lay out text of several lines. */
const CONTROL_CHARACTERS_BUT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** `text` with every control character replaced by `replacement`. */
export function printable(text: string, replacement = ' '): string {
  return text.replace(CONTROL_CHARACTERS, replacement);
}

/** `text` without control characters, keeping tab and newline. */
export function printableLines(text: string): string {
  return text.replace(CONTROL_CHARACTERS_BUT_LAYOUT, '');
}

export function isControlCharacter(char: string): boolean {
  return CONTROL_CHARACTER.test(char);
}
