// Scripting the model for the real Claude Code. Some releases ask for a title of each new conversation
// while the conversation's own request is under way (the two race), so requests are told apart by what
// they carry, never by their order: title requests are answered here, the rest go to the test's script.
import { addUsage, ZERO_USAGE, type Usage } from '../../src/core/usage.js';
import type { MessagesRequestBody, ReplyPlan, Responder, StreamReply } from '../../src/llm/scripted-server.js';
import { messageText, systemText } from './model-scripts.js';

type Message = MessagesRequestBody['messages'][number];

/** Usage of a main reply, for each figure its plan leaves out. */
export const CLAUDE_REPLY_USAGE: Readonly<Usage> = Object.freeze({ input: 1200, output: 20, cacheRead: 0, cacheWrite: 0 });
/** Usage of every title reply. */
export const TITLE_USAGE: Readonly<Usage> = Object.freeze({ input: 150, output: 9, cacheRead: 0, cacheWrite: 0 });

/** A request for the conversation's title: its answer must be JSON with a `title` (output_config.format). */
export function isClaudeTitleRequest(request: MessagesRequestBody): boolean {
  const format = (request.output_config as { format?: { schema?: { properties?: Record<string, unknown> } } } | undefined)?.format;
  return format?.schema?.properties?.title !== undefined;
}

/** A request of the conversation itself: one that offers Claude Code's tools, Bash among them. */
export function isClaudeMainRequest(request: MessagesRequestBody): boolean {
  return !isClaudeTitleRequest(request) && (request.tools ?? []).some((tool) => tool.name === 'Bash');
}

export interface ClaudeCodeScripts {
  /** Answers main request number `index` (0-based among main requests, in arrival order). */
  main: (request: MessagesRequestBody, index: number) => ReplyPlan | Promise<ReplyPlan>;
  /** The title given to every conversation. Default 'Scripted task'. */
  title?: string;
}

export interface ClaudeCodeResponder {
  respond: Responder;
  /**
   * The usage of every reply served whole so far (title replies too), in the order planned. Each is sent
   * in full (all four figures), so this is exactly what Claude Code received. Error replies and plans that
   * break their stream on purpose are left out.
   */
  readonly served: ReadonlyArray<{ kind: 'title' | 'main'; usage: Usage }>;
  /** The sum of `served`: what a meter counting every request must show. */
  total(): Usage;
}

/**
 * A responder for Claude Code: it answers title requests itself and hands main requests to `scripts.main`;
 * any other request fails (the scripted server answers 400 with the reason, which Claude Code shows).
 */
export function claudeCodeResponder(scripts: ClaudeCodeScripts): ClaudeCodeResponder {
  const served: Array<{ kind: 'title' | 'main'; usage: Usage }> = [];
  let mainCount = 0;
  const serve = (kind: 'title' | 'main', plan: ReplyPlan): ReplyPlan => {
    if ('status' in plan) return plan;
    const usage: Usage = { ...CLAUDE_REPLY_USAGE, ...plan.usage };
    if (!breaksStream(plan)) served.push({ kind, usage });
    return { ...plan, usage: { ...usage } };
  };
  return {
    served,
    total: () => served.reduce((sum, { usage }) => addUsage(sum, usage), { ...ZERO_USAGE }),
    respond: async (request) => {
      if (isClaudeTitleRequest(request)) {
        return serve('title', { text: [JSON.stringify({ title: scripts.title ?? 'Scripted task' })], usage: TITLE_USAGE });
      }
      if (isClaudeMainRequest(request)) return serve('main', await scripts.main(request, mainCount++));
      throw new Error(`Claude Code sent a request that is neither a title nor a main request: model ${request.model}, `
        + `tools [${(request.tools ?? []).map((tool) => tool.name).join(', ')}], system ${JSON.stringify(systemText(request).slice(0, 160))}`);
    },
  };
}

function breaksStream(plan: StreamReply): boolean {
  return plan.midStreamError !== undefined || plan.cutConnectionAfterChunks !== undefined || plan.stallAfterChunks !== undefined;
}

/** Claude Code adds context to the user's turn as text blocks of their own, each in <system-reminder> tags. */
function isReminder(block: Record<string, unknown>): boolean {
  return block.type === 'text' && typeof block.text === 'string' && block.text.trimStart().startsWith('<system-reminder>');
}

function lastUserMessage(request: MessagesRequestBody, holding: (message: Message) => boolean): Message | undefined {
  return request.messages.findLast((message) => message.role === 'user' && holding(message));
}

function blocksOf(message: Message): Array<Record<string, unknown> & { type: string }> {
  return typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
}

/** What the user last wrote: the text of the last user message with any, without Claude Code's reminders. */
export function latestPrompt(request: MessagesRequestBody): string {
  const words = (message: Message): string =>
    blocksOf(message).filter((block) => block.type === 'text' && !isReminder(block)).map((block) => String(block.text)).join('\n');
  const message = lastUserMessage(request, (candidate) => words(candidate) !== '');
  return message ? words(message) : '';
}

/** The tool results of the request's last user message (Claude Code may put a system message after it). */
export function latestToolResults(request: MessagesRequestBody): Array<{ toolUseId: string; content: string; isError: boolean }> {
  const message = lastUserMessage(request, () => true);
  if (!message) return [];
  return blocksOf(message).flatMap((block) => (block.type === 'tool_result'
    ? [{ toolUseId: String(block.tool_use_id), content: messageText({ role: 'user', content: [block] }), isError: block.is_error === true }]
    : []));
}
