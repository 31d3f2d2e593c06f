// Background agents as a user meets them: the list, attaching and detaching, flashes when
// agents end, the unread marker, quitting with agents still running, and the config keys that
// change these (notifications, flash time, the detach key).
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  agentEntry, bodyRows, chatLines, closeAll, configDir, eventually, flashLines, headerLine, inputLine, launch, listRows,
  newHome, processAlive, readPid, ready, selectedAgent, statusLine, submit, waitForAgent, waitForAttached, waitForChat,
  waitForState, writeFile,
} from './helpers.js';

afterEach(closeAll);

const SIZES = [
  { cols: 100, rows: 30 },
  { cols: 80, rows: 24 },
];

describe.each(SIZES)('agents at $cols×$rows', ({ cols, rows }) => {
  it('runs two agents in the background, with state and last line in the list, while the chat stays usable', async () => {
    const h = await launch({ cols, rows });
    await ready(h);
    expect(listRows(h)[0]).toBe(' agents');

    submit(h, `/run --name one -- sh -c 'echo hello-one; sleep 30'`);
    submit(h, `/run --name two -- sh -c 'echo hello-two; sleep 30'`);
    await eventually(h, (s) => {
      expect(listRows(s)[0]).toBe(' agents (2)');
      expect(agentEntry(s, 'one')).toEqual({ head: expect.stringMatching(/^ ● one +\d+s$/), detail: '   running · hello-one' });
      expect(agentEntry(s, 'two')).toEqual({ head: expect.stringMatching(/^ ● two +\d+s$/), detail: '   running · hello-two' });
      expect(statusLine(s)).toMatch(/ 2 running · dark$/);
    });

    // Typing goes on while the agents run and the list redraws (the elapsed time ticks).
    h.type('still typing');
    await h.waitFor((_, s) => inputLine(s) === '› still typing');
    await waitForAgent(h, 'one', (entry) => /[1-9]\d*s$/.test(entry.head), { message: 'the elapsed time of one to tick' });
    h.type(' here');
    await h.waitFor((_, s) => inputLine(s) === '› still typing here');
    h.press('enter');
    await eventually(h, (s) => {
      expect(chatLines(s)).toContain(' › still typing here');
      expect(s.text()).toContain('The model is not configured: set ANTHROPIC_API_KEY');
      expect(inputLine(s)).toBe('›');
      expect(agentEntry(s, 'one')?.detail).toBe('   running · hello-one');
    });
  });

  it('attaches a running cat from the list and with /fg, types into it, and Ctrl+B returns to the chat', async () => {
    const h = await launch({ cols, rows });
    await ready(h);
    submit(h, '/run --name one -- sleep 30');
    submit(h, '/run --name kitty -- cat');
    await waitForState(h, 'kitty', 'running');

    // Tab to the list, ↓/↑ move the selection, Enter attaches.
    h.press('tab');
    await h.waitFor((_, s) => statusLine(s).includes('↑↓ select') && selectedAgent(s) === 'one');
    h.press('down');
    await h.waitFor((_, s) => selectedAgent(s) === 'kitty');
    h.press('down'); // already the last one: stays
    h.press('up');
    await h.waitFor((_, s) => selectedAgent(s) === 'one');
    h.press('down');
    await h.waitFor((_, s) => selectedAgent(s) === 'kitty');
    h.press('enter');
    await waitForAttached(h, 'kitty');
    await eventually(h, (s) => expect(statusLine(s)).toMatch(/^ Ctrl\+B back to chat +keys go to kitty /));

    h.type('ping\r');
    // The pty echoes the line, then cat writes it back.
    await h.waitFor((_, s) => bodyRows(s).filter((row) => row === 'ping').length === 2, { message: 'ping echoed twice' });

    h.press('ctrl-b');
    await waitForChat(h);
    await waitForAgent(h, 'kitty', (entry) => entry.detail.endsWith('running · ping'));
    expect(chatLines(h).join('\n')).not.toContain('ping'); // keys went to the agent, not the chat

    submit(h, '/fg kitty');
    await waitForAttached(h, 'kitty');
    await h.waitFor((_, s) => bodyRows(s).filter((row) => row === 'ping').length === 2, { message: 'the earlier ping still shown' });
    h.type('pong\r');
    await h.waitFor((_, s) => bodyRows(s).filter((row) => row === 'pong').length === 2, { message: 'pong echoed twice' });
    h.press('ctrl-b');
    await waitForChat(h);

    // /send types a line into an agent without attaching it.
    submit(h, '/send kitty sent-line');
    await waitForAgent(h, 'kitty', (entry) => entry.detail.endsWith('running · sent-line'));
    expect(headerLine(h)).toMatch(/^ agentmux · chat/); // /send did not attach it
  });

  it('flashes agents that fail, finish and are killed, keeps the line in the chat, rings and notifies', async () => {
    const h = await launch({ cols, rows });
    await ready(h);

    submit(h, `/run --name quick -- sh -c 'exit 3'`);
    await eventually(h, (s) => {
      expect(flashLines(s)).toContainEqual(expect.stringMatching(/^ ✖ quick failed · after \d+s · exit 3$/));
      expect(chatLines(s)).toContainEqual(expect.stringMatching(/^ ✖ quick failed · after \d+s · exit 3$/));
      expect(agentEntry(s, 'quick')).toEqual({ head: expect.stringMatching(/^ ✖ quick +• \d+s$/), detail: '   failed 3' });
    });
    await h.waitForRaw((raw) => raw.includes('\x07') && raw.includes('\x1b]9;agentmux: quick failed · after '), {
      message: 'the bell and an OSC 9 notification for quick',
    });

    submit(h, `/run --name fine -- sh -c 'echo all-good'`);
    await eventually(h, (s) => {
      expect(flashLines(s)).toContainEqual(expect.stringMatching(/^ ✔ fine finished · after \d+s · exit 0$/));
      expect(chatLines(s)).toContainEqual(expect.stringMatching(/^ ✔ fine finished · after \d+s · exit 0$/));
      expect(agentEntry(s, 'fine')).toEqual({ head: expect.stringMatching(/^ ✔ fine +• \d+s$/), detail: '   finished · all-good' });
    });
    await h.waitForRaw('\x1b]9;agentmux: fine finished · after ');

    submit(h, '/run --name long -- sleep 30');
    await waitForState(h, 'long', 'running');
    submit(h, '/kill long');
    await eventually(h, (s) => {
      expect(flashLines(s)).toContainEqual(expect.stringMatching(/^ ■ long killed · after \d+s · SIGTERM$/));
      expect(chatLines(s)).toContainEqual(expect.stringMatching(/^ ■ long killed · after \d+s · SIGTERM$/));
      // Stopped by the user: nothing unread.
      expect(agentEntry(s, 'long')).toEqual({ head: expect.stringMatching(/^ ■ long +\d+s$/), detail: '   killed' });
      expect(statusLine(s)).toMatch(/ 0 running · 2 new · dark$/);
    });

    submit(h, '/kill long');
    await h.waitFor((_, s) => chatLines(s).includes(' ✖ long has already ended (killed)'));
  });

  it('marks ended agents as unread until they are brought to the front', async () => {
    const h = await launch({ cols, rows });
    await ready(h);
    submit(h, `/run --name quick -- sh -c 'echo bye-quick; exit 3'`);
    submit(h, `/run --name fine -- sh -c 'echo all-good'`);
    await eventually(h, (s) => {
      expect(agentEntry(s, 'quick')).toEqual({ head: expect.stringMatching(/^ ✖ quick +• \d+s$/), detail: '   failed 3 · bye-quick' });
      expect(agentEntry(s, 'fine')).toEqual({ head: expect.stringMatching(/^ ✔ fine +• \d+s$/), detail: '   finished · all-good' });
      expect(statusLine(s)).toMatch(/ 0 running · 2 new · dark$/);
    });

    // /fg shows an ended agent's final screen; any key goes back to the chat.
    submit(h, '/fg quick');
    await waitForAttached(h, 'quick', 'failed');
    await waitForAgent(h, 'quick', (entry) => !entry.head.includes('•'));
    h.type('x');
    await waitForChat(h);
    await eventually(h, (s) => {
      expect(inputLine(s)).toBe('›'); // the key that left the agent typed nothing
      expect(agentEntry(s, 'quick')?.head).toMatch(/^ ✖ quick +\d+s$/);
      expect(agentEntry(s, 'fine')?.head).toMatch(/^ ✔ fine +• \d+s$/);
      expect(statusLine(s)).toMatch(/ 0 running · 1 new · dark$/);
    });

    // From the list.
    h.press('tab');
    await h.waitFor((_, s) => selectedAgent(s) === 'quick');
    h.press('down');
    await h.waitFor((_, s) => selectedAgent(s) === 'fine');
    h.press('enter');
    await waitForAttached(h, 'fine', 'finished');
    await waitForAgent(h, 'fine', (entry) => !entry.head.includes('•'));
    h.type('q');
    await waitForChat(h);
    await h.waitFor((_, s) => statusLine(s).endsWith(' 0 running · dark'));

    // An agent that ends while the user watches it is not unread.
    submit(h, '/run --name watched -- cat');
    await waitForState(h, 'watched', 'running');
    submit(h, '/fg watched');
    await waitForAttached(h, 'watched');
    h.press('ctrl-d');
    await waitForAttached(h, 'watched', 'finished');
    h.type('x');
    await waitForChat(h);
    const watched = await waitForState(h, 'watched', 'finished');
    expect(watched.head).not.toContain('•');
  });

  it('shows a command that does not exist as failed with exit 127 and the shell\'s message', async () => {
    const h = await launch({ cols, rows });
    await ready(h);
    submit(h, '/run --name nope -- no-such-cmd-xyz');
    await eventually(h, (s) => {
      expect(agentEntry(s, 'nope')).toEqual({
        head: expect.stringMatching(/^ ✖ nope +• \d+s$/),
        detail: expect.stringMatching(/^ {3}failed 127 · \/bin\/sh/), // the shell's message, cut to fit
      });
      expect(flashLines(s)).toContainEqual(expect.stringMatching(/^ ✖ nope failed · after \d+s · exit 127/));
      // The chat line carries the shell's last line (it may wrap on a narrow screen).
      const chat = chatLines(s).map((line) => line.trim()).join(' ');
      expect(chat).toMatch(/✖ nope failed · after \d+s · exit 127 · .*no-such-cmd-xyz: *not found/);
    });
  });

  it('/quit and Ctrl+Q leave running agents in the server; the next screen shows them with the output they printed meanwhile', async () => {
    const home = newHome();
    const h = await launch({ cols, rows, home });
    await ready(h);
    submit(h, `/run --name ticker -- sh -c 'echo $$ > ticker.pid; i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.1; done'`);
    submit(h, '/run --name done -- true');
    const pid = await readPid(h, join(home, 'ticker.pid'));
    await waitForState(h, 'done', 'finished');
    submit(h, '/quit');
    await expect(h.waitForExit()).resolves.toEqual({ exitCode: 0, signal: null });
    const raw = h.rawText();
    expect(raw.lastIndexOf('agentmux: detached; agents keep running')).toBeGreaterThan(raw.lastIndexOf('\x1b[?1049l')); // after leaving the alternate screen
    expect(processAlive(pid)).toBe(true);

    const again = await launch({ cols, rows, home });
    await waitForState(again, 'ticker', 'running');
    await waitForState(again, 'done', 'finished');
    submit(again, '/fg ticker');
    // Its screen is the live one, and its history holds what it printed while no screen was open.
    await again.waitFor((text) => Number(/tick (\d+)\s*$/m.exec(text.trimEnd())?.[1] ?? 0) > 30, { message: 'ticker well past tick 30' });
    again.press('ctrl-b');
    await again.waitFor((_, screen) => inputLine(screen).startsWith('›'), { message: 'the chat input back' });
    again.press('ctrl-q');
    await expect(again.waitForExit()).resolves.toEqual({ exitCode: 0, signal: null });
    expect(processAlive(pid)).toBe(true);
  });

  it('/quit without running agents exits quietly', async () => {
    const h = await launch({ cols, rows });
    await ready(h);
    submit(h, '/run --name done -- true');
    await waitForState(h, 'done', 'finished');
    submit(h, '/quit');
    await expect(h.waitForExit()).resolves.toEqual({ exitCode: 0, signal: null });
    expect(h.rawText()).not.toContain('agentmux: stopped');
  });
});

describe('notifications, flash time and keys from the config', () => {
  it('notifications.bell and osc9 off: an agent ending flashes without bell or OSC 9', async () => {
    const home = newHome();
    writeFile(join(configDir(home), 'config.json'), JSON.stringify({ notifications: { bell: false, osc9: false } }));
    const quiet = await launch({ home });
    await ready(quiet);
    submit(quiet, `/run --name quick -- sh -c 'exit 3'`);
    await eventually(quiet, (s) => expect(flashLines(s)).toContainEqual(expect.stringMatching(/^ ✖ quick failed · after \d+s · exit 3$/)));
    expect(quiet.rawText()).not.toContain('\x07');
    expect(quiet.rawText()).not.toContain('\x1b]9;');
  });

  it('flashMs: the flash goes after that time, the line stays in the chat', async () => {
    const home = newHome();
    writeFile(join(configDir(home), 'config.json'), JSON.stringify({ flashMs: 2000 }));
    const brief = await launch({ home });
    await ready(brief);
    submit(brief, `/run --name fine -- true`);
    await eventually(brief, (s) => expect(flashLines(s)).toEqual([expect.stringMatching(/^ ✔ fine finished · after \d+s · exit 0$/)]));
    await eventually(brief, (s) => {
      expect(flashLines(s)).toEqual([]);
      expect(chatLines(s)).toContainEqual(expect.stringMatching(/^ ✔ fine finished · after \d+s · exit 0$/));
    });
  });

  it('keys.background: another key detaches, and Ctrl+B then reaches the agent', async () => {
    const home = newHome();
    writeFile(join(configDir(home), 'config.json'), JSON.stringify({ keys: { background: 'C-a' } }));
    const rebound = await launch({ home });
    await ready(rebound);
    submit(rebound, '/run --name kitty -- cat');
    submit(rebound, '/fg kitty');
    await waitForAttached(rebound, 'kitty');
    await eventually(rebound, (s) => expect(statusLine(s)).toMatch(/^ Ctrl\+A back to chat +keys go to kitty /));
    rebound.press('ctrl-b');
    rebound.type('x\r');
    await rebound.waitFor((_, s) => bodyRows(s)[0] === '^Bx', { message: 'the tty echoing Ctrl+B as ^B' });
    rebound.press('ctrl-a');
    await rebound.waitFor((_, s) => headerLine(s).startsWith(' agentmux · chat') && inputLine(s).startsWith('›'));
  });
});
