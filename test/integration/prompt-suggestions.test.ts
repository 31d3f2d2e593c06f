// Prompt suggestions through the AgentServer, the real model client (Anthropic SDK) and the scripted
// Messages API server on loopback: after a main-agent turn (not the first, not a failed or interrupted
// one) the server asks the suggestion model for the user's likely next message and sends it to the
// screens; a new turn meanwhile drops it; without a suggestion model no request is made at all.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startScriptedServer, type ReplyPlan, type ScriptedServer } from '../../src/llm/scripted-server.js';
import { EmulatorPool } from '../../src/pty/emulator-pool.js';
import { createPtyRuntime } from '../../src/pty/pty-runtime.js';
import { AgentServer } from '../../src/server/agent-server.js';
import { Gate, lastMessageText, mainRequests, planList, routedResponder, suggestionRequests, type RoutedScripts } from '../support/model-scripts.js';
import { scriptedModel } from '../support/scripted-model-access.js';
import { ServerTestClient } from '../support/server-test-client.js';

const API_KEY = 'test-key';
const MODEL = 'claude-sonnet-5-5';
const SUGGESTION_MODEL = 'claude-haiku-4-5';

let tmp: string;
let pool: EmulatorPool;
let scripted: ScriptedServer | undefined;
let server: AgentServer | undefined;

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'amux-suggest-it-'));
  pool = new EmulatorPool();
});

afterEach(async () => {
  server?.dispose();
  server = undefined;
  await pool.dispose();
  await scripted?.close();
  scripted = undefined;
  rmSync(tmp, { recursive: true, force: true });
});

async function setup(scripts: RoutedScripts, suggestions = true): Promise<{ client: ServerTestClient; model: ScriptedServer; logged: string[] }> {
  const model = await startScriptedServer({ respond: routedResponder(scripts), apiKey: API_KEY });
  scripted = model;
  const logged: string[] = [];
  server = new AgentServer({
    runtime: createPtyRuntime(pool, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp }, scrollback: 100, killGraceMs: 500, channelDir: tmp }),
    ...scriptedModel(model, MODEL, API_KEY),
    cwd: tmp,
    ...(suggestions ? { suggestionModel: SUGGESTION_MODEL } : {}),
    log: (line) => logged.push(line),
  });
  const requests = () => JSON.stringify(model.requests.map((request) => ({ model: request.model, last: lastMessageText(request).slice(0, 120) })), null, 1);
  return { client: new ServerTestClient(server, () => `requests: ${requests()}\nlogged: ${logged.join('\n')}`), model, logged };
}

const suggestions = (client: ServerTestClient): string[] => client.of('suggestion').map((event) => event.text);

/** Says `text` and waits for the reply and the end of the turn. */
async function say(client: ServerTestClient, text: string, reply: string): Promise<void> {
  client.send({ type: 'chat', text });
  await client.waitForReply(reply);
  await client.waitForIdle();
}

describe('prompt suggestions', () => {
  it('come after a turn, not the first: a short request to the suggestion model, its text cleaned, its cost on a meter of its own', async () => {
    const { client, model } = await setup({
      main: planList('main', [{ text: ['Hello.'] }, { text: ['The login test fails on a timeout.'] }]),
      suggestion: planList('suggestion', [{ text: ['"fix the \x1b[31mtimeout', '\u202e in the login test"\nand more'], usage: { input: 300, output: 12 } }]),
    });
    await say(client, 'hi', 'Hello.');
    await say(client, 'why does the login test fail?', 'The login test fails on a timeout.');
    await client.waitFor('a suggestion', () => suggestions(client).length > 0);

    expect(suggestions(client)).toEqual(['fix the [31mtimeout in the login test']);
    const [request] = suggestionRequests(model.requests);
    expect(suggestionRequests(model.requests)).toHaveLength(1);
    expect(mainRequests(model.requests)).toHaveLength(2);
    // The suggestion request came after the second turn only, and is small.
    expect(model.requests.map((each) => each.model)).toEqual([MODEL, MODEL, SUGGESTION_MODEL]);
    expect(request.max_tokens).toBeLessThanOrEqual(100);
    expect(request.tools).toBeUndefined();
    expect(request.messages).toHaveLength(1);
    expect(lastMessageText(request)).toContain('developer: why does the login test fail?\nassistant: The login test fails on a timeout.');

    // Its usage is counted on a line of its own, priced as the suggestion model: 300 × $1/M + 12 × $5/M.
    const usage = await client.waitFor('the suggestion meter', () => client.session()?.suggestionUsage);
    expect(usage).toMatchObject({ model: SUGGESTION_MODEL, total: { input: 300, output: 12, cacheRead: 0, cacheWrite: 0 } });
    expect(usage.costUsd).toBeCloseTo(0.00036, 10);
    expect(client.session()?.mainUsage?.total.input).toBe(24);
    expect(client.errors()).toEqual([]);
  });

  it('is shown to a screen that connects later, until the conversation moves on', async () => {
    const { client } = await setup({
      main: planList('main', [{ text: ['Hello.'] }, { text: ['Done.'] }, { text: ['Again.'] }]),
      suggestion: planList('suggestion', [{ text: ['run the tests'] }]),
    });
    await say(client, 'hi', 'Hello.');
    await say(client, 'do it', 'Done.');
    await client.waitFor('a suggestion', () => suggestions(client).length > 0);
    const welcome = (screen: ServerTestClient) => screen.of('welcome')[0];
    expect(welcome(new ServerTestClient(server!))).toMatchObject({ suggestion: 'run the tests' });

    await say(client, 'run the tests', 'Again.');
    expect(welcome(new ServerTestClient(server!)).suggestion).toBeUndefined();
  });

  it('none after a failed turn or an interrupted one; the next good turn gets one again', async () => {
    const replyMayGoOn = new Gate();
    const { client, model } = await setup({
      main: planList('main', [
        { text: ['Hello.'] },
        { status: 400, errorType: 'invalid_request_error', message: 'prompt is too long' },
        { text: ['Let me ', 'think.'], pause: { afterChunks: 1, until: replyMayGoOn.opened } },
        { text: ['Back again.'] },
      ] satisfies ReplyPlan[]),
      suggestion: () => ({ text: ['try again'] }),
    });
    await say(client, 'hi', 'Hello.');
    client.send({ type: 'chat', text: 'do it' });
    await client.waitFor('the error', () => client.entries('error').some((entry) => entry.text.includes('prompt is too long')));
    await client.waitForIdle();
    client.send({ type: 'chat', text: 'think about it' });
    await client.waitFor('the reply to start', () => client.chat().some((entry) => entry.role === 'assistant' && entry.text.startsWith('Let me')));
    client.send({ type: 'interrupt' });
    await client.waitFor('the interruption', () => client.entries('notice').some((entry) => entry.text === 'interrupted'));
    await client.waitForIdle();
    replyMayGoOn.open();
    expect(suggestionRequests(model.requests)).toEqual([]);

    await say(client, 'come back', 'Back again.');
    await client.waitFor('a suggestion after the good turn', () => suggestions(client).length > 0);
    expect(suggestions(client)).toEqual(['try again']);
    expect(suggestionRequests(model.requests)).toHaveLength(1);
  });

  it('is dropped when a new turn starts before it comes: its request is cancelled, and the new turn gets its own', async () => {
    const staleMayCome = new Gate();
    const turnMayEnd = new Gate();
    const { client, model, logged } = await setup({
      main: planList('main', [{ text: ['One.'] }, { text: ['Two.'] }, { text: ['Three ', 'done.'], pause: { afterChunks: 1, until: turnMayEnd.opened } }]),
      suggestion: planList('suggestion', [{ text: ['stale ', 'one'], pause: { afterChunks: 1, until: staleMayCome.opened } }, { text: ['fresh one'] }]),
    });
    await say(client, 'one', 'One.');
    await say(client, 'two', 'Two.');
    await client.waitFor('the suggestion request', () => suggestionRequests(model.requests).length === 1);
    client.send({ type: 'chat', text: 'three' });
    await client.waitFor('the third turn to start', () => client.session()?.busy && client.chat().some((entry) => entry.text.startsWith('Three')));
    // Were the stale request still going, it would end now, while the third turn runs.
    staleMayCome.open();
    turnMayEnd.open();
    await client.waitForReply('Three done.');
    await client.waitFor('the third turn\'s suggestion', () => suggestions(client).length > 0);
    expect(suggestions(client)).toEqual(['fresh one']);
    expect(suggestionRequests(model.requests)).toHaveLength(2);
    // Cancelled, not failed: nothing for the log.
    expect(logged.filter((line) => line.includes('suggestion'))).toEqual([]);
  });

  it('a failed suggestion request shows nothing and is logged; a slash command is never suggested', async () => {
    const { client, model, logged } = await setup({
      main: planList('main', [{ text: ['One.'] }, { text: ['Two.'] }, { text: ['Three.'] }]),
      suggestion: planList('suggestion', [{ status: 404, errorType: 'not_found_error', message: 'model: claude-haiku-4-5' }, { text: ['/run -- rm -rf ~'] }]),
    });
    await say(client, 'one', 'One.');
    await say(client, 'two', 'Two.');
    await client.waitFor('the failure in the log', () => logged.find((line) => line.startsWith('prompt suggestion failed:')));
    await say(client, 'three', 'Three.');
    await client.waitFor('the second suggestion request to end', () => suggestionRequests(model.requests).length === 2 && client.session()?.suggestionUsage?.total.output);
    expect(suggestions(client)).toEqual([]);
    expect(client.errors()).toEqual([]);
    expect(client.chat().map((entry) => entry.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
  });

  it('without a suggestion model (config suggestions: false) no request is made at all', async () => {
    const { client, model } = await setup({
      main: planList('main', [{ text: ['One.'] }, { text: ['Two.'] }, { text: ['Three.'] }]),
      suggestion: () => ({ text: ['never'] }),
    }, false);
    await say(client, 'one', 'One.');
    await say(client, 'two', 'Two.');
    await say(client, 'three', 'Three.');
    expect(model.requests.map((request) => request.model)).toEqual([MODEL, MODEL, MODEL]);
    expect(suggestions(client)).toEqual([]);
    expect(client.session()?.suggestionUsage).toBeUndefined();
  });
});
