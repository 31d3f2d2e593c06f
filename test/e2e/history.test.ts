// An attached agent's history: Shift+PgUp/PgDn look back through its scrollback; the next
// other key returns to the live screen and still reaches the agent.
import { afterEach, describe, expect, it } from 'vitest';
import { bodyRows, closeAll, eventually, headerLine, launch, newHome, ready, submit, waitForAttached } from './helpers.js';

afterEach(closeAll);

const SHIFT_PAGE_UP = '\x1b[5;2~';
const SHIFT_PAGE_DOWN = '\x1b[6;2~';

describe('history of an attached agent', () => {
  it('scrolls back a page at a time, shows where it is, and goes live on the next key', async () => {
    const h = await launch({ cols: 100, rows: 30 });
    await ready(h);
    submit(h, "/run --name counter -- sh -c 'seq 1 300; cat'");
    submit(h, '/fg counter');
    await waitForAttached(h, 'counter');
    await eventually(h, (s) => expect(bodyRows(s)).toContain('300'));

    h.type(SHIFT_PAGE_UP);
    await eventually(h, (s) => {
      expect(headerLine(s)).toMatch(/▲ \d+ lines up, any key: live/);
      expect(bodyRows(s)).not.toContain('300');
      expect(bodyRows(s).some((row) => /^2\d\d$/.test(row))).toBe(true);
    });
    // Keys typed quickly arrive together: each one still counts, and none reaches the agent.
    h.type(SHIFT_PAGE_UP + SHIFT_PAGE_UP + SHIFT_PAGE_DOWN);
    await eventually(h, (s) => expect(headerLine(s)).toMatch(/▲ \d+ lines up/));

    // Any other key: the live screen again, and the key reaches the agent (cat echoes it).
    h.type('echo-me\r');
    await eventually(h, (s) => {
      expect(headerLine(s)).not.toContain('lines up');
      expect(bodyRows(s).filter((row) => row === 'echo-me')).toHaveLength(2);
    });
  });
});

describe('history with two screens', () => {
  it('each screen has its own place in an agent\'s history: one looks back while the other stays live', async () => {
    const home = newHome();
    const back = await launch({ home, cols: 100, rows: 30 });
    await ready(back);
    const live = await launch({ home, cols: 100, rows: 30 });
    await ready(live);
    submit(back, "/run --name counter -- sh -c 'seq 1 300; cat'");
    for (const h of [back, live]) {
      submit(h, '/fg counter');
      await waitForAttached(h, 'counter');
      await eventually(h, (s) => expect(bodyRows(s)).toContain('300'));
    }
    back.type(SHIFT_PAGE_UP);
    await eventually(back, (s) => {
      expect(headerLine(s)).toMatch(/▲ \d+ lines up, any key: live/);
      expect(bodyRows(s)).not.toContain('300');
    });
    // The other screen is still live: what the agent prints now shows there.
    live.type('typed-live\r');
    await eventually(live, (s) => {
      expect(headerLine(s)).not.toContain('lines up');
      expect(bodyRows(s).filter((row) => row === 'typed-live')).toHaveLength(2);
    });
    expect(headerLine(back)).toMatch(/▲ \d+ lines up/);
    expect(bodyRows(back)).not.toContain('typed-live');
  });
});
