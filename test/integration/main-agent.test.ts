// The main agent through the AgentServer, with the real pty runtime, the real model client (Anthropic
// SDK) and the scripted Messages API server on loopback; built-in workers run as real processes
// (`node dist/cli/main.js worker`). A test client collects the events. Run `npm run build` first.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startScriptedServer, type ReplyPlan, type ScriptedServer } from '../../src/llm/scripted-server.js';
import { EmulatorPool } from '../../src/pty/emulator-pool.js';
import { createPtyRuntime } from '../../src/pty/pty-runtime.js';
import { AgentServer } from '../../src/server/agent-server.js';
import {
  chunks, conversationProblems, Gate, lastMessageText, lastToolResults, mainRequests, notificationOpening, planList, routedResponder,
  userMessagesContaining, workerRequests, type RoutedScripts,
} from '../support/model-scripts.js';
import { scriptedModel, builtWorkers } from '../support/scripted-model-access.js';
import { ServerTestClient } from '../support/server-test-client.js';

const API_KEY = 'test-key';
const USER_KEY = 'sk-ant-users-own-key-0123';
const MODEL = 'claude-sonnet-5-5';

let tmp: string;
let pool: EmulatorPool;
let scripted: ScriptedServer | undefined;
let server: AgentServer | undefined;

function describeRequests(): string {
  if (!scripted) return '(none)';
  return JSON.stringify(scripted.requests.map((request) => ({
    kind: mainRequests([request]).length ? 'main' : 'worker',
    last: lastMessageText(request).slice(0, 160),
  })), null, 1);
}

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'amux-main-it-'));
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

/** A server whose model is the scripted one, with a connected test client. */
async function setup(scripts: RoutedScripts, permissionMode: 'ask' | 'edits' | 'auto' = 'auto'): Promise<{ client: ServerTestClient; model: ScriptedServer }> {
  scripted = await startScriptedServer({ respond: routedResponder(scripts), apiKey: API_KEY });
  // The user's key is in the environment agents inherit: a worker and its commands must not get it.
  const runtime = createPtyRuntime(pool, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp, LC_ALL: 'C', ANTHROPIC_API_KEY: USER_KEY }, scrollback: 1000, killGraceMs: 500, channelDir: tmp,
  });
  server = new AgentServer({
    runtime,
    ...scriptedModel(scripted, MODEL, API_KEY),
    cwd: tmp,
    workers: builtWorkers(permissionMode),
  });
  return { client: new ServerTestClient(server, () => `requests: ${describeRequests()}`), model: scripted };
}

const overloaded: ReplyPlan = { status: 529, errorType: 'overloaded_error', message: 'Overloaded' };

describe('chat', () => {
  it('streams the reply into one growing entry, then closes it; the meter shows the API\'s final cumulative usage', async () => {
    const text = 'Hello! I am the main agent, streaming this reply in several pieces.';
    const { client, model } = await setup({
      main: planList('main', [{
        text: chunks(text, 12),
        delayMs: 60,
        usage: { input: 120, output: 45, cacheRead: 300, cacheWrite: 50 },
        usageSteps: [{ output: 10 }, { output: 30, cacheRead: 300 }],
      }]),
    });
    client.send({ type: 'chat', text: 'hello' });
    const reply = await client.waitForReply(text);
    await client.waitForIdle();

    const user = client.entries('user');
    expect(user.map((entry) => entry.text)).toEqual(['hello']);
    expect(reply.id).toBeGreaterThan(user[0].id);
    const versions = client.versions(reply.id);
    const open = versions.filter((version) => version.open);
    // Streamed: several open versions, each longer than the last, then one closed version.
    expect(new Set(open.map((version) => version.text)).size).toBeGreaterThanOrEqual(2);
    for (const [index, version] of versions.entries()) {
      if (index > 0) expect(version.text.startsWith(versions[index - 1].text), `version ${index}: ${JSON.stringify(version.text)}`).toBe(true);
      expect(version.open === true, `version ${index} open`).toBe(index < versions.length - 1);
    }
    expect(versions.at(-1)).toMatchObject({ role: 'assistant', text });
    expect(client.chat().filter((entry) => entry.role === 'assistant')).toHaveLength(1);

    const usage = client.session()?.mainUsage;
    expect(usage?.total).toEqual({ input: 120, output: 45, cacheRead: 300, cacheWrite: 50 });
    expect(usage?.model).toBe(MODEL);
    expect(usage?.costUsd).toBeGreaterThan(0);
    expect(model.requests).toHaveLength(1);
    expect(model.requests[0].messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hello' }] }]);
    expect(client.errors()).toEqual([]);
  });

  it('suggests /compact once the conversation fills most of the model\'s context, once', async () => {
    const { client } = await setup({
      main: planList('main', [
        { text: ['Half full.'], usage: { input: 500_000, output: 10 } },
        { text: ['Nearly full.'], usage: { input: 850_000, output: 10 } },
        { text: ['Fuller still.'], usage: { input: 900_000, output: 10 } },
      ]),
    });
    for (const [text, reply] of [['one', 'Half full.'], ['two', 'Nearly full.'], ['three', 'Fuller still.']]) {
      client.send({ type: 'chat', text });
      await client.waitForReply(reply);
      await client.waitForIdle();
    }
    const hints = client.entries('notice').map((entry) => entry.text);
    expect(hints).toEqual(['the conversation fills 85% of the model\'s context: /compact makes room']);
    const hint = client.entries('notice')[0];
    expect(hint.id).toBeGreaterThan(client.chat().find((entry) => entry.text === 'Nearly full.')!.id);
  });

  it('shows the last words that came in quick succession while the stream pauses', async () => {
    const replyMayGoOn = new Gate();
    const { client } = await setup({
      main: planList('main', [{ text: ['Let me ', 'think about ', 'that.', ' Done.'], pause: { afterChunks: 3, until: replyMayGoOn.opened } }]),
    });
    client.send({ type: 'chat', text: 'hello' });
    const shown = await client.waitFor('all the words before the pause', () => client.chat().find((entry) => entry.role === 'assistant' && entry.text === 'Let me think about that.'));
    expect(shown.open).toBe(true);
    replyMayGoOn.open();
    await client.waitForReply('Let me think about that. Done.');
    await client.waitForIdle();
  });
});

describe('spawning through the model', () => {
  it('starts a worker from spawn_agent; when it finishes, the flash comes first, then exactly one new turn tells the user', async () => {
    writeFileSync(join(tmp, 'auth.ts'), 'export function login() { /* TODO: rate limit */ }\n');
    const task = 'Run a security audit of the auth module';
    const result = 'Found two medium issues in session handling.\nDetails: tokens never expire; no rate limit on login.';
    const wakeUp = 'Your security audit is complete: two medium issues in session handling.';
    const { client, model } = await setup({
      main: planList('main', [
        { text: ['I\'ll hand that to ', 'a background agent.'], toolUses: [{ name: 'spawn_agent', input: { task } }] },
        { text: ['Started it; ', 'I will tell you when it is done.'] },
        { text: chunks(wakeUp, 16) },
      ]),
      worker: planList('worker', [
        { text: ['Reading the auth module.'], toolUses: [{ name: 'read_file', input: { path: 'auth.ts' } }], usage: { input: 200, output: 20 } },
        { text: chunks(result, 20), usage: { input: 300, output: 40, cacheRead: 100 } },
      ]),
    });
    client.send({ type: 'chat', text: 'run a security audit of the auth module in the background' });

    const name = 'security-audit-auth-module';
    const started = await client.waitFor('the worker to appear', () => client.agentVersions(name)[0]);
    expect(started).toMatchObject({ name, kind: 'claude', state: 'running', task, cwd: tmp });
    const flash = await client.waitFor('the worker to finish', () => client.flash(name), 15_000);
    expect(flash).toMatchObject({ name, word: 'finished', summary: 'Found two medium issues in session handling.' });
    const reply = await client.waitForReply(wakeUp);
    await client.waitForIdle();

    const info = client.agent(name);
    expect(info).toMatchObject({ state: 'finished', exitCode: 0, result });
    expect(info?.usage?.total).toEqual({ input: 500, output: 60, cacheRead: 100, cacheWrite: 0 });
    expect(info?.usage?.model).toBe(MODEL);

    // The worker ran its own conversation: the task, then the file's content as a tool result.
    const worker = workerRequests(model.requests);
    expect(worker).toHaveLength(2);
    expect(lastToolResults(worker[1])).toEqual([expect.objectContaining({ content: expect.stringContaining('TODO: rate limit'), isError: false })]);

    // The main agent: spawn, its tool result, then one turn for the notification, added exactly once.
    const main = mainRequests(model.requests);
    expect(main).toHaveLength(3);
    const opening = notificationOpening(name, 'finished');
    expect(lastToolResults(main[1])).toEqual([expect.objectContaining({ content: expect.stringContaining(`Started ${name}`), isError: false })]);
    expect(main.map((request) => lastMessageText(request).includes(opening))).toEqual([false, false, true]);
    expect(userMessagesContaining(main[2], opening)).toBe(1);
    expect(lastMessageText(main[2])).toContain(result);
    expect(conversationProblems(main[2])).toEqual([]);

    // In the chat: the tool line, the flash line, then the wake-up reply after it.
    const chat = client.chat();
    const flashEntry = chat.find((entry) => entry.role === 'event' && entry.flash?.name === name);
    expect(flashEntry?.text).toMatch(new RegExp(`^${name} finished · after \\d+s · (?:exit 0 · )?Found two medium issues in session handling\\.$`));
    expect(reply.id).toBeGreaterThan(flashEntry!.id);
    expect(chat.filter((entry) => entry.role === 'tool').map((entry) => entry.text)).toEqual([`spawn_agent ${JSON.stringify(task)} → started ${name}`]);
    expect(chat.filter((entry) => entry.role === 'assistant' && entry.text === wakeUp)).toHaveLength(1);
    expect(client.of('flash')).toHaveLength(1);
    expect(client.errors()).toEqual([]);
    expect(chat.filter((entry) => entry.role === 'error')).toEqual([]);
  });
});

describe('notifications while the main agent is busy', () => {
  it('delivers agents that ended mid-turn at the next turn, each exactly once', async () => {
    const slow = chunks('This reply takes its time to arrive, word by word, while agents end in the background. '.repeat(2), 6);
    const replyMayGoOn = new Gate();
    const { client, model } = await setup({
      main: planList('main', [
        { text: slow, delayMs: 20, pause: { afterChunks: 1, until: replyMayGoOn.opened } },
        { text: ['Both quick commands finished.'] },
      ]),
    });
    client.send({ type: 'chat', text: 'tell me a long story' });
    const first = await client.waitFor('the first text of the slow reply', () => client.chat().find((entry) => entry.role === 'assistant' && entry.text !== ''));
    client.send({ type: 'run', command: 'echo quick-one-output', name: 'quick-one', cwd: tmp });
    client.send({ type: 'run', command: 'echo quick-two-output', name: 'quick-two', cwd: tmp });
    await client.waitFor('both commands to end', () => client.flash('quick-one') && client.flash('quick-two'));
    // Both ended while the slow reply was still streaming.
    expect(client.versions(first.id).at(-1)?.open, 'the slow reply is still streaming').toBe(true);
    expect(client.session()?.busy).toBe(true);
    replyMayGoOn.open();

    await client.waitForReply('Both quick commands finished.');
    await client.waitForIdle();
    const main = mainRequests(model.requests);
    expect(main).toHaveLength(2);
    expect(lastMessageText(main[0])).not.toContain('<agent-notification');
    for (const name of ['quick-one', 'quick-two']) {
      const opening = notificationOpening(name, 'finished');
      expect(userMessagesContaining(main[1], opening), name).toBe(1);
      expect(lastMessageText(main[1])).toContain(opening);
      expect(lastMessageText(main[1])).toContain(`${name}-output`);
    }
    expect(main[1].messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(conversationProblems(main[1])).toEqual([]);
    expect(client.reply(slow.join('').trim())).toBeDefined();
    expect(client.errors()).toEqual([]);
  });
});

describe('faults', () => {
  it('retries an overloaded (529) request and says so in the chat', async () => {
    const { client, model } = await setup({ main: planList('main', [overloaded, { text: ['Fine now.'] }]) });
    client.send({ type: 'chat', text: 'hello' });
    await client.waitForReply('Fine now.');
    await client.waitForIdle();
    expect(client.entries('notice').map((entry) => entry.text)).toEqual(['retrying (2/5) after overloaded']);
    expect(client.entries('error')).toEqual([]);
    expect(mainRequests(model.requests)).toHaveLength(2);
  });

  it('replaces the partial text of a stream broken by an overloaded error event, without duplicating it', async () => {
    const { client, model } = await setup({
      main: planList('main', [
        { text: ['partial ', 'answer ', 'that ', 'breaks ', 'off'], delayMs: 60, midStreamError: { type: 'overloaded_error', message: 'Overloaded' }, afterChunks: 3 },
        { text: ['The whole ', 'answer.'] },
      ]),
    });
    client.send({ type: 'chat', text: 'hello' });
    const reply = await client.waitForReply('The whole answer.');
    await client.waitForIdle();
    // The partial text was shown, in the same entry that then carries the whole answer.
    expect(client.versions(reply.id).some((version) => version.text.includes('partial'))).toBe(true);
    expect(client.entries('assistant').filter((entry) => entry.text !== '')).toEqual([reply]);
    expect(client.chat().some((entry) => entry.text.includes('partial'))).toBe(false);
    expect(client.entries('notice').map((entry) => entry.text)).toEqual(['retrying (2/5) after overloaded']);
    const main = mainRequests(model.requests);
    expect(main).toHaveLength(2);
    expect(main[1].messages).toEqual(main[0].messages);
  });

  it('stops at a refused key (401): one error that names the API key, no retry', async () => {
    const { client, model } = await setup({
      main: planList('main', [{ status: 401, errorType: 'authentication_error', message: 'invalid x-api-key' }, { text: ['never'] }]),
    });
    client.send({ type: 'chat', text: 'hello' });
    await client.waitFor('an error entry', () => client.entries('error').length > 0);
    await client.waitForIdle();
    const errors = client.entries('error');
    expect(errors).toHaveLength(1);
    expect(errors[0].text).toMatch(/API key/);
    expect(errors[0].text).toContain('ANTHROPIC_API_KEY');
    expect(errors[0].text).not.toContain(API_KEY);
    expect(client.entries('notice')).toEqual([]);
    expect(model.requests).toHaveLength(1);
  });

  it('gives up after five failed attempts with an error, and the conversation stays well-formed for the next message', async () => {
    const serverError: ReplyPlan = { status: 500, errorType: 'api_error', message: 'Internal server error' };
    const { client, model } = await setup({
      main: planList('main', [
        { text: ['Let me look at the agents.'], toolUses: [{ name: 'list_agents', input: {} }] },
        serverError, serverError, serverError, serverError, serverError,
        { text: ['Back again.'] },
      ]),
    });
    client.send({ type: 'chat', text: 'what runs?' });
    await client.waitFor('an error entry', () => client.entries('error').length > 0);
    await client.waitForIdle();
    expect(client.entries('error').map((entry) => entry.text)).toEqual([expect.stringMatching(/failed 5 times, giving up \(last: server error 500/)]);
    expect(client.entries('notice').map((entry) => entry.text)).toEqual([2, 3, 4, 5].map((attempt) => `retrying (${attempt}/5) after server error 500`));
    expect(mainRequests(model.requests)).toHaveLength(6);

    client.send({ type: 'chat', text: 'are you there?' });
    await client.waitForReply('Back again.');
    await client.waitForIdle();
    const main = mainRequests(model.requests);
    expect(main).toHaveLength(7);
    const last = main[6];
    expect(conversationProblems(last)).toEqual([]);
    expect(last.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(lastToolResults(last)).toEqual([expect.objectContaining({ content: 'No agents.', isError: false })]);
    expect(lastMessageText(last)).toContain('are you there?');
    expect(client.entries('error')).toHaveLength(1);
  });
});

describe('interrupt', () => {
  it('stops a slow stream with a notice; the next message works', async () => {
    const { client, model } = await setup({
      main: planList('main', [
        { text: chunks('A very slow answer that the user will not wait for. '.repeat(4), 5), delayMs: 50 },
        { text: ['Here again.'] },
      ]),
    });
    client.send({ type: 'interrupt' });
    expect(client.errors()).toEqual(['nothing to interrupt']);
    client.send({ type: 'chat', text: 'tell me everything' });
    await client.waitFor('the slow reply to start', () => client.chat().some((entry) => entry.role === 'assistant' && entry.text !== ''));
    client.send({ type: 'interrupt' });
    await client.waitFor('the interrupted notice', () => client.entries('notice').some((entry) => entry.text === 'interrupted'));
    await client.waitForIdle();
    expect(client.errors()).toEqual(['nothing to interrupt']);
    expect(client.entries('error')).toEqual([]);

    client.send({ type: 'chat', text: 'still there?' });
    await client.waitForReply('Here again.');
    await client.waitForIdle();
    const main = mainRequests(model.requests);
    expect(main).toHaveLength(2);
    expect(conversationProblems(main[1])).toEqual([]);
    expect(lastMessageText(main[1])).toContain('still there?');
    expect(client.chat().every((entry) => !entry.open)).toBe(true);
  });
});

describe('the main agent\'s bash', () => {
  it('runs without model credentials, although the user\'s own commands have them', async () => {
    const { client, model } = await setup({
      main: planList('main', [
        { toolUses: [{ name: 'bash', input: { command: 'echo "key=${ANTHROPIC_API_KEY:-none}"' } }] },
        { text: ['No key.'] },
      ]),
    }, 'auto');
    client.send({ type: 'chat', text: 'look for a key' });
    await client.waitForReply('No key.');
    expect(lastToolResults(mainRequests(model.requests)[1])[0].content).toContain('key=none');
    client.send({ type: 'run', name: 'mine', command: 'echo "key=${ANTHROPIC_API_KEY:-none}"', cwd: tmp });
    await client.waitFor('the user\'s command to end', () => client.flash('mine'));
    expect(client.agent('mine')?.lastLine).toBe(`key=${USER_KEY}`);
  });

  it('runs in the foreground; Ctrl+B moves it to the background, and its end is notified exactly once', async () => {
    const { client, model } = await setup({
      main: planList('main', [
        { toolUses: [{ name: 'bash', input: { command: 'sleep 5; echo done' } }] },
        { text: ['It keeps running in the background.'] },
        { text: ['The sleep finished and printed done.'] },
      ]),
    }, 'auto');
    client.send({ type: 'chat', text: 'sleep a while' });
    const name = await client.waitFor('a foreground run', () => client.session()?.foreground);
    expect(name).toBe('sleep-echo');
    expect(client.agent(name)).toMatchObject({ kind: 'command', state: 'running', task: 'sleep 5; echo done' });
    expect(client.entries('notice')).toEqual([]); // auto: no question

    client.send({ type: 'background' });
    expect(client.errors()).toEqual([]);
    await client.waitForReply('It keeps running in the background.');
    const main = mainRequests(model.requests);
    expect(lastToolResults(main[1])).toEqual([expect.objectContaining({ content: expect.stringContaining(`moved to background as ${name}`), isError: false })]);
    expect(client.session()?.foreground).toBeUndefined();
    expect(client.agent(name)?.state).toBe('running');
    client.send({ type: 'background' });
    expect(client.errors()).toEqual(['nothing runs in the foreground']);

    await client.waitForReply('The sleep finished and printed done.', 12_000);
    await client.waitForIdle();
    expect(client.flash(name)).toMatchObject({ word: 'finished', exitCode: 0 });
    const all = mainRequests(model.requests);
    expect(all).toHaveLength(3);
    const opening = notificationOpening(name, 'finished');
    expect(all.map((request) => lastMessageText(request).includes(opening))).toEqual([false, false, true]);
    expect(userMessagesContaining(all[2], opening)).toBe(1);
    expect(lastMessageText(all[2])).toContain('done');
    expect(conversationProblems(all[2])).toEqual([]);
  });

  it('asks in the chat in ask mode: n denies (tool error), y runs it', async () => {
    const { client, model } = await setup({
      main: planList('main', [
        { toolUses: [{ name: 'bash', input: { command: 'touch approved.txt' } }] },
        { text: ['OK, I will not.'] },
        { toolUses: [{ name: 'bash', input: { command: 'touch approved.txt' } }] },
        { text: ['Created it.'] },
      ]),
    }, 'ask');
    client.send({ type: 'chat', text: 'make the file' });
    await client.waitFor('the question', () => client.entries('notice').find((entry) => entry.text.includes('Allow bash: touch approved.txt?')));
    expect(client.entries('notice').at(-1)?.text).toMatch(/y \(yes\), n \(no\) or a \(always\)/);
    client.send({ type: 'chat', text: 'n' });
    await client.waitForReply('OK, I will not.');
    let main = mainRequests(model.requests);
    expect(lastToolResults(main[1])).toEqual([expect.objectContaining({ isError: true, content: expect.stringContaining('denied') })]);
    expect(client.of('agent')).toEqual([]);
    expect(existsSync(join(tmp, 'approved.txt'))).toBe(false);
    await client.waitForIdle();

    client.send({ type: 'chat', text: 'please, make it' });
    await client.waitFor('the second question', () => client.entries('notice').filter((entry) => entry.text.includes('Allow bash')).length === 2);
    client.send({ type: 'chat', text: 'y' });
    await client.waitForReply('Created it.');
    await client.waitForIdle();
    main = mainRequests(model.requests);
    expect(main).toHaveLength(4);
    expect(lastToolResults(main[3])).toEqual([expect.objectContaining({ isError: false, content: expect.stringContaining('exit code 0') })]);
    expect(existsSync(join(tmp, 'approved.txt'))).toBe(true);
    expect(client.of('flash')).toEqual([]); // a foreground run that ended is the tool's result, not a notification
    expect(conversationProblems(main[3])).toEqual([]);
  });
});

describe('interrupting tool calls', () => {
  it('Ctrl+C during a foreground bash stops the command; the next message works', async () => {
    const { client, model } = await setup({
      main: planList('main', [
        { toolUses: [{ name: 'bash', input: { command: 'sleep 30' } }] },
        { text: ['Fresh start.'] },
      ]),
    }, 'auto');
    client.send({ type: 'chat', text: 'wait a long time' });
    const name = await client.waitFor('a foreground run', () => client.session()?.foreground);
    client.send({ type: 'interrupt' });
    await client.waitFor('the interrupted notice', () => client.entries('notice').some((entry) => entry.text === 'interrupted'));
    await client.waitForIdle();
    await client.waitFor(`${name} to end`, () => client.agent(name)?.state === 'killed');
    expect(client.session()?.foreground).toBeUndefined();
    expect(client.of('flash')).toEqual([]);
    expect(client.errors()).toEqual([]);

    client.send({ type: 'chat', text: 'and now?' });
    await client.waitForReply('Fresh start.');
    await client.waitForIdle();
    const main = mainRequests(model.requests);
    expect(main).toHaveLength(2);
    expect(conversationProblems(main[1])).toEqual([]);
    expect(lastToolResults(main[1])).toEqual([expect.objectContaining({ isError: true })]);
    expect(lastMessageText(main[1])).toContain('and now?');
  });

  it('Ctrl+C while a bash question waits denies it; a notification that arrives meanwhile comes at the next turn', async () => {
    const { client, model } = await setup({
      main: planList('main', [
        { toolUses: [{ name: 'bash', input: { command: 'touch never.txt' } }] },
        { text: ['quick ended.'] },
        { text: ['Yes to what?'] },
      ]),
    }, 'ask');
    client.send({ type: 'chat', text: 'touch it' });
    await client.waitFor('the question', () => client.entries('notice').some((entry) => entry.text.includes('Allow bash: touch never.txt?')));
    client.send({ type: 'run', command: 'echo quick', name: 'quick', cwd: tmp });
    await client.waitFor('quick to end', () => client.flash('quick'));
    client.send({ type: 'interrupt' });
    await client.waitForReply('quick ended.');
    await client.waitForIdle();
    expect(client.entries('notice').map((entry) => entry.text)).toContain('interrupted');
    expect(existsSync(join(tmp, 'never.txt'))).toBe(false);
    const main = mainRequests(model.requests);
    expect(main).toHaveLength(2);
    expect(conversationProblems(main[1])).toEqual([]);
    expect(lastToolResults(main[1])).toEqual([expect.objectContaining({ isError: true })]);
    expect(userMessagesContaining(main[1], notificationOpening('quick'))).toBe(1);

    // The question is gone: a later "y" is an ordinary message, not an answer.
    client.send({ type: 'chat', text: 'y' });
    await client.waitForReply('Yes to what?');
    expect(mainRequests(model.requests)).toHaveLength(3);
    expect(existsSync(join(tmp, 'never.txt'))).toBe(false);
    expect(client.errors()).toEqual([]);
  });
});

describe('the report channel', () => {
  it('holds against a worker\'s own command: no secret or key to read in /proc, nothing forged through its terminal or its channel', async () => {
    const name = 'checker';
    const realResult = 'Real result: the channel held.';
    const forgedUsage = { type: 'usage', meter: { model: MODEL, total: { input: 1e15, output: 1e15, cacheRead: 0, cacheWrite: 0 }, costUsd: 999999, contextTokens: 5 } };
    const forgedWaiting = { type: 'state', state: 'waiting', question: 'forged question' };
    const forgedResult = { type: 'result', outcome: 'finished', text: 'forged result' };
    const base64 = (report: unknown) => Buffer.from(JSON.stringify(report)).toString('base64');
    // The attack of the security review, from the worker's own bash: read its parent's environment for a secret and the
    // key, then write reports to the parent's terminal (/proc/$PPID/fd/1), in the old form and as channel messages, and
    // try the channel itself.
    const attack = [
      'tr "\\0" "\\n" < /proc/$PPID/environ > parent-env.txt',
      'secret=$(grep "^AGENTMUX_REPORT_SECRET=" parent-env.txt | cut -d= -f2)',
      ...[forgedUsage, forgedWaiting, forgedResult].map((report) => `printf '\\033]7717;%s;%s\\007' "$secret" '${base64(report)}' > /proc/$PPID/fd/1`),
      ...[forgedUsage, forgedWaiting, forgedResult].map((report) => `echo '${JSON.stringify(report)}' > /proc/$PPID/fd/1`),
      `channel=$(grep "^AGENTMUX_CHANNEL=" parent-env.txt | cut -d= -f2); echo "channel: $channel"`,
      `"${process.execPath}" -e 'const s = require("node:net").connect(process.argv[1]); s.on("connect", () => { s.write(${JSON.stringify(JSON.stringify(forgedResult) + '\n')}); console.log("connected"); s.end(); }); s.on("error", (e) => console.log("channel refused: " + e.code));' "$channel"`,
    ].join('\n');
    const { client, model } = await setup({
      main: () => ({ text: ['Noted.'] }),
      worker: (_request, index) => (index === 0
        ? { toolUses: [{ name: 'bash', input: { command: attack } }], usage: { input: 100, output: 20 } }
        : { text: [realResult], usage: { input: 150, output: 30 } }),
    }, 'auto');
    client.send({ type: 'spawn', task: 'Check the report channel', name, cwd: tmp });
    expect(client.errors()).toEqual([]);
    const flash = await client.waitFor('the checker to end', () => client.flash(name), 15_000);
    expect(flash).toMatchObject({ word: 'finished', summary: realResult });

    // What the worker's process had in its environment: no secret, no key of any kind.
    const parentEnv = readFileSync(join(tmp, 'parent-env.txt'), 'utf8');
    expect(parentEnv).toContain('AGENTMUX_AGENT=checker');
    expect(parentEnv).not.toMatch(/AGENTMUX_REPORT_SECRET|ANTHROPIC_API_KEY/);
    expect(parentEnv).not.toContain(API_KEY);
    expect(parentEnv).not.toContain(USER_KEY);
    // The command did run its attack: its output went to the model.
    const commandOutput = lastToolResults(workerRequests(model.requests)[1])[0].content;
    expect(commandOutput).toMatch(/channel: \/.*channel\n/);
    expect(commandOutput).toMatch(/channel refused: (ENOENT|ECONNREFUSED)/);

    // Nothing forged took: no waiting, no question, the real result, the meter of the API's usage.
    const versions = client.agentVersions(name);
    expect(versions.map((info) => info.state).filter((state) => state !== 'running')).toEqual(['finished']);
    expect(versions.some((info) => info.question !== undefined)).toBe(false);
    expect(new Set(versions.filter((info) => info.result !== undefined).map((info) => info.result))).toEqual(new Set([realResult]));
    expect(versions.at(-1)?.usage).toMatchObject({ model: MODEL, total: { input: 250, output: 50, cacheRead: 0, cacheWrite: 0 }, costUsd: (250 * 2 + 50 * 10) / 1e6 });
    expect(client.of('flash')).toHaveLength(1);

    // The main agent hears the real result.
    await client.waitForReply('Noted.');
    await client.waitForIdle();
    const main = mainRequests(model.requests);
    expect(main).toHaveLength(1);
    expect(lastMessageText(main[0])).toContain(realResult);
    expect(lastMessageText(main[0])).not.toContain('forged');
  });
});

describe('agents sharing a checkout', () => {
  it('flashes once, naming both agents and the file, when two running workers write the same file; one elsewhere is no clash', async () => {
    const firstMayFinish = new Gate();
    const writeNotes = (text: string): ReplyPlan => ({ text: ['Writing the notes.'], toolUses: [{ name: 'write_file', input: { path: 'docs/notes.md', content: text } }] });
    const { client } = await setup({
      worker: (_request, index, task) => {
        if (index === 0) return writeNotes(task);
        return task === 'first' ? { text: ['Done.'], pause: { afterChunks: 0, until: firstMayFinish.opened } } : { text: ['Done.'] };
      },
    });
    const elsewhere = join(tmp, 'elsewhere');
    mkdirSync(elsewhere);
    client.send({ type: 'spawn', task: 'first', name: 'first', cwd: tmp });
    await client.waitFor('the first worker to write', () => existsSync(join(tmp, 'docs/notes.md')) || undefined);
    client.send({ type: 'spawn', task: 'third', name: 'third', cwd: elsewhere });
    await client.waitFor('the worker elsewhere to finish', () => client.flash('third'));
    client.send({ type: 'spawn', task: 'second', name: 'second', cwd: tmp });
    const shared = await client.waitFor('the shared-file flash', () => client.of('flash').find((event) => event.flash.word === 'shares a file')?.flash);
    expect(shared).toMatchObject({ name: 'second', summary: 'docs/notes.md, which first writes too: give each its own worktree (--worktree)' });
    await client.waitFor('the second worker to finish', () => client.of('flash').find((event) => event.flash.name === 'second' && event.flash.word === 'finished'));
    firstMayFinish.open();
    await client.waitFor('the first worker to finish', () => client.of('flash').find((event) => event.flash.name === 'first' && event.flash.word === 'finished'));
    expect(client.of('flash').filter((event) => event.flash.word === 'shares a file')).toHaveLength(1);
    const line = client.chat().find((entry) => entry.role === 'event' && entry.flash?.word === 'shares a file');
    expect(line?.text).toMatch(/^second shares a file · after \d+s · docs\/notes\.md, which first writes too: give each its own worktree \(--worktree\)$/);
  });
});
