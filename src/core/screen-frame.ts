// An agent's screen as plain data: what crosses from the server's emulator to a client.
// Only printable text and cell attributes travel here; raw agent bytes never do.

/** Colour of a cell: DEFAULT_COLOR, a palette index 0-255, or RGB_FLAG | 0xRRGGBB. */
export type CellColor = number;
export const DEFAULT_COLOR = -1;
export const RGB_FLAG = 0x1000000;

export const ATTR_BOLD = 1;
export const ATTR_UNDERLINE = 2;
export const ATTR_BLINK = 4;
export const ATTR_INVERSE = 8;
export const ATTR_INVISIBLE = 16;
export const ATTR_DIM = 32;
export const ATTR_ITALIC = 64;

/** Consecutive cells with the same style. Wide characters take two columns of `text`'s width. */
export interface CellRun {
  text: string;
  fg: CellColor;
  bg: CellColor;
  attrs: number;
}

export interface FrameLine {
  y: number;
  runs: CellRun[];
}

export interface ScreenFrame {
  cols: number;
  rows: number;
  /** True when `lines` holds every row; otherwise only the rows that changed since the last frame. */
  full: boolean;
  lines: FrameLine[];
  cursor: { x: number; y: number; visible: boolean };
  /** Lines of history above the screen, and how far up from the live screen this frame shows (0: live). */
  history: number;
  scrollBack: number;
}

/** Applies a frame to a grid of lines kept by a client; returns the new grid. */
export function applyFrame(previous: FrameLine[] | undefined, frame: ScreenFrame): FrameLine[] {
  const grid: FrameLine[] = frame.full || !previous || previous.length !== frame.rows
    ? Array.from({ length: frame.rows }, (_, y) => ({ y, runs: [] }))
    : previous.slice();
  for (const line of frame.lines) {
    if (line.y >= 0 && line.y < frame.rows) grid[line.y] = line;
  }
  return grid;
}
