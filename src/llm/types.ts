// The contract between the model wrapper and the agent loops that use it.
import type { Usage } from '../core/usage.js';

export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the input object. */
  input_schema: { type: 'object'; properties: Record<string, unknown>; required?: string[] };
}

export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; tool_use_id: string; content: string; is_error?: boolean }
  // Kept and sent back unchanged: the API requires them in later turns of a tool loop.
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string };

export interface Message {
  role: 'user' | 'assistant';
  content: string | ContentBlock[];
}

export interface TurnRequest {
  model: string;
  system: string;
  messages: Message[];
  tools: ToolDefinition[];
  maxTokens: number;
}

/** What one streamed model request yields, in order. */
export type TurnEvent =
  /** A retry after a failure; whatever was yielded since the request began is void. */
  | { type: 'retry'; attempt: number; maxAttempts: number; reason: string; delayMs: number }
  | { type: 'text'; text: string }
  /** A complete tool call (its input JSON fully received and parsed). */
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  /** Usage so far for this request: message_start's, then overwritten by each message_delta (cumulative). */
  | { type: 'usage'; usage: Usage }
  | { type: 'done'; stopReason: string; content: ContentBlock[]; usage: Usage };

/** A request that failed for good (after retries, or at once for 4xx other than 429). */
export class ModelError extends Error {
  constructor(message: string, readonly kind: 'auth' | 'request' | 'exhausted' | 'aborted') {
    super(message);
    this.name = 'ModelError';
  }
}

export interface ModelClient {
  /** Streams one request; throws ModelError. Honours `signal` (Ctrl+C). */
  stream(request: TurnRequest, signal?: AbortSignal): AsyncGenerator<TurnEvent>;
}
