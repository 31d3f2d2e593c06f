// Auto-compaction of the main conversation: the AgentServer with a state directory and auto-compaction
// at 60%/80%, the real model client (Anthropic SDK) against the scripted Messages API server, whose
// usage figures put the context past the marks. Tests look at the chat, the requests the model got and
// the session's transcript on disk; a second server on the same state directory is `--continue`.
// Workers run as real processes (`node dist/cli/main.js worker`): run `npm run build` first.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMPACTION_REQUEST } from '../../src/core/prompt-markers.js';
import type { SessionChoice } from '../../src/core/protocol.js';
import { startScriptedServer, type MessagesRequestBody, type ReplyPlan, type ScriptedServer } from '../../src/llm/scripted-server.js';
import { EmulatorPool } from '../../src/pty/emulator-pool.js';
import { createPtyRuntime } from '../../src/pty/pty-runtime.js';
import { AgentServer } from '../../src/server/agent-server.js';
import {
  conversationProblems, Gate, lastMessageText, mainRequests, messageText, routedResponder, workerRequests, type RoutedScripts,
} from '../support/model-scripts.js';
import { scriptedModel, builtWorkers } from '../support/scripted-model-access.js';
import { ServerTestClient } from '../support/server-test-client.js';


const API_KEY = 'sk-test-key-0123456789';
/** Its context window is 1M tokens (src/llm/prices.json). */
const MODEL = 'claude-sonnet-5-5';
const WAIT_MS = 30_000;
const TEST_MS = 120_000;

let tmp: string;
let stateDir: string;
let pool: EmulatorPool;
let scripted: ScriptedServer | undefined;
let servers: AgentServer[];

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'amux-autocompact-it-'));
  stateDir = join(tmp, 'state');
  pool = new EmulatorPool();
  servers = [];
});

afterEach(async () => {
  for (const server of servers) server.dispose();
  await pool.dispose();
  await scripted?.close();
  scripted = undefined;
  rmSync(tmp, { recursive: true, force: true });
});

const isSummaryRequest = (request: MessagesRequestBody): boolean => lastMessageText(request).includes(COMPACTION_REQUEST);
const summaryRequests = (): MessagesRequestBody[] => mainRequests(scripted?.requests ?? []).filter(isSummaryRequest);
const turnRequests = (): MessagesRequestBody[] => mainRequests(scripted?.requests ?? []).filter((request) => !isSummaryRequest(request));

/** The model: summary requests get `summary`, the conversation's requests `replies` in turn. */
async function startModel(summary: () => ReplyPlan, replies: ReplyPlan[], worker?: RoutedScripts['worker']): Promise<void> {
  let turn = 0;
  scripted = await startScriptedServer({
    apiKey: API_KEY,
    respond: routedResponder({
      main: (request) => {
        if (isSummaryRequest(request)) return summary();
        const reply = replies[turn++];
        if (!reply) throw new Error(`the script has no reply for turn request #${turn}`);
        return reply;
      },
      ...(worker ? { worker } : {}),
    }),
  });
}

async function openWorkspace(choice: SessionChoice = { kind: 'current' }): Promise<ServerTestClient> {
  if (!scripted) throw new Error('start the model first');
  const server = new AgentServer({
    runtime: createPtyRuntime(pool, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp, LC_ALL: 'C' }, scrollback: 1000, killGraceMs: 500 }),
    ...scriptedModel(scripted, MODEL, API_KEY),
    cwd: tmp,
    workers: builtWorkers('auto'),
    compaction: { prepareAt: 60, swapAt: 80 },
    stateDir,
  });
  servers.push(server);
  const refused = choice.kind === 'current' ? undefined : server.openSession(choice);
  if (refused) throw new Error(`openSession refused: ${refused}`);
  await server.restore();
  const describeRequests = (): string => JSON.stringify(mainRequests(scripted?.requests ?? []).map((request) => lastMessageText(request).slice(0, 100)), null, 1);
  return new ServerTestClient(server, () => `requests: ${describeRequests()}`, undefined, WAIT_MS);
}

async function say(client: ServerTestClient, text: string, reply: string): Promise<void> {
  client.send({ type: 'chat', text });
  await client.waitForReply(reply);
  await client.waitForIdle();
}

const said = (request: MessagesRequestBody | undefined): Array<[string, string]> => (request?.messages ?? []).map((message) => [message.role, messageText(message)]);

function sessionRecords(id: string): Array<Record<string, unknown>> {
  return readFileSync(join(stateDir, 'sessions', `${id}.jsonl`), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

const boundaryLines = (client: ServerTestClient): string[] => client.entries('notice').map((entry) => entry.text).filter((text) => text.startsWith('compacted:'));

describe('auto-compaction of the main conversation', () => {
  it('prepares a summary in the background past 60%, swaps it in past 80% without a request, and --continue goes on from it', async () => {
    const summaryText = 'The developer asked about the login bug; its cause is a stale session cookie.';
    const summaryMayEnd = new Gate();
    await startModel(
      () => ({ text: ['The developer asked about the login bug; ', 'its cause is a stale session cookie.'], pause: { afterChunks: 1, until: summaryMayEnd.opened }, usage: { input: 640_000, output: 30 } }),
      [
        { text: ['The cookie is stale.'], usage: { input: 650_000, output: 10 } },
        { text: ['Clear it on logout.'], usage: { input: 850_000, output: 10 } },
        { text: ['Done, it is cleared.'], usage: { input: 120_000, output: 10 } },
        { text: ['It was the stale cookie.'], usage: { input: 130_000, output: 10 } },
      ],
    );
    const client = await openWorkspace();
    await say(client, 'why does login fail?', 'The cookie is stale.');
    // Past 60%: the summary of the conversation up to its latest message is asked for…
    await client.waitFor('the summary request', () => summaryRequests().length === 1);
    expect(said(summaryRequests()[0]).map(([role, text]) => [role, text.slice(0, 40)]))
      .toEqual([['user', `why does login fail?\n${COMPACTION_REQUEST.slice(0, 19)}`]]);
    expect(lastMessageText(summaryRequests()[0])).toContain('the latest messages will follow it verbatim');

    // …and while it is being written the conversation goes on, past 80%, with nothing swapped yet.
    await say(client, 'so what do I do?', 'Clear it on logout.');
    expect(boundaryLines(client)).toEqual([]);
    expect(turnRequests()).toHaveLength(2);

    // The summary arrives: the swap happens at once, with no request of its own.
    summaryMayEnd.open();
    const boundary = await client.waitFor('the boundary line', () => client.entries('notice').find((entry) => entry.text.startsWith('compacted:')));
    expect(boundary.text).toMatch(/^compacted: 850k → ~\d+(\.\d)?k tokens \(estimated until the next request\); the chat above stays$/);
    expect(mainRequests(scripted?.requests ?? [])).toHaveLength(3);
    const id = client.session()?.id ?? '';
    expect(sessionRecords(id).filter((record) => record.type === 'compacted')).toEqual([{ type: 'compacted', summary: summaryText, kept: 3 }]);

    // The model sees the summary, then every message after the cut verbatim; the chat keeps every line.
    await say(client, 'and now?', 'Done, it is cleared.');
    const after = turnRequests()[2];
    expect(said(after)).toEqual([
      ['user', `This conversation continues an earlier one, which was summarized to save context. The summary:\n\n${summaryText}`],
      ['assistant', 'The cookie is stale.'],
      ['user', 'so what do I do?'],
      ['assistant', 'Clear it on logout.'],
      ['user', 'and now?'],
    ]);
    expect(conversationProblems(after)).toEqual([]);
    // The request measured the context after the swap: the boundary says so.
    expect(boundaryLines(client)).toEqual(['compacted: 850k → 120k tokens; the chat above stays']);
    expect(client.entries('user').map((entry) => entry.text)).toEqual(['why does login fail?', 'so what do I do?', 'and now?']);

    // Another server, --continue: summary + verbatim tail + what came after, as before.
    const second = await openWorkspace({ kind: 'continue' });
    await say(second, 'remind me?', 'It was the stale cookie.');
    expect(said(turnRequests()[3])).toEqual([...said(after), ['assistant', 'Done, it is cleared.'], ['user', 'remind me?']]);
    expect(summaryRequests()).toHaveLength(1);
    expect([...client.errors(), ...second.errors()]).toEqual([]);
  }, TEST_MS);

  it('after three failed summaries in a row says so once and stops trying, the conversation unchanged', async () => {
    await startModel(
      () => ({ status: 400, errorType: 'invalid_request_error', message: 'prompt is too long' }),
      Array.from({ length: 12 }, (_, index) => ({ text: [`Answer ${index + 1}.`], usage: { input: 700_000 + index * 1000, output: 10 } })),
    );
    const client = await openWorkspace();
    const stopped = (): string[] => client.entries('error').map((entry) => entry.text).filter((text) => text.startsWith('auto-compaction stopped'));
    let turns = 0;
    // A failed summary is asked for again after the next request: three turns at least.
    while (stopped().length === 0 && turns < 10) {
      turns += 1;
      await say(client, `question ${turns}`, `Answer ${turns}.`);
    }
    await client.waitFor('the line that says it stopped', () => stopped().length > 0);
    turns += 1;
    await say(client, `question ${turns}`, `Answer ${turns}.`);

    expect(stopped()).toEqual([
      'auto-compaction stopped: the summary failed 3 times in a row (last: the API refused the request (400): prompt is too long); '
        + 'the conversation is unchanged, and /compact makes room',
    ]);
    expect(summaryRequests()).toHaveLength(3);
    expect(boundaryLines(client)).toEqual([]);
    const last = turnRequests().at(-1);
    expect(said(last).filter(([role]) => role === 'user').map(([, text]) => text)).toEqual(Array.from({ length: turns }, (_, index) => `question ${index + 1}`));
    expect(conversationProblems(last as MessagesRequestBody)).toEqual([]);
    expect(sessionRecords(client.session()?.id ?? '').filter((record) => record.type === 'compacted')).toEqual([]);
    expect(client.errors()).toEqual([]);
  }, TEST_MS);

  it('starts workers with the same marks: a worker compacts its own conversation and its screen shows the boundary', async () => {
    const summary = 'The worker looked around.';
    const isCompacted = (request: MessagesRequestBody): boolean => messageText(request.messages[0]).includes(summary);
    const workerTurns = (): MessagesRequestBody[] => workerRequests(scripted?.requests ?? []).filter((request) => !isSummaryRequest(request));
    await startModel(() => ({ text: ['unused'] }), [], (request) => {
      if (isSummaryRequest(request)) return { text: [summary], usage: { input: 600_000, output: 10 } };
      if (isCompacted(request)) return { text: ['All looked at.'], usage: { input: 90_000, output: 10 } };
      const turn = workerTurns().length;
      if (turn > 15) throw new Error('the worker never compacted');
      return { text: ['Looking.'], toolUses: [{ name: 'list_files', input: {} }], usage: { input: turn === 1 ? 650_000 : 850_000, output: 10 } };
    });
    const client = await openWorkspace();
    const { name, error } = await client.request({ type: 'spawn', task: 'Look around', name: 'looker', cwd: tmp });
    expect(error).toBeUndefined();
    await client.waitFor('the worker to finish', () => client.agent(name ?? '')?.state === 'finished');
    client.send({ type: 'logs', name: 'looker' });
    await client.waitFor('its log', () => client.of('logEnd').length > 0);
    const log = client.of('log').map((event) => event.data).join('').split('\n');
    expect(log.filter((line) => line.startsWith('── compacted: 850k → ~'))).toHaveLength(1);
    expect(log).toContain('   the context after compaction, measured: 90k tokens');
    expect(client.agent('looker')?.result).toBe('All looked at.');
  }, TEST_MS);
});
