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

interface BufferedProgram {
  _buf: string;
  flush(): void;
  _owrite(text: string): unknown;
}

/**
 * Renders and writes the frame in one write; returns how many bytes that was. With `synchronized`, the frame is wrapped in
 * DECSET/DECRST 2026 (synchronized output), so a terminal that supports it shows it all at
 * once: no half-drawn screens over a slow SSH link.
 */
export function renderInOneWrite(screen: blessed.Widgets.Screen, synchronized: boolean): number {
  const program = screen.program as unknown as BufferedProgram;
  program.flush();
  screen.render();
  const frame = program._buf;
  program._buf = '';
  if (!frame) return 0;
  const bytes = synchronized ? `${SYNC_BEGIN}${frame}${SYNC_END}` : frame;
  program._owrite(bytes);
  return Buffer.byteLength(bytes);
}

const SYNC_BEGIN = '\x1b[?2026h';
const SYNC_END = '\x1b[?2026l';
