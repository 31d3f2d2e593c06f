// Full-screen programs in an attached agent: vim and less draw their screens in the main pane,
// take keys (cursor keys in their own modes) and end as finished agents.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  bodyRows, closeAll, eventually, flashLines, launch, ready, submit, waitForAttached, waitForChat, waitForState, writeFile,
} from './helpers.js';

afterEach(closeAll);

describe('vim in an agent', () => {
  it('draws its screen, edits text, follows the cursor and arrow keys, and :q! ends the agent', async () => {
    const h = await launch();
    await ready(h);
    submit(h, '/run --name vim -- vim -u NONE -N');
    submit(h, '/fg vim');
    await waitForAttached(h, 'vim');
    // The pane's rows: the empty first line, then the "~" column down to vim's command line.
    await eventually(h, (s) => {
      const body = bodyRows(s);
      expect(body).toHaveLength(s.rows - 2);
      for (const row of body.slice(1, -1)) expect(row).toMatch(/^~/);
    });

    h.type('i');
    await h.waitFor((_, s) => bodyRows(s).at(-1) === '-- INSERT --');
    h.type('one\rtwo\rthree');
    h.press('escape');
    await eventually(h, (s) => {
      expect(bodyRows(s).slice(0, 4)).toEqual(['one', 'two', 'three', '~']);
      expect(bodyRows(s).at(-1)).toBe('');
      expect(s.cursor()).toEqual({ x: 4, y: 3 }); // on the last "e" of "three": body row 2 is screen row 3
    });

    // vim switches to application cursor keys; agentmux re-encodes the arrow key for it.
    h.press('up');
    await h.waitFor((_, s) => s.cursor().y === 2, { message: 'the cursor on "two"' });
    h.type('dd');
    await h.waitFor((_, s) => bodyRows(s).slice(0, 3).join('|') === 'one|three|~');

    h.type(':q!\r');
    // The flash takes the header row while it shows; then the header says finished.
    await eventually(h, (s) => expect(flashLines(s)).toContainEqual(expect.stringMatching(/^ ✔ vim finished · after \d+s · exit 0$/)));
    await waitForAttached(h, 'vim', 'finished');
    h.type('x');
    await waitForChat(h);
    await waitForState(h, 'vim', 'finished');
    // vim's own alternate screen stayed inside its emulator: agentmux switched the terminal once.
    expect(h.rawText().split('\x1b[?1049h')).toHaveLength(2);
  });

  it('redraws for a bigger terminal', async () => {
    const h = await launch({ cols: 80, rows: 24 });
    await ready(h);
    submit(h, '/run --name vim -- vim -u NONE -N');
    submit(h, '/fg vim');
    await waitForAttached(h, 'vim');
    h.type('ihello');
    h.press('escape');
    await h.waitFor((_, s) => bodyRows(s)[0] === 'hello' && bodyRows(s).at(-1) === '');
    h.resize(100, 30);
    await eventually(h, (s) => {
      const body = bodyRows(s);
      expect(body).toHaveLength(28);
      expect(body[0]).toBe('hello');
      for (const row of body.slice(1, -1)) expect(row).toMatch(/^~/);
    });
    h.type(':q!\r');
    await waitForAttached(h, 'vim', 'finished');
  });
});

describe('less in an agent', () => {
  it('pages through a file with keys and q ends it', async () => {
    const h = await launch();
    await ready(h);
    const lines = Array.from({ length: 200 }, (_, i) => `line-${String(i + 1).padStart(3, '0')}`);
    writeFile(join(h.home, 'lines.txt'), `${lines.join('\n')}\n`);
    submit(h, '/run --name pager -- less lines.txt');
    submit(h, '/fg pager');
    await waitForAttached(h, 'pager');
    const page = h.rows - 3; // the pane's rows less less's prompt line
    await eventually(h, (s) => {
      expect(bodyRows(s).slice(0, page)).toEqual(lines.slice(0, page));
      expect(bodyRows(s).at(-1)).toBe('lines.txt');
    });

    h.press('down'); // one line, with the arrow key in less's cursor-key mode
    await h.waitFor((_, s) => bodyRows(s)[0] === 'line-002');
    h.type(' ');
    await h.waitFor((_, s) => bodyRows(s)[0] === lines[1 + page]);
    h.type('G');
    await eventually(h, (s) => {
      expect(bodyRows(s).slice(0, page)).toEqual(lines.slice(-page));
      expect(bodyRows(s).at(-1)).toBe('(END)');
    });
    h.type('g');
    await h.waitFor((_, s) => bodyRows(s)[0] === 'line-001');
    h.type('q');
    await eventually(h, (s) => expect(flashLines(s)).toContainEqual(expect.stringMatching(/^ ✔ pager finished · after \d+s · exit 0$/)));
    await waitForAttached(h, 'pager', 'finished');
  });
});
