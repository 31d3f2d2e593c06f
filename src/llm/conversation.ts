// A conversation read back from disk: every message checked field by field (the file is outside
// our control), then made well-formed for the Messages API so that it can be continued.
import type { ContentBlock, Message } from './types.js';
import { plural } from '../core/format.js';
import { isObject } from '../core/is-object.js';

/** The result given to a tool call that was never answered (the agent stopped or crashed first). */
export const NOT_RUN = 'not run: the agent was stopped';

/** The message `value` holds, copied field by field, or undefined when it is not a valid one. */
export function messageOf(value: unknown): Message | undefined {
  if (!isObject(value) || (value.role !== 'user' && value.role !== 'assistant')) return undefined;
  if (typeof value.content === 'string') return { role: value.role, content: value.content };
  if (!Array.isArray(value.content)) return undefined;
  const content: ContentBlock[] = [];
  for (const item of value.content) {
    const block = blockOf(item);
    if (!block) return undefined;
    content.push(block);
  }
  return { role: value.role, content };
}

/** A known content block, copied field by field (nothing else a record holds is carried over). */
function blockOf(value: unknown): ContentBlock | undefined {
  if (!isObject(value)) return undefined;
  switch (value.type) {
    case 'text':
      return typeof value.text === 'string' ? { type: 'text', text: value.text } : undefined;
    case 'tool_use':
      return typeof value.id === 'string' && value.id !== '' && typeof value.name === 'string' && 'input' in value
        ? { type: 'tool_use', id: value.id, name: value.name, input: value.input }
        : undefined;
    case 'tool_result':
      if (typeof value.tool_use_id !== 'string' || typeof value.content !== 'string') return undefined;
      if (value.is_error !== undefined && typeof value.is_error !== 'boolean') return undefined;
      return value.is_error === undefined
        ? { type: 'tool_result', tool_use_id: value.tool_use_id, content: value.content }
        : { type: 'tool_result', tool_use_id: value.tool_use_id, content: value.content, is_error: value.is_error };
    case 'thinking':
      return typeof value.thinking === 'string' && typeof value.signature === 'string'
        ? { type: 'thinking', thinking: value.thinking, signature: value.signature }
        : undefined;
    case 'redacted_thinking':
      return typeof value.data === 'string' ? { type: 'redacted_thinking', data: value.data } : undefined;
    default:
      return undefined;
  }
}

export function blocksOf(content: Message['content']): ContentBlock[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

function isEmpty(message: Message): boolean {
  return typeof message.content === 'string' ? message.content === '' : message.content.length === 0;
}

function toolUseIds(message: Message | undefined): string[] {
  if (message?.role !== 'assistant' || typeof message.content === 'string') return [];
  return message.content.flatMap((block) => (block.type === 'tool_use' ? [block.id] : []));
}

/** Consecutive messages of one role become one (a continued task after a user message, or a lost line between). */
export function mergeRuns(messages: readonly Message[]): Message[] {
  const merged: Message[] = [];
  for (const message of messages) {
    const previous = merged.at(-1);
    if (previous && previous.role === message.role) {
      merged[merged.length - 1] = { role: message.role, content: [...blocksOf(previous.content), ...blocksOf(message.content)] };
    } else {
      merged.push(message);
    }
  }
  return merged;
}

/**
 * The conversation as the API accepts it. What our own writer leaves after a crash needs only two
 * repairs: runs of user messages are merged, and tool calls without results (the worker stopped while
 * they ran, or before) get error results. Damage from elsewhere (a lost line in the middle) is repaired
 * too, by leaving out what cannot be placed: a leading assistant message, results that answer no call.
 */
export function wellFormed(stored: readonly Message[], warnings: string[]): { messages: Message[]; added: Message[] } {
  let messages = stored.filter((message) => !isEmpty(message));
  for (;;) {
    messages = mergeRuns(messages);
    if (messages[0]?.role === 'assistant') {
      warnings.push('the transcript starts with an answer of the model: left out');
      messages = messages.slice(1);
      continue;
    }
    let dropped = false;
    messages = messages.flatMap((message, index) => {
      if (message.role !== 'user' || typeof message.content === 'string') return [message];
      const asked = new Set(toolUseIds(messages[index - 1]));
      const kept = message.content.filter((block) => block.type !== 'tool_result' || asked.has(block.tool_use_id));
      if (kept.length === message.content.length) return [message];
      warnings.push(`${plural(message.content.length - kept.length, 'tool result')} answering no tool call left out`);
      if (kept.length > 0) return [{ role: 'user', content: kept }];
      dropped = true;
      return [];
    });
    // A message left out may bring two of one role together, or an answer to the front: once more.
    if (!dropped) break;
  }

  const added: Message[] = [];
  let unanswered = 0;
  messages = messages.flatMap((message, index) => {
    const ids = toolUseIds(message);
    const next = messages[index + 1];
    if (ids.length > 0 && next === undefined) {
      // The stop came after the calls were asked for and before all results were in.
      const results = ids.map((id): ContentBlock => ({ type: 'tool_result', tool_use_id: id, content: NOT_RUN, is_error: true }));
      unanswered += results.length;
      const answer: Message = { role: 'user', content: results };
      added.push(answer);
      return [message, answer];
    }
    const asked = toolUseIds(messages[index - 1]);
    if (message.role !== 'user' || asked.length === 0) return [message];
    const content = blocksOf(message.content);
    const answered = new Set(content.flatMap((block) => (block.type === 'tool_result' ? [block.tool_use_id] : [])));
    const missing = asked.filter((id) => !answered.has(id));
    unanswered += missing.length;
    // Results first, as the API wants them before any other content of the message.
    const results = [
      ...content.filter((block) => block.type === 'tool_result'),
      ...missing.map((id): ContentBlock => ({ type: 'tool_result', tool_use_id: id, content: NOT_RUN, is_error: true })),
    ];
    if (missing.length === 0 && content.slice(0, results.length).every((block) => block.type === 'tool_result')) return [message];
    return [{ role: 'user', content: [...results, ...content.filter((block) => block.type !== 'tool_result')] }];
  });
  if (unanswered > 0) warnings.push(`${plural(unanswered, 'tool call')} never ran (the agent stopped first): the model is told so`);
  return { messages, added };
}
