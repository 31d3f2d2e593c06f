// An agent's raw pty output as plain text (what `agentmux logs NAME` prints): escape
// sequences and unprintable characters (core/printable.ts) removed, line ends as '\n'. A
// small state machine after the VT500 parser (vt100.net/emu/dec_ansi_parser), reduced to
// what removal needs: it keeps a state, never text, so a sequence split across chunks costs nothing.
import { UNPRINTABLE_BUT_LAYOUT } from './printable.js';

/** An unterminated OSC/DCS/SOS/PM/APC payload longer than this is dropped and the text after it shown again. */
export const MAX_STRING_SEQUENCE = 64 * 1024;

/**
 * - `escape`: after ESC;
 * - `escapeIntermediate`: after ESC and intermediate bytes (0x20–0x2F), as in `ESC ( B`;
 * - `csi`: parameters and intermediates until a final byte 0x40–0x7E;
 * - `osc`: OSC payload, ended by BEL or ST; `string`: DCS, SOS, PM or APC payload, ended by ST;
 * - `stringEscape`: ESC inside a payload: `\` makes ST, anything else starts a new sequence.
 */
type State = 'ground' | 'escape' | 'escapeIntermediate' | 'csi' | 'osc' | 'string' | 'stringEscape';

const ESC = 0x1b;
const CAN = 0x18;
const SUB = 0x1a;
const DEL = 0x7f;

/** The characters ground text stops at: C0 but '\t' and '\n', DEL, C1, bidirectional formatting. */
const GROUND_STOP = new RegExp(UNPRINTABLE_BUT_LAYOUT, 'g');
const OSC_STOP = /[\u0007\u0018\u001a\u001b\u009c]/g;
const STRING_STOP = /[\u0018\u001a\u001b\u009c]/g;

/** Streaming: `push` each chunk as it comes, `flush` at the end. */
export class PlainTextFilter {
  private state: State = 'ground';
  /** Characters of the current string payload so far. */
  private stringLength = 0;
  /** Whether the current string payload is an OSC (BEL ends it too). */
  private osc = false;

  /** The plain text in `chunk`; an unfinished sequence at its end is carried over to the next push. */
  push(chunk: string): string {
    const out: string[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'ground') {
        i = this.ground(chunk, i, out);
      } else if (this.state === 'osc' || this.state === 'string') {
        i = this.payload(chunk, i);
      } else {
        if (this.escape(chunk.charCodeAt(i), out)) i++;
      }
    }
    return out.join('');
  }

  /** The end of the stream: an unfinished sequence is dropped. No text is ever held back, so this returns ''. */
  flush(): string {
    this.state = 'ground';
    this.stringLength = 0;
    return '';
  }

  /** Copies text up to the next control character and handles that one; returns where to go on. */
  private ground(chunk: string, from: number, out: string[]): number {
    GROUND_STOP.lastIndex = from;
    const stop = GROUND_STOP.exec(chunk);
    const end = stop ? stop.index : chunk.length;
    if (end > from) out.push(chunk.slice(from, end));
    if (!stop) return end;
    switch (chunk.charCodeAt(end)) {
      case ESC:
        this.state = 'escape';
        break;
      case 0x9b:
        this.state = 'csi';
        break;
      case 0x9d:
        this.startString(true);
        break;
      case 0x90: // DCS
      case 0x98: // SOS
      case 0x9e: // PM
      case 0x9f: // APC
        this.startString(false);
        break;
      default: // every other one: '\r' (so '\r\n' is '\n'), backspace, BEL, other C1, U+202E…
        break;
    }
    return end + 1;
  }

  /** Skips string payload up to its end (or the cap); returns where to go on. */
  private payload(chunk: string, from: number): number {
    const stops = this.osc ? OSC_STOP : STRING_STOP;
    stops.lastIndex = from;
    const stop = stops.exec(chunk);
    const end = stop ? stop.index : chunk.length;
    this.stringLength += end - from;
    if (this.stringLength > MAX_STRING_SEQUENCE) {
      // Never terminated: give up on it, and show what follows the cap as text.
      const resume = end - (this.stringLength - MAX_STRING_SEQUENCE);
      this.state = 'ground';
      this.stringLength = 0;
      return resume;
    }
    if (!stop) return end;
    const code = chunk.charCodeAt(end);
    if (code === ESC) this.state = 'stringEscape';
    else this.state = 'ground'; // BEL (OSC), ST, or CAN/SUB cancelling it
    return end + 1;
  }

  /**
   * One character in an escape state. Returns false when the character is not part of
   * the sequence and must be read again in the ground state.
   */
  private escape(code: number, out: string[]): boolean {
    const state = this.state;
    if (state === 'stringEscape') {
      if (code === 0x5c) {
        this.state = 'ground'; // ESC \ : the string ends
        return true;
      }
      this.state = 'escape'; // the ESC aborts the string and starts a sequence of its own
    }
    if (code === ESC) {
      this.state = 'escape';
      return true;
    }
    if (code === CAN || code === SUB) {
      this.state = 'ground';
      return true;
    }
    if (code < 0x20) {
      // C0 inside a sequence is carried out at once, the sequence goes on.
      if (code === 0x0a || code === 0x09) out.push(String.fromCharCode(code));
      return true;
    }
    if (code === DEL) return true;
    if (code > DEL) {
      this.state = 'ground'; // not part of any sequence: a malformed one ends here
      return false;
    }
    if (this.state === 'escape') {
      if (code === 0x5b) this.state = 'csi'; // [
      else if (code === 0x5d) this.startString(true); // ]
      else if (code === 0x50 || code === 0x58 || code === 0x5e || code === 0x5f) this.startString(false); // P X ^ _
      else if (code < 0x30) this.state = 'escapeIntermediate';
      else this.state = 'ground'; // ESC =, ESC 7, ESC c…
    } else if (this.state === 'escapeIntermediate') {
      if (code >= 0x30) this.state = 'ground';
    } else if (code >= 0x40) {
      this.state = 'ground'; // CSI final byte
    }
    return true;
  }

  private startString(osc: boolean): void {
    this.state = osc ? 'osc' : 'string';
    this.osc = osc;
    this.stringLength = 0;
  }
}

/** A whole text as plain text. */
export function plainText(text: string): string {
  const filter = new PlainTextFilter();
  return filter.push(text) + filter.flush();
}
