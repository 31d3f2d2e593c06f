// Replies a terminal sends to our queries (DA1, DECRPM, OSC 11) arrive mixed with the keys the
// user types meanwhile: what is left once they are taken out is keys.

const REPLY = /\x1b\[\?2026;\d\$y|\x1b\[\?[\d;]*c|\x1b\]11;[^\x07\x1b]*(?:\x07|\x1b\\)/g;
// The start of a reply cut off by a timeout; a lone ESC is left alone, as it may be the Escape key.
const PARTIAL_REPLY = /\x1b(?:\](?:1(?:1(?:;[^\x07\x1b]*\x1b?)?)?)?|\[\?[\d;$]*)$/;

export function keysBesideReplies(received: string): string {
  return received.replace(REPLY, '').replace(PARTIAL_REPLY, '');
}
