// Instant auto-compaction of one conversation (the main agent's or a worker's). Once a request has
// measured the context past the lower mark, a summary of the conversation up to a cut is asked for in
// the background while the conversation goes on; once the context is past the swap mark and the
// summary is ready, the agent swaps in summary + every message after the cut, with no model round trip
// at that moment. A failed summary is asked for again after the next request; three failures in a row
// stop it until the conversation is replaced.
import { formatTokens } from '../core/format.js';
import type { CompactionMarks } from '../core/compaction-settings.js';
import { autoCompactionPrompt, compactedConversation, cutIndex, withUserText } from './compacted-conversation.js';
import { requestSummary } from './summary-request.js';
import type { Message, ModelClient, TurnRequest } from './types.js';
import type { UsageTracker } from './usage-tracker.js';

const FAILURES_TO_STOP = 3;

export interface AutoCompactionOptions {
  marks: CompactionMarks;
  client: ModelClient;
  /** The agent's meter: the summary requests count in its totals, not in its context. */
  tracker: UsageTracker;
  /** The conversation's requests without their messages (model, system, tools): the summary is asked for alike. */
  setting(): Omit<TurnRequest, 'messages'>;
  /** An id for the tracker, new for each request. */
  requestId(): string;
  /** The summary request reported usage (the meter changed). */
  usage?(): void;
  /** A summary is ready: an idle agent may swap at once. */
  ready?(): void;
  /** Three summaries in a row failed: auto-compaction stops; say so (once). */
  stopped(reason: string): void;
}

/** A conversation swapped for its compacted form. */
export interface Swap {
  messages: Message[];
  summary: string;
  /** How many messages after the summary are the conversation's own, kept verbatim. */
  kept: number;
  /** Tokens in the context at the last request before the swap (measured by the API). */
  before: number;
  /** Tokens after the swap: an estimate, until the next request measures it. */
  after: number;
}

interface Measurement {
  tokens: number;
  window: number;
  /** Characters of what those tokens were: the request's setting, messages and reply. */
  chars: number;
}

/** The chat's and the worker screen's line for a swap: `compacted: 152k → ~9.4k tokens…` (`measured` once a request did). */
export function compactionBoundary(before: number, after: number, measured: boolean): string {
  return measured
    ? `compacted: ${formatTokens(before)} → ${formatTokens(after)} tokens`
    : `compacted: ${formatTokens(before)} → ~${formatTokens(after)} tokens (estimated until the next request)`;
}

export class AutoCompaction {
  private measurement: Measurement | undefined;
  private preparing: AbortController | undefined;
  private prepared: { summary: string; cut: number } | undefined;
  private failures = 0;
  private halted = false;

  constructor(private readonly options: AutoCompactionOptions) {}

  /** False once it stopped after failing three times in a row (until the conversation is replaced). */
  get active(): boolean {
    return !this.halted;
  }

  /**
   * A request of the conversation ended: `contextTokens` as the API measured it, for `messages` (its reply
   * included). Past the lower mark, the summary starts being prepared unless it is already.
   */
  measured(messages: readonly Message[], contextTokens: number, contextWindow: number | undefined): void {
    // Below the lower mark no swap can follow: the conversation's size is not worth measuring yet.
    if (this.halted || !contextWindow || contextTokens < (contextWindow * this.options.marks.prepareAt) / 100) {
      this.measurement = undefined;
      return;
    }
    this.measurement = { tokens: contextTokens, window: contextWindow, chars: this.charsOf(messages) };
    if (!this.preparing && !this.prepared) this.prepare(messages);
  }

  /** Before a request (or when idle): `messages` compacted, when the context is past the swap mark and the summary is ready. */
  swap(messages: readonly Message[]): Swap | undefined {
    const measurement = this.measurement;
    const prepared = this.prepared;
    if (!prepared || !measurement || measurement.tokens < (measurement.window * this.options.marks.swapAt) / 100) return undefined;
    const compacted = compactedConversation(prepared.summary, messages.slice(prepared.cut));
    this.prepared = undefined;
    // Nothing is known of the new context until the next request measures it.
    this.measurement = undefined;
    return {
      messages: compacted,
      summary: prepared.summary,
      kept: messages.length - prepared.cut,
      before: measurement.tokens,
      after: Math.round((measurement.tokens * this.charsOf(compacted)) / measurement.chars),
    };
  }

  /** The conversation was replaced (another session, a /compact): nothing prepared fits it, and it may try again. */
  reset(): void {
    this.dispose();
    this.measurement = undefined;
    this.failures = 0;
    this.halted = false;
  }

  /** Stops a summary in the making. */
  dispose(): void {
    this.preparing?.abort();
    this.preparing = undefined;
    this.prepared = undefined;
  }

  private prepare(messages: readonly Message[]): void {
    const cut = cutIndex(messages);
    if (cut === undefined) return;
    const abort = new AbortController();
    this.preparing = abort;
    const request = { ...this.options.setting(), messages: withUserText(messages.slice(0, cut), autoCompactionPrompt()) };
    const requestId = this.options.requestId();
    const { client, tracker } = this.options;
    requestSummary(client, request, abort.signal, (event) => {
      tracker.observe(requestId, event, false);
      if (event.type === 'usage') this.options.usage?.();
    }).finally(() => tracker.end(requestId)).then(
      (summary) => {
        if (this.preparing !== abort) return;
        this.preparing = undefined;
        this.failures = 0;
        this.prepared = { summary, cut };
        this.options.ready?.();
      },
      (error: unknown) => {
        if (this.preparing !== abort) return;
        this.preparing = undefined;
        if (++this.failures < FAILURES_TO_STOP) return;
        this.halted = true;
        this.options.stopped(error instanceof Error ? error.message : String(error));
      },
    );
  }

  private charsOf(messages: readonly Message[]): number {
    const { system, tools } = this.options.setting();
    return system.length + JSON.stringify(tools).length + JSON.stringify(messages).length;
  }
}
