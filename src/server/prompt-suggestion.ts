// The request for a prompt suggestion (the user's likely next message after a main-agent turn) and
// what is kept of the reply. The request is small on purpose: a short system prompt, the end of the
// conversation as plain text (no tools, so no tool calls to pair up), a few output tokens.
import { printable } from '../core/printable.js';
import { SUGGESTION_MARKER } from '../core/prompt-markers.js';
import type { ContentBlock, Message, TurnRequest } from '../llm/types.js';

/** The messages the suggestion model sees: the user's last one and what followed, and a little before. */
const RECENT_MESSAGES = 6;
/** Characters kept of each message's text (its start and its end). */
const MESSAGE_CHARS = 1200;
const MAX_TOKENS = 60;
/** A suggestion is a short message: a longer reply is not one. */
const MAX_SUGGESTION_CHARS = 160;

const SYSTEM = [
  `You predict a developer's next message (${SUGGESTION_MARKER}).`,
  'Below is the end of a conversation between a developer and their coding assistant in a terminal.',
  'Write the one message the developer is most likely to type next, in their own voice: a short instruction or question '
    + 'for the assistant (at most 12 words), following naturally from the last reply.',
  'Answer with that message only: one line, no quotes, no preamble, no slash commands.',
].join('\n');

/** The request for a suggestion after `conversation`; undefined when there is nothing to go on. */
export function suggestionRequest(conversation: readonly Message[], model: string): TurnRequest | undefined {
  const lines = conversation.slice(-RECENT_MESSAGES).flatMap(transcriptLines);
  if (lines.length === 0) return undefined;
  const text = ['<conversation>', ...lines, '</conversation>', 'The developer\'s next message:'].join('\n');
  return { model, system: SYSTEM, messages: [{ role: 'user', content: [{ type: 'text', text }] }], tools: [], maxTokens: MAX_TOKENS };
}

function transcriptLines(message: Message): string[] {
  const blocks: ContentBlock[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
  return blocks.flatMap((block) => {
    if (block.type === 'tool_use') return [`assistant: [called ${block.name}]`];
    if (block.type !== 'text' || !block.text.trim()) return [];
    // Background agents' outcomes reach the conversation as user messages, but the developer did not write them.
    const speaker = message.role === 'assistant' ? 'assistant' : block.text.trimStart().startsWith('<agent-notification') ? 'agentmux' : 'developer';
    return [`${speaker}: ${shortened(block.text.trim())}`];
  });
}

function shortened(text: string): string {
  if (text.length <= MESSAGE_CHARS) return text;
  const half = MESSAGE_CHARS / 2;
  return `${text.slice(0, half)} … ${text.slice(-half)}`;
}

/**
 * What the screen may show of the model's reply: its first non-empty line, printable, without quotes
 * around it or a speaker's label. Empty when nothing usable is left, when it is longer than a short
 * message (the model did not do as asked; half a sentence is no suggestion), and for a slash command:
 * Enter on a suggestion sends a message to the main agent, never runs a command.
 */
export function cleanSuggestion(reply: string): string {
  const line = reply.split(/\r\n|\r|\n/).map((part) => part.trim()).find((part) => part !== '') ?? '';
  let text = printable(line).replace(/\s+/g, ' ').trim();
  text = text.replace(/^(?:developer|user)\s*:\s*/i, '');
  const quoted = /^(["'“‘`])(.*)(["'”’`])$/.exec(text);
  if (quoted) text = quoted[2].trim();
  if (text.startsWith('/') || text.length > MAX_SUGGESTION_CHARS) return '';
  return text;
}
