// Bracketed paste from the user's terminal: with DECSET 2004 on, a paste arrives wrapped in
// ESC[200~ … ESC[201~, so it can be told apart from typing. The splitter cuts the input into
// typed keys and pastes, across reads: a paste (or a marker) may come in several chunks.

export const PASTE_START = '\x1b[200~';
export const PASTE_END = '\x1b[201~';
export const ENABLE_BRACKETED_PASTE = '\x1b[?2004h';
export const DISABLE_BRACKETED_PASTE = '\x1b[?2004l';

export type InputPart = { kind: 'keys'; text: string } | { kind: 'paste'; text: string };

/** More of one paste than anything takes is not kept (a terminal that never ends its paste cannot fill memory). */
const MAX_PASTE_CHARACTERS = 8 << 20;

export class PasteSplitter {
  /** The text of a paste whose end marker has not come yet. */
  private pasting: string | undefined;
  /** The end of the last read, when it may be the start of a marker that the next read completes. */
  private held = '';

  /** True when `data` is plain typing with nothing held: the common case, with no copy made. */
  isPlainKeys(data: string): boolean {
    return this.pasting === undefined && !this.held && !data.includes('\x1b[20');
  }

  /** The parts of this read that are complete; a paste still open waits for a later read. */
  split(data: string): InputPart[] {
    const parts: InputPart[] = [];
    let rest = this.held + data;
    this.held = '';
    while (rest) {
      if (this.pasting !== undefined) {
        const end = rest.indexOf(PASTE_END);
        if (end === -1) {
          const keep = partialMarkerLength(rest, PASTE_END);
          this.pasting += rest.slice(0, Math.min(rest.length - keep, Math.max(0, MAX_PASTE_CHARACTERS - this.pasting.length)));
          this.held = rest.slice(rest.length - keep);
          return parts;
        }
        parts.push({ kind: 'paste', text: (this.pasting + rest.slice(0, end)).slice(0, MAX_PASTE_CHARACTERS) });
        this.pasting = undefined;
        rest = rest.slice(end + PASTE_END.length);
        continue;
      }
      const start = rest.indexOf(PASTE_START);
      if (start === -1) {
        // A lone ESC at the end is the Escape key, not the start of a marker: only hold "ESC[" and more.
        const keep = partialMarkerLength(rest, PASTE_START, 2);
        if (rest.length > keep) parts.push({ kind: 'keys', text: rest.slice(0, rest.length - keep) });
        this.held = rest.slice(rest.length - keep);
        return parts;
      }
      if (start > 0) parts.push({ kind: 'keys', text: rest.slice(0, start) });
      this.pasting = '';
      rest = rest.slice(start + PASTE_START.length);
    }
    return parts;
  }
}

/** How many characters at the end of `text` are a proper beginning of `marker` (at least `min`). */
function partialMarkerLength(text: string, marker: string, min = 1): number {
  for (let length = Math.min(marker.length - 1, text.length); length >= min; length--) {
    if (marker.startsWith(text.slice(text.length - length))) return length;
  }
  return 0;
}
