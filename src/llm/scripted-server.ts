// A real HTTP server on loopback that speaks the Anthropic Messages API (streaming only) and answers
// from a script: tests drive the real SDK against it, and `--demo` runs on it offline.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Usage } from '../core/usage.js';

/** The body of a `POST /v1/messages` as the client sent it (only the fields a script looks at are typed). */
export interface MessagesRequestBody {
  model: string;
  max_tokens: number;
  system?: string | Array<{ type: 'text'; text: string }>;
  /** Claude Code also sends `system` messages among them (its environment, the agent types it knows). */
  messages: Array<{ role: 'user' | 'assistant' | 'system'; content: string | Array<Record<string, unknown> & { type: string }> }>;
  tools?: Array<{ name: string; description?: string; input_schema: unknown }>;
  stream?: boolean;
  [field: string]: unknown;
}

/** A successful streamed answer, optionally broken part way. */
export interface StreamReply {
  /** Text chunks, streamed as the text_delta events of one text block (first). */
  text?: string[];
  /** Thinking text streamed as a thinking block before everything else (with a signature). */
  thinking?: string;
  /** Tool calls after the text; each input is streamed as several input_json_delta chunks. */
  toolUses?: Array<{ name: string; input: unknown; id?: string; /** Streamed instead of JSON.stringify(input). */ inputJson?: string }>;
  /** Default: `tool_use` when there are tool uses, else `end_turn`. */
  stopReason?: string;
  /** The final cumulative usage (message_start reports it with output 1, as the API does). */
  usage?: Partial<Usage>;
  /** Extra cumulative message_delta events before the final one, each with only the fields given. */
  usageSteps?: Array<Partial<Usage>>;
  /** The final message_delta reports output_tokens only (as older API versions did). */
  deltaOutputOnly?: boolean;
  /** Pause before each content_block_delta event. */
  delayMs?: number;
  /** Send an SSE `error` event after this many content_block_delta events, then end the response. */
  midStreamError?: { type: string; message: string };
  afterChunks?: number;
  /** Destroy the socket after this many content_block_delta events. */
  cutConnectionAfterChunks?: number;
  /** Stop sending (but keep the connection open) after this many content_block_delta events. */
  stallAfterChunks?: number;
  /** Hold the stream after this many content_block_delta events until `until` settles (a test's gate). */
  pause?: { afterChunks: number; until: Promise<void> };
}

/** An HTTP error answer with the API's JSON error body. */
export interface ErrorReply {
  status: number;
  errorType: string;
  message: string;
  /** Seconds, sent as the `retry-after` header. */
  retryAfter?: number;
}

export type ReplyPlan = StreamReply | ErrorReply;

/** Answers request number `index` (0-based, in arrival order; requests refused for a missing key count too). */
export type Responder = (request: MessagesRequestBody, index: number) => ReplyPlan | Promise<ReplyPlan>;

export interface ScriptedServerOptions {
  respond: Responder;
  /** When set, any other key is refused with 401 like the real API; otherwise any key passes. */
  apiKey?: string;
}

export interface ScriptedServer {
  /** Base URL for the SDK's `baseURL`, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Every `POST /v1/messages` body received, in order. */
  readonly requests: MessagesRequestBody[];
  close(): Promise<void>;
}

const DEFAULT_USAGE: Usage = { input: 12, output: 6, cacheRead: 0, cacheWrite: 0 };

export async function startScriptedServer(options: ScriptedServerOptions): Promise<ScriptedServer> {
  const requests: MessagesRequestBody[] = [];
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'api_error', `scripted server: ${String(error)}`);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'POST' || path !== '/v1/messages') {
      await readBody(req);
      sendError(res, 404, 'not_found_error', `scripted server: no route for ${req.method} ${path}`);
      return;
    }
    const text = await readBody(req);
    let body: MessagesRequestBody;
    try {
      body = JSON.parse(text) as MessagesRequestBody;
    } catch {
      sendError(res, 400, 'invalid_request_error', 'scripted server: the request body is not JSON');
      return;
    }
    const index = requests.push(body) - 1;
    const key = apiKeyOf(req);
    if (key === undefined) {
      sendError(res, 401, 'authentication_error', 'x-api-key header is required');
      return;
    }
    if (options.apiKey !== undefined && key !== options.apiKey) {
      sendError(res, 401, 'authentication_error', 'invalid x-api-key');
      return;
    }
    if (body.stream !== true) {
      sendError(res, 400, 'invalid_request_error', 'scripted server: only streaming requests (stream: true) are served');
      return;
    }
    let plan: ReplyPlan;
    try {
      plan = await options.respond(body, index);
    } catch (error) {
      // Not retryable on purpose: a script mistake should fail the test at once, with its reason.
      sendError(res, 400, 'invalid_request_error', `scripted server: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if ('status' in plan) {
      const headers: Record<string, string> = {};
      if (plan.retryAfter !== undefined) headers['retry-after'] = String(plan.retryAfter);
      sendError(res, plan.status, plan.errorType, plan.message, headers);
      return;
    }
    await streamReply(res, body, index, plan);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A responder that answers with the next plan of `plans`; when they run out, the request fails saying so. */
export function scriptedQueue(plans: ReplyPlan[]): Responder {
  const queue = [...plans];
  let served = 0;
  return () => {
    const plan = queue.shift();
    if (!plan) {
      throw new Error(`the script has no reply left for request #${served + 1} (it had ${plans.length})`);
    }
    served++;
    return plan;
  };
}

/**
 * The key a request carries: `x-api-key`, or `Authorization: Bearer <key>`, which is how SDK 1.x sends
 * an `apiKey`.
 */
function apiKeyOf(req: IncomingMessage): string | undefined {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return bearer?.[1];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendError(res: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_scripted' });
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_scripted', ...headers });
  res.end(body);
}

type SseEvent = { event: string; data: unknown };

/** The events of a successful answer, in the API's order. */
export function replyEvents(request: MessagesRequestBody, index: number, plan: StreamReply): SseEvent[] {
  const usage: Usage = { ...DEFAULT_USAGE, ...plan.usage };
  const events: SseEvent[] = [];
  const add = (event: string, data: Record<string, unknown>): void => {
    events.push({ event, data: { type: event, ...data } });
  };
  add('message_start', {
    message: {
      id: `msg_scripted_${index}`,
      type: 'message',
      role: 'assistant',
      model: request.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: usage.input,
        cache_creation_input_tokens: usage.cacheWrite,
        cache_read_input_tokens: usage.cacheRead,
        output_tokens: 1,
        service_tier: 'standard',
      },
    },
  });
  let block = 0;
  if (plan.thinking !== undefined) {
    add('content_block_start', { index: block, content_block: { type: 'thinking', thinking: '', signature: '' } });
    add('content_block_delta', { index: block, delta: { type: 'thinking_delta', thinking: plan.thinking } });
    add('content_block_delta', { index: block, delta: { type: 'signature_delta', signature: `sig_scripted_${index}` } });
    add('content_block_stop', { index: block });
    block++;
  }
  // The API sends one ping early on; clients must ignore it.
  events.push({ event: 'ping', data: { type: 'ping' } });
  if (plan.text && plan.text.length > 0) {
    add('content_block_start', { index: block, content_block: { type: 'text', text: '' } });
    for (const chunk of plan.text) add('content_block_delta', { index: block, delta: { type: 'text_delta', text: chunk } });
    add('content_block_stop', { index: block });
    block++;
  }
  for (const [i, toolUse] of (plan.toolUses ?? []).entries()) {
    const id = toolUse.id ?? `toolu_scripted_${index}_${i}`;
    add('content_block_start', { index: block, content_block: { type: 'tool_use', id, name: toolUse.name, input: {} } });
    for (const piece of splitJson(toolUse.inputJson ?? JSON.stringify(toolUse.input))) {
      add('content_block_delta', { index: block, delta: { type: 'input_json_delta', partial_json: piece } });
    }
    add('content_block_stop', { index: block });
    block++;
  }
  for (const step of plan.usageSteps ?? []) {
    add('message_delta', { delta: { stop_reason: null, stop_sequence: null }, usage: rawUsage(step) });
  }
  const stopReason = plan.stopReason ?? (plan.toolUses && plan.toolUses.length > 0 ? 'tool_use' : 'end_turn');
  add('message_delta', {
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: plan.deltaOutputOnly ? { output_tokens: usage.output } : rawUsage(usage),
  });
  add('message_stop', {});
  return events;
}

function rawUsage(usage: Partial<Usage>): Record<string, number> {
  const raw: Record<string, number> = {};
  if (usage.input !== undefined) raw.input_tokens = usage.input;
  if (usage.cacheWrite !== undefined) raw.cache_creation_input_tokens = usage.cacheWrite;
  if (usage.cacheRead !== undefined) raw.cache_read_input_tokens = usage.cacheRead;
  if (usage.output !== undefined) raw.output_tokens = usage.output;
  return raw;
}

/** Splits JSON text in pieces as the API does: an empty first piece, then a few arbitrary cuts. */
function splitJson(json: string): string[] {
  const pieces = [''];
  const size = Math.max(1, Math.ceil(json.length / 3));
  for (let at = 0; at < json.length; at += size) pieces.push(json.slice(at, at + size));
  return pieces;
}

function frame(event: SseEvent): string {
  return `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

async function streamReply(res: ServerResponse, request: MessagesRequestBody, index: number, plan: StreamReply): Promise<void> {
  // The client may have given up while the script was deciding.
  if (res.destroyed || !res.socket || res.socket.destroyed) return;
  let closed = false;
  const whenClosed = new Promise<void>((resolve) => {
    res.on('close', () => {
      closed = true;
      resolve();
    });
  });
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'request-id': `req_scripted_${index}`,
  });
  res.flushHeaders();
  const errorAfter = plan.midStreamError ? (plan.afterChunks ?? 0) : undefined;
  let deltas = 0;
  /** Whether the plan breaks the stream here: after its count of deltas, or at the latest before message_delta. */
  const breaksAt = (count: number | undefined, event: SseEvent): boolean =>
    count !== undefined && (event.event === 'message_delta' ? deltas <= count : deltas === count);
  for (const event of replyEvents(request, index, plan)) {
    if (closed) return;
    if (event.event === 'content_block_delta' || event.event === 'message_delta') {
      if (plan.midStreamError && breaksAt(errorAfter, event)) {
        res.end(frame({ event: 'error', data: { type: 'error', error: plan.midStreamError } }));
        return;
      }
      if (breaksAt(plan.cutConnectionAfterChunks, event)) {
        res.destroy();
        return;
      }
      // Stalled: nothing more is sent; the client's timeout (or close()) ends the connection.
      if (breaksAt(plan.stallAfterChunks, event)) return;
    }
    if (event.event === 'content_block_delta') {
      if (plan.pause && deltas === plan.pause.afterChunks) await Promise.race([plan.pause.until, whenClosed]);
      if (plan.delayMs) await delay(plan.delayMs);
      if (closed) return;
      deltas++;
    }
    // Wait until each event is handed to the socket, so that a later cut cannot swallow it.
    await Promise.race([new Promise<void>((resolve) => res.write(frame(event), () => resolve())), whenClosed]);
  }
  res.end();
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
