// Reads an @xterm/headless buffer into plain frame rows: printable text plus cell styles.
import type { IBuffer, IBufferCell, Terminal } from '@xterm/headless';
import {
  ATTR_BLINK, ATTR_BOLD, ATTR_DIM, ATTR_INVERSE, ATTR_INVISIBLE, ATTR_ITALIC, ATTR_UNDERLINE,
  DEFAULT_COLOR, RGB_FLAG, type CellColor, type CellRun, type FrameLine, type ScreenFrame,
} from '../core/screen-frame.js';
// The emulator never stores control characters in cells, but nothing that reaches the user's terminal may depend on that;
// it does store bidirectional formatting characters, in a cell of their own or with the character before them.
import { printable } from '../core/printable.js';
import { lastOutputLine } from '../core/last-output-line.js';

function fgOf(cell: IBufferCell): CellColor {
  if (cell.isFgDefault()) return DEFAULT_COLOR;
  return cell.isFgRGB() ? RGB_FLAG | cell.getFgColor() : cell.getFgColor();
}

function bgOf(cell: IBufferCell): CellColor {
  if (cell.isBgDefault()) return DEFAULT_COLOR;
  return cell.isBgRGB() ? RGB_FLAG | cell.getBgColor() : cell.getBgColor();
}

function attrsOf(cell: IBufferCell): number {
  return (cell.isBold() ? ATTR_BOLD : 0)
    | (cell.isUnderline() ? ATTR_UNDERLINE : 0)
    | (cell.isBlink() ? ATTR_BLINK : 0)
    | (cell.isInverse() ? ATTR_INVERSE : 0)
    | (cell.isInvisible() ? ATTR_INVISIBLE : 0)
    | (cell.isDim() ? ATTR_DIM : 0)
    | (cell.isItalic() ? ATTR_ITALIC : 0);
}

/** One row of the buffer as styled runs; trailing default-styled blanks are dropped. */
export function readRow(buffer: IBuffer, row: number, cols: number, cell: IBufferCell): CellRun[] {
  const line = buffer.getLine(row);
  const runs: CellRun[] = [];
  if (!line) return runs;
  let current: CellRun | undefined;
  for (let x = 0; x < cols; x++) {
    if (!line.getCell(x, cell)) break;
    const width = cell.getWidth();
    if (width === 0) continue; // second half of a wide character
    // A cell keeps its column even when all it held was unprintable.
    const text = printable(cell.getChars()) || ' ';
    const fg = fgOf(cell);
    const bg = bgOf(cell);
    const attrs = attrsOf(cell);
    if (current && current.fg === fg && current.bg === bg && current.attrs === attrs) {
      current.text += text;
    } else {
      current = { text, fg, bg, attrs };
      runs.push(current);
    }
  }
  const last = runs[runs.length - 1];
  if (last && last.fg === DEFAULT_COLOR && last.bg === DEFAULT_COLOR && last.attrs === 0) {
    last.text = last.text.replace(/ +$/, '');
    if (!last.text) runs.pop();
  }
  return runs;
}

/**
 * Builds frames for one terminal, sending only rows that changed since the previous frame.
 * `cursorVisible` is tracked by the caller (xterm's API does not expose DECTCEM).
 */
export class FrameBuilder {
  private sentRows: string[] = [];
  private readonly cell: IBufferCell;

  constructor(private readonly terminal: Terminal) {
    this.cell = terminal.buffer.active.getNullCell();
  }

  /** Forget what was sent: the next frame is complete. */
  reset(): void {
    this.sentRows = [];
  }

  /**
   * The next frame, or undefined when nothing visible changed. `scrollBack` lines up from
   * the live screen, the history is shown instead (clamped to what there is).
   */
  next(cursorVisible: boolean, scrollBack = 0): ScreenFrame | undefined {
    const { cols, rows } = this.terminal;
    const buffer = this.terminal.buffer.active;
    const back = Math.max(0, Math.min(scrollBack, buffer.baseY));
    const full = this.sentRows.length !== rows || back !== this.lastScrollBack;
    if (full) this.sentRows = new Array<string>(rows).fill('');
    const lines: FrameLine[] = [];
    for (let y = 0; y < rows; y++) {
      const runs = readRow(buffer, buffer.baseY - back + y, cols, this.cell);
      const key = JSON.stringify(runs);
      if (full || key !== this.sentRows[y]) {
        this.sentRows[y] = key;
        lines.push({ y, runs });
      }
    }
    const cursor = { x: buffer.cursorX, y: buffer.cursorY, visible: cursorVisible && back === 0 };
    if (!full && lines.length === 0 && this.sameCursor(cursor)) return undefined;
    this.lastCursor = cursor;
    this.lastScrollBack = back;
    return { cols, rows, full, lines, cursor, history: buffer.baseY, scrollBack: back };
  }

  private lastScrollBack = 0;

  private lastCursor: ScreenFrame['cursor'] | undefined;

  private sameCursor(cursor: ScreenFrame['cursor']): boolean {
    const last = this.lastCursor;
    return !!last && last.x === cursor.x && last.y === cursor.y && last.visible === cursor.visible;
  }
}

/** What an agent said most recently: the latest line of output at or above the cursor, above an agent CLI's input box. */
export function lastLineOf(terminal: Terminal): string {
  const buffer = terminal.buffer.active;
  const bottom = buffer.baseY + buffer.cursorY;
  const rows: string[] = [];
  for (let row = Math.max(0, bottom - terminal.rows); row <= bottom; row++) {
    rows.push(printable(buffer.getLine(row)?.translateToString(true) ?? ''));
  }
  return lastOutputLine(rows);
}

/** The last `maxLines` lines of the buffer as plain text, wrapped rows joined, trailing blanks dropped. */
export function textOf(terminal: Terminal, maxLines: number): string {
  const buffer = terminal.buffer.active;
  const lines: string[] = [];
  for (let row = 0; row < buffer.length; row++) {
    const line = buffer.getLine(row);
    if (!line) continue;
    const text = printable(line.translateToString(true));
    if (line.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
    else lines.push(text);
  }
  while (lines.length > 0 && !lines[lines.length - 1].trim()) lines.pop();
  return lines.slice(-maxLines).join('\n');
}
