// Asks the model for the user's likely next message once a main-agent turn has ended, and hands it on
// unless something newer happened meanwhile. One request at a time, never retried: a suggestion that
// does not come at once is not worth waiting for, and the next turn cancels it.
import type { UsageMeter } from '../core/usage.js';
import type { Message, ModelClient } from '../llm/types.js';
import type { UsageTracker } from '../llm/usage-tracker.js';
import { cleanSuggestion, suggestionRequest } from './prompt-suggestion.js';

export interface PromptSuggesterOptions {
  client: ModelClient;
  model: string;
  /** The suggestions' own meter (a model of their own, and no part of the main agent's context). */
  tracker: UsageTracker;
  /** A suggestion for the conversation as it is now. */
  suggested(text: string): void;
  /** The meter moved. */
  usageChanged(): void;
  /** Why a request brought no suggestion (for the server's log); a cancelled one is not reported. */
  failed?(reason: string): void;
}

export class PromptSuggester {
  private abort: AbortController | undefined;
  private requestCount = 0;
  private used = false;

  constructor(private readonly options: PromptSuggesterOptions) {}

  /** The meter, once any suggestion was asked for; without a context fill, as each request starts afresh. */
  get usage(): UsageMeter | undefined {
    if (!this.used) return undefined;
    const meter = this.options.tracker.meter();
    delete meter.contextWindow;
    return meter;
  }

  /** Asks for a suggestion after `conversation`, cancelling one still on its way. */
  start(conversation: readonly Message[]): void {
    this.cancel();
    const request = suggestionRequest(conversation, this.options.model);
    if (!request) return;
    const abort = new AbortController();
    this.abort = abort;
    this.used = true;
    void this.ask(request, abort.signal).then((text) => {
      if (this.abort !== abort) return;
      this.abort = undefined;
      if (text) this.options.suggested(text);
    });
  }

  /** Something newer happened (a turn, a compaction, another conversation): no suggestion for what was before. */
  cancel(): void {
    this.abort?.abort();
    this.abort = undefined;
  }

  private async ask(request: NonNullable<ReturnType<typeof suggestionRequest>>, signal: AbortSignal): Promise<string> {
    const { client, tracker } = this.options;
    const requestId = `suggestion-${++this.requestCount}`;
    let text = '';
    let stopReason: string | undefined;
    try {
      for await (const event of client.stream(request, signal)) {
        if (event.type === 'retry') {
          this.options.failed?.(`prompt suggestion skipped: ${event.reason}`);
          return '';
        }
        tracker.observe(requestId, event);
        if (event.type === 'text') text += event.text;
        if (event.type === 'usage') this.options.usageChanged();
        if (event.type === 'done') stopReason = event.stopReason;
      }
    } catch (error) {
      if (!signal.aborted) this.options.failed?.(`prompt suggestion failed: ${error instanceof Error ? error.message : String(error)}`);
      return '';
    } finally {
      tracker.end(requestId);
      this.options.usageChanged();
    }
    // Cut off by max_tokens: half a sentence is no suggestion.
    return stopReason === 'max_tokens' ? '' : cleanSuggestion(text);
  }
}
