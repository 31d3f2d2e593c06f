// Messages between the emulator pool (main thread) and its worker threads.
import type { ScreenFrame } from '../core/screen-frame.js';

export interface EmulatorModes {
  applicationCursorKeys: boolean;
  bracketedPaste: boolean;
}

export type ToWorker =
  /** `text`: a terminal that hands over its lines as plain text as they become final (text-lines.ts) and draws nothing. */
  | { op: 'create'; id: number; cols: number; rows: number; scrollback: number; text?: { eager: boolean } }
  | { op: 'write'; id: number; data: Uint8Array }
  | { op: 'resize'; id: number; cols: number; rows: number }
  /** Frames wanted for `view` (someone looking at this terminal, each with a view of their own) or not. */
  | { op: 'watch'; id: number; view: number; on: boolean }
  /** `view` shows history: `lines` further up (negative: down), or the live screen again. */
  | { op: 'scroll'; id: number; view: number; lines: number | 'live' }
  /** Reply once every write sent before this one has been parsed. */
  | { op: 'drain'; id: number }
  /** The last `maxLines` lines of output (scrollback and screen) as plain text. */
  | { op: 'snapshot'; id: number; request: number; maxLines: number }
  /** A text terminal's input has ended: once all of it is parsed, hand over the rest of its text, then reply `drained`. */
  | { op: 'finish'; id: number }
  | { op: 'dispose'; id: number };

export type FromWorker =
  | { op: 'parsed'; id: number; bytes: number }
  | { op: 'lastLine'; id: number; text: string }
  | { op: 'frame'; id: number; view: number; frame: ScreenFrame }
  | { op: 'modes'; id: number; modes: EmulatorModes }
  /** Bytes the emulator answers to queries (DA, DSR): a real terminal writes them back to the pty. */
  | { op: 'reply'; id: number; data: string }
  /** The program rang the bell (BEL), once or more since the last changes sent. */
  | { op: 'bell'; id: number }
  /** The program set its window title (OSC 0/2). */
  | { op: 'title'; id: number; title: string }
  /** The program reported its state (OSC 7501, core/program-status.ts): the sequence's text. */
  | { op: 'status'; id: number; data: string }
  | { op: 'drained'; id: number; lastLine: string }
  | { op: 'snapshot'; id: number; request: number; text: string }
  /** Lines of a text terminal that became final, as plain text. */
  | { op: 'text'; id: number; text: string };
