// Conversations outlive the server: after it is killed outright, `agentmux --continue` picks the
// main conversation up where it was, `--resume` offers a choice, and /fork tries something new in
// a copy while the original stays as it was.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../../src/llm/scripted-server.js';
import { lastMessageText, mainRequests, planList, routedResponder } from '../support/model-scripts.js';
import { serverPidsOf } from '../support/server-processes.js';
import { chatLines, closeAll, headerLine, launch, newHome, statusLine, submit, waitForChat } from './helpers.js';
import type { ScreenHarness } from '../support/screen-harness.js';

let scripted: ScriptedServer | undefined;

afterEach(async () => {
  await closeAll();
  await scripted?.close();
  scripted = undefined;
});

async function withModel(home: string, args: string[] = []): Promise<ScreenHarness> {
  if (!scripted) throw new Error('start the scripted model first');
  const h = await launch({ home, args: ['--theme', 'dark', ...args], env: { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: scripted.url } });
  await h.waitFor((_, s) => / · dark$/.test(statusLine(s)), { message: 'the first screen' });
  return h;
}

/** The reply shows while it streams; the turn is on disk once the header stops saying `thinking…`. */
function turnEnded(h: ScreenHarness): Promise<string> {
  return h.waitFor((_, s) => !headerLine(s).includes('thinking'), { message: 'the end of the turn' });
}

function showsLine(h: ScreenHarness, text: string): Promise<string> {
  return h.waitFor((_, s) => chatLines(s).some((line) => line.includes(text)), { message: `${JSON.stringify(text)} in the chat` });
}

describe('the main conversation after the server was killed', () => {
  it('--continue brings it back, with what was said, and the model sees all of it', async () => {
    scripted = await startScriptedServer({ respond: routedResponder({ main: planList('main', [{ text: ['Noted: kiwi.'] }, { text: ['You said kiwi.'] }]) }) });
    const home = newHome();
    const first = await withModel(home);
    submit(first, 'remember the word kiwi');
    await showsLine(first, 'Noted: kiwi.');
    await turnEnded(first);
    const [pid] = serverPidsOf(first.env);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    // The screen learns that its server is gone and says so.
    await expect(first.waitForExit()).resolves.toMatchObject({ exitCode: 1 });
    expect(first.text()).toContain('lost the connection to the agentmux server');

    const again = await withModel(home, ['--continue']);
    await showsLine(again, 'remember the word kiwi');
    await showsLine(again, 'Noted: kiwi.');
    submit(again, 'what was the word?');
    await showsLine(again, 'You said kiwi.');
    const requests = mainRequests(scripted.requests);
    expect(requests).toHaveLength(2);
    expect(requests[1].messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(lastMessageText(requests[1])).toBe('what was the word?');
  });

  it('--resume without an ID lists the conversations and opens the one chosen; /fork leaves the original file as it was', async () => {
    scripted = await startScriptedServer({ respond: routedResponder({ main: planList('main', [{ text: ['First.'] }, { text: ['Forked.'] }]) }) });
    const home = newHome();
    const h = await withModel(home);
    submit(h, 'the first conversation');
    await showsLine(h, 'First.');
    await turnEnded(h);
    const sessionsDir = (): string => {
      const repos = join(h.env.XDG_STATE_HOME, 'agentmux', 'repos');
      return join(repos, readdirSync(repos)[0], 'sessions');
    };
    const [original] = readdirSync(sessionsDir());
    const before = readFileSync(join(sessionsDir(), original));
    submit(h, '/fork');
    await showsLine(h, 'forked: this conversation goes on as session');
    submit(h, 'try the risky way');
    await showsLine(h, 'Forked.');
    expect(readFileSync(join(sessionsDir(), original)).equals(before)).toBe(true);
    expect(readdirSync(sessionsDir())).toHaveLength(2);
    h.press('ctrl-q');
    await h.waitForExit();

    const picker = await launch({ home, args: ['--theme', 'dark', '--resume'], env: { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: scripted.url } });
    await picker.waitFor('Resume which conversation? [1-2]');
    const rows = picker.text().split('\n').filter((row) => /^\s+\d  /.test(row));
    expect(rows).toHaveLength(2);
    const originalRow = rows.findIndex((row) => row.includes('the first conversation') && !row.includes('fork of'));
    expect(originalRow).toBeGreaterThanOrEqual(0);
    picker.type(`${originalRow + 1}\r`);
    await waitForChat(picker);
    await showsLine(picker, 'First.');
    expect(chatLines(picker).some((line) => line.includes('Forked.'))).toBe(false);
  });
});

describe('/compact', () => {
  it('says what it did, keeps the chat on screen, and the model sees the summary from then on', async () => {
    scripted = await startScriptedServer({
      respond: routedResponder({ main: planList('main', [{ text: ['Noted: kiwi.'] }, { text: ['We talked about the word kiwi.'] }, { text: ['It was kiwi.'] }]) }),
    });
    const h = await withModel(newHome());
    submit(h, 'remember the word kiwi');
    await showsLine(h, 'Noted: kiwi.');
    await turnEnded(h);
    submit(h, '/compact keep the word');
    await showsLine(h, 'compacted: 2 messages became a summary of 6 words');
    await turnEnded(h);
    expect(chatLines(h).some((line) => line.includes('remember the word kiwi'))).toBe(true);
    submit(h, 'which word?');
    await showsLine(h, 'It was kiwi.');
    const requests = mainRequests(scripted.requests);
    expect(lastMessageText(requests[1])).toContain('keep the word');
    expect(requests[2].messages).toHaveLength(1);
    expect(lastMessageText(requests[2])).toMatch(/We talked about the word kiwi\.[^]*which word\?$/);
  });
});
