// Auto-compaction of a worker's conversation: the worker process's entry point (`--compaction 60:80`)
// through the real model client (Anthropic SDK) against the scripted Messages API server, whose usage
// figures put the context past the marks; what its screen shows, what its transcript keeps, and a
// continued worker going on from the compacted conversation.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { workerMain } from '../../src/agent/worker-main.js';
import { COMPACTION_REQUEST } from '../../src/core/prompt-markers.js';
import type { WorkerReport } from '../../src/core/report-channel.js';
import { startScriptedServer, type MessagesRequestBody, type ReplyPlan, type ScriptedServer } from '../../src/llm/scripted-server.js';
import { conversationProblems, lastMessageText, messageText } from '../support/model-scripts.js';
import { waitUntil } from '../support/server-test-client.js';
import { TestChannel } from '../support/test-channel.js';

const API_KEY = 'sk-ant-test-compaction-0123456789';
/** Its context window is 1M tokens (src/llm/prices.json). */
const MODEL = 'claude-sonnet-5-5';
const SUMMARY_OPENING = 'This conversation continues an earlier one, which was summarized to save context. The summary:';
/** More requests than this and the worker never compacted. */
const MAX_TOOL_ROUNDS = 15;

let server: ScriptedServer | undefined;
let cwd: string;
let home: string;
let transcript: string;
const channels: TestChannel[] = [];

beforeEach(async () => {
  cwd = await mkdtemp(path.join(tmpdir(), 'agentmux-compaction-cwd-'));
  home = await mkdtemp(path.join(tmpdir(), 'agentmux-compaction-home-'));
  transcript = path.join(home, 'workers', 'fixer.jsonl');
});

afterEach(async () => {
  for (const channel of channels.splice(0)) channel.dispose();
  await server?.close();
  server = undefined;
  await rm(cwd, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

const isSummaryRequest = (request: MessagesRequestBody): boolean => lastMessageText(request).includes(COMPACTION_REQUEST);
const isCompacted = (request: MessagesRequestBody): boolean => messageText(request.messages[0]).startsWith(SUMMARY_OPENING);
const summaryRequests = (): MessagesRequestBody[] => (server?.requests ?? []).filter(isSummaryRequest);
const turnRequests = (): MessagesRequestBody[] => (server?.requests ?? []).filter((request) => !isSummaryRequest(request));
const said = (request: MessagesRequestBody | undefined): Array<[string, string]> => (request?.messages ?? []).map((message) => [message.role, messageText(message)]);

const toolRound = (usage: number): ReplyPlan => ({ text: ['Looking around.'], toolUses: [{ name: 'list_files', input: {} }], usage: { input: usage, output: 10 } });

interface Run {
  exit: Promise<number>;
  output: () => string;
  reports: WorkerReport[];
}

function start(task: string, url: string, ...more: string[]): Run {
  const channel = new TestChannel({ apiKey: API_KEY, baseURL: url });
  channels.push(channel);
  const stdout = new PassThrough();
  let output = '';
  stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const argv = ['--name', 'fixer', '--task', task, '--model', MODEL, '--permission-mode', 'auto', '--transcript', transcript, '--compaction', '60:80', ...more];
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, NO_COLOR: '1', ...channel.env };
  const exit = workerMain(argv, env, new PassThrough(), stdout, { cwd }).then(async (code) => {
    await channel.ended();
    return code;
  });
  return { exit, output: () => output, reports: channel.reports };
}

async function records(): Promise<Array<Record<string, unknown>>> {
  return (await readFile(transcript, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('auto-compaction of a worker', () => {
  it('swaps in the summary prepared past 60% once past 80%, shows the boundary on its screen, and a continued worker goes on from it', async () => {
    const summary = 'The task is to look around; list_files was run several times.';
    server = await startScriptedServer({
      apiKey: API_KEY,
      respond: (request) => {
        if (isSummaryRequest(request)) return { text: [summary], usage: { input: 123_456, output: 20 } };
        const turn = turnRequests().length;
        if (isCompacted(request)) return { text: ['Done after compaction.'], usage: { input: 100_000, output: 10 } };
        if (turn > MAX_TOOL_ROUNDS) throw new Error(`no compaction after ${MAX_TOOL_ROUNDS} requests`);
        // The first request passes the lower mark; the next ones are past the swap mark until the summary is in.
        return toolRound(turn === 1 ? 650_000 : 850_000);
      },
    });
    const run = start('Look around', server.url);
    expect(await run.exit, run.output()).toBe(0);

    const swapped = turnRequests().find(isCompacted);
    if (!swapped) throw new Error('no request after compaction');
    // The summary covers the task; the model's first answer and everything after it stay verbatim.
    expect(said(summaryRequests()[0])[0][1]).toMatch(new RegExp(`^Look around\\n${COMPACTION_REQUEST}`));
    expect(said(swapped)[0]).toEqual(['user', `${SUMMARY_OPENING}\n\n${summary}`]);
    const before = turnRequests()[turnRequests().indexOf(swapped) - 1];
    expect(said(swapped)).toHaveLength(before.messages.length + 2);
    expect(said(swapped).slice(1, -2)).toEqual(said(before).slice(1));
    expect(conversationProblems(swapped)).toEqual([]);

    const lines = run.output().split('\n');
    const boundary = lines.findIndex((line) => line.startsWith('── compacted:'));
    expect(lines[boundary]).toMatch(/^── compacted: 850k → ~\d+(\.\d)?k tokens \(estimated until the next request\) ──$/);
    expect(lines.slice(boundary + 1)).toContain('   the context after compaction, measured: 100k tokens');
    expect(lines.filter((line) => line.includes('compacted:'))).toHaveLength(1);
    // The summary's request counts in the meter's totals, never as the conversation's context.
    const meters = run.reports.flatMap((report) => (report.type === 'usage' ? [report.meter] : []));
    expect(meters.map((meter) => meter.contextTokens)).not.toContain(123_476);
    expect(meters.at(-1)?.total.input).toBe(650_000 + 850_000 * (turnRequests().length - 2) + 123_456 + 100_000);

    expect((await records()).filter((record) => record.type === 'compacted')).toEqual([{ type: 'compacted', summary, kept: swapped.messages.length - 1 }]);

    // Continued: the summary, the verbatim tail, the final report and the new task.
    const continued = start('Now tidy up', server.url, '--resume');
    expect(await continued.exit, continued.output()).toBe(0);
    const resumed = turnRequests().at(-1);
    expect(said(resumed)).toEqual([...said(swapped), ['assistant', 'Done after compaction.'], ['user', 'Now tidy up']]);
    expect(conversationProblems(resumed as MessagesRequestBody)).toEqual([]);
    expect(summaryRequests()).toHaveLength(1);
  });

  it('after three failed summaries in a row says so once on its screen and stops trying, the conversation unchanged', async () => {
    const stopLine = 'auto-compaction stopped: the summary failed 3 times in a row (last: the API refused the request (400): prompt is too long); the conversation is unchanged';
    /** The worker's screen so far, once it runs. */
    const screen = { text: (): string => '' };
    server = await startScriptedServer({
      apiKey: API_KEY,
      respond: async (request) => {
        if (isSummaryRequest(request)) return { status: 400, errorType: 'invalid_request_error', message: 'prompt is too long' };
        if (turnRequests().length > MAX_TOOL_ROUNDS) throw new Error(`not three failed summaries after ${MAX_TOOL_ROUNDS} requests`);
        if (summaryRequests().length < 3) return toolRound(700_000 + turnRequests().length);
        // The worker ends once its screen says it stopped trying.
        await waitUntil('the line that says auto-compaction stopped', () => screen.text().includes(stopLine), () => screen.text());
        return { text: ['Done without compaction.'], usage: { input: 900_000, output: 10 } };
      },
    });
    const run = start('Look around', server.url);
    screen.text = run.output;
    expect(await run.exit, run.output()).toBe(0);

    expect(run.output().split('\n').filter((line) => line.includes('auto-compaction'))).toEqual([stopLine]);
    expect(summaryRequests()).toHaveLength(3);
    const last = turnRequests().at(-1);
    expect(said(last)[0]).toEqual(['user', 'Look around']);
    expect(last?.messages).toHaveLength(2 * turnRequests().length - 1);
    expect(conversationProblems(last as MessagesRequestBody)).toEqual([]);
    expect((await records()).filter((record) => record.type === 'compacted')).toEqual([]);
  });
});
