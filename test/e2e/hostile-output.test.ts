// Agents whose output tries to act on the user's terminal (clipboard, title, DCS, desktop
// notifications), or floods it with garbage: agentmux keeps working, and none of it reaches
// the bytes agentmux writes to its own terminal, whether the agent runs in the background or
// is attached.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  agentEntry, bodyRows, chatLines, closeAll, eventually, launch, rawSince, ready, submit, waitForAgent, waitForAttached, waitForChat,
  waitForState, writeFile, type ScreenHarness,
} from './helpers.js';

afterEach(closeAll);

/** Escape sequences a terminal would act on; every payload carries the word "pwned". */
const HOSTILE_SCRIPT = String.raw`
printf 'before-hostile\n'
printf '\033]52;c;cHduZWQ=\007'
printf '\033]52;c;?\033\\'
printf '\033]0;pwned\007'
printf '\033]2;pwned-title\033\\'
printf '\033P1$rpwned-dcs\033\\'
printf '\033]9;pwned-notify\007'
printf '\033]777;notify;pwned;pwned-777\007'
printf '\033]1337;SetUserVar=pwned=eA==\007'
printf '\033]8;;https://pwned.example/\007link\033]8;;\007\n'
printf '\302\23552;c;cHduZWQ=\302\234'
printf '\033[21t\033[?1049h\033[?1049l'
printf 'bad utf8: \377\376\300\200 end\n'
printf 'after-hostile\n'
`;

/** What must never appear in agentmux's own output (searched in the raw bytes as latin1). */
const FORBIDDEN: Array<[string, string]> = [
  ['OSC 52 (clipboard)', '\x1b]52'],
  ['OSC 0 title', '\x1b]0;pwned'],
  ['OSC 2 title', '\x1b]2;pwned'],
  ['DCS', '\x1bP1$r'],
  ['the agent\'s OSC 9 text', 'pwned-notify'],
  ['OSC 777', '\x1b]777'],
  ['OSC 1337', '\x1b]1337'],
  ['OSC 8 hyperlink', '\x1b]8;'],
  ['C1 OSC (UTF-8 encoded)', '\xc2\x9d'],
  ['any payload', 'pwned'],
];

function expectNothingForwarded(h: ScreenHarness, from: number): void {
  const raw = rawSince(h, from);
  for (const [what, sequence] of FORBIDDEN) {
    expect(raw.includes(sequence), `${what} (${JSON.stringify(sequence)}) in agentmux's output`).toBe(false);
  }
  // Invalid UTF-8 from the agent is not passed through either.
  for (const byte of [0xff, 0xfe, 0xc0]) expect(h.rawBytes().subarray(from).includes(byte), `byte 0x${byte.toString(16)}`).toBe(false);
  // The only desktop notifications are agentmux's own.
  for (const osc9 of raw.match(/\x1b\]9;[^\x07\x1b]*/g) ?? []) expect(osc9.startsWith('\x1b]9;agentmux: ')).toBe(true);
  expect(raw).not.toContain('\x1b]0;');
  expect(raw).not.toContain('\x1b]2;');
}

/** Nothing but agentmux's own drawing reached the terminal (no emulator log dumps, for one). */
function expectNoStrayOutput(h: ScreenHarness): void {
  expect(h.rawText()).not.toContain('xterm.js');
  expect(h.text()).not.toContain('Parsing error');
}

/** The chat still takes commands and messages. */
async function expectChatUsable(h: ScreenHarness, marker: string): Promise<void> {
  submit(h, `/run --name ${marker} -- echo ${marker}-out`);
  await waitForAgent(h, marker, (entry) => entry.detail.includes(`finished · ${marker}-out`));
  submit(h, `hello after ${marker}`);
  await h.waitFor((_, s) => chatLines(s).includes(` › hello after ${marker}`));
  await h.waitFor('The model is not configured');
}

describe('hostile escape sequences', () => {
  it('from a background agent are swallowed; the list shows its text and the chat stays usable', async () => {
    const h = await launch();
    await ready(h);
    writeFile(join(h.home, 'hostile.sh'), HOSTILE_SCRIPT);
    const from = h.rawBytes().length;
    submit(h, '/run --name hostile -- sh hostile.sh');
    await waitForAgent(h, 'hostile', (entry) => /^ {3}finished · after-hostile$/.test(entry.detail));
    await h.waitForRaw('\x1b]9;agentmux: hostile finished');
    await expectChatUsable(h, 'later');
    expect(h.text()).not.toContain('pwned');
    expectNothingForwarded(h, from);
  });

  it('from an attached agent are swallowed; its text is shown and keys still reach it', async () => {
    const h = await launch();
    await ready(h);
    writeFile(join(h.home, 'hostile.sh'), HOSTILE_SCRIPT);
    submit(h, `/run --name hostile -- sh -c 'read go; sh hostile.sh; exec cat'`);
    await waitForState(h, 'hostile', 'running');
    submit(h, '/fg hostile');
    await waitForAttached(h, 'hostile');
    const from = h.rawBytes().length;
    h.type('go\r');
    await h.waitFor((_, s) => bodyRows(s).includes('after-hostile'), { message: 'the end of the hostile output' });
    const body = bodyRows(h);
    expect(body).toContain('before-hostile');
    expect(body).toContain('link'); // the text of the OSC 8 hyperlink, without the link
    expect(body.some((row) => /^bad utf8: \S* ?end$/.test(row))).toBe(true);
    expect(h.text()).not.toContain('pwned');

    h.type('still-mine\r');
    await h.waitFor((_, s) => bodyRows(s).filter((row) => row === 'still-mine').length === 2, { message: 'cat echoing still-mine' });
    h.press('ctrl-b');
    await waitForChat(h);
    await expectChatUsable(h, 'later');
    expectNothingForwarded(h, from);
  });
});

// Random bytes: the agent turns echo off so the emulator's answers to random queries do not
// come back as output, then cancels any half-read sequence (CAN) and resets its terminal (RIS)
// before the marker line.
const GARBAGE = String.raw`stty -echo; head -c 20000 /dev/urandom; printf '\030\033c'; echo garbage-done`;

describe('binary garbage', () => {
  it('from a background agent leaves agentmux working', async () => {
    const h = await launch();
    await ready(h);
    const from = h.rawBytes().length;
    submit(h, `/run --name garbage -- sh -c "${GARBAGE}"`);
    await waitForAgent(h, 'garbage', (entry) => entry.detail === '   finished · garbage-done');
    await expectChatUsable(h, 'later');
    expectNothingForwarded(h, from);
    expectNoStrayOutput(h);
  });

  it('from an attached agent leaves agentmux working and the agent reachable', async () => {
    const h = await launch();
    await ready(h);
    submit(h, `/run --name garbage -- sh -c "read go; ${GARBAGE}; exec cat"`);
    submit(h, '/fg garbage');
    await waitForAttached(h, 'garbage');
    const from = h.rawBytes().length;
    h.type('go\r');
    // RIS cleared the agent's screen: the marker is on its top row.
    await h.waitFor((_, s) => bodyRows(s)[0] === 'garbage-done', { message: 'garbage-done on the agent screen' });
    h.type('typed-after\r'); // echo is off: only cat prints it
    await h.waitFor((_, s) => bodyRows(s)[1] === 'typed-after', { message: 'cat printing typed-after' });
    h.press('ctrl-b');
    await waitForChat(h);
    await expectChatUsable(h, 'later');
    expectNothingForwarded(h, from);
    expectNoStrayOutput(h);
  });

  // xterm.js logs "xterm.js: Parsing error: {…}" with console.error for input it does not expect (a
  // single DEL byte is enough); that must not reach the user's terminal from the emulator worker.
  it('a DEL byte in an agent\'s output prints nothing outside the screen', async () => {
    const h = await launch();
    await ready(h);
    submit(h, `/run --name del -- printf 'a\\177b\\n'`);
    await h.waitFor('✔ del finished · after ');
    // The worker's console output is on its way by now; one more agent's round trip gives it time to land.
    submit(h, '/run --name after -- true');
    await h.waitFor('✔ after finished · after ');
    expectNoStrayOutput(h);
    await waitForAgent(h, 'del', (entry) => entry.detail === '   finished · ab');
  });
});

describe('a 10 MB line', () => {
  const FLOOD = String.raw`head -c 10000000 /dev/zero | tr '\0' a`;

  it('from a background agent: the chat stays responsive while it floods, and the agent ends', async () => {
    const h = await launch();
    await ready(h);
    const from = h.rawBytes().length;
    submit(h, `/run --name flood -- sh -c "${FLOOD}; echo; echo flood-done"`);
    h.type('typing during the flood');
    await h.waitFor('› typing during the flood');
    await waitForAgent(h, 'flood', (entry) => entry.detail === '   finished · flood-done', { timeoutMs: 20_000 });
    h.press('enter');
    await h.waitFor('The model is not configured');
    // Only cell updates were drawn, never the 10 MB itself.
    expect(h.rawBytes().length - from).toBeLessThan(200_000);
  });

  it('from an attached agent: its screen shows the line, keys still reach it, Ctrl+B returns', async () => {
    const h = await launch();
    await ready(h);
    submit(h, `/run --name flood -- sh -c "read go; ${FLOOD}; echo; echo flood-done; exec cat"`);
    submit(h, '/fg flood');
    await waitForAttached(h, 'flood');
    const from = h.rawBytes().length;
    h.type('go\r');
    await h.waitFor((_, s) => bodyRows(s).includes('flood-done'), { timeoutMs: 20_000, message: 'flood-done on the agent screen' });
    const body = bodyRows(h);
    const done = body.indexOf('flood-done');
    expect(body[done - 1]).toBe('a'.repeat(10_000_000 % body[done - 2].length)); // the rest of the wrapped line
    expect(body[done - 2]).toMatch(/^a+$/);
    h.type('ping\r');
    await h.waitFor((_, s) => bodyRows(s).filter((row) => row === 'ping').length === 2, { message: 'ping echoed twice' });
    h.press('ctrl-b');
    await waitForChat(h);
    await expectChatUsable(h, 'later');
    expect(h.rawBytes().length - from).toBeLessThan(500_000);
  });

  // node-pty discards output still unread 200 ms after the child exits; with flow control pausing the
  // pty, or a busy main thread, a flooding agent that exits used to lose the end of its output (and its
  // real last line). Three floods at once made that happen in about 4 runs of 5 before it was fixed.
  it('keeps the last line of agents that flood their output and exit', async () => {
    const h = await launch();
    await ready(h);
    const names = ['flood-a', 'flood-b', 'flood-c'];
    for (const name of names) submit(h, `/run --name ${name} -- sh -c "${FLOOD}; echo; echo ${name}-done"`);
    for (const name of names) await waitForState(h, name, 'finished', { timeoutMs: 20_000 });
    await eventually(h, (s) => {
      for (const name of names) expect(agentEntry(s, name)?.detail).toBe(`   finished · ${name}-done`);
    });
  });
});

describe('bidirectional formatting characters', () => {
  /** U+202E (right-to-left override), U+2066, U+2069 and U+200F as UTF-8 in octal, then a failure, so the last line is the flash's summary. */
  const BIDI_SCRIPT = String.raw`printf 'invoice\342\200\256fdp.exe \342\201\246isolated\342\201\251 \342\200\217end\n'; exit 3`;
  const BIDI = ['\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];

  it('from an agent reach neither its list line, its flash, nor its screen when attached', async () => {
    const h = await launch();
    await ready(h);
    writeFile(join(h.home, 'bidi.sh'), BIDI_SCRIPT);
    const from = h.rawBytes().length;
    submit(h, '/run --name bidi -- sh bidi.sh');
    await waitForAgent(h, 'bidi', (entry) => /failed.*invoicefdp\.exe/.test(entry.detail));
    await h.waitFor((_, s) => chatLines(s).some((line) => line.includes('bidi failed') && line.includes('invoicefdp.exe isolated end')), { message: 'the flash line in the chat' });
    submit(h, '/fg bidi');
    await waitForAttached(h, 'bidi', 'failed');
    await h.waitFor((_, s) => bodyRows(s).some((row) => /^invoicefdp\.exe +isolated +end/.test(row)), { message: 'the agent\'s screen' });
    const raw = h.rawBytes().subarray(from);
    for (const char of BIDI) expect(raw.includes(Buffer.from(char, 'utf8')), `${JSON.stringify(char)} in agentmux's output`).toBe(false);
  });
});
