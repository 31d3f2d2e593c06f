// Keys typed by the user are encoded by the user's terminal for the user's terminal's
// modes; the agent may be in other modes. Re-encode what depends on them.

// Cursor keys: CSI A-D (normal mode) vs SS3 A-D (application cursor keys, DECCKM).
const CURSOR_KEYS = /\x1b[[O]([ABCDHF])/g;

export function encodeCursorKeys(data: string, applicationCursorKeys: boolean): string {
  const introducer = applicationCursorKeys ? '\x1bO' : '\x1b[';
  return data.replace(CURSOR_KEYS, (_match, key: string) => `${introducer}${key}`);
}

/** Text pasted or sent as a line: bracketed when the agent asked for it (DECSET 2004). */
export function encodePaste(text: string, bracketedPaste: boolean): string {
  // A pasted end-bracket must not end the paste early: drop any inside the text, again
  // until none is left (removing one may join its neighbours into another).
  let clean = text;
  for (let previous = ''; previous !== clean;) {
    previous = clean;
    clean = clean.replace(/\x1b\[20[01]~/g, '');
  }
  return bracketedPaste ? `\x1b[200~${clean}\x1b[201~` : clean;
}
