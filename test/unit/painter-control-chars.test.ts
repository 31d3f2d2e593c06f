// What the painter writes to the user's terminal for chat text: only our own escape sequences,
// never ones carried inside the text (model replies, tool lines and questions are not sanitized upstream).
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import blessed from 'blessed';
import { afterEach, expect, it } from 'vitest';
import type { ChatEntry } from '../../src/core/protocol.js';
import { DEFAULT_COLOR, type FrameLine } from '../../src/core/screen-frame.js';
import type { ThemeFile, ThemeRoles } from '../../src/core/theme-schema.js';
import { StyleCache, styledBox, terminalBox } from '../../src/tui/painter.js';
import { resolveTheme } from '../../src/tui/theme.js';
import { chatRows } from '../../src/tui/views/chat-view.js';

const screens: blessed.Widgets.Screen[] = [];

afterEach(() => {
  for (const screen of screens.splice(0)) screen.destroy();
});

/** Paints `entries` as the chat pane on a blessed screen writing to memory; returns what reached the "terminal". */
async function paintChat(entries: ChatEntry[], marker: string): Promise<string> {
  const file = JSON.parse(readFileSync(new URL('../../themes/dark.json', import.meta.url), 'utf8')) as ThemeFile;
  const theme = resolveTheme({ name: 'dark', roles: file.roles as ThemeRoles }, { noColor: false });
  const styles = new StyleCache(theme);
  return paint(() => styledBox({ top: 0, left: 0, width: 60, height: 8 }, styles, (width, height) => chatRows(entries, width, height, 0).rows), marker);
}

/** Paints an agent's screen grid; returns what reached the "terminal". */
function paintAgentScreen(lines: FrameLine[], marker: string): Promise<string> {
  return paint(() => terminalBox({ top: 0, left: 0, width: 60, height: 8 }, () => ({ lines, noColor: false })), marker);
}

/** Renders the box `make` makes (once the screen exists) on a blessed screen writing to memory, until `marker` has been written; returns all that was. */
async function paint(make: () => blessed.Widgets.BoxElement, marker: string): Promise<string> {
  let written = '';
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: 60, rows: 10 });
  output.on('data', (chunk: Buffer) => { written += chunk.toString('utf8'); });
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
  const screen = blessed.screen({ input, output, terminal: 'xterm-256color', warnings: false } as blessed.Widgets.IScreenOptions);
  screens.push(screen);
  screen.append(make());
  screen.render();
  const deadline = Date.now() + 5000;
  while (!written.includes(marker)) {
    if (Date.now() > deadline) throw new Error(`the painted screen never showed ${JSON.stringify(marker)}; written: ${JSON.stringify(written.slice(-400))}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return written;
}

it('draws plain chat text (the harness works)', async () => {
  const written = await paintChat([{ id: 1, at: 0, role: 'assistant', text: 'Hello there END' }], 'END');
  expect(written).toContain('Hello');
});

// A control character (ESC, BEL, C1) in chat text must not reach the terminal: a model reply could otherwise
// retitle the window (OSC 0) or write the clipboard (OSC 52).
it('never writes escape sequences carried in chat text to the terminal', async () => {
  const text = 'Sure. \x1b]0;pwned-title\x07 \x1b]52;c;cm0gLXJmIH4=\x07 \u009d2;c1-title\u009c END';
  const written = await paintChat([
    { id: 1, at: 0, role: 'assistant', text },
    { id: 2, at: 0, role: 'tool', text: `bash ${text}` },
  ], 'END');
  expect(written).not.toContain('\x1b]0;pwned-title');
  expect(written).not.toContain('\x1b]52;');
  expect(written).not.toContain('\u009d');
});

/** The bidirectional formatting characters, which would reorder what the user reads after them. */
const BIDI = ['\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];

it('never writes bidirectional formatting characters carried in chat text to the terminal', async () => {
  const text = `report\u202etxt.exe \u2066isolated\u2069 ${BIDI.join('x')} END`;
  const written = await paintChat([
    { id: 1, at: 0, role: 'assistant', text },
    { id: 2, at: 0, role: 'notice', text },
    { id: 3, at: 0, role: 'event', text: `build failed · exit 1 · ${text}` },
  ], 'END');
  expect(written).toContain('report');
  for (const char of BIDI) expect(written, JSON.stringify(char)).not.toContain(char);
});

it('never writes bidirectional formatting characters in an agent\'s screen grid to the terminal', async () => {
  const run = (text: string) => ({ text, fg: DEFAULT_COLOR, bg: DEFAULT_COLOR, attrs: 0 });
  const written = await paintAgentScreen([
    { y: 0, runs: [run('$ ls\u202e'), run('\u2066gpj.exe')] },
    { y: 1, runs: [run(`${BIDI.join('y')} END`)] },
  ], 'END');
  expect(written).toContain('gpj.exe');
  for (const char of BIDI) expect(written, JSON.stringify(char)).not.toContain(char);
});
