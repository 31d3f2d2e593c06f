// Bracketed paste from the user's terminal: the screen turns it on, a paste lands in the chat input
// (a placeholder for several lines, sent in full with Enter) or, while an agent is attached, in its pty.
import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../../src/llm/scripted-server.js';
import { lastMessageText, mainRequests, planList, routedResponder } from '../support/model-scripts.js';
import {
  bodyRows, chatLines, closeAll, eventually, headerLine, inputLine, launch, ready, statusLine, submit, waitForAttached,
  waitForChat, waitForState,
} from './helpers.js';
import type { ScreenHarness } from '../support/screen-harness.js';

const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

let scripted: ScriptedServer | undefined;

afterEach(async () => {
  await closeAll();
  await scripted?.close();
  scripted = undefined;
});

/** What the user's terminal sends when the user pastes `text` with bracketed paste on. */
function paste(h: ScreenHarness, text: string): void {
  h.type(`${PASTE_START}${text}${PASTE_END}`);
}

/**
 * Grows the screen by a row and waits until agentmux has drawn the status bar on the new last row:
 * by then it has read what was typed before, so what is typed next arrives in a read of its own.
 */
async function allRead(h: ScreenHarness): Promise<void> {
  h.resize(h.cols, h.rows + 1);
  await h.waitFor((_, s) => / · dark$/.test(statusLine(s)), { message: `the status bar on row ${h.rows - 1}` });
}

/** agentmux with the scripted model answering the main agent with `replies`, in order. */
async function withModel(replies: string[]): Promise<ScreenHarness> {
  scripted = await startScriptedServer({ respond: routedResponder({ main: planList('main', replies.map((reply) => ({ text: [reply] }))) }) });
  const h = await launch({ env: { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: scripted.url } });
  await h.waitFor((_, s) => / · dark$/.test(statusLine(s)), { message: 'the first screen' });
  return h;
}

function mainMessages(): string[] {
  return mainRequests(scripted?.requests ?? []).map(lastMessageText);
}

/** The reply is on screen and the turn is over (the header no longer says `thinking…`). */
function replied(h: ScreenHarness, reply: string): Promise<string> {
  return h.waitFor(
    (_, s) => chatLines(s).some((line) => line.includes(reply)) && !headerLine(s).includes('thinking'),
    { message: `the reply ${JSON.stringify(reply)} and the end of the turn` },
  );
}

/**
 * Starts a command agent whose tty is raw (so every byte it gets shows, `^M` for a carriage return)
 * running `cat -v`, optionally after turning bracketed paste on, and attaches it once it is ready.
 */
async function attachCatV(h: ScreenHarness, name: string, bracketedPaste: boolean): Promise<void> {
  const enable = bracketedPaste ? "printf '\\033[?2004h'; " : '';
  submit(h, `/run --name ${name} -- sh -c "${enable}stty raw -echo; printf 'ready\\r\\n'; exec cat -v"`);
  await waitForState(h, name, 'running');
  submit(h, `/fg ${name}`);
  await waitForAttached(h, name);
  await eventually(h, (s) => expect(bodyRows(s)).toContain('ready'));
}

describe("the user's terminal", () => {
  it('turns bracketed paste on when the screen starts and off when it quits with Ctrl+Q', async () => {
    const h = await launch();
    await ready(h);
    await h.waitForRaw('\x1b[?2004h');
    const on = h.rawText().indexOf('\x1b[?2004h');
    expect(h.rawText().indexOf('\x1b[?2004l', on)).toBe(-1);

    h.press('ctrl-q');
    await expect(h.waitForExit()).resolves.toEqual({ exitCode: 0, signal: null });
    expect(h.rawText().lastIndexOf('\x1b[?2004l')).toBeGreaterThan(on);
  });
});

describe('a paste in the chat input', () => {
  it('inserts a one-line paste at the cursor', async () => {
    const h = await launch();
    await ready(h);
    paste(h, 'hello world');
    await h.waitFor((_, s) => inputLine(s) === '› hello world');

    h.press('ctrl-u');
    h.type('ab');
    h.press('left');
    paste(h, 'X Y');
    h.type('Z'); // typed after the paste: the cursor is right after the pasted text
    await h.waitFor((_, s) => inputLine(s) === '› aX YZb');
  });

  it('turns control characters in a paste into spaces: Ctrl+B, Ctrl+Q, Ctrl+C and ESC do nothing by themselves', async () => {
    const h = await launch();
    await ready(h);
    paste(h, 'a\tb\x02c\x11d\x03e\x1bf');
    h.type('Z');
    await h.waitFor((_, s) => inputLine(s) === '› a b c d e fZ');
    expect(h.exitStatus).toBeUndefined();
    expect(headerLine(h)).toMatch(/^ agentmux · chat/);
    expect(chatLines(h).some((line) => line.startsWith(' › '))).toBe(false); // nothing was sent
  });

  it('shows a multi-line paste as a placeholder, sends the full text with Enter, and ↑ recalls the placeholder', async () => {
    const h = await withModel(['Reviewed.', 'Reviewed again.']);
    paste(h, 'first line\rsecond line\rthird line');
    await h.waitFor((_, s) => inputLine(s) === '› [Pasted text #1 +3 lines]');
    h.type(' please review');
    await h.waitFor((_, s) => inputLine(s) === '› [Pasted text #1 +3 lines] please review');
    // The Enters inside the paste sent nothing.
    expect(mainMessages()).toEqual([]);
    expect(chatLines(h).some((line) => line.startsWith(' › '))).toBe(false);

    h.press('enter');
    await replied(h, 'Reviewed.');
    expect(mainMessages()).toEqual(['first line\nsecond line\nthird line please review']);
    const chat = chatLines(h);
    const first = chat.indexOf(' › first line');
    expect(first, chat.join('\n')).toBeGreaterThanOrEqual(0);
    expect(chat[first + 1]).toMatch(/^\s*second line$/);
    expect(chat[first + 2]).toMatch(/^\s*third line please review$/);
    expect(inputLine(h)).toBe('›');

    h.press('up');
    await h.waitFor((_, s) => inputLine(s) === '› [Pasted text #1 +3 lines] please review');
    h.press('enter');
    await replied(h, 'Reviewed again.');
    expect(mainMessages()).toEqual([
      'first line\nsecond line\nthird line please review',
      'first line\nsecond line\nthird line please review',
    ]);
  });

  it('counts the pastes of the screen and the lines of each: \\n and \\r\\n are newlines, one trailing newline adds no line', async () => {
    const h = await withModel(['One.', 'Two.']);
    paste(h, 'alpha\nbeta\n');
    await h.waitFor((_, s) => inputLine(s) === '› [Pasted text #1 +2 lines]');
    h.press('enter');
    await replied(h, 'One.');
    expect(mainMessages()[0]).toMatch(/^alpha\nbeta\n?$/);

    paste(h, 'gamma\r\ndelta\r\nepsilon');
    await h.waitFor((_, s) => inputLine(s) === '› [Pasted text #2 +3 lines]');
    h.press('enter');
    await replied(h, 'Two.');
    expect(mainMessages()[1]).toBe('gamma\ndelta\nepsilon');
  });

  it('puts together a paste that arrives in several reads, even with its end marker split', async () => {
    const h = await withModel(['Got it.']);
    h.type(PASTE_START);
    await allRead(h);
    h.type('split one\rsplit two\x1b[20');
    await allRead(h);
    h.type('1~');
    await h.waitFor((_, s) => inputLine(s) === '› [Pasted text #1 +2 lines]');
    h.press('enter');
    await replied(h, 'Got it.');
    expect(mainMessages()).toEqual(['split one\nsplit two']);
  });

  it('refuses to send a message longer than 64 KB and keeps the placeholder in the input line', async () => {
    const h = await withModel([]);
    const lines = Array.from({ length: 700 }, () => 'x'.repeat(99)); // 69,999 characters with the newlines
    paste(h, lines.join('\r'));
    await h.waitFor((_, s) => inputLine(s) === '› [Pasted text #1 +700 lines]', { timeoutMs: 20_000 });
    h.press('enter');
    await eventually(h, (s) => {
      expect(chatLines(s).some((line) => /^ (?:✖ )?the message is too long/.test(line)), chatLines(s).join('\n')).toBe(true);
      expect(inputLine(s)).toBe('› [Pasted text #1 +700 lines]');
    });
    expect(mainMessages()).toEqual([]);
  });

  it('moves focus from the agent list to the input line, where the paste goes', async () => {
    const h = await launch();
    await ready(h);
    submit(h, '/run --name idle -- sleep 30');
    await waitForState(h, 'idle', 'running');
    h.press('tab');
    await h.waitFor((_, s) => statusLine(s).includes('↑↓ select'), { message: 'the agent list focused' });
    paste(h, 'from the list');
    h.type('j'); // in the list this would move the selection; in the input it is a letter
    await h.waitFor((_, s) => inputLine(s) === '› from the listj');
    await eventually(h, (s) => expect(statusLine(s)).not.toContain('↑↓ select'));
  });
});

describe('a paste while an agent is attached', () => {
  it('reaches a program that turned bracketed paste on as one bracketed paste, newlines as \\r', async () => {
    const h = await launch();
    await ready(h);
    await attachCatV(h, 'raw', true);
    paste(h, 'one\rtwo');
    await eventually(h, (s) => expect(bodyRows(s)).toContain('^[[200~one^Mtwo^[[201~'));
  });

  it('reaches a program that did not turn it on as plain text, newlines as \\r', async () => {
    const h = await launch();
    await ready(h);
    await attachCatV(h, 'plain', false);
    paste(h, 'one\rtwo');
    await eventually(h, (s) => expect(bodyRows(s)).toContain('one^Mtwo'));
    expect(bodyRows(h).join('\n')).not.toContain('^[[20');
  });

  it('does not detach on a Ctrl+B inside the paste: the program gets it', async () => {
    const h = await launch();
    await ready(h);
    await attachCatV(h, 'kitty', false);
    paste(h, 'x\x02y');
    await eventually(h, (s) => expect(bodyRows(s)).toContain('x^By'));
    h.type('z'); // still attached: the next key goes to the agent too
    await eventually(h, (s) => expect(bodyRows(s)).toContain('x^Byz'));
    await waitForAttached(h, 'kitty');

    h.press('ctrl-b'); // typed, not pasted, Ctrl+B still detaches
    await waitForChat(h);
  });
});
