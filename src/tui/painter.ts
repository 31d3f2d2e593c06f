// Draws styled lines and agent screens straight into blessed's cell buffer. Views never
// hand blessed markup: text is placed cell by cell, so nothing in it is interpreted.
import blessed from 'blessed';
import {
  ATTR_BLINK, ATTR_BOLD, ATTR_INVERSE, ATTR_INVISIBLE, ATTR_UNDERLINE, DEFAULT_COLOR, RGB_FLAG,
  type CellColor, type FrameLine,
} from '../core/screen-frame.js';
import { isUnprintable } from '../core/printable.js';
import type { ThemeRole } from '../core/theme-schema.js';
import { nearestColor } from './blessed-internals.js';
import { charWidth, type Segment, type StyledLine } from './styled-text.js';
import type { BlessedStyle, ResolvedTheme } from './theme.js';

type Cell = [number, string];
type ScreenLine = Cell[] & { dirty?: boolean };
interface Coords { xi: number; xl: number; yi: number; yl: number }

interface PaintableBox extends blessed.Widgets.BoxElement {
  sattr(style: BlessedStyle): number;
  _render(): Coords | undefined;
}

const DEFAULT_ATTR = 0x1ff;

/** A box whose content is drawn by `paint` on every render. */
function paintedBox(
  options: blessed.Widgets.BoxOptions,
  paint: (box: PaintableBox, coords: Coords, lines: ScreenLine[]) => void,
): blessed.Widgets.BoxElement {
  const box = blessed.box({ ...options, tags: false }) as PaintableBox;
  box.render = function render() {
    const coords = box._render();
    const lines = (box.screen as unknown as { lines: ScreenLine[] }).lines;
    if (coords) {
      // blessed renders once at the new size before the app has placed its boxes for it:
      // never paint past the screen's edges.
      const width = lines[0]?.length ?? 0;
      const clamped = { xi: coords.xi, xl: Math.min(coords.xl, width), yi: coords.yi, yl: Math.min(coords.yl, lines.length) };
      if (clamped.xl > clamped.xi && clamped.yl > clamped.yi) paint(box, clamped, lines);
    }
    return coords as never;
  };
  return box;
}

export class StyleCache {
  private attrs = new Map<string, number>();

  constructor(private theme: ResolvedTheme) {}

  setTheme(theme: ResolvedTheme): void {
    this.theme = theme;
    this.attrs.clear();
  }

  get current(): ResolvedTheme {
    return this.theme;
  }

  attr(box: PaintableBox, fill: ThemeRole | undefined, segment: Pick<Segment, 'role' | 'style'>): number {
    const key = `${fill ?? ''}|${segment.role ?? ''}|${segment.style ? JSON.stringify(segment.style) : ''}`;
    let attr = this.attrs.get(key);
    if (attr === undefined) {
      const style = {
        ...this.theme.style('fg'),
        ...(fill ? definedOnly(this.theme.style(fill)) : {}),
        ...(segment.role ? definedOnly(this.theme.style(segment.role)) : {}),
        ...(segment.style ?? {}),
      };
      attr = box.sattr(style);
      this.attrs.set(key, attr);
    }
    return attr;
  }
}

function definedOnly(style: BlessedStyle): BlessedStyle {
  return Object.fromEntries(Object.entries(style).filter(([, value]) => value !== undefined));
}

/** Writes `text` into a screen row from column `x` (not past `xl`); returns the next column. */
function putText(target: ScreenLine, x: number, xi: number, xl: number, attr: number, text: string): number {
  for (const char of text) {
    // Unprintable characters never reach the terminal, whatever text carries them (a model's reply, a file
    // name, an agent's screen): a bidi override would reorder what is drawn after it.
    if (isUnprintable(char)) continue;
    const w = charWidth(char);
    if (w === 0) {
      // A combining mark belongs to the character before it.
      if (x > xi) target[x - 1][1] += char;
      continue;
    }
    if (x + w > xl) break;
    target[x][0] = attr;
    target[x][1] = char;
    // blessed skips the cell after a wide character when drawing.
    if (w === 2) target[x + 1] = [attr, ' '];
    x += w;
  }
  return x;
}

/** A box drawing the lines `content(width, height)` returns. */
export function styledBox(
  options: blessed.Widgets.BoxOptions,
  styles: StyleCache,
  content: (width: number, height: number) => StyledLine[],
): blessed.Widgets.BoxElement {
  return paintedBox(options, (box, { xi, xl, yi, yl }, screenLines) => {
    const width = xl - xi;
    const rows = content(width, yl - yi);
    for (let y = yi; y < yl; y++) {
      const target = screenLines[y];
      if (!target) break;
      const row = rows[y - yi];
      const fillAttr = styles.attr(box, row?.fill, {});
      let x = xi;
      for (const segment of row?.segments ?? []) {
        const attr = styles.attr(box, segment.ignoreFill ? undefined : row?.fill, segment);
        x = putText(target, x, xi, xl, attr, segment.text);
      }
      for (; x < xl; x++) {
        target[x][0] = fillAttr;
        target[x][1] = ' ';
      }
      target.dirty = true;
    }
  });
}

function colorCode(color: CellColor, noColor: boolean): number {
  if (noColor || color === DEFAULT_COLOR) return DEFAULT_ATTR;
  if (color & RGB_FLAG) {
    const rgb = color & 0xffffff;
    return nearestColor((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff);
  }
  return color & 0xff;
}

function cellAttr(fg: CellColor, bg: CellColor, attrs: number, noColor: boolean): number {
  const flags = (attrs & ATTR_BOLD ? 1 : 0)
    | (attrs & ATTR_UNDERLINE ? 2 : 0)
    | (attrs & ATTR_BLINK ? 4 : 0)
    | (attrs & ATTR_INVERSE ? 8 : 0)
    | (attrs & ATTR_INVISIBLE ? 16 : 0);
  return (flags << 18) | (colorCode(fg, noColor) << 9) | colorCode(bg, noColor);
}

/** A box showing an agent's screen grid (lines from its frames), top-left aligned. */
export function terminalBox(
  options: blessed.Widgets.BoxOptions,
  content: () => { lines: FrameLine[]; noColor: boolean },
): blessed.Widgets.BoxElement {
  return paintedBox(options, (_box, { xi, xl, yi, yl }, screenLines) => {
    const { lines, noColor } = content();
    const blank = (DEFAULT_ATTR << 9) | DEFAULT_ATTR;
    for (let y = yi; y < yl; y++) {
      const target = screenLines[y];
      if (!target) break;
      let x = xi;
      for (const run of lines[y - yi]?.runs ?? []) {
        const attr = cellAttr(run.fg, run.bg, run.attrs, noColor);
        x = putText(target, x, xi, xl, attr, run.text);
      }
      for (; x < xl; x++) {
        target[x][0] = blank;
        target[x][1] = ' ';
      }
      target.dirty = true;
    }
  });
}
