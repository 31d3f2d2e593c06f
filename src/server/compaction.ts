// /compact: the model writes a summary of the conversation, and the summary stands in for the
// conversation from then on (in memory and when the session is read back). The chat keeps
// every line for the user; only what the model sees gets shorter.
import { COMPACTION_REQUEST } from '../core/prompt-markers.js';

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
