// An agent's output as the plain text its terminal shows (`agentmux logs`): read from the
// emulator's cells, so words a program places with cursor moves keep the spaces between them,
// lines it wraps are joined and lines it rewrites show as they ended up. Handed over a line at a
// time as lines become final: once they scroll off the screen into the history, and — following
// (`eager`) — once the cursor is further below them than the program has ever reached back up
// (cursor-reach.ts): at once from a program that only writes forward, a few rows later from one
// that redraws a progress bar. Whatever is still on the screen comes last, at the end.
import type { IDisposable, Terminal } from '@xterm/headless';
import { printable } from '../core/printable.js';
import { CursorReach } from './cursor-reach.js';

export class TextLines {
  /** Rows trimmed off the top of the normal buffer's history so far (it holds a few thousand). */
  private trimmed = 0;
  /** The first row not handed over yet, counted from the first row there ever was. */
  private next = 0;
  /** The last row handed over ended without its line's newline (its line goes on on the next row). */
  private open = false;
  private readonly reach: CursorReach;

  constructor(private readonly terminal: Terminal, private readonly eager: boolean) {
    onTrim(terminal, (rows) => {
      this.trimmed += rows;
    });
    this.reach = new CursorReach(terminal);
  }

  /** Text of the lines that became final since the last call ('' when none did). */
  take(): string {
    const buffer = this.terminal.buffer;
    // The alternate screen keeps no history, and the normal buffer does not change while it is up.
    if (buffer.active !== buffer.normal) return '';
    const normal = buffer.normal;
    const limit = this.eager ? normal.baseY + Math.max(0, normal.cursorY - this.reach.rows) : normal.baseY;
    return this.rows(this.lastWritten(limit));
  }

  /** Everything not handed over yet: the rest of the normal buffer, then the alternate screen if it is up. */
  end(): string {
    const buffer = this.terminal.buffer;
    let text = this.rows(this.lastWritten(buffer.normal.length));
    if (this.open) text += '\n';
    this.open = false;
    if (buffer.active === buffer.alternate) {
      const screen = buffer.alternate;
      const end = lastWrittenRow(screen, 0, screen.length);
      for (let row = 0; row < end; row++) text += `${rowText(screen, row)}\n`;
    }
    return text;
  }

  /** The end of the rows before `limit` that hold text: blank rows wait until something follows them. */
  private lastWritten(limit: number): number {
    return lastWrittenRow(this.terminal.buffer.normal, this.from(), limit);
  }

  /** The row where those not handed over yet start (0 when they were trimmed before they were read). */
  private from(): number {
    return Math.max(0, this.next - this.trimmed);
  }

  /** Hands over the normal buffer's rows from where the last call stopped up to `limit` (excluded). */
  private rows(limit: number): string {
    const buffer = this.terminal.buffer.normal;
    const from = this.from();
    if (limit <= from) return '';
    let text = '';
    for (let row = from; row < limit; row++) {
      const wrapped = buffer.getLine(row)?.isWrapped ?? false;
      if (this.open && !wrapped) text += '\n';
      text += rowText(buffer, row);
      this.open = true;
    }
    // The line ends here unless the next row goes on with it.
    if (!(buffer.getLine(limit)?.isWrapped ?? false)) {
      text += '\n';
      this.open = false;
    }
    this.next = limit + this.trimmed;
    return text;
  }
}

/**
 * Calls `listener` with the number of rows trimmed off the top of the normal buffer (its history is
 * full, or the program erased it), which xterm's public API does not tell: a marker is disposed of
 * also when a program deletes its row, which says nothing of where the rows after it went.
 */
function onTrim(terminal: Terminal, listener: (rows: number) => void): IDisposable {
  const core = (terminal as unknown as { _core?: { buffers?: { normal?: { lines?: { onTrim?: (listener: (rows: number) => void) => IDisposable } } } } })._core;
  const lines = core?.buffers?.normal?.lines;
  if (typeof lines?.onTrim !== 'function') throw new Error('@xterm/headless no longer has buffers.normal.lines.onTrim: text-lines.ts needs another way to count trimmed rows');
  return lines.onTrim(listener);
}

/** One row's text without trailing spaces, but for a row whose line goes on on the next row (a space at the wrap is part of the text). */
function rowText(buffer: Terminal['buffer']['normal'], row: number): string {
  const line = buffer.getLine(row);
  if (!line) return '';
  if (buffer.getLine(row + 1)?.isWrapped) return printable(line.translateToString(false));
  return printable(line.translateToString(true)).replace(/ +$/, '');
}

/** One past the last row from `from` to `limit` (excluded) that holds text; `from` when none does. */
function lastWrittenRow(buffer: Terminal['buffer']['normal'], from: number, limit: number): number {
  for (let row = Math.min(limit, buffer.length) - 1; row >= from; row--) {
    if (buffer.getLine(row)?.translateToString(true).trim()) return row + 1;
  }
  return from;
}
