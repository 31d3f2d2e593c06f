// FrameBuilder and lastLineOf against a real @xterm/headless terminal.
import xterm from '@xterm/headless';
import type { Terminal as XTerminal } from '@xterm/headless';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ATTR_BLINK, ATTR_BOLD, ATTR_DIM, ATTR_INVERSE, ATTR_INVISIBLE, ATTR_ITALIC, ATTR_UNDERLINE, DEFAULT_COLOR, RGB_FLAG,
  applyFrame, type CellRun, type FrameLine, type ScreenFrame,
} from '../../src/core/screen-frame.js';
import { printable } from '../../src/core/printable.js';
import { FrameBuilder, lastLineOf } from '../../src/pty/frame-builder.js';

const { Terminal } = xterm;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const terminals: XTerminal[] = [];

afterEach(() => {
  for (const terminal of terminals.splice(0)) terminal.dispose();
});

function terminal(cols = 20, rows = 5): XTerminal {
  const t = new Terminal({ cols, rows, scrollback: 100, allowProposedApi: true, logLevel: 'off' });
  terminals.push(t);
  return t;
}

function write(t: XTerminal, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => t.write(data, resolve));
}

function text(line: FrameLine | undefined): string {
  return (line?.runs ?? []).map((run) => run.text).join('');
}

function lineAt(frame: ScreenFrame, y: number): FrameLine | undefined {
  return frame.lines.find((line) => line.y === y);
}

function run(frame: ScreenFrame, y: number, needle: string): CellRun {
  const found = lineAt(frame, y)?.runs.find((r) => r.text.includes(needle));
  if (!found) throw new Error(`no run with ${JSON.stringify(needle)} on row ${y}: ${JSON.stringify(lineAt(frame, y))}`);
  return found;
}

async function firstFrame(data: string, cols = 20, rows = 5): Promise<ScreenFrame> {
  const t = terminal(cols, rows);
  await write(t, data);
  const frame = new FrameBuilder(t).next(true);
  if (!frame) throw new Error('no first frame');
  return frame;
}

describe('FrameBuilder colours and attributes', () => {
  it('reads default, palette and RGB colours for foreground and background', async () => {
    const frame = await firstFrame(
      'plain\x1b[31mred\x1b[0m\x1b[38;5;200mpink\x1b[0m\r\n'
      + '\x1b[38;2;1;2;3mrgb\x1b[0m\x1b[44mbg\x1b[0m\x1b[48;5;17mbg256\x1b[0m\r\n'
      + '\x1b[48;2;255;128;0mbgrgb\x1b[0m\x1b[91mbright\x1b[0m',
    );
    expect(run(frame, 0, 'plain')).toEqual({ text: 'plain', fg: DEFAULT_COLOR, bg: DEFAULT_COLOR, attrs: 0 });
    expect(run(frame, 0, 'red')).toMatchObject({ text: 'red', fg: 1, bg: DEFAULT_COLOR });
    expect(run(frame, 0, 'pink')).toMatchObject({ fg: 200 });
    expect(run(frame, 1, 'rgb')).toMatchObject({ fg: RGB_FLAG | 0x010203, bg: DEFAULT_COLOR });
    expect(run(frame, 1, 'bg')).toMatchObject({ text: 'bg', fg: DEFAULT_COLOR, bg: 4 });
    expect(run(frame, 1, 'bg256')).toMatchObject({ bg: 17 });
    expect(run(frame, 2, 'bgrgb')).toMatchObject({ bg: RGB_FLAG | 0xff8000 });
    expect(run(frame, 2, 'bright')).toMatchObject({ fg: 9 });
  });

  it('reads each attribute', async () => {
    const frame = await firstFrame('\x1b[1mB\x1b[0m\x1b[4mU\x1b[0m\x1b[5mK\x1b[0m\x1b[7mI\x1b[0m\x1b[8mH\x1b[0m\x1b[2mD\x1b[0m\x1b[3mT\x1b[0m\x1b[1;3;4mX\x1b[0m');
    expect(run(frame, 0, 'B').attrs).toBe(ATTR_BOLD);
    expect(run(frame, 0, 'U').attrs).toBe(ATTR_UNDERLINE);
    expect(run(frame, 0, 'K').attrs).toBe(ATTR_BLINK);
    expect(run(frame, 0, 'I').attrs).toBe(ATTR_INVERSE);
    expect(run(frame, 0, 'H').attrs).toBe(ATTR_INVISIBLE);
    expect(run(frame, 0, 'D').attrs).toBe(ATTR_DIM);
    expect(run(frame, 0, 'T').attrs).toBe(ATTR_ITALIC);
    expect(run(frame, 0, 'X').attrs).toBe(ATTR_BOLD | ATTR_ITALIC | ATTR_UNDERLINE);
  });

  it('merges cells of one style into one run and drops trailing default blanks only', async () => {
    const frame = await firstFrame('ab\x1b[31mcd\x1b[32mef\x1b[0mgh   \r\n\x1b[41mred   \x1b[0m');
    expect(lineAt(frame, 0)!.runs.map((r) => [r.text, r.fg])).toEqual([['ab', DEFAULT_COLOR], ['cd', 1], ['ef', 2], ['gh', DEFAULT_COLOR]]);
    expect(lineAt(frame, 1)!.runs).toEqual([{ text: 'red   ', fg: DEFAULT_COLOR, bg: 1, attrs: 0 }]);
    expect(lineAt(frame, 2)!.runs).toEqual([]);
  });

  it('keeps wide characters whole: one character for two columns', async () => {
    const frame = await firstFrame('日本語x\r\n\x1b[31m中\x1b[0m文');
    expect(text(lineAt(frame, 0))).toBe('日本語x');
    expect(lineAt(frame, 1)!.runs.map((r) => [r.text, r.fg])).toEqual([['中', 1], ['文', DEFAULT_COLOR]]);
    expect(frame.cursor).toEqual({ x: 4, y: 1, visible: true });
  });
});

describe('FrameBuilder diffs', () => {
  it('sends every row first, then only rows that changed', async () => {
    const t = terminal(20, 5);
    const builder = new FrameBuilder(t);
    await write(t, 'one\r\ntwo\r\nthree');
    const first = builder.next(true)!;
    expect(first.full).toBe(true);
    expect(first.lines.map((l) => l.y)).toEqual([0, 1, 2, 3, 4]);
    expect([first.cols, first.rows]).toEqual([20, 5]);

    expect(builder.next(true)).toBeUndefined();

    await write(t, '\x1b[2;1H\x1b[2KTWO');
    const second = builder.next(true)!;
    expect(second.full).toBe(false);
    expect(second.lines.map((l) => [l.y, text(l)])).toEqual([[1, 'TWO']]);
    expect(second.cursor).toEqual({ x: 3, y: 1, visible: true });

    const grid = applyFrame(applyFrame(undefined, first), second);
    expect(grid.map(text)).toEqual(['one', 'TWO', 'three', '', '']);
  });

  it('sends a frame without rows when only the cursor moved or hid', async () => {
    const t = terminal(20, 5);
    const builder = new FrameBuilder(t);
    await write(t, 'abc');
    builder.next(true);
    await write(t, '\x1b[3;5H');
    const moved = builder.next(true)!;
    expect(moved.lines).toEqual([]);
    expect(moved.cursor).toEqual({ x: 4, y: 2, visible: true });
    const hidden = builder.next(false)!;
    expect(hidden.lines).toEqual([]);
    expect(hidden.cursor.visible).toBe(false);
    expect(builder.next(false)).toBeUndefined();
  });

  it('sends all rows again after reset() and after the row count changes', async () => {
    const t = terminal(20, 5);
    const builder = new FrameBuilder(t);
    await write(t, 'x');
    builder.next(true);
    builder.reset();
    const again = builder.next(true)!;
    expect(again.full).toBe(true);
    expect(again.lines).toHaveLength(5);
    expect(builder.next(true)).toBeUndefined();
    t.resize(20, 7);
    const resized = builder.next(true)!;
    expect(resized.full).toBe(true);
    expect(resized.rows).toBe(7);
    expect(resized.lines).toHaveLength(7);
  });

  it('follows scrolling: the frame shows the viewport at the bottom of the buffer', async () => {
    const t = terminal(20, 3);
    const builder = new FrameBuilder(t);
    builder.next(true);
    await write(t, Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\r\n'));
    const frame = builder.next(true)!;
    const grid = applyFrame(applyFrame(undefined, { cols: 20, rows: 3, full: true, lines: [], cursor: frame.cursor, history: 0, scrollBack: 0 }), frame);
    expect(grid.map(text)).toEqual(['line 8', 'line 9', 'line 10']);
  });
});

describe('lastLineOf', () => {
  it('is the last non-blank line at or above the cursor, trimmed', async () => {
    const t = terminal(20, 5);
    expect(lastLineOf(t)).toBe('');
    await write(t, '  first  \r\nsecond\r\n\r\n');
    expect(lastLineOf(t)).toBe('second');
    await write(t, 'typing');
    expect(lastLineOf(t)).toBe('typing');
  });

  it('ignores text below the cursor', async () => {
    const t = terminal(20, 5);
    await write(t, 'top\r\n\r\n\r\nbelow\x1b[2;1H');
    expect(lastLineOf(t)).toBe('top');
  });

  it('reads past the scrolled-off part of the buffer', async () => {
    const t = terminal(20, 4);
    await write(t, `${Array.from({ length: 1000 }, (_, i) => String(i + 1)).join('\r\n')}\r\n`);
    expect(lastLineOf(t)).toBe('1000');
  });

  it('reads wide characters', async () => {
    const t = terminal(20, 4);
    await write(t, 'done: 完了\r\n');
    expect(lastLineOf(t)).toBe('done: 完了');
  });

  it('is the output above an agent CLI\'s input box drawn with cursor moves, not the box or the hints under it', async () => {
    const t = terminal(40, 8);
    const rule = '─'.repeat(40);
    // As Claude Code draws it: output, then the box and footer placed by row, the cursor left in the box.
    await write(t, `\x1b[1;1H⏺ All 12 tests pass.\x1b[3;1H✻ Cooked for 3s\x1b[5;1H${rule}\x1b[6;1H❯ \x1b[7;1H${rule}\x1b[8;3H? for shortcuts\x1b[6;3H`);
    expect(lastLineOf(t)).toBe('✻ Cooked for 3s');
    await write(t, '\x1b[8;40H');
    expect(lastLineOf(t)).toBe('✻ Cooked for 3s');
  });
});

describe('control characters', () => {
  const hostile = [
    'a\x07b\x08c\x0bd\x0ce\x7ff\r\n',
    '\x1b]0;title\x07\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\\r\n',
    '\x1bP1$r\x1b\\\x1b[?1049h\x1b[?1049l\x1b_apc\x1b\\\x1b^pm\x1b\\\r\n',
    'c1:\u0085\u008d\u0090\u009b31m\u009c\u009d0;x\u0007end\r\n',
    new TextDecoder().decode(new Uint8Array([0x78, 0xc2, 0x9b, 0x33, 0x31, 0x6d, 0x79, 0x0d, 0x0a])),
    '\x00\x01\x02\x03\x04\x05\x06\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1c\x1d\x1e\x1fz\r\n',
  ];

  it('never appear in frame text or the last line', async () => {
    const t = terminal(40, 12);
    const builder = new FrameBuilder(t);
    let grid: FrameLine[] | undefined;
    for (const data of hostile) {
      await write(t, data);
      const frame = builder.next(true);
      if (!frame) continue;
      grid = applyFrame(grid, frame);
      for (const line of frame.lines) {
        for (const r of line.runs) expect(r.text, JSON.stringify(r.text)).not.toMatch(CONTROL);
      }
      expect(lastLineOf(t)).not.toMatch(CONTROL);
    }
    const screen = grid!.map(text).join('\n');
    expect(screen).toContain('link');
    expect(screen).toContain('end');
  });

  it('bidirectional formatting characters never appear in frame text or the last line; each cell keeps its column', async () => {
    const t = terminal(20, 3);
    await write(t, 'ab\u2066c\u200ed\u202ee\u2069f\u061cg');
    const frame = new FrameBuilder(t).next(true)!;
    const row = text(lineAt(frame, 0));
    expect(row).not.toMatch(BIDI);
    // Where the emulator gave one a cell of its own, the cell stays (blank): what follows is drawn where the emulator has it.
    const cell = t.buffer.active.getNullCell();
    const columnOfG = Array.from({ length: 20 }, (_, x) => t.buffer.active.getLine(0)?.getCell(x, cell)?.getChars()).findIndex((chars) => chars?.startsWith('g'));
    expect(row.indexOf('g')).toBe(columnOfG);
    expect(lastLineOf(t)).toBe('abcdefg');
  });

  it('printable() blanks C0, DEL and C1 controls and keeps the rest', () => {
    expect(printable('a\x1b[31mb\x07\x7f\u009bc日本')).toBe('a [31mb   c日本');
  });
});

describe('history', () => {
  it('shows lines further up while scrolled back, with the cursor hidden, then the live screen again', async () => {
    const t = terminal(20, 3);
    const builder = new FrameBuilder(t);
    await write(t, Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\r\n'));
    const live = builder.next(true)!;
    expect(live).toMatchObject({ history: 7, scrollBack: 0, cursor: { visible: true } });
    const back = builder.next(true, 4)!;
    expect(back).toMatchObject({ full: true, history: 7, scrollBack: 4, cursor: { visible: false } });
    expect(applyFrame(undefined, back).map(text)).toEqual(['line 4', 'line 5', 'line 6']);
    expect(builder.next(true, 100)).toMatchObject({ scrollBack: 7 });
    const again = builder.next(true, 0)!;
    expect(applyFrame(undefined, again).map(text)).toEqual(['line 8', 'line 9', 'line 10']);
  });
});
