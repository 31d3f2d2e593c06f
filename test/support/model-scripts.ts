// Helpers for scripting the model in tests that run the main agent and workers against the scripted
// Messages API server: tell main-agent requests from worker requests (by the markers in their system
// prompts), route each kind to its own script, and read what a request carried.
import type { MessagesRequestBody, ReplyPlan, Responder } from '../../src/llm/scripted-server.js';

/** In the main agent's system prompt (src/server/main-agent.ts). */
export const MAIN_MARKER = 'agentmux-main-agent';
/** In every worker's system prompt (src/agent/worker.ts). */
export const WORKER_MARKER = 'agentmux-worker';
/** In the system prompt of a request for a prompt suggestion (src/server/prompt-suggestion.ts). */
export const SUGGESTION_MARKER = 'agentmux-prompt-suggestion';

type Message = MessagesRequestBody['messages'][number];
type Block = Exclude<Message['content'], string>[number];

export function systemText(request: MessagesRequestBody): string {
  const system = request.system;
  if (typeof system === 'string') return system;
  return (system ?? []).map((block) => block.text).join('\n');
}

/** A main-agent request (a worker's prompt names its directory, which might contain the main marker). */
export function isMainRequest(request: MessagesRequestBody): boolean {
  return systemText(request).includes(MAIN_MARKER) && !isWorkerRequest(request);
}

export function isWorkerRequest(request: MessagesRequestBody): boolean {
  return systemText(request).includes(WORKER_MARKER);
}

export function isSuggestionRequest(request: MessagesRequestBody): boolean {
  return systemText(request).split('\n', 1)[0].includes(SUGGESTION_MARKER);
}

export function suggestionRequests(requests: readonly MessagesRequestBody[]): MessagesRequestBody[] {
  return requests.filter(isSuggestionRequest);
}

export function mainRequests(requests: readonly MessagesRequestBody[]): MessagesRequestBody[] {
  return requests.filter(isMainRequest);
}

export function workerRequests(requests: readonly MessagesRequestBody[]): MessagesRequestBody[] {
  return requests.filter(isWorkerRequest);
}

function blocks(content: Message['content']): Block[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

/** The plain text of a message: its text blocks and the text of its tool results. */
export function messageText(message: Message): string {
  return blocks(message.content).map((block) => {
    if (block.type === 'text' && typeof block.text === 'string') return block.text;
    if (block.type === 'tool_result') {
      const inner = block.content;
      if (typeof inner === 'string') return inner;
      if (Array.isArray(inner)) return inner.map((part: { text?: unknown }) => (typeof part.text === 'string' ? part.text : '')).join('\n');
    }
    return '';
  }).join('\n');
}

/** The task a worker request works on: the text of its first user message. */
export function workerTask(request: MessagesRequestBody): string {
  const first = request.messages[0];
  return first ? messageText(first) : '';
}

/** The request's last message (the new content of this step), as text. */
export function lastMessageText(request: MessagesRequestBody): string {
  const last = request.messages.at(-1);
  return last ? messageText(last) : '';
}

/** How many of the request's user messages contain `text`. */
export function userMessagesContaining(request: MessagesRequestBody, text: string): number {
  return request.messages.filter((message) => message.role === 'user' && messageText(message).includes(text)).length;
}

/** The tool results in the request's last message. */
export function lastToolResults(request: MessagesRequestBody): Array<{ toolUseId: string; content: string; isError: boolean }> {
  const last = request.messages.at(-1);
  if (!last || last.role !== 'user') return [];
  return blocks(last.content).flatMap((block) => (block.type === 'tool_result'
    ? [{ toolUseId: String(block.tool_use_id), content: messageText({ role: 'user', content: [block] }), isError: block.is_error === true }]
    : []));
}

/** The opening of the notification the main agent gets when `name` ended in `state`. */
export function notificationOpening(name: string, state = 'finished'): string {
  return `<agent-notification name="${name}" state="${state}"`;
}

/**
 * Problems with a request's conversation as the API would see them: roles must alternate starting with
 * the user, and every tool_use of an assistant message needs its tool_result in the next user message
 * (and no tool_result may answer a tool_use that is not there). An empty list means well-formed.
 */
export function conversationProblems(request: MessagesRequestBody): string[] {
  const problems: string[] = [];
  const { messages } = request;
  messages.forEach((message, index) => {
    const expected = index % 2 === 0 ? 'user' : 'assistant';
    if (message.role !== expected) problems.push(`message ${index} is from the ${message.role}, expected the ${expected}`);
  });
  messages.forEach((message, index) => {
    const uses = message.role === 'assistant' ? blocks(message.content).filter((block) => block.type === 'tool_use').map((block) => String(block.id)) : [];
    const previous = messages[index - 1];
    const answered = message.role === 'user' && previous?.role === 'assistant'
      ? new Set(blocks(previous.content).filter((block) => block.type === 'tool_use').map((block) => String(block.id)))
      : new Set<string>();
    if (message.role === 'user') {
      for (const block of blocks(message.content)) {
        if (block.type === 'tool_result' && !answered.has(String(block.tool_use_id))) {
          problems.push(`message ${index} has a tool_result for ${String(block.tool_use_id)}, which the previous message did not ask for`);
        }
      }
    }
    if (uses.length === 0) return;
    const next = messages[index + 1];
    const results = next?.role === 'user'
      ? new Set(blocks(next.content).filter((block) => block.type === 'tool_result').map((block) => String(block.tool_use_id)))
      : new Set<string>();
    for (const id of uses) if (!results.has(id)) problems.push(`message ${index} calls tool ${id}, whose tool_result is not in the next message`);
  });
  if (messages.at(-1)?.role !== 'user') problems.push('the last message is not the user\'s');
  return problems;
}

export interface RoutedScripts {
  /** Answers main-agent request number `index` (0-based among main-agent requests). */
  main?: (request: MessagesRequestBody, index: number) => ReplyPlan | Promise<ReplyPlan>;
  /** Answers worker request number `index` (0-based among the requests of workers with this task). */
  worker?: (request: MessagesRequestBody, index: number, task: string) => ReplyPlan | Promise<ReplyPlan>;
  /** Answers prompt-suggestion request number `index`; without it they fail (and the screen shows no suggestion). */
  suggestion?: (request: MessagesRequestBody, index: number) => ReplyPlan | Promise<ReplyPlan>;
}

/**
 * A responder that sends main-agent, worker and prompt-suggestion requests to their own scripts; workers
 * are told apart by their task, each with its own count. A request of a kind without a script is refused
 * with the reason: a main-agent or worker request so fails the test at once, a suggestion request only
 * brings no suggestion (screens ask for them unless config says `suggestions: false`).
 */
export function routedResponder(scripts: RoutedScripts): Responder {
  let mainCount = 0;
  let suggestionCount = 0;
  const workerCounts = new Map<string, number>();
  return (request) => {
    if (isSuggestionRequest(request)) {
      if (!scripts.suggestion) throw new Error('no suggestion script, but a prompt suggestion was asked for');
      return scripts.suggestion(request, suggestionCount++);
    }
    if (isWorkerRequest(request)) {
      if (!scripts.worker) throw new Error('no worker script, but a worker asked the model');
      const task = workerTask(request);
      const index = workerCounts.get(task) ?? 0;
      workerCounts.set(task, index + 1);
      return scripts.worker(request, index, task);
    }
    if (isMainRequest(request)) {
      if (!scripts.main) throw new Error('no main-agent script, but the main agent asked the model');
      return scripts.main(request, mainCount++);
    }
    throw new Error(`a request from neither the main agent nor a worker: ${systemText(request).slice(0, 80)}`);
  };
}

/** Answers from `plans` in order; a request beyond them fails the test with a clear reason. */
export function planList(what: string, plans: ReplyPlan[]): (request: MessagesRequestBody, index: number) => ReplyPlan {
  return (_request, index) => {
    const plan = plans[index];
    if (!plan) throw new Error(`the ${what} script has no reply for request #${index + 1} (it has ${plans.length})`);
    return plan;
  };
}

/** A promise a script can wait on until the test opens it. */
export class Gate {
  readonly opened: Promise<void>;
  private release: () => void = () => undefined;

  constructor() {
    this.opened = new Promise((resolve) => {
      this.release = resolve;
    });
  }

  open(): void {
    this.release();
  }
}

/** Text split in chunks of about `size` characters, for streamed replies. */
export function chunks(text: string, size = 8): string[] {
  const out: string[] = [];
  for (let at = 0; at < text.length; at += size) out.push(text.slice(at, at + size));
  return out;
}

/** How many times `needle` occurs in `haystack` (non-overlapping). */
export function occurrences(haystack: string, needle: string): number {
  if (!needle) return 0;
  return haystack.split(needle).length - 1;
}
