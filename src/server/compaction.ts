// /compact: the model writes a summary of the conversation, and the summary stands in for the
// conversation from then on (in memory and when the session is read back). The chat keeps
// every line for the user; only what the model sees gets shorter.
import { COMPACTION_REQUEST } from '../core/prompt-markers.js';
import type { Message } from '../llm/types.js';

const SUMMARY_OPENING = 'This conversation continues an earlier one, which was summarized to save context. The summary:';

/** The request that asks for the summary, after the conversation so far. */
export function compactionPrompt(instructions: string | undefined): string {
  return [
    `${COMPACTION_REQUEST}; it will replace the conversation.`,
    'Keep: what the developer asked for and decided, what was done and found (files, commands, errors, results), '
      + 'the background agents started and what became of them, and what is still open or next.',
    'Write the summary only: no tool calls, no preamble.',
    ...(instructions ? [`The developer's instructions for the summary: ${instructions}`] : []),
  ].join('\n');
}

/** The conversation after compaction: one user message with the summary. */
export function summaryMessage(summary: string): Message {
  return { role: 'user', content: [{ type: 'text', text: `${SUMMARY_OPENING}\n\n${summary}` }] };
}

/** `messages` with `text` said last by the user: a message of its own, or joined to a last user message. */
export function withUserText(messages: readonly Message[], text: string): Message[] {
  const last = messages[messages.length - 1];
  if (last?.role !== 'user') return [...messages, { role: 'user', content: [{ type: 'text', text }] }];
  const earlier = typeof last.content === 'string' ? [{ type: 'text' as const, text: last.content }] : last.content;
  return [...messages.slice(0, -1), { role: 'user', content: [...earlier, { type: 'text', text }] }];
}
