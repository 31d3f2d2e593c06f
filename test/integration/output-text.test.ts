// OutputText: output read back as the plain text a terminal shows, through the real emulator pool
// (worker threads from dist/: run `npm run build` first).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmulatorPool } from '../../src/pty/emulator-pool.js';
import { OutputText } from '../../src/pty/output-text.js';

let pool: EmulatorPool;

beforeAll(() => {
  pool = new EmulatorPool(1);
});

afterAll(async () => {
  await pool.dispose();
});

/** A rendering whose text so far can be read, one string per handing-over. */
function rendering(follow = false, size = { cols: 40, rows: 6 }) {
  const parts: string[] = [];
  const text = new OutputText(pool, size, follow, (part) => parts.push(part));
  const write = (data: string) => text.write(new TextEncoder().encode(data));
  const all = () => parts.join('');
  /** Waits until the text handed over so far includes `part`. */
  const handedOver = async (part: string) => {
    const deadline = Date.now() + 5000;
    while (!all().includes(part)) {
      if (Date.now() > deadline) throw new Error(`${JSON.stringify(part)} not handed over; so far: ${JSON.stringify(all())}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return { text: all, write, handedOver, end: () => text.end(), dispose: () => text.dispose() };
}

async function rendered(output: string, size?: { cols: number; rows: number }): Promise<string> {
  const r = rendering(false, size);
  r.write(output);
  await r.end();
  r.dispose();
  return r.text();
}

describe('OutputText', () => {
  it('keeps the spaces between words placed by cursor moves', async () => {
    expect(await rendered('\x1b[1;1HWelcome\x1b[1;9Hto\x1b[1;12HClaude\x1b[3;1Hv2.1.197\r\n')).toBe('Welcome to Claude\n\nv2.1.197\n');
  });

  it('shows what a line ended up as, drops escape sequences, joins wrapped lines with the space at the wrap', async () => {
    expect(await rendered('\x1b[31mred\x1b[0m \x1b]0;title\x07plain\r\n 10%\r 50%\r100% done\r\n')).toBe('red plain\n100% done\n');
    expect(await rendered('0123456789 abcdefghijklmnopqrstuvwxyz0123 the end\r\n')).toBe('0123456789 abcdefghijklmnopqrstuvwxyz0123 the end\n');
    expect(await rendered('x'.repeat(39) + ' wrapped\r\n')).toBe(`${'x'.repeat(39)} wrapped\n`);
  });

  it('leaves out blank rows at the end, keeps blank lines between', async () => {
    expect(await rendered('one\r\n\r\ntwo\r\n\r\n\r\n')).toBe('one\n\ntwo\n');
    expect(await rendered('')).toBe('');
  });

  it('hands over every line of a flood written at once, far more than its history holds, in order', async () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => `line ${i + 1}`);
    expect(await rendered(`${lines.join('\r\n')}\r\n`)).toBe(`${lines.join('\n')}\n`);
  });

  it('hands over lines as they scroll off the screen, the screen at the end', async () => {
    const r = rendering();
    r.write('\x1b[2J\x1b[H');
    for (let i = 1; i <= 8; i++) r.write(`row ${i}\r\n`);
    // A 6-row screen: after 8 lines and the cursor on the row below, rows 1–3 have scrolled off, the others not.
    await r.handedOver('row 3');
    expect(r.text()).toBe('row 1\nrow 2\nrow 3\n');
    await r.end();
    r.dispose();
    expect(r.text()).toBe('row 1\nrow 2\nrow 3\nrow 4\nrow 5\nrow 6\nrow 7\nrow 8\n');
  });

  it('following a program that only writes forward, hands over each line once the cursor has left it', async () => {
    const r = rendering(true);
    r.write('tick 1\r\ntick 2\r\npartial');
    await r.handedOver('tick 2');
    expect(r.text()).toBe('tick 1\ntick 2\n');
    r.write(' line\r\n');
    await r.handedOver('partial');
    expect(r.text()).toBe('tick 1\ntick 2\npartial line\n');
    await r.end();
    r.dispose();
    expect(r.text()).toBe('tick 1\ntick 2\npartial line\n');
  });

  it('following a program that redraws a few rows up, hands over the rows further above the cursor than it went back', async () => {
    const r = rendering(true);
    r.write('first\r\nspinner |\r\n\x1b[1A\x1b[2Kdone\r\n');
    r.write('a\r\nb\r\nc\r\nd\r\n');
    // It went back one row: all but the row above the cursor are final, `spinner` was never a line.
    await r.handedOver('c');
    expect(r.text()).toBe('first\ndone\na\nb\nc\n');
    await r.end();
    r.dispose();
    expect(r.text()).toBe('first\ndone\na\nb\nc\nd\n');
  });

  it('following a program that places rows anywhere on the screen, waits until rows scroll off it', async () => {
    const r = rendering(true);
    r.write('\x1b[2J\x1b[H');
    r.write('\x1b[6;1Hfooter\x1b[1;1Hheader\r\nbody 1\r\n');
    r.write('\x1b[6;1H\r\nscrolled\r\n');
    // From row 6 it went back to row 1: the whole screen may change until it scrolls off, as two rows have.
    await r.handedOver('body 1');
    expect(r.text()).toBe('header\nbody 1\n');
    await r.end();
    r.dispose();
    expect(r.text()).toBe('header\nbody 1\n\n\n\nfooter\nscrolled\n');
  });

  it('hands each line over once, though the program deletes rows of the screen after the history was read', async () => {
    const r = rendering();
    r.write(Array.from({ length: 10 }, (_, i) => `line ${i + 1}\r\n`).join(''));
    await r.handedOver('line 5');
    r.write('\x1b[1;1H\x1b[M\x1b[6;1Hlast\r\n');
    await r.end();
    r.dispose();
    expect(r.text()).toBe(`${Array.from({ length: 5 }, (_, i) => `line ${i + 1}\n`).join('')}line 7\nline 8\nline 9\nline 10\n\nlast\n`);
  });

  it('ends with the alternate screen when the program left it up', async () => {
    expect(await rendered('before\r\n\x1b[?1049h\x1b[H  vim-like\x1b[6;1H-- INSERT --')).toBe('before\n  vim-like\n\n\n\n\n-- INSERT --\n');
  });
});
