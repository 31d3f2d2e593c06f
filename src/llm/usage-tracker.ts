// One agent's token meter over all its model requests. The API reports usage cumulatively within a
// request (message_start, then each message_delta carries the totals so far), so the latest figure of a
// request replaces its previous one, and only whole requests are summed. Pure: no I/O.
import { addUsage, contextTokens, costOf, isZeroUsage, ZERO_USAGE, type Usage, type UsageMeter } from '../core/usage.js';
import type { TurnEvent } from './types.js';
import { priceFor, type PriceTable } from './prices.js';

export interface UsageTrackerOptions {
  model: string;
  /** Price overrides by model id (configuration); the bundled table otherwise. */
  prices?: PriceTable;
  /** Totals carried over from earlier runs of the same agent (e.g. read back from its record). */
  initial?: { total: Usage; costUsd?: number };
}

interface OpenRequest {
  model: string;
  usage: Usage;
}

export class UsageTracker {
  private model: string;
  private readonly prices: PriceTable | undefined;
  private readonly open = new Map<string, OpenRequest>();
  private closedTotal: Usage;
  /** Cost of the ended requests; undefined once any of them had a model with no price on file. */
  private closedCost: number | undefined;
  /** The usage of the request that reported last (for the context meter). */
  private last: { model: string; usage: Usage } | undefined;

  constructor(options: UsageTrackerOptions) {
    this.model = options.model;
    this.prices = options.prices;
    this.closedTotal = { ...(options.initial?.total ?? ZERO_USAGE) };
    const initial = options.initial;
    // Earlier tokens of unknown cost make the total cost unknown too.
    this.closedCost = !initial || isZeroUsage(initial.total) ? initial?.costUsd ?? 0 : initial.costUsd;
  }

  /** The model of requests that start from now on. */
  setModel(model: string): void {
    this.model = model;
  }

  /**
   * The latest cumulative usage of request `requestId`: replaces what that request reported before.
   * `context`: false for a request beside the conversation (a summary made in the background), whose
   * figures count in the totals but say nothing of how full the conversation's context is.
   */
  update(requestId: string, usage: Usage, context = true): void {
    const request = this.open.get(requestId) ?? { model: this.model, usage: ZERO_USAGE };
    request.usage = { ...usage };
    this.open.set(requestId, request);
    if (context && !isZeroUsage(usage)) this.last = { model: request.model, usage: request.usage };
  }

  /** Request `requestId` ended (done, failed or aborted): its last figure joins the totals. */
  end(requestId: string): void {
    const request = this.open.get(requestId);
    if (!request) return;
    this.open.delete(requestId);
    this.closedTotal = addUsage(this.closedTotal, request.usage);
    this.closedCost = addCost(this.closedCost, this.costOfRequest(request));
  }

  /**
   * Feeds one event of request `requestId`'s stream: `usage` and `done` update it (and `done` ends it);
   * `retry` voids the failed attempt's figures, as the request starts again from scratch. `context` as for update().
   */
  observe(requestId: string, event: TurnEvent, context = true): void {
    switch (event.type) {
      case 'usage':
        this.update(requestId, event.usage, context);
        break;
      case 'retry':
        if (this.open.has(requestId)) this.update(requestId, ZERO_USAGE, context);
        break;
      case 'done':
        this.update(requestId, event.usage, context);
        this.end(requestId);
        break;
      default:
        break;
    }
  }

  /** What the agent's meter shows now, requests in flight included. */
  meter(): UsageMeter {
    let total = this.closedTotal;
    let cost = this.closedCost;
    for (const request of this.open.values()) {
      total = addUsage(total, request.usage);
      cost = addCost(cost, this.costOfRequest(request));
    }
    const contextModel = this.last?.model ?? this.model;
    const meter: UsageMeter = {
      model: this.model,
      total,
      contextTokens: this.last ? contextTokens(this.last.usage) : 0,
    };
    if (cost !== undefined) meter.costUsd = cost;
    const window = priceFor(contextModel, this.prices)?.contextWindow;
    if (window !== undefined) meter.contextWindow = window;
    return meter;
  }

  private costOfRequest(request: OpenRequest): number | undefined {
    return costOf(request.usage, priceFor(request.model, this.prices));
  }
}

function addCost(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a + b;
}
