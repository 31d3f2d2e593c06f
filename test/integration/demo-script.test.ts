// The --demo model: the demo responder behind the scripted server, driven through the real SDK client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelClient } from '../../src/llm/anthropic-client.js';
import {
  createDemoResponder,
  DEMO_SUGGESTIONS,
  listedFiles,
  MAIN_AGENT_MARKER,
  parseNotifications,
  rephraseTask,
  WORKER_MARKER,
} from '../../src/llm/demo-script.js';
import { startScriptedServer, type ScriptedServer } from '../../src/llm/scripted-server.js';
import { compactionPrompt } from '../../src/server/compaction.js';
import { cleanSuggestion, suggestionRequest } from '../../src/server/prompt-suggestion.js';
import type { ContentBlock, Message, ModelClient, TurnEvent, TurnRequest } from '../../src/llm/types.js';

let server: ScriptedServer;
let client: ModelClient;

beforeAll(async () => {
  server = await startScriptedServer({ respond: createDemoResponder({ chunkDelayMs: 1 }) });
  client = createModelClient({ apiKey: 'demo', baseURL: server.url, maxAttempts: 1 });
});

afterAll(async () => {
  await server.close();
});

const tool = (name: string) => ({ name, description: name, input_schema: { type: 'object' as const, properties: {} } });

function mainRequest(messages: Message[]): TurnRequest {
  return {
    model: 'claude-sonnet-5-5',
    system: `You are ${MAIN_AGENT_MARKER}.`,
    messages,
    tools: [tool('spawn_agent'), tool('list_agents'), tool('agent_result')],
    maxTokens: 4096,
  };
}

function workerRequest(messages: Message[]): TurnRequest {
  return {
    model: 'claude-sonnet-5-5',
    system: `You are ${WORKER_MARKER}, a background coding agent.`,
    messages,
    tools: ['read_file', 'write_file', 'edit_file', 'list_files', 'grep', 'bash'].map(tool),
    maxTokens: 8192,
  };
}

interface Turn {
  text: string;
  textEvents: number;
  toolUses: Array<{ id: string; name: string; input: unknown }>;
  content: ContentBlock[];
  stopReason: string;
  usage: Extract<TurnEvent, { type: 'done' }>['usage'];
}

async function turn(request: TurnRequest): Promise<Turn> {
  let text = '';
  let textEvents = 0;
  const toolUses: Turn['toolUses'] = [];
  for await (const event of client.stream(request)) {
    if (event.type === 'text') {
      text += event.text;
      textEvents++;
    }
    if (event.type === 'tool_use') toolUses.push({ id: event.id, name: event.name, input: event.input });
    if (event.type === 'done') return { text, textEvents, toolUses, content: event.content, stopReason: event.stopReason, usage: event.usage };
  }
  throw new Error('no done event');
}

describe('demo model: main agent', () => {
  it('explains that it is the DEMO model and what to try', async () => {
    const reply = await turn(mainRequest([{ role: 'user', content: 'hello there' }]));
    expect(reply.text).toContain('DEMO model');
    expect(reply.text).toContain('try: run a security audit of the auth module in the background');
    expect(reply.toolUses).toEqual([]);
    expect(reply.stopReason).toBe('end_turn');
    expect(reply.textEvents).toBeGreaterThan(5);
    expect(reply.usage.output).toBeGreaterThan(0);
    expect(reply.usage.cacheWrite).toBeGreaterThan(0);
  });

  it('answers /compact\'s request with a summary, not a tool call, though the request speaks of background agents', async () => {
    const reply = await turn(mainRequest([
      { role: 'user', content: 'hello there' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: compactionPrompt(undefined) },
    ]));
    expect(reply.text).toBe('DEMO summary (scripted, not Claude): the developer tried agentmux\'s demo over 2 messages.');
    expect(reply.toolUses).toEqual([]);
  });

  it('starts a background agent for background work, then confirms', async () => {
    const ask = 'Please run a security audit of the auth module in the background.';
    const first = await turn(mainRequest([{ role: 'user', content: ask }]));
    expect(first.stopReason).toBe('tool_use');
    expect(first.toolUses).toHaveLength(1);
    expect(first.toolUses[0]).toMatchObject({ name: 'spawn_agent', input: { task: 'Run a security audit of the auth module' } });
    expect(first.text.length).toBeGreaterThan(0);

    const second = await turn(mainRequest([
      { role: 'user', content: ask },
      { role: 'assistant', content: first.content },
      {
        role: 'user',
        content: [{
          type: 'tool_result',
          tool_use_id: first.toolUses[0].id,
          content: 'Started security-audit-auth-module; it runs in the background. You will be notified with its result when it ends; do not wait or poll for it.',
        }],
      },
    ]));
    expect(second.toolUses).toEqual([]);
    expect(second.text).toContain('Started security-audit-auth-module in the background.');
    expect(second.usage.cacheRead).toBeGreaterThan(0);
  });

  it('sums up an agent notification', async () => {
    const notification = '<agent-notification name="security-audit-auth-module" state="finished" duration="2m 3s">\n'
      + 'DEMO report: looked at 12 files, read src/auth.ts and found 2 TODO markers. (Task: audit)\n- more\n</agent-notification>';
    const reply = await turn(mainRequest([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'Hello.' },
      { role: 'user', content: notification },
    ]));
    expect(reply.text).toBe(
      'Your security-audit-auth-module is complete: DEMO report: looked at 12 files, read src/auth.ts and found 2 TODO markers.',
    );
  });

  it('says so when an agent did not finish', async () => {
    const reply = await turn(mainRequest([
      { role: 'user', content: '<agent-notification name="tests" state="failed" exit_code="1">\nExpected 3, got 4. More.\n</agent-notification>' },
    ]));
    expect(reply.text).toBe('Your tests ended (failed): Expected 3, got 4.');
  });
});

describe('demo model: worker', () => {
  it('lists, reads the first file, greps TODO, then reports from the results', async () => {
    const messages: Message[] = [{ role: 'user', content: 'Audit the auth module. Be thorough.' }];
    const step = async (expectedTool: string, result: string, isError = false): Promise<Turn> => {
      const reply = await turn(workerRequest(messages));
      expect(reply.toolUses.map((use) => use.name)).toEqual([expectedTool]);
      messages.push({ role: 'assistant', content: reply.content });
      messages.push({
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: reply.toolUses[0].id, content: result, ...(isError ? { is_error: true } : {}) }],
      });
      return reply;
    };
    const list = await step('list_files', 'assets/logo.png\nsrc/auth.ts\nsrc/session.ts\n[… 2 more files not shown; use a narrower pattern]');
    expect(list.toolUses[0].input).toEqual({});
    const read = await step('read_file', '// Auth\nexport function login() {}\n// TODO: rate limit\n');
    expect(read.toolUses[0].input).toEqual({ path: 'src/auth.ts' });
    const grep = await step('grep', 'src/auth.ts:3:// TODO: rate limit\nsrc/session.ts:9:// TODO: expiry');
    expect(grep.toolUses[0].input).toEqual({ pattern: 'TODO' });

    const report = await turn(workerRequest(messages));
    expect(report.toolUses).toEqual([]);
    expect(report.stopReason).toBe('end_turn');
    const lines = report.text.split('\n');
    expect(lines[0]).toBe('DEMO report: looked at 3 files, read src/auth.ts and found 2 TODO markers. (Task: Audit the auth module.)');
    expect(lines.slice(1)).toEqual([
      '- Listed 3 files in the working directory (assets/logo.png, src/auth.ts, src/session.ts).',
      '- Read src/auth.ts (3 non-empty lines); it begins with: // Auth',
      '- Found 2 TODO markers.',
    ]);
    // Deterministic: the same conversation gives the same report.
    expect((await turn(workerRequest(messages))).text).toBe(report.text);
  });

  it('skips reading when there is nothing to read', async () => {
    const messages: Message[] = [{ role: 'user', content: 'Check the repo' }];
    const first = await turn(workerRequest(messages));
    messages.push({ role: 'assistant', content: first.content });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: first.toolUses[0].id, content: 'no files match **/*' }] });
    const second = await turn(workerRequest(messages));
    expect(second.toolUses.map((use) => use.name)).toEqual(['grep']);
    messages.push({ role: 'assistant', content: second.content });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: second.toolUses[0].id, content: 'no matches for /TODO/ in .' }] });
    const report = await turn(workerRequest(messages));
    expect(report.text).toContain('- There was no file to read.');
    expect(report.text).toContain('- Found no TODO markers.');
  });
});

describe('demo model: prompt suggestions', () => {
  it('suggests background work, so that sending the suggestion starts an agent', async () => {
    const suggestion = async (lastReply: string): Promise<string> => {
      const request = suggestionRequest([{ role: 'user', content: 'hi' }, { role: 'assistant', content: lastReply }], 'claude-haiku-4-5');
      const reply = await turn(request!);
      expect(reply.stopReason).toBe('end_turn');
      expect(cleanSuggestion(reply.text)).toBe(reply.text);
      return reply.text;
    };
    expect(await suggestion('Started security-audit-auth-module in the background. I\'ll tell you when it finishes.')).toBe(DEMO_SUGGESTIONS.afterStart);
    expect(await suggestion('Your security-audit-auth-module is complete: DEMO report: 2 TODO markers.')).toBe(DEMO_SUGGESTIONS.afterResult);
    expect(await suggestion('Hello! This is the agentmux DEMO model.')).toBe(DEMO_SUGGESTIONS.otherwise);
    for (const text of Object.values(DEMO_SUGGESTIONS)) {
      const started = await turn(mainRequest([{ role: 'user', content: text }]));
      expect(started.toolUses.map((use) => use.name), text).toEqual(['spawn_agent']);
    }
  });
});

describe('demo model: helpers', () => {
  it('rephrases a request as a task', () => {
    expect(rephraseTask('run a security audit of the auth module in the background')).toBe('Run a security audit of the auth module');
    expect(rephraseTask('Can you review the parser, in the background please?')).toBe('Review the parser');
    expect(rephraseTask('check the tests')).toBe('Check the tests');
  });

  it('parses notifications', () => {
    expect(parseNotifications('<agent-notification state="killed" name="x">\nbye\n</agent-notification>')).toEqual([
      { name: 'x', state: 'killed', body: 'bye' },
    ]);
  });

  it('reads paths from a listing', () => {
    expect(listedFiles('a.ts\nsrc/b c.ts\nno files match x\nsrc/\n[… 3 more]\nMakefile')).toEqual(['a.ts', 'Makefile']);
  });
});
