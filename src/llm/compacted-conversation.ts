// The conversation as the model sees it after a compaction: a summary of everything before a cut,
// then every message after the cut verbatim. The same shape in memory and when a transcript is read
// back, where a `compacted` record names the summary and how many messages after it were kept.
import { COMPACTION_REQUEST } from '../core/prompt-markers.js';
import { blocksOf, mergeRuns } from './conversation.js';
import type { Message } from './types.js';

const SUMMARY_OPENING = 'This conversation continues an earlier one, which was summarized to save context. The summary:';
/** The latest messages stay verbatim after an automatic compaction… */
const KEPT_MESSAGES = 4;
/** …unless they are more than this share of the conversation: then fewer (at least the last). */
const MAX_KEPT_SHARE = 0.2;

/** The conversation after compaction starts with one user message with the summary. */
export function summaryMessage(summary: string): Message {
  return { role: 'user', content: [{ type: 'text', text: `${SUMMARY_OPENING}\n\n${summary}` }] };
}

/** The summary, then `tail` as it was: the summary joins the tail's first message when that is the user's. */
export function compactedConversation(summary: string, tail: readonly Message[]): Message[] {
  return mergeRuns([summaryMessage(summary), ...tail]);
}

/**
 * Reading a conversation back, at a `compacted` record: the summary, then the last `kept` messages of
 * `messages` as the agent held them (runs of one role merged, as it merges them in memory).
 */
export function replayCompaction(messages: readonly Message[], summary: string, kept: number): Message[] {
  const held = mergeRuns(messages);
  return compactedConversation(summary, held.slice(Math.max(0, held.length - kept)));
}

/** `messages` with `text` said last by the user: a message of its own, or joined to a last user message. */
export function withUserText(messages: readonly Message[], text: string): Message[] {
  const last = messages[messages.length - 1];
  if (last?.role !== 'user') return [...messages, { role: 'user', content: [{ type: 'text', text }] }];
  return [...messages.slice(0, -1), { role: 'user', content: [...blocksOf(last.content), { type: 'text', text }] }];
}

/** The request for an automatic compaction's summary, after the messages it summarizes. */
export function autoCompactionPrompt(): string {
  return [
    `${COMPACTION_REQUEST}; it will replace the messages up to here, and the latest messages will follow it verbatim.`,
    'Cover: the goals and what was asked for; the decisions made and why; the files touched (paths, and what changed in each); '
      + 'commands run and what they showed; background agents and what became of them; the open tasks and next steps.',
    'Write the summary only: no tool calls, no preamble.',
  ].join('\n');
}

/** A tool result must stay right after its call: the verbatim tail may start at an answer, or at a user message with no results. */
function startsTail(message: Message): boolean {
  return message.role === 'assistant' || !blocksOf(message.content).some((block) => block.type === 'tool_result');
}

/**
 * Where the verbatim tail starts when `messages` are summarized: the latest few, fewer when they are a
 * large share of the conversation, always the last one (the conversation grows, or is merged into, at
 * its end), moved back so that no tool result is parted from its call. undefined when nothing before
 * the tail would be left to summarize.
 */
export function cutIndex(messages: readonly Message[]): number | undefined {
  if (messages.length < 2) return undefined;
  const sizes = messages.map((message) => JSON.stringify(message.content).length);
  const total = sizes.reduce((sum, size) => sum + size, 0);
  let cut = Math.max(1, messages.length - KEPT_MESSAGES);
  let kept = sizes.slice(cut).reduce((sum, size) => sum + size, 0);
  while (cut < messages.length - 1 && kept > total * MAX_KEPT_SHARE) kept -= sizes[cut++];
  while (cut > 0 && !startsTail(messages[cut])) cut--;
  return cut > 0 ? cut : undefined;
}
