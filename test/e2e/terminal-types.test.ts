// The terminals agentmux runs in: xterm, screen and tmux with 256 colours, NO_COLOR, and
// live resizing (which also resizes the agents' ptys).
import { afterEach, describe, expect, it } from 'vitest';
import {
  agentEntry, bodyRows, borderColumn, closeAll, eventually, launch, listRows, ready, statusLine, submit, waitForAgent, waitForAttached,
  waitForState, type ScreenHarness,
} from './helpers.js';
import type { CellColor } from '../support/screen-harness.js';

afterEach(closeAll);

const isPalette256 = (color: CellColor): boolean => typeof color === 'number' && color >= 16 && color <= 255;

describe.each(['xterm-256color', 'screen-256color', 'tmux-256color'])('TERM=%s', (term) => {
  it('renders the list and the status bar in 256 colours, and an agent\'s colours', async () => {
    const h = await launch({ env: { TERM: term } });
    await ready(h);
    expect(listRows(h)[0]).toBe(' agents');
    expect(statusLine(h)).toMatch(/^ Tab agents \/help commands Ctrl\+Q quit +0 running · dark$/);
    const status = h.cellStyle(h.cols - 1, h.rows - 1);
    expect(isPalette256(status.bg), `status bar background ${String(status.bg)}`).toBe(true);
    expect(isPalette256(h.cellStyle(1, 0).fg), 'header title colour').toBe(true);
    expect(h.rawText()).toMatch(/\x1b\[[0-9;]*48;5;\d+/);

    submit(h, `/run --name colours -- sh -c "printf '\\033[38;5;208morange\\033[0m \\033[48;5;57mviolet\\033[0m\\n'; exec cat"`);
    submit(h, '/fg colours');
    await waitForAttached(h, 'colours');
    await h.waitFor((_, s) => bodyRows(s)[0] === 'orange violet');
    expect(h.cellStyle(0, 1)).toMatchObject({ chars: 'o', fg: 208, bg: 'default' });
    expect(h.cellStyle(7, 1)).toMatchObject({ chars: 'v', bg: 57 });
  });
});

/** Every cell of the screen whose colours are not the terminal's defaults. */
function colouredCells(h: ScreenHarness): string[] {
  const found: string[] = [];
  for (let y = 0; y < h.rows; y++) {
    for (let x = 0; x < h.cols; x++) {
      const { chars, fg, bg } = h.cellStyle(x, y);
      if (fg !== 'default' || bg !== 'default') found.push(`(${x},${y}) ${JSON.stringify(chars)} fg=${fg} bg=${bg}`);
    }
  }
  return found;
}

describe('NO_COLOR', () => {
  it('draws no colour anywhere: chat, flash, list selection, status bar and an attached agent', async () => {
    const h = await launch({ env: { NO_COLOR: '1' } });
    await ready(h);
    expect(colouredCells(h)).toEqual([]);
    expect(h.cellStyle(h.cols - 1, h.rows - 1).inverse).toBe(true); // the status bar stands out without colour

    submit(h, `/run --name failing -- sh -c 'exit 2'`);
    await h.waitFor('✖ failing failed · after ');
    // A blank first line: the flash of "failing" covers the top row of the main pane for a few seconds.
    submit(h, `/run --name colours -- sh -c "printf '\\n\\033[31mred\\033[0m \\033[48;5;57mviolet\\033[38;2;255;128;0mrgb\\033[0m\\n'; exec cat"`);
    await waitForState(h, 'colours', 'running');
    h.press('tab');
    await h.waitFor((_, s) => statusLine(s).includes('↑↓ select'));
    expect(colouredCells(h)).toEqual([]);

    h.press('down');
    h.press('enter');
    await waitForAttached(h, 'colours');
    await h.waitFor((_, s) => bodyRows(s).includes('red violetrgb'));
    expect(colouredCells(h)).toEqual([]);
    expect(h.rawText()).not.toMatch(/\x1b\[[0-9;]*[34]8;[25];/);
  });

  it('an empty NO_COLOR leaves colours on', async () => {
    const h = await launch({ env: { NO_COLOR: '' } });
    await ready(h);
    expect(isPalette256(h.cellStyle(h.cols - 1, h.rows - 1).bg)).toBe(true);
  });
});

/** The size the agent's pty should have: the main pane's body as it is on screen. */
function paneSize(h: ScreenHarness): string {
  return `${h.rows - 2} ${borderColumn(h)}`;
}

/** Waits until the layout fits the screen: status bar on the last row, list at the right edge. */
async function waitForLayout(h: ScreenHarness): Promise<void> {
  await h.waitFor((_, s) => {
    expect(statusLine(s)).toMatch(/ running · dark$/);
    expect(s.cellStyle(s.cols - 1, s.rows - 1).bg).not.toBe('default'); // the status bar spans the width
    expect(listRows(s)[0]).toMatch(/^ agents/);
    expect(s.line(s.rows - 2)).not.toMatch(/running · dark/); // no stale status bar above
    return true;
  }, { message: `the layout for ${h.cols}x${h.rows}` });
}

/** Waits until the attached size-printing agent's newest line, and the background one's, say `size`. */
async function waitForAgentSize(h: ScreenHarness, size: string): Promise<void> {
  await h.waitFor((_, s) => bodyRows(s).filter(Boolean).at(-1) === size, { message: `the attached agent printing ${size}` });
  await waitForAgent(h, 'bg', (entry) => entry.detail.endsWith(`running · ${size}`));
}

const PRINT_SIZE = `sh -c 'while :; do stty size; sleep 0.2; done'`;

describe('resizing', () => {
  it('grows from 80×24 and re-lays out, resizing the ptys of attached and background agents', async () => {
    const h = await launch({ cols: 80, rows: 24 });
    await ready(h);
    submit(h, `/run --name bg -- ${PRINT_SIZE}`);
    submit(h, `/run --name sz -- ${PRINT_SIZE}`);
    submit(h, '/fg sz');
    await waitForAttached(h, 'sz');
    await waitForAgentSize(h, paneSize(h));

    for (const [cols, rows] of [[100, 30], [120, 40], [120, 30]]) {
      h.resize(cols, rows);
      await waitForLayout(h);
      await waitForAgentSize(h, paneSize(h));
    }
    await eventually(h, (s) => {
      expect(borderColumn(s)).toBeGreaterThan(80);
      expect(agentEntry(s, 'sz')?.head).toMatch(/^ ● sz +\d+s$/);
    });
  });

  // blessed renders once at the new size before the app has placed its boxes for it: nothing may paint past the edge.
  it('shrinks from 100×30 to 80×24 and back, re-laying out and resizing the agents\' ptys', async () => {
    const h = await launch({ cols: 100, rows: 30 });
    await ready(h);
    submit(h, `/run --name bg -- ${PRINT_SIZE}`);
    submit(h, `/run --name sz -- ${PRINT_SIZE}`);
    submit(h, '/fg sz');
    await waitForAttached(h, 'sz');
    await waitForAgentSize(h, paneSize(h));
    for (const [cols, rows] of [[80, 24], [100, 30]]) {
      h.resize(cols, rows);
      await waitForLayout(h);
      await waitForAgentSize(h, paneSize(h));
    }
  });

  // One column less is enough to end up past the edge.
  it('shrinks the chat screen by one column and keeps working', async () => {
    const h = await launch({ cols: 100, rows: 30 });
    await ready(h);
    h.resize(99, 30);
    submit(h, '/agents');
    await h.waitFor('No agents. Start one with /run -- COMMAND');
    await waitForLayout(h);
  });
});

describe('questions to the terminal', () => {
  it('keeps keys typed while the terminal has not answered yet', async () => {
    // A slow terminal: agentmux asks at start; the user types before the answer comes.
    const h = await launch({ answerQueries: false });
    // Typed as soon as the question is out: the app waits only so long for an answer.
    await h.waitForRaw('\x1b[?2026$p');
    h.type('/run --name typed-early -- true');
    h.type('\x1b[?2026;2$y\x1b[?62;22c');
    h.type('\r');
    await waitForState(h, 'typed-early', 'finished');
    // It said it supports synchronized output: frames are wrapped from then on.
    await h.waitForRaw('\x1b[?2026h');
  });

  it('keeps keys typed while a terminal that never answers is waited for, and then draws without synchronized output', async () => {
    const h = await launch({ answerQueries: false });
    await h.waitFor(() => statusLine(h).endsWith('0 running · dark'), { message: 'the first frame' });
    submit(h, '/run --name typed-early -- true');
    await waitForState(h, 'typed-early', 'finished');
    expect(h.rawText()).not.toContain('\x1b[?2026h');
  });

  it('wraps frames in synchronized output when the terminal supports it', async () => {
    const h = await launch();
    await ready(h);
    submit(h, '/agents');
    await h.waitFor('No agents. Start one with /run -- COMMAND');
    expect(h.rawText()).toMatch(/\x1b\[\?2026h[^\x1b]*(?:\x1b(?!\[\?2026l)[^\x1b]*)*No agents/);
  });
});
