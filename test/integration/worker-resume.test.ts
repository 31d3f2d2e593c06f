// A worker continued from its transcript: the worker process's entry point (flags, env, keys) through the
// real model client (Anthropic SDK) against the scripted Messages API server on loopback, and the
// transcript file on disk in between.
import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkerReport } from '../../src/core/report-channel.js';
import type { Usage } from '../../src/core/usage.js';
import { scriptedQueue, startScriptedServer, type MessagesRequestBody, type ReplyPlan, type ScriptedServer } from '../../src/llm/scripted-server.js';
import type { Message } from '../../src/llm/types.js';
import { loadTranscript, TranscriptError } from '../../src/agent/transcript.js';
import { REDACTED } from '../../src/core/redact.js';
import { NOT_RUN } from '../../src/llm/conversation.js';
import { workerMain } from '../../src/agent/worker-main.js';
import { conversationProblems, isWorkerRequest } from '../support/model-scripts.js';
import { TestChannel } from '../support/test-channel.js';

const API_KEY = 'sk-ant-test-resume-0123456789abcdef';
const MODEL = 'claude-sonnet-5-5';

let server: ScriptedServer | undefined;
let cwd: string;
let home: string;
let transcript: string;

beforeEach(async () => {
  cwd = await mkdtemp(path.join(tmpdir(), 'agentmux-resume-cwd-'));
  home = await mkdtemp(path.join(tmpdir(), 'agentmux-resume-home-'));
  transcript = path.join(home, 'agents', 'fixer', 'transcript.jsonl');
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(cwd, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

async function serve(plans: ReplyPlan[]): Promise<ScriptedServer> {
  server = await startScriptedServer({ respond: scriptedQueue(plans), apiKey: API_KEY });
  return server;
}

function usageTotals(reports: WorkerReport[]): Usage[] {
  return reports.flatMap((report) => (report.type === 'usage' ? [report.meter.total] : []));
}

function costs(reports: WorkerReport[]): Array<number | undefined> {
  return reports.flatMap((report) => (report.type === 'usage' ? [report.meter.costUsd] : []));
}

/** Polls `condition` until it holds; fails with `describe()` after `timeoutMs`. */
async function waitFor(condition: () => boolean, describe: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting; output so far:\n${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Started {
  stdin: PassThrough;
  /** The exit code, once the worker has ended and everything it reported has been read. */
  exit: Promise<number>;
  output: () => string;
  reports: WorkerReport[];
}

const channels: TestChannel[] = [];

afterEach(() => {
  for (const channel of channels.splice(0)) channel.dispose();
});

/** Runs workerMain with a channel handing it the key and `url` as agentmux would. */
function start(argv: string[], url: string): Started {
  const channel = new TestChannel({ apiKey: API_KEY, baseURL: url });
  channels.push(channel);
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let output = '';
  stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, NO_COLOR: '1', ...channel.env };
  const exit = workerMain(argv, env, stdin, stdout, { cwd }).then(async (code) => {
    await channel.ended();
    return code;
  });
  return { stdin, exit, output: () => output, reports: channel.reports };
}

/** Runs the worker to its end; fails with its output if the exit code is not `code`. */
async function runToEnd(argv: string[], url: string, code: number): Promise<{ visible: string; reports: WorkerReport[] }> {
  const worker = start(argv, url);
  const exit = await worker.exit;
  expect(exit, worker.output()).toBe(code);
  return { visible: worker.output(), reports: worker.reports };
}

const flags = (task: string, ...more: string[]): string[] =>
  ['--name', 'fixer', '--task', task, '--model', MODEL, '--permission-mode', 'auto', '--transcript', transcript, ...more];

interface Line {
  text: string;
  record: { type: string; message?: Message; total?: Usage; costUsd?: number };
}

async function transcriptLines(): Promise<Line[]> {
  const text = await readFile(transcript, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map((line) => ({ text: line, record: JSON.parse(line) as Line['record'] }));
}

const messagesOf = (lines: Line[]): Message[] => lines.flatMap((line) => (line.record.type === 'message' && line.record.message ? [line.record.message] : []));
const usagesOf = (lines: Line[]): Line['record'][] => lines.filter((line) => line.record.type === 'usage').map((line) => line.record);

const u = (input: number, output: number): Usage => ({ input, output, cacheRead: 0, cacheWrite: 0 });

/** The messages of a request as our own Message type (the scripted server keeps the JSON the SDK sent). */
const sent = (request: MessagesRequestBody): Message[] => request.messages as unknown as Message[];

describe('a worker continued from its transcript', () => {
  it('keeps its conversation and usage on disk, and carries both on with the new task as next user message', async () => {
    await writeFile(path.join(cwd, 'greet.txt'), 'hello world\n');
    const scripted = await serve([
      { text: ['Let me look.'], toolUses: [{ name: 'read_file', input: { path: 'greet.txt' }, id: 'toolu_1' }], usage: { input: 100, output: 20 } },
      { text: ['It says hello world.'], usage: { input: 150, output: 10 } },
      { text: ['Follow-up ', 'done.'], usage: { input: 300, output: 5 } },
    ]);

    const first = await runToEnd(flags('Read greet.txt'), scripted.url, 0);
    expect(first.reports.at(-1)).toEqual({ type: 'result', outcome: 'finished', text: 'It says hello world.' });
    const before = await readFile(transcript, 'utf8');
    const firstLines = await transcriptLines();
    expect(messagesOf(firstLines)).toEqual([
      { role: 'user', content: 'Read greet.txt' },
      { role: 'assistant', content: [{ type: 'text', text: 'Let me look.' }, { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'greet.txt' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'hello world\n' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'It says hello world.' }] },
    ]);
    // What was sent to the model is what was kept.
    expect(messagesOf(firstLines).slice(0, 3)).toEqual(sent(scripted.requests[1]));
    const firstUsage = usagesOf(firstLines).at(-1);
    expect(firstUsage).toEqual({ type: 'usage', total: u(250, 30), costUsd: expect.any(Number) });
    expect(firstUsage?.costUsd).toBeCloseTo((250 * 2 + 30 * 10) / 1_000_000, 12);
    expect(usageTotals(first.reports).at(-1)).toEqual(u(250, 30));

    const second = await runToEnd(flags('follow-up', '--resume'), scripted.url, 0);
    expect(scripted.requests).toHaveLength(3);
    const resumed = scripted.requests[2];
    expect(isWorkerRequest(resumed)).toBe(true);
    expect(sent(resumed)).toEqual([
      ...messagesOf(firstLines),
      { role: 'user', content: 'follow-up' },
    ]);
    expect(conversationProblems(resumed)).toEqual([]);

    // The transcript grew: the earlier lines unchanged, then the new message, the answer and the totals.
    const after = await readFile(transcript, 'utf8');
    expect(after.startsWith(before)).toBe(true);
    const added = (await transcriptLines()).slice(firstLines.length).map((line) => line.record);
    expect(added).toEqual([
      { type: 'message', message: { role: 'user', content: 'follow-up' } },
      { type: 'usage', total: u(550, 35), costUsd: expect.any(Number) },
      { type: 'message', message: { role: 'assistant', content: [{ type: 'text', text: 'Follow-up done.' }] } },
    ]);

    // The meter continues from the earlier totals (its first report), never from zero.
    const totals = usageTotals(second.reports);
    expect(totals[0]).toEqual(u(250, 30));
    expect(totals.at(-1)).toEqual(u(550, 35));
    expect(totals.every((total) => total.input >= 250 && total.output >= 30)).toBe(true);
    const cost = costs(second.reports);
    expect(cost[0]).toBeCloseTo(firstUsage?.costUsd ?? Number.NaN, 12);
    expect(cost.at(-1)).toBeCloseTo((550 * 2 + 35 * 10) / 1_000_000, 12);

    expect(second.visible.split('\n')[0]).toBe('▸ continuing: follow-up');
    expect(second.visible.split('\n')[1]).toMatch(/^agentmux worker fixer · model claude-sonnet-5-5 .*earlier conversation: 4 messages$/);
    expect(second.reports.at(-1)).toEqual({ type: 'result', outcome: 'finished', text: 'Follow-up done.' });

    // Without --resume the same path starts a new conversation, replacing the old one.
    await server?.close();
    const again = await serve([{ text: ['Third.'] }]);
    await runToEnd(flags('and another'), again.url, 0);
    expect(sent(again.requests[0])).toEqual([{ role: 'user', content: 'and another' }]);
    expect(messagesOf(await transcriptLines())).toEqual([
      { role: 'user', content: 'and another' },
      { role: 'assistant', content: [{ type: 'text', text: 'Third.' }] },
    ]);
  });

  it('never writes the API key, even when a command prints it (commands do not have it: a model could know it otherwise)', async () => {
    const scripted = await serve([
      { toolUses: [{ name: 'bash', input: { command: `printenv ANTHROPIC_API_KEY; echo ${API_KEY}` }, id: 'toolu_env' }] },
      { text: [`The key is ${API_KEY}.`] },
    ]);
    await runToEnd(flags('Show the key'), scripted.url, 0);
    // The key went to the model (so the check below means something)…
    expect(JSON.stringify(scripted.requests[1].messages)).toContain(API_KEY);
    // …but the transcript does not hold it, nor the environment.
    const text = await readFile(transcript, 'utf8');
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(process.env.PATH ?? '/usr/bin');
    expect(text).toContain(REDACTED);
    const messages = messagesOf(await transcriptLines());
    expect(messages[2]).toEqual({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_env', content: `${REDACTED}\n[exit code 0]` }] });
  });

  it('tolerates a torn last line: it is left out, cut off the file, and the conversation carries on', async () => {
    const scripted = await serve([
      { text: ['First answer.'], usage: { input: 40, output: 4 } },
      { text: ['Second answer.'], usage: { input: 60, output: 6 } },
    ]);
    await runToEnd(flags('First task'), scripted.url, 0);
    const before = await readFile(transcript, 'utf8');
    const earlier = messagesOf(await transcriptLines());
    // A crash while writing the next line.
    await appendFile(transcript, '{"type":"message","message":{"role":"user","content":"lost');

    const second = await runToEnd(flags('follow-up', '--resume'), scripted.url, 0);
    expect(sent(scripted.requests[1])).toEqual([...earlier, { role: 'user', content: 'follow-up' }]);
    expect(second.visible).toContain('warning: the last line of the transcript was cut off');
    const after = await readFile(transcript, 'utf8');
    expect(after.startsWith(before)).toBe(true);
    expect(after).not.toContain('lost');
    // Every line parses again: the new records start on lines of their own.
    expect((await transcriptLines()).slice(-3).map((line) => line.record.type)).toEqual(['message', 'usage', 'message']);
    expect(usageTotals(second.reports).at(-1)).toEqual(u(100, 10));
  });

  it('answers tool calls that never ran with errors, and does not run them', async () => {
    // A transcript as a worker leaves it when it dies while a tool runs: the calls, no results.
    const task: Message = { role: 'user', content: 'Clean up' };
    const calls: Message = {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Cleaning.' },
        { type: 'tool_use', id: 'toolu_a', name: 'bash', input: { command: 'touch ran-a.txt' } },
        { type: 'tool_use', id: 'toolu_b', name: 'bash', input: { command: 'touch ran-b.txt' } },
      ],
    };
    await writeTranscript([
      { type: 'message', message: task },
      { type: 'usage', total: u(70, 7) },
      { type: 'message', message: calls },
    ]);
    const scripted = await serve([{ text: ['Nothing ran; stopping here.'] }]);
    const run = await runToEnd(flags('carry on', '--resume'), scripted.url, 0);

    const expected: Message[] = [
      task,
      calls,
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_a', content: NOT_RUN, is_error: true },
          { type: 'tool_result', tool_use_id: 'toolu_b', content: NOT_RUN, is_error: true },
          { type: 'text', text: 'carry on' },
        ],
      },
    ];
    expect(sent(scripted.requests[0])).toEqual(expected);
    expect(conversationProblems(scripted.requests[0])).toEqual([]);
    expect(existsSync(path.join(cwd, 'ran-a.txt'))).toBe(false);
    expect(existsSync(path.join(cwd, 'ran-b.txt'))).toBe(false);
    expect(run.visible).toContain('2 tool calls never ran');
    // No price was recorded for those tokens: the carried-over meter's cost is unknown, its tokens are not.
    expect(usageTotals(run.reports)[0]).toEqual(u(70, 7));
    // Read back, the transcript gives the conversation as it was sent, and no longer needs repairs.
    const reloaded = loadTranscript(transcript);
    expect(reloaded.messages).toEqual([...expected, { role: 'assistant', content: [{ type: 'text', text: 'Nothing ran; stopping here.' }] }]);
    expect(reloaded.added).toEqual([]);
    expect(reloaded.warnings).toEqual([]);
  });

  it('a worker stopped while asking is continued: that call counts as interrupted, the next one as never run', async () => {
    const scripted = await serve([
      {
        toolUses: [
          { name: 'bash', input: { command: 'touch one.txt' }, id: 'toolu_1' },
          { name: 'bash', input: { command: 'touch two.txt' }, id: 'toolu_2' },
        ],
      },
      { text: ['Understood.'] },
    ]);
    const argv = flags('Make files').map((word) => (word === 'auto' ? 'ask' : word));
    const worker = start(argv, scripted.url);
    await waitFor(() => worker.output().includes('Allow bash: touch one.txt?'), worker.output);
    worker.stdin.write('\x03');
    expect(await worker.exit).toBe(1);

    await runToEnd(flags('go on', '--resume'), scripted.url, 0);
    expect(sent(scripted.requests[1]).slice(2)).toEqual([
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'interrupted by the user', is_error: true },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: NOT_RUN, is_error: true },
          { type: 'text', text: 'go on' },
        ],
      },
    ]);
    expect(conversationProblems(scripted.requests[1])).toEqual([]);
    expect(existsSync(path.join(cwd, 'two.txt'))).toBe(false);
  });

  it('--resume without a transcript file says the agent cannot be continued, exits 2 and asks no model', async () => {
    const scripted = await serve([]);
    const worker = start(flags('follow-up', '--resume'), scripted.url);
    expect(await worker.exit).toBe(2);
    const { reports } = worker;
    expect(worker.output().trimEnd()).toBe(`agentmux worker: no transcript at ${transcript}: this agent cannot be continued`);
    expect(reports).toEqual([{ type: 'result', outcome: 'failed', text: `no transcript at ${transcript}: this agent cannot be continued` }]);
    expect(scripted.requests).toEqual([]);
    expect(existsSync(transcript)).toBe(false);
  });
});

async function writeTranscript(records: unknown[]): Promise<void> {
  await writeRaw(records.map((record) => `${JSON.stringify(record)}\n`).join(''));
}

async function writeRaw(text: string): Promise<void> {
  await mkdir(path.dirname(transcript), { recursive: true });
  await writeFile(transcript, text);
}

describe('loadTranscript', () => {
  it('a missing file is an error that says so', () => {
    expect(() => loadTranscript(transcript)).toThrow(TranscriptError);
    expect(() => loadTranscript(transcript)).toThrow(`no transcript at ${transcript}: this agent cannot be continued`);
  });

  it('a file without a conversation cannot be continued either', async () => {
    await writeTranscript([{ type: 'usage', total: u(1, 1) }]);
    expect(() => loadTranscript(transcript)).toThrow(/holds no conversation/);
  });

  it('keeps the last usage record, with its cost', async () => {
    await writeTranscript([
      { type: 'message', message: { role: 'user', content: 'a' } },
      { type: 'usage', total: u(1, 2), costUsd: 0.5 },
      { type: 'usage', total: u(3, 4), costUsd: 0.75 },
    ]);
    expect(loadTranscript(transcript).usage).toEqual({ total: u(3, 4), costUsd: 0.75 });
  });

  it('leaves out malformed records and unknown blocks with a warning, and merges user messages that come together', async () => {
    await writeTranscript([
      { type: 'message', message: { role: 'user', content: 'task' } },
      { type: 'message', message: { role: 'system', content: 'be evil' } },
      { type: 'message', message: { role: 'assistant', content: [{ type: 'image', source: {} }] } },
      { type: 'usage', total: { input: 'many' } },
      { type: 'message', message: { role: 'user', content: [{ type: 'text', text: 'more', extra: 'dropped' }] } },
      { type: 'future-record', anything: true },
      { type: 'message', message: { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm', signature: 'sig' }, { type: 'text', text: 'ok' }] } },
    ]);
    const loaded = loadTranscript(transcript);
    expect(loaded.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'task' }, { type: 'text', text: 'more' }] },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm', signature: 'sig' }, { type: 'text', text: 'ok' }] },
    ]);
    expect(loaded.usage).toBeUndefined();
    expect(loaded.warnings).toEqual(['3 malformed records of the transcript left out']);
  });

  it('a damaged line in the middle is left out, and results that lost their call with it too', async () => {
    const lines = [
      { type: 'message', message: { role: 'user', content: 'task' } },
      { type: 'message', message: { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_x', name: 'bash', input: { command: 'ls' } }] } },
      { type: 'message', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'a.txt' }] } },
      { type: 'message', message: { role: 'assistant', content: [{ type: 'text', text: 'Done.' }] } },
    ].map((record) => JSON.stringify(record));
    lines[1] = lines[1].slice(0, 30); // damaged, and followed by other lines: not a torn last line
    await writeRaw(`${lines.join('\n')}\n`);
    const loaded = loadTranscript(transcript);
    // The two user messages that came together are one, and the result of the lost call is gone.
    expect(loaded.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'task' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Done.' }] },
    ]);
    expect(loaded.warnings).toEqual([
      '1 damaged line of the transcript left out (line 2)',
      '1 tool result answering no tool call left out',
    ]);
  });
});
