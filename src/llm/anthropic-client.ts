// The model client on the real Anthropic SDK: one streamed Messages request, read event by event into
// TurnEvents, with our own retries (the SDK's are off) so that the user sees each one.
import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import type {
  MessageCreateParamsStreaming,
  MessageParam,
  RawMessageStreamEvent,
  Tool,
} from '@anthropic-ai/sdk/resources/messages';
import { ZERO_USAGE, type Usage } from '../core/usage.js';
import { ModelError, type ContentBlock, type ModelClient, type TurnEvent, type TurnRequest } from './types.js';


/** The Anthropic API, where the SDK goes when no compatible endpoint is given. */
export const DEFAULT_BASE_URL = 'https://api.anthropic.com';
export interface Backoff {
  /** Delay before the first retry; doubled for each later one (plus jitter). */
  baseMs: number;
  /** Cap of the doubled delay. */
  maxMs: number;
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface ModelClientOptions {
  apiKey: string;
  /** A compatible endpoint (ANTHROPIC_BASE_URL) or a local scripted server. */
  baseURL?: string;
  /**
   * How long to wait for the response to start, and then for each next stream event, before the attempt
   * counts as timed out (and is retried). Default 10 minutes.
   */
  timeoutMs?: number;
  /** Attempts in all, the first included. Default 5. */
  maxAttempts?: number;
  backoff?: Backoff;
  /** The wait between attempts (tests pass a fast one); it is cut short when the request is aborted. */
  sleep?: Sleep;
  /** Ask the API to cache the prompt up to its last block (top-level `cache_control`). Default true. */
  promptCaching?: boolean;
}

const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
/** A `retry-after` longer than this is not waited out in full. */
const MAX_RETRY_AFTER_MS = 10 * 60 * 1000;

export function createModelClient(options: ModelClientOptions): ModelClient {
  const {
    apiKey,
    baseURL,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    maxAttempts = 5,
    backoff = { baseMs: 1000, maxMs: 30_000 },
    sleep = abortableSleep,
    promptCaching = true,
  } = options;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  // Everything explicit: the SDK would otherwise take ANTHROPIC_BASE_URL and ANTHROPIC_AUTH_TOKEN from
  // whatever environment the process has, and a worker's is partly the user's shell's.
  const client = new Anthropic({ apiKey, authToken: null, baseURL: baseURL ?? DEFAULT_BASE_URL, maxRetries: 0, timeout: timeoutMs });
  /** Never let the key reach a message, whatever an endpoint echoes back. */
  const redact = (text: string): string =>
    (apiKey.length >= 8 ? text.split(apiKey).join('[redacted]') : text).replace(/\s+/g, ' ').trim();

  async function* attempt(request: TurnRequest, signal: AbortSignal | undefined): AsyncGenerator<TurnEvent> {
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    signal?.addEventListener('abort', abort, { once: true });
    // The watchdog runs only while we wait on the network, not while the consumer handles an event.
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
    };
    const disarm = (): void => clearTimeout(timer);
    let iterator: AsyncIterator<RawMessageStreamEvent> | undefined;
    const turn = new TurnAssembler();
    try {
      arm();
      const stream = await client.messages.create(toParams(request, promptCaching), {
        signal: controller.signal,
        timeout: timeoutMs,
      });
      iterator = stream[Symbol.asyncIterator]();
      try {
        for (;;) {
          arm();
          const next = await iterator.next();
          disarm();
          if (next.done) break;
          yield* turn.accept(next.value);
        }
      } catch (error) {
        // A connection that breaks after message_stop has delivered the whole message.
        if (!turn.stopped) throw error;
      }
      // The SDK ends the stream quietly when it is aborted, so find out why it ended.
      if (signal?.aborted) throw abortedError();
      if (!turn.stopped) throw timedOut ? new AttemptTimeout() : new StreamCut();
      yield turn.done();
    } catch (error) {
      if (timedOut && !signal?.aborted && !(error instanceof ModelError)) throw new AttemptTimeout();
      throw error;
    } finally {
      disarm();
      signal?.removeEventListener('abort', abort);
      // Closes the connection if the consumer stopped early; a no-op once the stream is complete.
      await iterator?.return?.();
      controller.abort();
    }
  }

  return {
    async *stream(request: TurnRequest, signal?: AbortSignal): AsyncGenerator<TurnEvent> {
      for (let attemptNumber = 1; ; attemptNumber++) {
        if (signal?.aborted) throw abortedError();
        let failure: Retryable;
        try {
          yield* attempt(request, signal);
          return;
        } catch (error) {
          const verdict = classify(error, signal);
          if (verdict instanceof ModelError) throw new ModelError(redact(verdict.message), verdict.kind);
          failure = verdict;
        }
        if (attemptNumber >= maxAttempts) {
          const detail = failure.detail ? `: ${failure.detail}` : '';
          throw new ModelError(
            redact(`the model request failed ${maxAttempts === 1 ? 'once' : `${maxAttempts} times`}, giving up (last: ${failure.reason}${detail})`),
            'exhausted',
          );
        }
        const delayMs = failure.retryAfterMs ?? backoffDelay(backoff, attemptNumber);
        yield { type: 'retry', attempt: attemptNumber + 1, maxAttempts, reason: failure.reason, delayMs };
        await raceAbort(sleep(delayMs, signal), signal);
        if (signal?.aborted) throw abortedError();
      }
    },
  };
}

/** A failure worth another attempt: `reason` is short and human ("overloaded", "connection lost"). */
interface Retryable {
  reason: string;
  /** The API's own message, for the final error. */
  detail?: string;
  retryAfterMs?: number;
}

/** The stream ended (cleanly) before message_stop. */
class StreamCut extends Error {
  constructor() {
    super('the stream ended before message_stop');
  }
}

/** Our watchdog fired: no response, or no next event, within timeoutMs. */
class AttemptTimeout extends Error {
  constructor() {
    super('no data within the timeout');
  }
}

function abortedError(): ModelError {
  return new ModelError('the model request was cancelled', 'aborted');
}

const CONNECTION_TROUBLE =
  /ECONNRESET|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EPIPE|ETIMEDOUT|socket hang up|fetch failed|terminated|other side closed|UND_ERR/i;

/** Decides what a failed attempt means: retry it (and why), or a ModelError to throw. */
export function classify(error: unknown, signal?: AbortSignal): Retryable | ModelError {
  if (error instanceof ModelError) return error;
  if (signal?.aborted) return abortedError();
  if (error instanceof AttemptTimeout || error instanceof APIConnectionTimeoutError) return { reason: 'timed out' };
  if (error instanceof StreamCut) return { reason: 'connection lost', detail: error.message };
  if (error instanceof APIUserAbortError) return { reason: 'connection lost' };
  if (error instanceof APIConnectionError) {
    const cannotConnect = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(describe(error));
    return { reason: cannotConnect ? 'cannot connect' : 'connection lost', detail: rootCause(error) };
  }
  if (error instanceof APIError) return classifyApiError(error);
  const text = describe(error);
  if (CONNECTION_TROUBLE.test(text)) return { reason: 'connection lost', detail: rootCause(error) };
  if (/timed? ?out/i.test(text)) return { reason: 'timed out' };
  if (error instanceof SyntaxError) return { reason: 'garbled stream', detail: error.message };
  return new ModelError(`the model request failed: ${error instanceof Error ? error.message : String(error)}`, 'request');
}

function classifyApiError(error: APIError): Retryable | ModelError {
  const apiMessage = error.apiMessage ?? undefined;
  const status = error.status;
  if (status === undefined) {
    // An `error` event in the middle of the stream: only its type says what happened.
    const type = error.type ?? undefined;
    const detail = apiMessage;
    switch (type) {
      case 'overloaded_error':
        return { reason: 'overloaded', detail };
      case 'rate_limit_error':
        return { reason: 'rate limited', detail };
      case 'api_error':
        return { reason: 'server error', detail };
      case 'timeout_error':
        return { reason: 'timed out', detail };
      case 'authentication_error':
      case 'permission_error':
        return new ModelError(`the API key was refused (${type}): check ANTHROPIC_API_KEY`, 'auth');
      case undefined:
        return { reason: 'stream error', detail: detail ?? error.message };
      default:
        return new ModelError(`the API refused the request (${type}): ${apiMessage ?? error.message}`, 'request');
    }
  }
  if (status === 401) return new ModelError('the API key was refused (401): check ANTHROPIC_API_KEY', 'auth');
  if (status === 403) {
    const why = apiMessage ? ` (${apiMessage})` : '';
    return new ModelError(`the API key was refused (403)${why}: check ANTHROPIC_API_KEY`, 'auth');
  }
  const retryAfterMs = retryAfter(error.headers);
  const retry = (reason: string): Retryable => ({ reason, detail: apiMessage, retryAfterMs });
  if (status === 429) return retry('rate limited');
  if (status === 529) return retry('overloaded');
  if (status === 408) return retry('timed out');
  if (status >= 500) return retry(`server error ${status}`);
  return new ModelError(`the API refused the request (${status}): ${apiMessage ?? error.message}`, 'request');
}

/** The error with its cause chain, for matching network error codes. */
function describe(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (current instanceof Error) {
      const code = (current as NodeJS.ErrnoException).code;
      parts.push(`${current.name}: ${current.message}${code ? ` (${code})` : ''}`);
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(' <- ');
}

/** The message of the innermost cause ("connect ECONNREFUSED 127.0.0.1:9", "other side closed"). */
function rootCause(error: unknown): string | undefined {
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error && current.cause instanceof Error; depth++) current = current.cause;
  return current instanceof Error ? current.message : undefined;
}

/** `retry-after-ms`, then `retry-after` (seconds or an HTTP date), as the SDK reads them. */
function retryAfter(headers: Headers | undefined): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.min(ms, MAX_RETRY_AFTER_MS);
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  const delay = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(delay) ? Math.min(Math.max(0, Math.round(delay)), MAX_RETRY_AFTER_MS) : undefined;
}

/** Exponential backoff with jitter: between half and all of base·2^(n−1), capped. */
export function backoffDelay(backoff: Backoff, failedAttempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (failedAttempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** `promise`, or sooner if `signal` aborts (an injected sleep may not watch the signal itself). */
async function raceAbort(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([promise, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

function toParams(request: TurnRequest, promptCaching: boolean): MessageCreateParamsStreaming {
  const params: MessageCreateParamsStreaming = {
    model: request.model,
    max_tokens: request.maxTokens,
    // Our ContentBlock is a subset of the SDK's block params, field for field.
    messages: request.messages as MessageParam[],
    stream: true,
  };
  if (request.system) params.system = request.system;
  if (request.tools.length > 0) params.tools = request.tools as Tool[];
  if (promptCaching) params.cache_control = { type: 'ephemeral' };
  return params;
}

type RawUsage = {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
} | null | undefined;

/** `raw` over `previous`: a field that is absent or null keeps its previous value. */
function mergeUsage(previous: Usage, raw: RawUsage): Usage {
  const pick = (value: number | null | undefined, old: number): number => (typeof value === 'number' ? value : old);
  return {
    input: pick(raw?.input_tokens, previous.input),
    output: pick(raw?.output_tokens, previous.output),
    cacheRead: pick(raw?.cache_read_input_tokens, previous.cacheRead),
    cacheWrite: pick(raw?.cache_creation_input_tokens, previous.cacheWrite),
  };
}

/**
 * Builds one message from the raw stream events of one attempt and says what to yield for each.
 * Exported for unit tests.
 */
export class TurnAssembler {
  private readonly blocks = new Map<number, ContentBlock>();
  private readonly partialJson = new Map<number, string>();
  private usage: Usage = { ...ZERO_USAGE };
  private stopReason: string | undefined;
  /** message_stop arrived: the message is complete. */
  stopped = false;

  *accept(event: RawMessageStreamEvent): Generator<TurnEvent> {
    switch (event.type) {
      case 'message_start':
        this.usage = mergeUsage(ZERO_USAGE, event.message.usage);
        yield { type: 'usage', usage: { ...this.usage } };
        break;
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'text') {
          this.blocks.set(event.index, { type: 'text', text: block.text });
          if (block.text) yield { type: 'text', text: block.text };
        } else if (block.type === 'tool_use') {
          this.blocks.set(event.index, { type: 'tool_use', id: block.id, name: block.name, input: block.input });
          this.partialJson.set(event.index, '');
        } else if (block.type === 'thinking') {
          this.blocks.set(event.index, { type: 'thinking', thinking: block.thinking, signature: block.signature });
        } else if (block.type === 'redacted_thinking') {
          this.blocks.set(event.index, { type: 'redacted_thinking', data: block.data });
        }
        // Other block kinds (server tools, …) are never requested, so they are not kept.
        break;
      }
      case 'content_block_delta': {
        const block = this.blocks.get(event.index);
        const delta = event.delta;
        if (!block) break;
        if (delta.type === 'text_delta' && block.type === 'text') {
          block.text += delta.text;
          yield { type: 'text', text: delta.text };
        } else if (delta.type === 'input_json_delta' && block.type === 'tool_use') {
          this.partialJson.set(event.index, (this.partialJson.get(event.index) ?? '') + delta.partial_json);
        } else if (delta.type === 'thinking_delta' && block.type === 'thinking') {
          block.thinking += delta.thinking;
        } else if (delta.type === 'signature_delta' && block.type === 'thinking') {
          block.signature = delta.signature;
        }
        break;
      }
      case 'content_block_stop': {
        const block = this.blocks.get(event.index);
        if (block?.type === 'tool_use') {
          block.input = parseToolInput(this.partialJson.get(event.index) ?? '', block.input);
          this.partialJson.delete(event.index);
          yield { type: 'tool_use', id: block.id, name: block.name, input: block.input };
        }
        break;
      }
      case 'message_delta':
        // Cumulative figures: they replace the ones so far, never add to them.
        this.usage = mergeUsage(this.usage, event.usage);
        if (event.delta.stop_reason) this.stopReason = event.delta.stop_reason;
        yield { type: 'usage', usage: { ...this.usage } };
        break;
      case 'message_stop':
        this.stopped = true;
        break;
      default:
        break;
    }
  }

  done(): Extract<TurnEvent, { type: 'done' }> {
    const content = [...this.blocks.entries()].sort(([a], [b]) => a - b).map(([, block]) => block);
    return { type: 'done', stopReason: this.stopReason ?? 'unknown', content, usage: { ...this.usage } };
  }
}

/**
 * The input of a tool call from its streamed JSON. No JSON at all means the start block's input (`{}`);
 * JSON that does not parse becomes `{ __invalid_json: raw }`, which no tool schema accepts, so the model
 * is told of its mistake instead of the turn failing.
 */
export function parseToolInput(raw: string, startInput: unknown): unknown {
  if (raw.trim() === '') return startInput ?? {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return { __invalid_json: raw };
  }
}
