// A workspace that outlives its server: the AgentServer with a state directory, the real pty runtime,
// the real model client (Anthropic SDK) against the scripted Messages API server on loopback, and
// built-in workers as real processes (`node dist/cli/main.js worker`). A server that "dies" is
// followed by a second one on the same state directory, opened as the ServerHost opens a workspace
// (openSession, then restore). Tests look at what a client sees and at what lands on disk.
// Run `npm run build` first.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/core/agent.js';
import type { SessionChoice } from '../../src/core/protocol.js';
import { startScriptedServer, type MessagesRequestBody, type ScriptedServer } from '../../src/llm/scripted-server.js';
import { EmulatorPool } from '../../src/pty/emulator-pool.js';
import { createPtyRuntime } from '../../src/pty/pty-runtime.js';
import { AgentServer } from '../../src/server/agent-server.js';
import {
  conversationProblems, Gate, lastMessageText, mainRequests, messageText, notificationOpening, planList, routedResponder,
  userMessagesContaining, workerRequests, type RoutedScripts,
} from '../support/model-scripts.js';
import { builtWorkers, scriptedModel } from '../support/scripted-model-access.js';
import { ServerTestClient, waitUntil } from '../support/server-test-client.js';

/** Long enough to be redacted, easy to grep for. */
const API_KEY = 'sk-test-key-0123456789';
const MODEL = 'claude-sonnet-5-5';
const WAIT_MS = 30_000;
/** Several waits per test, on 2 cores that other test runs may share. */
const TEST_MS = 120_000;

let tmp: string;
let stateDir: string;
let pool: EmulatorPool;
let scripted: ScriptedServer | undefined;
/** Every server a test started, disposed after it (a "dead" one only then, so its processes go). */
let servers: AgentServer[];

function describeRequests(): string {
  if (!scripted) return '(none)';
  return JSON.stringify(scripted.requests.map((request) => ({
    kind: mainRequests([request]).length ? 'main' : 'worker',
    last: lastMessageText(request).slice(0, 160),
  })), null, 1);
}

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'amux-sessions-it-'));
  stateDir = join(tmp, 'state');
  pool = new EmulatorPool();
  servers = [];
});

afterEach(async () => {
  for (const server of servers) server.dispose();
  servers = [];
  await pool.dispose();
  await scripted?.close();
  scripted = undefined;
  rmSync(tmp, { recursive: true, force: true });
});

/** The scripted model, shared by every server of the test. */
async function startModel(scripts: RoutedScripts): Promise<ScriptedServer> {
  scripted = await startScriptedServer({ respond: routedResponder(scripts), apiKey: API_KEY });
  return scripted;
}

/**
 * A server on the test's state directory, opened as the ServerHost opens a workspace: the chosen
 * session (none for `current`), then what an earlier server left; then a client connects.
 */
async function openWorkspace(choice: SessionChoice = { kind: 'current' }): Promise<{ server: AgentServer; client: ServerTestClient; logged: string[] }> {
  const model = scripted;
  if (!model) throw new Error('start the model first');
  const logged: string[] = [];
  const server = new AgentServer({
    runtime: createPtyRuntime(pool, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp, LC_ALL: 'C' }, scrollback: 1000, killGraceMs: 500 }),
    ...scriptedModel(model, MODEL, API_KEY),
    cwd: tmp,
    workers: builtWorkers('auto'),
    stateDir,
    log: (line) => logged.push(line),
  });
  servers.push(server);
  const refused = choice.kind === 'current' ? undefined : server.openSession(choice);
  if (refused) throw new Error(`openSession(${JSON.stringify(choice)}) refused: ${refused}`);
  await server.restore();
  return { server, client: new ServerTestClient(server, () => `requests: ${describeRequests()}`, undefined, WAIT_MS), logged };
}

const sessionsDir = (): string => join(stateDir, 'sessions');

/** The session files' ids. */
function sessionIds(): string[] {
  if (!existsSync(sessionsDir())) return [];
  return readdirSync(sessionsDir()).filter((name) => name.endsWith('.jsonl')).map((name) => name.slice(0, -'.jsonl'.length)).sort();
}

const sessionFile = (id: string): string => join(sessionsDir(), `${id}.jsonl`);

function sessionRecords(id: string): Array<Record<string, unknown>> {
  return readFileSync(sessionFile(id), 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The conversation a request carried, as role and text (stable whatever block shapes the SDK sends). */
function said(request: MessagesRequestBody): Array<[string, string]> {
  return request.messages.map((message) => [message.role, messageText(message)]);
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

describe('the main conversation across servers', () => {
  it('continues after the server is gone: the welcome shows the earlier lines and the next request carries them', async () => {
    const model = await startModel({ main: planList('main', [{ text: ['Hello there, ', 'friend.'] }, { text: ['Hello again.'] }]) });
    const first = await openWorkspace();
    first.client.send({ type: 'chat', text: 'hello' });
    await first.client.waitForReply('Hello there, friend.');
    await first.client.waitForIdle();
    const id = first.client.session()?.id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(sessionIds()).toEqual([id]);

    // The first server "dies" (never stopped); a new one opens the workspace with --continue.
    const second = await openWorkspace({ kind: 'continue' });
    const { client } = second;
    expect(second.logged).toEqual([]);
    const welcome = client.welcome();
    expect(welcome.session.id).toBe(id);
    expect(welcome.chat.filter((entry) => entry.role === 'user' || entry.role === 'assistant').map((entry) => [entry.role, entry.text]))
      .toEqual([['user', 'hello'], ['assistant', 'Hello there, friend.']]);
    expect(welcome.chat.every((entry) => !entry.open)).toBe(true);

    client.send({ type: 'chat', text: 'again' });
    await client.waitForReply('Hello again.');
    await client.waitForIdle();
    const main = mainRequests(model.requests);
    expect(main).toHaveLength(2);
    expect(said(main[1])).toEqual([['user', 'hello'], ['assistant', 'Hello there, friend.'], ['user', 'again']]);
    expect(main[1].messages[0]).toEqual(main[0].messages[0]);
    expect(conversationProblems(main[1])).toEqual([]);
    // The chat shows the new line after the earlier ones, with ids that do not collide.
    const chat = client.chat();
    expect(chat.filter((entry) => entry.role === 'user').map((entry) => entry.text)).toEqual(['hello', 'again']);
    expect(new Set(chat.map((entry) => entry.id)).size).toBe(chat.length);
    expect(client.errors()).toEqual([]);
    expect(sessionIds()).toEqual([id]);
  }, TEST_MS);
});

describe('/compact', () => {
  it('replaces what the model sees with its summary, keeps the chat, and a later server reads the summary back', async () => {
    const summary = 'The developer is fixing the login bug; the cause is a stale session cookie.';
    const model = await startModel({
      main: planList('main', [
        { text: ['The login fails because the session cookie is stale.'] },
        { text: [summary] },
        { text: ['Yes: clear the cookie on logout.'] },
        { text: ['Still the stale cookie.'] },
      ]),
    });
    const { client } = await openWorkspace();
    client.send({ type: 'compact' });
    expect(client.errors()).toEqual(['nothing to compact yet: the conversation has no replies']);

    client.send({ type: 'chat', text: 'why does login fail?' });
    await client.waitForReply('The login fails because the session cookie is stale.');
    await client.waitForIdle();
    client.send({ type: 'compact', instructions: 'keep the cause' });
    await client.waitFor('the compaction notice', () => client.entries('notice').find((entry) => !entry.open && entry.text.startsWith('compacted: 2 messages')));
    await client.waitForIdle();

    const compaction = mainRequests(model.requests)[1];
    expect(said(compaction).slice(0, 2)).toEqual([['user', 'why does login fail?'], ['assistant', 'The login fails because the session cookie is stale.']]);
    expect(lastMessageText(compaction)).toContain('Summarize our conversation so far');
    expect(lastMessageText(compaction)).toContain("The developer's instructions for the summary: keep the cause");
    // The chat keeps every line for the user.
    expect(client.chat().filter((entry) => entry.role === 'user' || entry.role === 'assistant').map((entry) => entry.text))
      .toEqual(['why does login fail?', 'The login fails because the session cookie is stale.']);

    client.send({ type: 'chat', text: 'so the fix is?' });
    await client.waitForReply('Yes: clear the cookie on logout.');
    await client.waitForIdle();
    const after = mainRequests(model.requests)[2];
    // One user message: the summary, then what the user said since.
    expect(after.messages).toHaveLength(1);
    expect(messageText(after.messages[0])).toMatch(/^This conversation continues an earlier one[^]*stale session cookie\.[^]*so the fix is\?$/);
    expect(messageText(after.messages[0])).not.toContain('why does login fail?');
    const id = client.session()?.id ?? '';
    expect(sessionRecords(id).filter((record) => record.type === 'compacted')).toEqual([{ type: 'compacted', summary }]);

    // A new server reads the transcript back: the summary, then what came after it.
    const second = await openWorkspace({ kind: 'continue' });
    second.client.send({ type: 'chat', text: 'remind me?' });
    await second.client.waitForReply('Still the stale cookie.');
    await second.client.waitForIdle();
    const resumed = mainRequests(model.requests)[3];
    expect(said(resumed).map(([role]) => role)).toEqual(['user', 'assistant', 'user']);
    expect(messageText(resumed.messages[0])).toContain(summary);
    expect(messageText(resumed.messages[0])).toContain('so the fix is?');
    expect(conversationProblems(resumed)).toEqual([]);
    expect(second.client.errors()).toEqual([]);
  }, TEST_MS);

  it('is refused while a turn runs, and Ctrl+C during it leaves the conversation as it was', async () => {
    const replyMayGoOn = new Gate();
    const summaryHeld = new Gate();
    const model = await startModel({
      main: planList('main', [
        { text: ['First ', 'answer.'], pause: { afterChunks: 1, until: replyMayGoOn.opened } },
        { text: ['A summary ', 'never finished.'], pause: { afterChunks: 1, until: summaryHeld.opened } },
        { text: ['Second answer.'] },
      ]),
    });
    const { client } = await openWorkspace();
    client.send({ type: 'chat', text: 'first question' });
    await client.waitFor('the reply streaming', () => client.session()?.busy === true && client.entries('assistant').length > 0);
    client.send({ type: 'compact' });
    expect(client.errors()).toEqual(['the main agent is busy: wait for its turn to end, or press Ctrl+C']);
    replyMayGoOn.open();
    await client.waitForReply('First answer.');
    await client.waitForIdle();

    client.send({ type: 'compact' });
    await client.waitFor('the summary request', () => mainRequests(model.requests).length === 2);
    client.send({ type: 'interrupt' });
    await client.waitFor('the interrupted compaction', () => client.entries('notice').find((entry) => entry.text === 'compacting interrupted: the conversation is unchanged'));
    await client.waitForIdle();

    client.send({ type: 'chat', text: 'second question' });
    await client.waitForReply('Second answer.');
    const last = mainRequests(model.requests)[2];
    expect(said(last)).toEqual([['user', 'first question'], ['assistant', 'First answer.'], ['user', 'second question']]);
    expect(client.errors()).toEqual(['the main agent is busy: wait for its turn to end, or press Ctrl+C']);
  }, TEST_MS);
});

describe('/fork and /resume', () => {
  it('/fork leaves the original transcript byte for byte; /resume goes back to it, and it grows by appending', async () => {
    const model = await startModel({
      main: planList('main', [{ text: ['First answer.'] }, { text: ['Second answer.'] }, { text: ['Third answer.'] }]),
    });
    const { client } = await openWorkspace();
    client.send({ type: 'chat', text: 'first question' });
    await client.waitForReply('First answer.');
    await client.waitForIdle();
    const originalId = client.session()?.id;
    if (!originalId) throw new Error(`no session id\n${client.describe()}`);
    expect(sessionIds()).toEqual([originalId]);
    const before = readFileSync(sessionFile(originalId));

    client.send({ type: 'fork' });
    expect(client.errors()).toEqual([]);
    const forkId = await client.waitFor('a new session id', () => {
      const now = client.session()?.id;
      return now !== originalId ? now : undefined;
    });
    expect(sessionIds()).toEqual([originalId, forkId].sort());
    expect(client.of('chatReset')).toHaveLength(1);
    expect(client.entries('notice').map((entry) => entry.text).join('\n')).toContain(`forked: this conversation goes on as session ${forkId}`);
    // The chat after the fork still shows the conversation so far.
    expect(client.chat().filter((entry) => entry.role === 'user' || entry.role === 'assistant').map((entry) => entry.text))
      .toEqual(['first question', 'First answer.']);

    client.send({ type: 'chat', text: 'second question' });
    await client.waitForReply('Second answer.');
    await client.waitForIdle();
    expect(readFileSync(sessionFile(originalId)).equals(before), 'the original transcript is unchanged').toBe(true);
    const forked = sessionRecords(forkId);
    expect(forked[0]).toMatchObject({ type: 'session', id: forkId, forkedFrom: originalId });
    const forkedMessages = forked.filter((record) => record.type === 'message')
      .map((record) => messageText(record.message as MessagesRequestBody['messages'][number]));
    expect(forkedMessages).toEqual(['first question', 'First answer.', 'second question', 'Second answer.']);
    let main = mainRequests(model.requests);
    expect(said(main[1])).toEqual([['user', 'first question'], ['assistant', 'First answer.'], ['user', 'second question']]);

    client.send({ type: 'resume', session: originalId });
    expect(client.errors()).toEqual([]);
    await client.waitFor('the original session again', () => client.session()?.id === originalId);
    expect(client.chat().filter((entry) => entry.role === 'user' || entry.role === 'assistant').map((entry) => entry.text))
      .toEqual(['first question', 'First answer.']);
    client.send({ type: 'chat', text: 'third question' });
    await client.waitForReply('Third answer.');
    await client.waitForIdle();
    main = mainRequests(model.requests);
    expect(main).toHaveLength(3);
    expect(said(main[2])).toEqual([['user', 'first question'], ['assistant', 'First answer.'], ['user', 'third question']]);
    expect(conversationProblems(main[2])).toEqual([]);

    const after = readFileSync(sessionFile(originalId));
    expect(after.length).toBeGreaterThan(before.length);
    expect(after.subarray(0, before.length).equals(before), 'the original\'s earlier bytes are a prefix of it now').toBe(true);
    const originalMessages = sessionRecords(originalId).filter((record) => record.type === 'message')
      .map((record) => messageText(record.message as MessagesRequestBody['messages'][number]));
    expect(originalMessages).toEqual(['first question', 'First answer.', 'third question', 'Third answer.']);
    // The fork kept its own conversation.
    expect(sessionRecords(forkId).filter((record) => record.type === 'message')).toHaveLength(4);
    expect(client.errors()).toEqual([]);
  }, TEST_MS);

  it('/resume without a session lists the sessions, newest first, with their titles', async () => {
    await startModel({ main: planList('main', [{ text: ['One.'] }, { text: ['Two.'] }, { text: ['Three.'] }]) });
    const { client } = await openWorkspace();
    client.send({ type: 'chat', text: 'plan the release' });
    await client.waitForReply('One.');
    await client.waitForIdle();
    const originalId = client.session()?.id;
    if (!originalId) throw new Error(`no session id\n${client.describe()}`);
    client.send({ type: 'fork' });
    const forkId = await client.waitFor('the fork\'s id', () => {
      const now = client.session()?.id;
      return now !== originalId ? now : undefined;
    });
    client.send({ type: 'chat', text: 'and the changelog' });
    await client.waitForReply('Two.');
    await client.waitForIdle();

    client.send({ type: 'resume' });
    expect(client.errors()).toEqual([]);
    const listed = await client.waitFor('a sessions event', () => client.of('sessions')[0]);
    expect(listed.sessions.map(({ id, title, messages, forkedFrom }) => ({ id, title, messages, forkedFrom }))).toEqual([
      { id: forkId, title: 'plan the release', messages: 4, forkedFrom: originalId },
      { id: originalId, title: 'plan the release', messages: 2, forkedFrom: undefined },
    ]);
    expect(client.session()?.id, 'listing does not switch').toBe(forkId);

    // Written to last, the original comes first. The fork is dated back so that the coarse clock
    // of file times cannot give both the same time.
    const earlier = new Date(Date.now() - 60_000);
    utimesSync(sessionFile(forkId), earlier, earlier);
    client.send({ type: 'resume', session: originalId.slice(0, 8) });
    await client.waitFor('the original session again', () => client.session()?.id === originalId);
    client.send({ type: 'chat', text: 'one more thing' });
    await client.waitForReply('Three.');
    await client.waitForIdle();
    client.send({ type: 'resume' });
    const relisted = await client.waitFor('a second sessions event', () => client.of('sessions')[1]);
    expect(relisted.sessions.map((session) => session.id)).toEqual([originalId, forkId]);
    expect(relisted.sessions.map((session) => session.title)).toEqual(['plan the release', 'plan the release']);
    expect(relisted.sessions[0].updatedAt).toBeGreaterThanOrEqual(relisted.sessions[1].updatedAt);
    expect(client.errors()).toEqual([]);
  }, TEST_MS);
});

describe('a finished worker continues', () => {
  it('send to an ended worker runs it again under its name with its conversation; the main agent hears of both ends', async () => {
    const task = 'Summarize the notes file';
    const model = await startModel({
      main: planList('main', [{ text: ['The summary is ready.'] }, { text: ['The follow-up is done.'] }, { text: ['The command ended.'] }]),
      worker: planList('worker', [{ text: ['First report: the notes are short.'] }, { text: ['Second report: nothing more to add.'] }]),
    });
    const { client } = await openWorkspace();
    client.send({ type: 'spawn', task, cwd: tmp });
    expect(client.errors()).toEqual([]);
    const name = await client.waitFor('the worker to appear', () => client.of('agent')[0]?.agent.name);
    await client.waitFor(`${name} to finish`, () => client.flashes(name)[0]);
    await client.waitForReply('The summary is ready.');
    await client.waitForIdle();
    expect(client.agent(name)).toMatchObject({ kind: 'claude', state: 'finished', exitCode: 0, result: 'First report: the notes are short.' });
    const transcript = join(stateDir, 'workers', `${name}.jsonl`);
    await waitUntil('the worker\'s transcript', () => existsSync(transcript), () => readdirSync(stateDir).join(', '));
    const transcriptBefore = readFileSync(transcript);
    const versionsBefore = client.agentVersions(name).length;

    client.send({ type: 'send', name, text: 'follow-up' });
    expect(client.errors()).toEqual([]);
    await client.waitFor(`${name} to finish again`, () => client.flashes(name)[1]);
    await client.waitForReply('The follow-up is done.');
    await client.waitForIdle();

    const states = client.agentVersions(name).slice(versionsBefore).map((info) => info.state);
    expect(states[0]).toBe('running');
    expect(states.at(-1)).toBe('finished');
    expect(client.agent(name)).toMatchObject({ name, kind: 'claude', task, state: 'finished', exitCode: 0, result: 'Second report: nothing more to add.' });
    expect(new Set(client.of('agent').map((event) => event.agent.name))).toEqual(new Set([name]));
    expect(client.chat().some((entry) => entry.role === 'event' && entry.text === `${name} continues: follow-up`)).toBe(true);

    const worker = workerRequests(model.requests);
    expect(worker).toHaveLength(2);
    expect(said(worker[1])).toEqual([...said(worker[0]), ['assistant', 'First report: the notes are short.'], ['user', 'follow-up']]);
    expect(conversationProblems(worker[1])).toEqual([]);

    const transcriptAfter = readFileSync(transcript);
    expect(transcriptAfter.length).toBeGreaterThan(transcriptBefore.length);
    expect(transcriptAfter.subarray(0, transcriptBefore.length).equals(transcriptBefore), 'the transcript grew by appending').toBe(true);
    expect(transcriptAfter.toString('utf8')).toContain('Second report: nothing more to add.');

    // One more notification turn, for the second end, with the second result.
    const main = mainRequests(model.requests);
    expect(main).toHaveLength(2);
    const opening = notificationOpening(name, 'finished');
    expect(lastMessageText(main[1])).toContain(opening);
    expect(lastMessageText(main[1])).toContain('Second report: nothing more to add.');
    expect(userMessagesContaining(main[1], opening)).toBe(2);
    expect(conversationProblems(main[1])).toEqual([]);

    // A command that ended has nothing to continue.
    client.send({ type: 'run', command: 'echo hi', name: 'hi-cmd', cwd: tmp });
    await client.waitFor('hi-cmd to finish', () => client.flashes('hi-cmd')[0]);
    await client.waitForReply('The command ended.');
    await client.waitForIdle();
    client.send({ type: 'send', name: 'hi-cmd', text: 'more' });
    expect(client.errors()).toEqual(['hi-cmd has ended (finished): nothing reads its input']);
    expect(client.agent('hi-cmd')?.state).toBe('finished');
    expect(mainRequests(model.requests)).toHaveLength(3);
  }, TEST_MS);
});

describe('a finished worker of an earlier server continues', () => {
  it('send after a restart continues it from its transcript, and the new server\'s main agent hears of its end', async () => {
    const task = 'Count the notes';
    const model = await startModel({
      main: planList('main', [{ text: ['Counted.'] }, { text: ['Counted again.'] }]),
      worker: planList('worker', [{ text: ['There are three notes.'] }, { text: ['Still three notes.'] }]),
    });
    const first = await openWorkspace();
    first.client.send({ type: 'spawn', task, name: 'counter', cwd: tmp });
    await first.client.waitFor('counter to finish', () => first.client.flashes('counter')[0]);
    await first.client.waitForReply('Counted.');
    await first.client.waitForIdle();
    const transcript = join(stateDir, 'workers', 'counter.jsonl');
    const transcriptBefore = readFileSync(transcript);

    const { client } = await openWorkspace({ kind: 'continue' });
    expect(client.welcome().agents).toEqual([expect.objectContaining({ name: 'counter', kind: 'claude', state: 'finished', result: 'There are three notes.' })]);
    client.send({ type: 'send', name: 'counter', text: 'count again' });
    expect(client.errors()).toEqual([]);
    await client.waitFor('counter to finish again', () => client.flashes('counter')[0]);
    await client.waitForReply('Counted again.');
    await client.waitForIdle();
    expect(client.agentVersions('counter').slice(1).map((info) => info.state)).toEqual(expect.arrayContaining(['running', 'finished']));
    expect(client.agent('counter')).toMatchObject({ state: 'finished', exitCode: 0, result: 'Still three notes.' });

    const worker = workerRequests(model.requests);
    expect(worker).toHaveLength(2);
    expect(said(worker[1])).toEqual([...said(worker[0]), ['assistant', 'There are three notes.'], ['user', 'count again']]);
    const transcriptAfter = readFileSync(transcript);
    expect(transcriptAfter.subarray(0, transcriptBefore.length).equals(transcriptBefore), 'the transcript grew by appending').toBe(true);
    expect(transcriptAfter.length).toBeGreaterThan(transcriptBefore.length);

    const main = mainRequests(model.requests);
    expect(main).toHaveLength(2);
    expect(lastMessageText(main[1])).toContain(notificationOpening('counter'));
    expect(lastMessageText(main[1])).toContain('Still three notes.');
    expect(userMessagesContaining(main[1], notificationOpening('counter'))).toBe(2);
    expect(conversationProblems(main[1])).toEqual([]);
  }, TEST_MS);
});

describe('restore after a crash', () => {
  it('marks agents that were running lost and tells the main agent once; agents it was told about stay told', async () => {
    const model = await startModel({
      main: planList('main', [{ text: ['done-cmd printed done.'] }, { text: ['sleeper was lost; stopped was killed.'] }, { text: ['Nothing new.'] }]),
    });
    const first = await openWorkspace();
    // Told before the crash: it ends while the main agent is idle, which takes a turn for it.
    first.client.send({ type: 'run', command: 'echo done', name: 'done-cmd', cwd: tmp });
    await first.client.waitForReply('done-cmd printed done.');
    await first.client.waitForIdle();
    // Stopped by the user: the main agent is to hear of it at its next turn, which never comes on this server.
    first.client.send({ type: 'run', command: 'sleep 31', name: 'stopped', cwd: tmp });
    await first.client.waitFor('stopped to run', () => first.client.agent('stopped')?.state === 'running');
    first.client.send({ type: 'kill', name: 'stopped' });
    await first.client.waitFor('stopped to be killed', () => first.client.agent('stopped')?.state === 'killed');
    // Still running when the server dies.
    first.client.send({ type: 'run', command: 'sleep 30', name: 'sleeper', cwd: tmp });
    await first.client.waitFor('sleeper to run', () => first.client.agent('sleeper')?.state === 'running');
    expect(first.client.errors()).toEqual([]);
    expect(mainRequests(model.requests)).toHaveLength(1);

    const second = await openWorkspace({ kind: 'continue' });
    const { client } = second;
    expect(second.logged).toEqual([]);
    const welcome = client.welcome();
    const byName = new Map(welcome.agents.map((agent) => [agent.name, agent]));
    expect([...byName.keys()].sort()).toEqual(['done-cmd', 'sleeper', 'stopped']);
    expect(byName.get('sleeper')).toMatchObject({ state: 'lost', unread: true });
    expect(byName.get('sleeper')?.endedAt).toBeGreaterThanOrEqual(byName.get('sleeper')?.startedAt ?? Infinity);
    expect(byName.get('done-cmd')).toMatchObject({ state: 'finished', exitCode: 0 });
    expect(byName.get('stopped')).toMatchObject({ state: 'killed' });
    const lostLines = welcome.chat.filter((entry) => entry.role === 'event' && entry.text.includes('lost'));
    expect(lostLines.map((entry) => entry.text)).toEqual([expect.stringMatching(/^sleeper lost · after \d+s$/)]);
    // The earlier conversation is there too, before the lost line.
    expect(welcome.chat.find((entry) => entry.text === 'done-cmd printed done.')?.id).toBeLessThan(lostLines[0].id);
    // The record on disk says lost now.
    const records = readFileSync(join(stateDir, 'agents.jsonl'), 'utf8').trim().split('\n')
      .map((line) => (JSON.parse(line) as { record: { info: AgentInfo } }).record.info).filter((info) => info.name === 'sleeper');
    expect(records.at(-1)?.state).toBe('lost');

    client.send({ type: 'chat', text: 'status?' });
    await client.waitForReply('sleeper was lost; stopped was killed.');
    await client.waitForIdle();
    let main = mainRequests(model.requests);
    // Restoring queued the outcomes without a turn of their own: the next request is the user's.
    expect(main).toHaveLength(2);
    const request = main[1];
    const last = lastMessageText(request);
    expect(last).toContain('status?');
    expect(last).toContain(notificationOpening('sleeper', 'lost'));
    expect(last).toContain(notificationOpening('stopped', 'killed'));
    expect(last).not.toContain(notificationOpening('done-cmd'));
    // Told before the crash: once in the conversation, from then.
    expect(userMessagesContaining(request, notificationOpening('done-cmd'))).toBe(1);
    expect(userMessagesContaining(request, notificationOpening('sleeper', 'lost'))).toBe(1);
    expect(userMessagesContaining(request, notificationOpening('stopped', 'killed'))).toBe(1);
    expect(conversationProblems(request)).toEqual([]);
    expect(client.errors()).toEqual([]);

    // A third server: everything has been told now; nothing comes again.
    const third = await openWorkspace({ kind: 'continue' });
    expect(third.client.welcome().agents.find((agent) => agent.name === 'sleeper')).toMatchObject({ state: 'lost' });
    expect(third.client.welcome().chat.filter((entry) => entry.role === 'event' && entry.text.includes('lost'))).toHaveLength(1);
    third.client.send({ type: 'chat', text: 'anything new?' });
    await third.client.waitForReply('Nothing new.');
    await third.client.waitForIdle();
    main = mainRequests(model.requests);
    expect(main).toHaveLength(3);
    expect(lastMessageText(main[2])).not.toContain('<agent-notification');
    for (const name of ['done-cmd', 'sleeper', 'stopped']) {
      expect(userMessagesContaining(main[2], `<agent-notification name="${name}"`), name).toBe(1);
    }
    expect(conversationProblems(main[2])).toEqual([]);
  }, TEST_MS);
});

describe('secrets', () => {
  it('never writes the API key: not in records, logs, sessions or worker transcripts', async () => {
    const task = 'Say the key back';
    const model = await startModel({
      main: (_request, index) => (index === 0 ? { text: [`I will keep ${API_KEY} `, 'to myself.'] } : { text: ['Noted.'] }),
      worker: planList('worker', [{ text: [`The key is ${API_KEY}.`] }]),
    });
    const { client } = await openWorkspace();
    client.send({ type: 'chat', text: `my key is ${API_KEY}, keep it safe` });
    await client.waitForReply(`I will keep ${API_KEY} to myself.`);
    await client.waitForIdle();
    client.send({ type: 'run', command: `echo ${API_KEY}`, name: 'leaky', cwd: tmp });
    client.send({ type: 'spawn', task, name: 'parrot', cwd: tmp });
    expect(client.errors()).toEqual([]);
    await client.waitFor('both agents to end', () => client.flashes('leaky')[0] && client.flashes('parrot')[0]);
    // The main agent took its turns for both.
    await client.waitFor('the main agent to hear of both', () => {
      const main = mainRequests(model.requests);
      return main.some((request) => lastMessageText(request).includes(notificationOpening('leaky')))
        && main.some((request) => lastMessageText(request).includes(notificationOpening('parrot')));
    });
    await client.waitForIdle();
    // The key did go where the user and the model see it: it is the disk that must not have it.
    expect(client.agent('parrot')?.result).toBe(`The key is ${API_KEY}.`);
    expect(client.chat().some((entry) => entry.role === 'user' && entry.text.includes(API_KEY))).toBe(true);
    const notified = mainRequests(model.requests).slice(1).map(lastMessageText).join('\n');
    expect(notified).toContain(`${notificationOpening('leaky')}`);
    expect(notified).toContain(API_KEY);

    const key = Buffer.from(API_KEY);
    const files = filesUnder(stateDir);
    const kinds = files.map((file) => file.slice(stateDir.length + 1));
    expect(kinds).toEqual(expect.arrayContaining(['agents.jsonl', 'logs/leaky.log', 'logs/parrot.log', 'workers/parrot.jsonl']));
    expect(kinds.filter((file) => file.startsWith('sessions/'))).toHaveLength(1);
    const leaks = files.filter((file) => readFileSync(file).includes(key));
    expect(leaks.map((file) => `${file}: ${readFileSync(file, 'utf8').split('\n').filter((line) => line.includes(API_KEY)).join(' | ').slice(0, 400)}`)).toEqual([]);
    expect(readFileSync(join(stateDir, 'logs', 'leaky.log'), 'utf8')).toContain('[redacted]');
    expect(readFileSync(join(stateDir, 'logs', 'parrot.log'), 'utf8')).toContain('[redacted]');
    const session = readFileSync(join(stateDir, kinds.find((file) => file.startsWith('sessions/')) ?? ''), 'utf8');
    expect(session).toContain('my key is [redacted], keep it safe');
    expect(session).toContain('I will keep [redacted] to myself.');
    expect(readFileSync(join(stateDir, 'workers', 'parrot.jsonl'), 'utf8')).toContain('The key is [redacted].');
  }, TEST_MS);
});
