// Claude agents as a user meets them: the built CLI in a real pty, its main agent and workers talking
// to the scripted Messages API server in this test process (or to the bundled demo model with --demo).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../../src/llm/scripted-server.js';
import {
  chunks, Gate, lastMessageText, mainRequests, notificationOpening, occurrences, planList, routedResponder, userMessagesContaining, workerRequests,
  type RoutedScripts,
} from '../support/model-scripts.js';
import {
  agentEntry, bodyRows, chatLines, closeAll, errorEntries, eventually, flashLines, headerLine, launch, listRows, newHome, rawSince, ready, statusLine,
  submit, waitForAgent, waitForChat, waitForState, type ScreenHarness,
} from './helpers.js';

let scripted: ScriptedServer | undefined;

afterEach(async () => {
  await closeAll();
  await scripted?.close();
  scripted = undefined;
});

const SIZE = { cols: 120, rows: 40 };
const MODEL_HELP = 'The model is not configured: set ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL for a compatible endpoint), '
  + 'then restart the agentmux server (agentmux server stop, then agentmux) — or try agentmux --demo. '
  + 'Everything else works without it: /help lists the commands.';

/** Waits for agentmux's first screen: with a model, the status bar shows its (zero) meter before the theme. */
async function readyWithModel(h: ScreenHarness): Promise<void> {
  await h.waitFor((_, s) => / · dark$/.test(statusLine(s)) && headerLine(s).startsWith(' agentmux · chat'), { message: 'the first screen' });
}

/** Starts the scripted model and agentmux pointed at it. */
async function launchWithModel(scripts: RoutedScripts, extraArgs: string[] = []): Promise<{ h: ScreenHarness; model: ScriptedServer }> {
  scripted = await startScriptedServer({ respond: routedResponder(scripts) });
  const h = await launch({ ...SIZE, args: ['--theme', 'dark', ...extraArgs], env: { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: scripted.url } });
  await readyWithModel(h);
  return { h, model: scripted };
}

/** The chat history as one string (rows joined by newlines). */
function chatText(h: ScreenHarness): string {
  return chatLines(h).join('\n');
}

/** The agent's list rows from its head row on: head, state row, and the meter row when it has usage. */
function listRowsOf(h: ScreenHarness, name: string): string[] {
  const rows = listRows(h);
  const index = rows.findIndex((row) => new RegExp(`^ \\S ${name}(?: |$)`).test(row));
  return index === -1 ? [] : rows.slice(index, index + 3);
}

/** Raw output with OSC strings (titles, desktop notifications) taken out, so a BEL left in it is a bell. */
function withoutOsc(raw: string): string {
  return raw.replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, '');
}

describe('a background task asked of the main agent', () => {
  it('spawns a worker with a meter in the list; when it finishes, the flash and then the wake-up reply, once each', async () => {
    const name = 'security-audit-auth-module';
    const task = 'Run a security audit of the auth module';
    const wakeUp = 'Your security audit is complete: two medium-severity issues in session handling.';
    const workerMayFinish = new Gate();
    const { h, model } = await launchWithModel({
      main: planList('main', [
        { text: chunks('I\'ll run that audit in the background.', 10), toolUses: [{ name: 'spawn_agent', input: { task } }], usage: { input: 900, output: 40 } },
        { text: [`Started ${name}; `, 'I\'ll tell you when it is done.'], usage: { input: 1000, output: 20 } },
        { text: chunks(wakeUp, 12), usage: { input: 1100, output: 30 } },
      ]),
      worker: async (_request, index) => {
        if (index === 0) return { text: ['Looking around.'], toolUses: [{ name: 'list_files', input: {} }], usage: { input: 1500, output: 200 } };
        await workerMayFinish.opened;
        return { text: ['Found two medium-severity issues in session handling.'], usage: { input: 2500, output: 300, cacheRead: 1200 } };
      },
    });

    submit(h, 'run a security audit of the auth module in the background');
    // Running, with its token meter in the list, while the main agent's reply is in the chat.
    await eventually(h, (s) => {
      const rows = listRowsOf(s, name);
      expect(rows[1]).toMatch(/^ {3}running/);
      expect(rows[2]).toMatch(/^ {3}1\.5k↑ 200↓ /);
      expect(chatText(s)).toContain('Started security-audit-auth-module;');
      expect(workerRequests(model.requests)).toHaveLength(2);
    }, { message: 'the running worker with its meter' });
    workerMayFinish.open();

    await eventually(h, (s) => expect(flashLines(s).join('\n')).toMatch(new RegExp(`${name} finished · after \\d+s`)), { message: 'the flash' });
    await eventually(h, (s) => {
      expect(chatText(s)).toContain('Your security audit is complete:');
      expect(headerLine(s)).not.toContain('thinking');
    }, { message: 'the wake-up reply' });
    await waitForState(h, name, 'finished');

    const chat = chatText(h);
    expect(occurrences(chat, `${name} finished`)).toBe(1);
    expect(occurrences(chat, 'Your security audit is complete:')).toBe(1);
    expect(chat.indexOf(`${name} finished`)).toBeLessThan(chat.indexOf('Your security audit is complete:'));
    expect(chat.indexOf('Started security-audit-auth-module;')).toBeLessThan(chat.indexOf(`${name} finished`));
    expect(listRowsOf(h, name)[2]).toMatch(/^ {3}4\.0k↑ 500↓ /);

    const main = mainRequests(model.requests);
    expect(main).toHaveLength(3);
    expect(main.map((request) => lastMessageText(request).includes(notificationOpening(name)))).toEqual([false, false, true]);
    expect(userMessagesContaining(main[2], notificationOpening(name))).toBe(1);
  });
});

describe('a worker that needs permission', () => {
  it('goes waiting with a flash, "1 waiting" and a bell; attached, y answers it, and it writes the file', async () => {
    const content = '# Release notes\n- faster start\n';
    const { h, model } = await launchWithModel({
      main: () => ({ text: ['The scribe wrote the notes.'] }),
      worker: planList('worker', [
        { text: ['Writing the notes.'], toolUses: [{ name: 'write_file', input: { path: 'NOTES.md', content } }] },
        { text: ['Wrote NOTES.md with two lines.'] },
      ]),
    }, ['--permission-mode', 'ask']);
    const offset = h.rawBytes().length;
    submit(h, '/spawn --name scribe write the release notes');

    await eventually(h, (s) => expect(flashLines(s).join('\n')).toMatch(/scribe needs input · after \d+s · Allow write_file: NOTES\.md \(2 lines\)\?/), {
      message: 'the flash',
    });
    await eventually(h, (s) => {
      expect(statusLine(s)).toMatch(/ 1 waiting /);
      expect(agentEntry(s, 'scribe')?.detail).toMatch(/^ {3}waiting · Allow write_file/);
      expect(occurrences(chatText(s), 'scribe needs input')).toBe(1);
    }, { message: 'scribe waiting' });
    await h.waitForRaw(() => withoutOsc(rawSince(h, offset)).includes('\x07'), { message: 'a bell' });
    expect(existsSync(join(h.home, 'NOTES.md'))).toBe(false);

    submit(h, '/fg scribe');
    await eventually(h, (s) => {
      expect(headerLine(s)).toMatch(/^ ◆ scribe · waiting · /);
      expect(statusLine(s)).toContain('keys go to scribe');
      expect(bodyRows(s).some((row) => row.includes('Allow write_file: NOTES.md (2 lines)?  [y]es  [n]o  [a]lways'))).toBe(true);
    }, { message: 'scribe attached with its question' });
    h.type('y');
    await h.waitFor((_, s) => bodyRows(s).some((row) => row.trim() === '→ yes'), { message: 'the answer on the agent screen' });
    h.press('ctrl-b');
    await waitForChat(h);

    await waitForState(h, 'scribe', 'finished');
    expect(readFileSync(join(h.home, 'NOTES.md'), 'utf8')).toBe(content);
    await eventually(h, (s) => expect(statusLine(s)).not.toContain('waiting'));
    expect(workerRequests(model.requests)).toHaveLength(2);
  });
});

describe('without an API key', () => {
  it('explains how to configure the model, for a message and for /spawn, and starts nothing', async () => {
    const h = await launch(SIZE);
    await ready(h);
    expect(headerLine(h)).toContain('model not configured');
    submit(h, 'hello there');
    await eventually(h, (s) => expect(chatLines(s).join(' ').replace(/\s+/g, ' ')).toContain(MODEL_HELP));
    submit(h, '/spawn audit the code');
    await eventually(h, (s) => expect(errorEntries(s).map((entry) => entry.replace(/\s+/g, ' '))).toEqual([MODEL_HELP]));
    expect(listRows(h)[0]).toBe(' agents');
    expect(listRows(h).join('\n')).toContain('No agents yet.');
    expect(statusLine(h)).toMatch(/ 0 running · dark$/);
  });

  it('a screen that has a key, on a server started without one, says how to bring the model in', async () => {
    const home = newHome();
    const first = await launch({ ...SIZE, home });
    await ready(first);
    first.press('ctrl-q');
    await first.waitForExit();

    const withKey = await launch({ ...SIZE, home, env: { ANTHROPIC_API_KEY: 'test-key' } });
    await ready(withKey);
    await eventually(withKey, (s) => expect(errorEntries(s).map((entry) => entry.replace(/\s+/g, ' '))).toEqual([
      'The agentmux server was started without ANTHROPIC_API_KEY, and reads it only when it starts: '
      + 'agentmux server stop (it stops the agents; --force if some run), then agentmux, brings the model in.',
    ]));
    expect(headerLine(withKey)).toContain('model not configured');
    expect(withKey.text()).not.toContain('test-key');
  });
});

describe('--demo', () => {
  it('is labelled DEMO and runs the whole flow offline: background audit, worker, flash, wake-up reply', async () => {
    const h = await launch({ ...SIZE, args: ['--theme', 'dark', '--demo'] });
    await readyWithModel(h);
    expect(headerLine(h)).toMatch(/ DEMO /);
    submit(h, 'run a security audit of the auth module in the background');
    const name = 'security-audit-auth-module';
    await waitForAgent(h, name, () => true, { message: 'the demo worker in the list' });
    await eventually(h, (s) => {
      expect(chatText(s)).toMatch(/Your security-audit-auth-module is\s+complete: DEMO report/);
      expect(headerLine(s)).not.toContain('thinking');
    }, { message: 'the wake-up reply', timeoutMs: 12_000 });
    await waitForState(h, name, 'finished');
    const chat = chatText(h);
    expect(occurrences(chat, `${name} finished`)).toBe(1);
    expect(chat.match(/Your security-audit-auth-module is\s+complete/g)).toHaveLength(1);
    expect(chat.indexOf(`${name} finished`)).toBeLessThan(chat.search(/Your security-audit-auth-module is\s+complete/));
    expect(listRowsOf(h, name)[2]).toMatch(/^ {3}[\d.]+k?↑ [\d.]+k?↓ /);
  });
});

describe('/spawn', () => {
  it('starts a claude agent with the given name without asking the main agent', async () => {
    const workerMayFinish = new Gate();
    const { h, model } = await launchWithModel({
      main: planList('main', [{ text: ['fixer is done: nothing was broken.'] }]),
      worker: async () => {
        await workerMayFinish.opened;
        return { text: ['Fixed the tests: nothing was broken.'], usage: { input: 800, output: 50 } };
      },
    });
    submit(h, '/spawn --name fixer fix the tests');
    await waitForState(h, 'fixer', 'running');
    await h.waitFor(() => model.requests.length === 1, { message: 'the worker\'s request' });
    expect(workerRequests(model.requests)).toHaveLength(1);
    expect(mainRequests(model.requests)).toEqual([]);
    expect(chatText(h)).not.toContain('fix the tests');
    workerMayFinish.open();

    await waitForState(h, 'fixer', 'finished');
    await eventually(h, (s) => expect(chatText(s)).toContain('fixer is done: nothing was broken.'), { message: 'the wake-up reply' });
    // The only main-agent request is the wake-up for fixer's end.
    const main = mainRequests(model.requests);
    expect(main).toHaveLength(1);
    expect(main[0].messages).toHaveLength(1);
    expect(lastMessageText(main[0])).toContain(notificationOpening('fixer'));
  });
});

describe('an ended worker in front', () => {
  it('takes a line that continues its conversation, under the same name, watched live', async () => {
    const { h, model } = await launchWithModel({
      main: planList('main', [{ text: ['First pass is in.'] }, { text: ['Second pass is in.'] }]),
      worker: planList('worker', [{ text: ['First pass done.'] }, { text: ['Second pass done.'] }]),
    });
    submit(h, '/spawn --name helper look around');
    await waitForState(h, 'helper', 'finished');
    submit(h, '/fg helper');
    await h.waitFor((_, s) => bodyRows(s).some((row) => row.startsWith('continue helper › ')) && statusLine(s).includes('continue helper'), {
      message: 'the continue line under the ended worker',
    });
    h.type('and the tests too\r');
    // It goes on in front, below what its first run showed.
    await h.waitFor((_, s) => {
      const rows = bodyRows(s);
      const earlier = rows.findIndex((row) => row.includes('First pass done.'));
      const continuing = rows.findIndex((row) => row.includes('▸ continuing: and the tests too'));
      return earlier !== -1 && continuing > earlier;
    }, { message: 'the worker going on, in front, below its first run' });
    await waitForState(h, 'helper', 'finished');
    await h.waitFor(() => workerRequests(model.requests).length === 2 && mainRequests(model.requests).length === 2, { message: 'both runs and both wake-ups' });
    const [, second] = workerRequests(model.requests);
    expect(second.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(lastMessageText(second)).toBe('and the tests too');
  });
});

describe('keys in the chat while the main agent works', () => {
  it('Ctrl+B sends its foreground bash to the background (notified when it ends); Ctrl+C interrupts a reply', async () => {
    // Held after its first words until Ctrl+C cuts it (the gate is never opened).
    const slowReplyHeld = new Gate();
    const { h, model } = await launchWithModel({
      main: planList('main', [
        { toolUses: [{ name: 'bash', input: { command: 'sleep 5; echo done' } }] },
        { text: ['It runs in the background now.'] },
        { text: ['sleep-echo is done: it printed done.'] },
        { text: chunks('A slow reply that goes on and on, far longer than anyone wants to wait for it to end.', 4), pause: { afterChunks: 2, until: slowReplyHeld.opened } },
        { text: ['Listening again.'] },
      ]),
    }, ['--permission-mode', 'auto']);
    submit(h, 'sleep a little');
    await eventually(h, (s) => expect(statusLine(s)).toMatch(/^ Ctrl\+B sleep-echo to background/), { message: 'the foreground hint' });
    h.press('ctrl-b');
    await eventually(h, (s) => expect(chatText(s)).toContain('It runs in the background now.'));
    expect(chatText(h)).toContain('moved to background as sleep-echo');
    await eventually(h, (s) => expect(chatText(s)).toContain('sleep-echo is done: it printed done.'), { message: 'the wake-up reply' });
    expect(occurrences(chatText(h), 'sleep-echo finished')).toBe(1);

    submit(h, 'talk slowly');
    await eventually(h, (s) => expect(chatText(s)).toContain('A slow'));
    h.press('ctrl-c');
    await eventually(h, (s) => {
      expect(chatLines(s)).toContain(' · interrupted');
      expect(headerLine(s)).not.toContain('thinking');
    }, { message: 'the interrupted turn' });
    submit(h, 'hello?');
    await eventually(h, (s) => expect(chatText(s)).toContain('Listening again.'));
    const main = mainRequests(model.requests);
    expect(main).toHaveLength(5);
    expect(main.filter((request) => lastMessageText(request).includes(notificationOpening('sleep-echo')))).toHaveLength(1);
  });
});
