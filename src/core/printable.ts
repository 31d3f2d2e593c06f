// Text that reaches the user's terminal from anywhere but our own code (agent output,
// model replies, file names, git messages) carries no control characters: C0, DEL, C1.

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;
const CONTROL_CHARACTER = /^[\u0000-\u001f\u007f-\u009f]$/;

/** `text` with every control character replaced by `replacement`. */
export function printable(text: string, replacement = ' '): string {
  return text.replace(CONTROL_CHARACTERS, replacement);
}

export function isControlCharacter(char: string): boolean {
  return CONTROL_CHARACTER.test(char);
}
