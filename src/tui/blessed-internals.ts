// Parts of blessed 0.1.81 that work but are missing from @types/blessed.
import blessed from 'blessed';

interface BlessedInternals {
  unicode: { charWidth(text: string, index: number): number };
  colors: { match(r: number, g: number, b: number): number };
}

const internals = blessed as unknown as BlessedInternals;

export const charWidthAt = (text: string, index: number): number => internals.unicode.charWidth(text, index);
export const nearestColor = (r: number, g: number, b: number): number => internals.colors.match(r, g, b);

/**
 * Draw line and bullet characters as UTF-8, never through the terminal's alternate
 * character set: ACS depends on terminfo entries that differ between xterm, screen and tmux.
 */
export function preferUtf8Drawing(screen: blessed.Widgets.Screen): void {
  (screen.program as unknown as { tput: { brokenACS: boolean } }).tput.brokenACS = true;
}
