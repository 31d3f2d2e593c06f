// Lines of text with semantic styles: what views produce and the painter draws.
import { charWidthAt } from './blessed-internals.js';
import type { ThemeRole } from '../core/theme-schema.js';
import type { BlessedStyle } from './theme.js';

export interface Segment {
  text: string;
  role?: ThemeRole;
  /** Attributes on top of the role's style. */
  style?: BlessedStyle;
  /** Not painted with the line's fill (a border beside a highlighted row). */
  ignoreFill?: boolean;
}

export interface StyledLine {
  segments: Segment[];
  /** The role whose style fills the rest of the row (a selected row's background). */
  fill?: ThemeRole;
}

export function line(...segments: Segment[]): StyledLine {
  return { segments };
}

export function charWidth(char: string): number {
  return charWidthAt(char, 0);
}

export function textWidth(text: string): number {
  let width = 0;
  for (const char of text) width += charWidth(char);
  return width;
}

/** Cuts `text` to at most `width` columns, ending with "…" when cut. */
export function fitText(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    const w = charWidth(char);
    if (used + w > width - 1) break;
    out += char;
    used += w;
  }
  return width > 0 ? `${out}…` : '';
}

/** Pads or cuts `text` to exactly `width` columns. */
export function padText(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fitted = fitText(text, width);
  const pad = ' '.repeat(Math.max(0, width - textWidth(fitted)));
  return align === 'left' ? fitted + pad : pad + fitted;
}

/** Word-wraps one paragraph to `width` columns; words longer than a row are broken. */
export function wrapText(text: string, width: number): string[] {
  const rows: string[] = [];
  for (const paragraph of text.split('\n')) {
    let row = '';
    let rowWidth = 0;
    for (const word of paragraph.split(/(\s+)/)) {
      if (!word) continue;
      const wordWidth = textWidth(word);
      if (rowWidth + wordWidth <= width) {
        row += word;
        rowWidth += wordWidth;
        continue;
      }
      if (/^\s+$/.test(word)) {
        rows.push(row);
        row = '';
        rowWidth = 0;
        continue;
      }
      if (row) rows.push(row.trimEnd());
      row = '';
      rowWidth = 0;
      for (const char of word) {
        const w = charWidth(char);
        if (rowWidth + w > width) {
          rows.push(row);
          row = '';
          rowWidth = 0;
        }
        row += char;
        rowWidth += w;
      }
    }
    rows.push(row.trimEnd());
  }
  return rows;
}
