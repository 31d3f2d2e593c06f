// The model client through the real SDK against the scripted Messages API server on loopback.
import { afterEach, describe, expect, it } from 'vitest';
import { createModelClient, type ModelClientOptions } from '../../src/llm/anthropic-client.js';
import { scriptedQueue, startScriptedServer, type ReplyPlan, type ScriptedServer } from '../../src/llm/scripted-server.js';
import { ModelError, type TurnEvent, type TurnRequest } from '../../src/llm/types.js';
import { Gate } from '../support/model-scripts.js';

const API_KEY = 'sk-ant-test-0123456789abcdef';

const REQUEST: TurnRequest = {
  model: 'claude-sonnet-5-5',
  system: 'You are a test.',
  messages: [{ role: 'user', content: 'Hello' }],
  tools: [
    {
      name: 'read_file',
      description: 'Read a file',
      input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
    },
  ],
  maxTokens: 1024,
};

let server: ScriptedServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(plans: ReplyPlan[], options: Partial<ModelClientOptions> = {}) {
  server = await startScriptedServer({ respond: scriptedQueue(plans), apiKey: API_KEY });
  const sleeps: number[] = [];
  const client = createModelClient({
    apiKey: API_KEY,
    baseURL: server.url,
    backoff: { baseMs: 1, maxMs: 4 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
  return { client, server, sleeps };
}

async function collect(stream: AsyncGenerator<TurnEvent>): Promise<TurnEvent[]> {
  const events: TurnEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** Events in a compact form for order assertions. */
function summary(events: TurnEvent[]): string[] {
  return events.map((event) => {
    switch (event.type) {
      case 'text':
        return `text:${event.text}`;
      case 'tool_use':
        return `tool_use:${event.name}`;
      case 'retry':
        return `retry:${event.attempt}/${event.maxAttempts}:${event.reason}`;
      case 'usage':
        return 'usage';
      case 'done':
        return `done:${event.stopReason}`;
    }
  });
}

async function failure(stream: AsyncGenerator<TurnEvent>): Promise<{ error: ModelError; events: TurnEvent[] }> {
  const events: TurnEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
  } catch (error) {
    expect(error).toBeInstanceOf(ModelError);
    return { error: error as ModelError, events };
  }
  throw new Error(`the stream did not fail: ${JSON.stringify(summary(events))}`);
}

describe('anthropic client: streaming', () => {
  it('streams text in order, then done with the whole content', async () => {
    const { client, server } = await setup([{ text: ['Hel', 'lo', ' there'] }]);
    const events = await collect(client.stream(REQUEST));
    expect(summary(events)).toEqual(['usage', 'text:Hel', 'text:lo', 'text: there', 'usage', 'done:end_turn']);
    const done = events.at(-1);
    expect(done).toMatchObject({ type: 'done', content: [{ type: 'text', text: 'Hello there' }] });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({
      model: 'claude-sonnet-5-5',
      system: 'You are a test.',
      max_tokens: 1024,
      stream: true,
      messages: [{ role: 'user', content: 'Hello' }],
      tools: [{ name: 'read_file' }],
      cache_control: { type: 'ephemeral' },
    });
  });

  it('assembles a tool call from input_json_delta chunks, and sends the tool_result back once', async () => {
    const input = { path: 'src/some "quoted" file.ts', nested: { list: [1, 2, 3] } };
    const { client, server } = await setup([
      { text: ['Let me read it.'], toolUses: [{ name: 'read_file', input }] },
      { text: ['It is short.'] },
    ]);
    const first = await collect(client.stream(REQUEST));
    expect(summary(first)).toEqual(['usage', 'text:Let me read it.', 'tool_use:read_file', 'usage', 'done:tool_use']);
    const toolUse = first.find((event) => event.type === 'tool_use');
    expect(toolUse).toMatchObject({ type: 'tool_use', name: 'read_file', input });
    const done = first.at(-1) as Extract<TurnEvent, { type: 'done' }>;
    const id = (toolUse as Extract<TurnEvent, { type: 'tool_use' }>).id;
    expect(done.content).toEqual([
      { type: 'text', text: 'Let me read it.' },
      { type: 'tool_use', id, name: 'read_file', input },
    ]);

    const second = await collect(
      client.stream({
        ...REQUEST,
        messages: [
          ...REQUEST.messages,
          { role: 'assistant', content: done.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: 'export {}' }] },
        ],
      }),
    );
    expect(second.at(-1)).toMatchObject({ type: 'done', content: [{ type: 'text', text: 'It is short.' }] });
    const results = server.requests.flatMap((body) =>
      body.messages.flatMap((message) =>
        Array.isArray(message.content) ? message.content.filter((block) => block.type === 'tool_result') : []),
    );
    expect(results).toEqual([{ type: 'tool_result', tool_use_id: id, content: 'export {}' }]);
  });

  it('turns a tool input that is not JSON into { __invalid_json } instead of failing', async () => {
    const { client } = await setup([
      { toolUses: [{ name: 'read_file', input: null, inputJson: '{"path": "a' }, { name: 'list_files', input: {}, inputJson: '' }] },
    ]);
    const events = await collect(client.stream(REQUEST));
    const inputs = events.flatMap((event) => (event.type === 'tool_use' ? [event.input] : []));
    expect(inputs).toEqual([{ __invalid_json: '{"path": "a' }, {}]);
  });

  it('keeps thinking blocks in the content, with their signature', async () => {
    const { client } = await setup([{ thinking: 'Hmm.', text: ['Yes.'] }]);
    const events = await collect(client.stream(REQUEST));
    expect(events.at(-1)).toMatchObject({
      type: 'done',
      content: [
        { type: 'thinking', thinking: 'Hmm.', signature: 'sig_scripted_0' },
        { type: 'text', text: 'Yes.' },
      ],
    });
  });
});

describe('anthropic client: usage', () => {
  it('maps every usage field, cache ones included', async () => {
    const usage = { input: 21, output: 34, cacheRead: 1500, cacheWrite: 250 };
    const { client } = await setup([{ text: ['Hi'], usage }]);
    const events = await collect(client.stream(REQUEST));
    const usages = events.filter((event) => event.type === 'usage').map((event) => event.usage);
    // message_start reports output 1, as the API does; message_delta the final figures.
    expect(usages).toEqual([{ ...usage, output: 1 }, usage]);
    expect(events.at(-1)).toMatchObject({ type: 'done', usage });
  });

  it('overwrites usage with each cumulative message_delta, never adds', async () => {
    const usage = { input: 100, output: 80, cacheRead: 900, cacheWrite: 40 };
    const { client } = await setup([
      { text: ['a', 'b'], usage, usageSteps: [{ output: 30 }, { input: 100, output: 60, cacheRead: 900 }] },
    ]);
    const events = await collect(client.stream(REQUEST));
    const usages = events.filter((event) => event.type === 'usage').map((event) => event.usage);
    expect(usages).toEqual([
      { ...usage, output: 1 },
      { ...usage, output: 30 },
      { ...usage, output: 60 },
      usage,
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'done', usage });
  });

  it('keeps the earlier figures for fields a message_delta omits', async () => {
    const usage = { input: 7, output: 12, cacheRead: 300, cacheWrite: 20 };
    const { client } = await setup([{ text: ['x'], usage, deltaOutputOnly: true }]);
    const events = await collect(client.stream(REQUEST));
    expect(events.at(-1)).toMatchObject({ type: 'done', usage });
  });
});

describe('anthropic client: retries', () => {
  it('retries after 529 overloaded, then streams', async () => {
    const { client, server, sleeps } = await setup([
      { status: 529, errorType: 'overloaded_error', message: 'Overloaded' },
      { text: ['ok'] },
    ]);
    const events = await collect(client.stream(REQUEST));
    expect(summary(events)).toEqual(['retry:2/5:overloaded', 'usage', 'text:ok', 'usage', 'done:end_turn']);
    const retry = events[0] as Extract<TurnEvent, { type: 'retry' }>;
    expect(retry.delayMs).toBeGreaterThanOrEqual(0);
    expect(retry.delayMs).toBeLessThanOrEqual(4);
    expect(sleeps).toEqual([retry.delayMs]);
    expect(server.requests).toHaveLength(2);
  });

  it('retries after an error event in mid-stream, after the text already streamed', async () => {
    const { client } = await setup([
      { text: ['Par', 'tial', 'never'], midStreamError: { type: 'overloaded_error', message: 'Overloaded' }, afterChunks: 2 },
      { text: ['Whole'] },
    ]);
    const events = await collect(client.stream(REQUEST));
    expect(summary(events)).toEqual([
      'usage', 'text:Par', 'text:tial', 'retry:2/5:overloaded', 'usage', 'text:Whole', 'usage', 'done:end_turn',
    ]);
    expect(events.at(-1)).toMatchObject({ content: [{ type: 'text', text: 'Whole' }] });
  });

  it('names other mid-stream error types', async () => {
    const { client } = await setup([
      { text: ['a'], midStreamError: { type: 'api_error', message: 'Internal' }, afterChunks: 0 },
      { text: ['a'], midStreamError: { type: 'rate_limit_error', message: 'Slow down' }, afterChunks: 1 },
      { text: ['b'] },
    ]);
    const events = await collect(client.stream(REQUEST));
    expect(summary(events).filter((line) => line.startsWith('retry'))).toEqual([
      'retry:2/5:server error', 'retry:3/5:rate limited',
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'done' });
  });

  it('retries when the connection is cut in mid-stream', async () => {
    const { client } = await setup([{ text: ['one', 'two', 'three'], cutConnectionAfterChunks: 1 }, { text: ['again'] }]);
    const events = await collect(client.stream(REQUEST));
    expect(summary(events)).toEqual([
      'usage', 'text:one', 'retry:2/5:connection lost', 'usage', 'text:again', 'usage', 'done:end_turn',
    ]);
  });

  it('retries when the connection is cut before any event', async () => {
    const { client } = await setup([{ text: ['one'], cutConnectionAfterChunks: 0 }, { text: ['again'] }]);
    const events = await collect(client.stream(REQUEST));
    expect(summary(events).filter((line) => line.startsWith('retry'))).toEqual(['retry:2/5:connection lost']);
    expect(events.at(-1)).toMatchObject({ type: 'done', content: [{ type: 'text', text: 'again' }] });
  });

  it('honours retry-after on 429', async () => {
    const { client, sleeps } = await setup([
      { status: 429, errorType: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit', retryAfter: 2 },
      { text: ['ok'] },
    ]);
    const events = await collect(client.stream(REQUEST));
    expect(events[0]).toEqual({ type: 'retry', attempt: 2, maxAttempts: 5, reason: 'rate limited', delayMs: 2000 });
    expect(sleeps).toEqual([2000]);
    expect(events.at(-1)).toMatchObject({ type: 'done' });
  });

  it('retries a 500 and says which status', async () => {
    const { client } = await setup([{ status: 500, errorType: 'api_error', message: 'Internal server error' }, { text: ['ok'] }]);
    const events = await collect(client.stream(REQUEST));
    expect(summary(events)[0]).toBe('retry:2/5:server error 500');
  });

  it('times out a stalled stream and retries', async () => {
    const { client } = await setup([{ text: ['a', 'b'], stallAfterChunks: 1 }, { text: ['ok'] }], { timeoutMs: 2000 });
    const events = await collect(client.stream(REQUEST));
    expect(summary(events)).toEqual(['usage', 'text:a', 'retry:2/5:timed out', 'usage', 'text:ok', 'usage', 'done:end_turn']);
  });

  it('times out a response that does not start, and retries', async () => {
    let calls = 0;
    const firstMayAnswer = new Gate();
    server = await startScriptedServer({
      respond: async () => {
        calls++;
        if (calls === 1) await firstMayAnswer.opened;
        return { text: ['late'] };
      },
    });
    const client = createModelClient({ apiKey: API_KEY, baseURL: server.url, timeoutMs: 1000, sleep: async () => {} });
    try {
      const events = await collect(client.stream(REQUEST));
      expect(summary(events)).toEqual(['retry:2/5:timed out', 'usage', 'text:late', 'usage', 'done:end_turn']);
    } finally {
      firstMayAnswer.open();
    }
  });

  it('gives up after maxAttempts with one clear line', async () => {
    const overloaded: ReplyPlan = { status: 529, errorType: 'overloaded_error', message: 'Overloaded' };
    const { client, server, sleeps } = await setup([overloaded, overloaded, overloaded], { maxAttempts: 3 });
    const { error, events } = await failure(client.stream(REQUEST));
    expect(error.kind).toBe('exhausted');
    expect(error.message).toBe('the model request failed 3 times, giving up (last: overloaded: Overloaded)');
    expect(summary(events)).toEqual(['retry:2/3:overloaded', 'retry:3/3:overloaded']);
    expect(sleeps).toHaveLength(2);
    expect(server.requests).toHaveLength(3);
  });

  it('retries when nothing listens, then gives up naming the cause', async () => {
    const closed = await startScriptedServer({ respond: scriptedQueue([]) });
    const url = closed.url;
    await closed.close();
    const client = createModelClient({ apiKey: API_KEY, baseURL: url, maxAttempts: 2, sleep: async () => {} });
    const { error, events } = await failure(client.stream(REQUEST));
    expect(summary(events)).toEqual(['retry:2/2:cannot connect']);
    expect(error.kind).toBe('exhausted');
    expect(error.message).toMatch(/^the model request failed 2 times, giving up \(last: cannot connect: .*ECONNREFUSED.*\)$/);
  });

  it('backs off exponentially within the cap', async () => {
    const overloaded: ReplyPlan = { status: 529, errorType: 'overloaded_error', message: 'Overloaded' };
    const { client } = await setup([overloaded, overloaded, overloaded, overloaded, { text: ['ok'] }], {
      backoff: { baseMs: 100, maxMs: 300 },
    });
    const events = await collect(client.stream(REQUEST));
    const delays = events.flatMap((event) => (event.type === 'retry' ? [event.delayMs] : []));
    expect(delays).toHaveLength(4);
    const ceilings = [100, 200, 300, 300];
    delays.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(ceilings[i] / 2);
      expect(delay).toBeLessThanOrEqual(ceilings[i]);
    });
  });
});

describe('anthropic client: failures without retry', () => {
  it('401: one auth error at once, no retry, no key in the message', async () => {
    server = await startScriptedServer({ respond: scriptedQueue([{ text: ['never'] }]), apiKey: API_KEY });
    const client = createModelClient({ apiKey: 'sk-ant-wrong-key-abcdef123456', baseURL: server.url, backoff: { baseMs: 1, maxMs: 1 } });
    const { error, events } = await failure(client.stream(REQUEST));
    expect(error.kind).toBe('auth');
    expect(error.message).toBe('the API key was refused (401): check ANTHROPIC_API_KEY');
    expect(error.message).not.toContain('sk-ant');
    expect(events).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('a scripted 401 is the same', async () => {
    const { client, server } = await setup([
      { status: 401, errorType: 'authentication_error', message: `invalid x-api-key ${API_KEY}` },
    ]);
    const { error } = await failure(client.stream(REQUEST));
    expect(error.kind).toBe('auth');
    expect(error.message).not.toContain(API_KEY);
    expect(server.requests).toHaveLength(1);
  });

  it('other 4xx: a request error with the API message, no retry, the key redacted', async () => {
    const { client, server } = await setup([
      { status: 400, errorType: 'invalid_request_error', message: `prompt is too long (key ${API_KEY})` },
    ]);
    const { error } = await failure(client.stream(REQUEST));
    expect(error.kind).toBe('request');
    expect(error.message).toBe('the API refused the request (400): prompt is too long (key [redacted])');
    expect(server.requests).toHaveLength(1);
  });

  it('an empty script fails the request at once, saying so', async () => {
    const { client } = await setup([]);
    const { error } = await failure(client.stream(REQUEST));
    expect(error.kind).toBe('request');
    expect(error.message).toContain('the script has no reply left for request #1');
  });

  it('aborts in mid-stream', async () => {
    const { client } = await setup([{ text: ['a', 'b', 'c', 'd', 'e'], delayMs: 50 }]);
    const controller = new AbortController();
    const events: TurnEvent[] = [];
    let caught: unknown;
    try {
      for await (const event of client.stream(REQUEST, controller.signal)) {
        events.push(event);
        if (event.type === 'text') controller.abort();
      }
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ModelError);
    expect((caught as ModelError).kind).toBe('aborted');
    expect(summary(events)).toEqual(['usage', 'text:a']);
  });

  it('aborts before the request starts', async () => {
    const { client, server } = await setup([{ text: ['a'] }]);
    const controller = new AbortController();
    controller.abort();
    const { error } = await failure(client.stream(REQUEST, controller.signal));
    expect(error.kind).toBe('aborted');
    expect(server.requests).toHaveLength(0);
  });

  it('aborts the wait between attempts', async () => {
    server = await startScriptedServer({
      respond: scriptedQueue([{ status: 529, errorType: 'overloaded_error', message: 'Overloaded' }, { text: ['x'] }]),
    });
    const client = createModelClient({ apiKey: API_KEY, baseURL: server.url, backoff: { baseMs: 60_000, maxMs: 60_000 } });
    const controller = new AbortController();
    const started = Date.now();
    const events: TurnEvent[] = [];
    let caught: unknown;
    try {
      for await (const event of client.stream(REQUEST, controller.signal)) {
        events.push(event);
        if (event.type === 'retry') setTimeout(() => controller.abort(), 20);
      }
    } catch (error) {
      caught = error;
    }
    expect((caught as ModelError).kind).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(server.requests).toHaveLength(1);
  });

  it('a consumer that stops early closes the connection', async () => {
    const { client, server } = await setup([{ text: ['a', 'b', 'c'], delayMs: 30 }, { text: ['next'] }]);
    for await (const event of client.stream(REQUEST)) {
      if (event.type === 'text') break;
    }
    // The server is free for the next request at once.
    const events = await collect(client.stream(REQUEST));
    expect(events.at(-1)).toMatchObject({ type: 'done', content: [{ type: 'text', text: 'next' }] });
    expect(server.requests).toHaveLength(2);
  });
});
