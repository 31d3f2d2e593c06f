// The worker through the real model client (Anthropic SDK) against the scripted Messages API server on
// loopback: the agent loop, and the worker process's entry point with its flags, env and keys.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHANNEL_ENV, type WorkerReport } from '../../src/core/report-channel.js';
import { createModelClient } from '../../src/llm/anthropic-client.js';
import { scriptedQueue, startScriptedServer, type ReplyPlan, type ScriptedServer } from '../../src/llm/scripted-server.js';
import { runWorker, WORKER_MARKER } from '../../src/agent/worker.js';
import { workerMain } from '../../src/agent/worker-main.js';
import { TestChannel } from '../support/test-channel.js';

const API_KEY = 'sk-ant-test-0123456789abcdef';

let server: ScriptedServer | undefined;
let cwd: string;

beforeEach(async () => {
  cwd = await mkdtemp(path.join(tmpdir(), 'agentmux-worker-it-'));
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(cwd, { recursive: true, force: true });
});

async function serve(plans: ReplyPlan[]): Promise<ScriptedServer> {
  server = await startScriptedServer({ respond: scriptedQueue(plans), apiKey: API_KEY });
  return server;
}

/** Polls `condition` until it holds; fails with `describe()` after `timeoutMs`. */
async function waitFor(condition: () => boolean, describe: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting; output so far:\n${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('runWorker through the real client', () => {
  it('edits a file in a tool loop and reports usage and the result', async () => {
    await writeFile(path.join(cwd, 'greet.txt'), 'hello world\n');
    const scripted = await serve([
      { text: ['Let me ', 'look.'], toolUses: [{ name: 'read_file', input: { path: 'greet.txt' }, id: 'toolu_1' }], usage: { input: 100, output: 20 } },
      { toolUses: [{ name: 'edit_file', input: { path: 'greet.txt', old_string: 'world', new_string: 'agentmux' }, id: 'toolu_2' }], usage: { input: 150, output: 30 } },
      { text: ['Changed ', 'greet.txt.'], usage: { input: 200, output: 10 } },
    ]);
    const client = createModelClient({ apiKey: API_KEY, baseURL: scripted.url, backoff: { baseMs: 1, maxMs: 2 } });
    let output = '';
    const reports: WorkerReport[] = [];
    const outcome = await runWorker({ name: 'it', task: 'Greet agentmux', cwd, model: 'claude-sonnet-5-5', permissionMode: 'edits', client }, {
      write: (chunk) => {
        output += chunk;
      },
      report: (report) => reports.push(report),
      readKey: () => Promise.reject(new Error('no keys expected')),
      columns: () => 80,
    });
    expect(outcome).toEqual({ outcome: 'finished', result: 'Changed greet.txt.' });
    expect(await readFile(path.join(cwd, 'greet.txt'), 'utf8')).toBe('hello agentmux\n');

    const [first, second, third] = scripted.requests;
    const system = typeof first.system === 'string' ? first.system : first.system?.map((block) => block.text).join('');
    expect(system).toContain(WORKER_MARKER);
    expect(first.tools?.map((tool) => tool.name)).toEqual(['read_file', 'write_file', 'edit_file', 'list_files', 'grep', 'bash']);
    expect(second.messages.at(-1)?.content).toEqual([expect.objectContaining({ type: 'tool_result', tool_use_id: 'toolu_1', content: 'hello world\n' })]);
    expect(third.messages.at(-1)?.content).toEqual([expect.objectContaining({ type: 'tool_result', tool_use_id: 'toolu_2' })]);

    const visible = output;
    expect(visible).toContain('Let me look.');
    expect(visible).toContain('● edit_file greet.txt');
    const meter = reports.filter((report) => report.type === 'usage').at(-1);
    expect(meter).toMatchObject({ type: 'usage', meter: { model: 'claude-sonnet-5-5', total: { input: 450, output: 60 } } });
    expect(reports.at(-1)).toEqual({ type: 'result', outcome: 'finished', text: 'Changed greet.txt.' });
  });

  it('retries an overloaded stream, discarding its partial tool call: the tool runs once', async () => {
    const scripted = await serve([
      {
        text: ['partial ', 'answer'],
        toolUses: [{ name: 'bash', input: { command: 'echo ran >> log.txt' } }],
        midStreamError: { type: 'overloaded_error', message: 'Overloaded' },
        afterChunks: 3,
      },
      { text: ['second'], toolUses: [{ name: 'bash', input: { command: 'echo ran >> log.txt' } }] },
      { text: ['done'] },
    ]);
    const client = createModelClient({ apiKey: API_KEY, baseURL: scripted.url, backoff: { baseMs: 1, maxMs: 2 } });
    let output = '';
    const outcome = await runWorker({ name: 'it', task: 't', cwd, model: 'claude-sonnet-5-5', permissionMode: 'auto', client }, {
      write: (chunk) => {
        output += chunk;
      },
      report: () => undefined,
      readKey: () => Promise.reject(new Error('no keys expected')),
      columns: () => 80,
    });
    expect(outcome.outcome).toBe('finished');
    expect(await readFile(path.join(cwd, 'log.txt'), 'utf8')).toBe('ran\n');
    expect(output).toContain('retrying (2/5) after overloaded');
    expect(scripted.requests).toHaveLength(3);
  });
});

describe('workerMain', () => {
  let channel: TestChannel | undefined;

  afterEach(() => {
    channel?.dispose();
    channel = undefined;
  });

  /** Runs workerMain with a channel handing it `baseURL` (the scripted server's) as agentmux would. */
  function start(argv: string[], env: NodeJS.ProcessEnv, baseURL = 'http://127.0.0.1:9') {
    channel = new TestChannel({ apiKey: API_KEY, baseURL });
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let output = '';
    stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const opened = channel;
    const fullEnv = { ...env, ...opened.env };
    const exit = workerMain(argv, fullEnv, stdin, stdout, { cwd }).then(async (code) => {
      await opened.ended();
      return code;
    });
    return { stdin, exit, env: fullEnv, output: () => output, reports: () => opened.reports };
  }

  const flags = ['--name', 'fixer', '--task', 'Fix the bug', '--model', 'claude-sonnet-5-5', '--permission-mode', 'ask'];

  it('prints its header, asks before running bash, and exits 0 when finished', async () => {
    const scripted = await serve([
      { toolUses: [{ name: 'bash', input: { command: 'touch made.txt' } }] },
      { text: ['Made it.'] },
    ]);
    const worker = start(flags, { PATH: process.env.PATH }, scripted.url);
    await waitFor(() => worker.output().includes('Allow bash: touch made.txt?'), worker.output);
    expect(worker.env[CHANNEL_ENV]).toBeUndefined();
    expect(process.env[CHANNEL_ENV]).toBeUndefined();
    worker.stdin.write('y');
    expect(await worker.exit).toBe(0);
    expect(existsSync(path.join(cwd, 'made.txt'))).toBe(true);
    const reports = worker.reports();
    expect(worker.output()).not.toContain('\x1b]');
    expect(worker.output().split('\n')[0]).toMatch(/agentmux worker fixer.*claude-sonnet-5-5.*permission mode ask.*task: Fix the bug$/);
    expect(reports.filter((report) => report.type === 'state').map((report) => report.type === 'state' && report.state)).toEqual(['running', 'waiting', 'running']);
    expect(reports.at(-1)).toEqual({ type: 'result', outcome: 'finished', text: 'Made it.' });
  });

  it('Ctrl+C interrupts and exits 1', async () => {
    const scripted = await serve([{ toolUses: [{ name: 'bash', input: { command: 'rm -rf stuff' } }] }]);
    const worker = start(flags, {}, scripted.url);
    await waitFor(() => worker.output().includes('Allow bash: rm -rf stuff?'), worker.output);
    worker.stdin.write('\x03');
    expect(await worker.exit).toBe(1);
    expect(worker.reports().at(-1)).toEqual({ type: 'result', outcome: 'failed', text: 'interrupted' });
  });

  it('takes the key from its channel, never from its environment, and gives its commands none', async () => {
    const scripted = await serve([
      { toolUses: [{ name: 'bash', input: { command: 'env; cat /proc/$PPID/environ | tr "\\0" "\\n"' } }] },
      { text: ['Looked.'] },
    ]);
    const worker = start(['--name', 'looker', '--task', 'Look around', '--permission-mode', 'auto'], { PATH: process.env.PATH, ANTHROPIC_API_KEY: 'sk-ant-from-the-environment' }, scripted.url);
    expect(await worker.exit).toBe(0);
    // The scripted server checks the key on every request: the channel's key reached the model.
    expect(scripted.requests).toHaveLength(2);
    const toolResult = JSON.stringify(scripted.requests[1].messages.at(-1));
    expect(toolResult).toContain('PATH=');
    expect(toolResult).not.toContain('sk-ant-from-the-environment');
    expect(toolResult).not.toContain(API_KEY);
    expect(toolResult).not.toContain(CHANNEL_ENV);
  });

  it('without a channel says that agentmux starts workers, and exits 2', async () => {
    const stdout = new PassThrough();
    let output = '';
    stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    expect(await workerMain(flags, { ANTHROPIC_API_KEY: API_KEY, NO_COLOR: '1' }, new PassThrough(), stdout, { cwd })).toBe(2);
    expect(output).toMatch(/^agentmux worker: AGENTMUX_CHANNEL is not set: a worker is started by the agentmux server/);
  });

  it('says so when its channel cannot be reached, and exits 2', async () => {
    const stdout = new PassThrough();
    let output = '';
    stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    expect(await workerMain(flags, { [CHANNEL_ENV]: path.join(cwd, 'no-such-socket'), NO_COLOR: '1' }, new PassThrough(), stdout, { cwd })).toBe(2);
    expect(output).toMatch(/^agentmux worker: agentmux's channel is gone \(ENOENT\): another process connected to it first, or agentmux stopped\n$/);
  });

  it('refuses bad flags with one line and exit code 2', async () => {
    for (const argv of [
      ['--name', 'x'],
      ['--name', 'Bad Name', '--task', 't'],
      ['--name', 'x', '--task', 't', '--permission-mode', 'yolo'],
      ['--name', 'x', '--task', 't', '--budget', '-1'],
      ['--name', 'x', '--task', 't', '--frobnicate'],
      ['--name', 'x', '--task'],
      ['--name', 'x', '--task', 't', '--resume'],
      ['--name', 'x', '--task', 't', '--transcript', 'relative/t.jsonl'],
    ]) {
      const worker = start(argv, { ANTHROPIC_API_KEY: API_KEY });
      expect(await worker.exit, argv.join(' ')).toBe(2);
      expect(worker.output().trimEnd().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(worker.output()).toMatch(/^agentmux worker: .*usage: agentmux worker --name/);
    }
  });
});
