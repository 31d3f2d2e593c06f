// Claude Code's `--output-format stream-json` (a run with `-p`): one JSON object a line — the
// session's start (`system`/`init`), each model response (`assistant`, with its text, tool calls
// and usage), the tools' results (`user`), and the run's end (`result`). Pure: a line in, what it
// says out (undefined for a line that says nothing agentmux shows).
import { isObject } from './is-object.js';
import type { Usage } from './usage.js';

export type StreamEvent =
  | { kind: 'init'; model?: string; session?: string }
  | { kind: 'text'; text: string }
  | { kind: 'tool'; name: string; input: unknown }
  | { kind: 'tool-result'; text: string; isError: boolean }
  /** A response's usage (cumulative for that response: a later line with the same id replaces it). */
  | { kind: 'usage'; id: string; model: string; usage: Usage }
  | { kind: 'result'; ok: boolean; text: string };

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function usageOf(value: Record<string, unknown>): Usage {
  return {
    input: count(value.input_tokens),
    output: count(value.output_tokens),
    cacheRead: count(value.cache_read_input_tokens),
    cacheWrite: count(value.cache_creation_input_tokens),
  };
}

/** A tool result's content as text (a string, or blocks of text). */
function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((block) => (isObject(block) && typeof block.text === 'string' ? block.text : '')).join('');
}

function assistant(message: Record<string, unknown>): StreamEvent[] {
  const events: StreamEvent[] = [];
  for (const block of Array.isArray(message.content) ? message.content : []) {
    if (!isObject(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string') events.push({ kind: 'text', text: block.text });
    if (block.type === 'tool_use' && typeof block.name === 'string') events.push({ kind: 'tool', name: block.name, input: block.input });
  }
  const id = text(message.id);
  const model = text(message.model);
  if (id && model && isObject(message.usage)) events.push({ kind: 'usage', id, model, usage: usageOf(message.usage) });
  return events;
}

/** What one line of the stream says, in order. */
export function streamEvents(line: string): StreamEvent[] {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return [{ kind: 'text', text: `${line}\n` }]; // not JSON: something the CLI printed, shown as it is
  }
  if (!isObject(value)) return [];
  switch (value.type) {
    case 'system': {
      if (value.subtype !== 'init') return [];
      const model = text(value.model);
      const session = text(value.session_id);
      return [{ kind: 'init', ...(model ? { model } : {}), ...(session ? { session } : {}) }];
    }
    case 'assistant':
      return isObject(value.message) ? assistant(value.message) : [];
    case 'user': {
      const content = isObject(value.message) && Array.isArray(value.message.content) ? value.message.content : [];
      return content.flatMap((block: unknown) => (isObject(block) && block.type === 'tool_result'
        ? [{ kind: 'tool-result' as const, text: resultText(block.content), isError: block.is_error === true }] : []));
    }
    case 'result':
      return [{ kind: 'result', ok: value.is_error !== true && value.subtype === 'success', text: text(value.result) ?? text(value.subtype) ?? '' }];
    default:
      return [];
  }
}
