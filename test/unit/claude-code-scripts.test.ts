// The responder for the real Claude Code, on requests shaped as Claude Code sends them (trimmed).
import { describe, expect, it } from 'vitest';
import type { MessagesRequestBody, ReplyPlan } from '../../src/llm/scripted-server.js';
import { claudeCodeResponder, latestPrompt, latestToolResults, TITLE_USAGE } from '../support/claude-code-scripts.js';

const system = [
  { type: 'text' as const, text: 'x-anthropic-billing-header: cc_version=2.1.197; cc_entrypoint=cli;' },
  { type: 'text' as const, text: 'You are Claude Code, Anthropic\'s official CLI for Claude.' },
];

const titleRequest: MessagesRequestBody = {
  model: 'claude-haiku-4-5-20251001',
  max_tokens: 32000,
  stream: true,
  system: [...system, { type: 'text', text: 'Generate a concise, sentence-case title (3-7 words)…' }],
  tools: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: '<session>\ncreate the file x\n</session>' }] }],
  output_config: { format: { type: 'json_schema', schema: { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] } } },
};

const tools = ['Agent', 'Bash', 'Edit', 'Read', 'Write'].map((name) => ({ name, input_schema: {} }));
const prompt = { role: 'user' as const, content: [
  { type: 'text', text: '<system-reminder>\nToday\'s date is 2026-12-06.\n</system-reminder>' },
  { type: 'text', text: 'create the file x' },
] };
const environment = { role: 'system' as const, content: [{ type: 'text', text: '# Environment\n - Primary working directory: /tmp/w' }] };

const firstRequest: MessagesRequestBody = { model: 'claude-opus-5-5', max_tokens: 128000, stream: true, system, tools, messages: [prompt, environment] };
const afterTool: MessagesRequestBody = {
  ...firstRequest,
  messages: [
    prompt,
    environment,
    { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'touch x' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '(Bash completed with no output)', is_error: false }] },
  ],
};

describe('claudeCodeResponder', () => {
  it('answers title requests itself, whatever their place among the main requests, and counts main requests apart', async () => {
    const seen: number[] = [];
    const responder = claudeCodeResponder({ title: 'Touch x', main: (_request, index) => { seen.push(index); return { text: [`main ${index}`] }; } });
    const replies = [
      await responder.respond(firstRequest, 0),
      await responder.respond(titleRequest, 1),
      await responder.respond(afterTool, 2),
    ];
    expect(replies.map((reply) => ('text' in reply ? reply.text : reply))).toEqual([['main 0'], ['{"title":"Touch x"}'], ['main 1']]);
    expect(seen).toEqual([0, 1]);
  });

  it('refuses a request that is neither, saying what it was', async () => {
    const responder = claudeCodeResponder({ main: () => ({ text: ['never'] }) });
    await expect(responder.respond({ ...firstRequest, tools: [] }, 0)).rejects.toThrow(/neither a title nor a main request: model claude-opus-5-5, tools \[\]/);
  });

  it('sends every usage figure and keeps what it served whole, leaving out errors and broken streams', async () => {
    const plans: ReplyPlan[] = [
      { text: ['a'], usage: { input: 2900, output: 30, cacheRead: 100, cacheWrite: 50 } },
      { text: ['b'], usage: { input: 3000 } },
      { status: 529, errorType: 'overloaded_error', message: 'busy' },
      { text: ['c'], cutConnectionAfterChunks: 0 },
    ];
    const responder = claudeCodeResponder({ main: (_request, index) => plans[index] });
    const sent: ReplyPlan[] = [];
    for (let index = 0; index < plans.length; index++) sent.push(await responder.respond(firstRequest, index));
    await responder.respond(titleRequest, plans.length);
    expect(sent[1]).toMatchObject({ usage: { input: 3000, output: 20, cacheRead: 0, cacheWrite: 0 } });
    expect(responder.served).toEqual([
      { kind: 'main', usage: { input: 2900, output: 30, cacheRead: 100, cacheWrite: 50 } },
      { kind: 'main', usage: { input: 3000, output: 20, cacheRead: 0, cacheWrite: 0 } },
      { kind: 'title', usage: TITLE_USAGE },
    ]);
    expect(responder.total()).toEqual({ input: 2900 + 3000 + TITLE_USAGE.input, output: 30 + 20 + TITLE_USAGE.output, cacheRead: 100, cacheWrite: 50 });
  });
});

describe('reading a Claude Code request', () => {
  it('finds the user\'s words past the reminders and the system message after them', () => {
    expect(latestPrompt(firstRequest)).toBe('create the file x');
    expect(latestPrompt(afterTool)).toBe('create the file x');
  });

  it('finds the tool results of the last user message', () => {
    expect(latestToolResults(firstRequest)).toEqual([]);
    expect(latestToolResults(afterTool)).toEqual([{ toolUseId: 'toolu_1', content: '(Bash completed with no output)', isError: false }]);
  });
});
