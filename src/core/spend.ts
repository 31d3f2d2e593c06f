// The session's spend: what the main agent, each agent and each model cost, from the API's own token
// counts priced from the table. Pure: the caller hands in the meters and how to look up a price.
import type { AgentKind } from './agent.js';
import { formatCost } from './format.js';
import { addUsage, costOf, isZeroUsage, totalTokens, ZERO_USAGE, type ModelPrice, type ModelUsage, type Usage, type UsageMeter } from './usage.js';

/** The main agent's name in a report: not a slug, so no agent can have it. */
export const MAIN_AGENT_NAME = 'main agent';
/** The prompt suggestions' name in a report (not a slug either). */
export const SUGGESTIONS_NAME = 'prompt suggestions';

export type SpenderKind = AgentKind | 'main' | 'suggestions';

/** One meter to account for: the main agent's, the prompt suggestions' or an agent's. */
export interface SpendSource {
  name: string;
  kind: SpenderKind;
  meter: UsageMeter;
}

/** The session's cost (USD) at a moment (ms since the epoch). */
export interface SpendPoint {
  at: number;
  costUsd: number;
}

export interface AgentSpend {
  name: string;
  kind: SpenderKind;
  /** USD for its tokens of models with a price on file. */
  costUsd: number;
  /** Some of its tokens are of a model with no price on file: their cost is not in `costUsd`. */
  unpriced: boolean;
  tokens: Usage;
  /** Cache reads over all input tokens (input, cache read, cache write); null before any input. */
  cacheHitRatio: number | null;
  /** The models it used, most tokens first. */
  models: string[];
}

export interface ModelSpend {
  model: string;
  /** null: the model has no price on file. */
  costUsd: number | null;
  tokens: Usage;
  cacheHitRatio: number | null;
}

export interface SpendReport {
  /** When the figures were taken (ms since the epoch). */
  at: number;
  /** USD for every token of a model with a price on file. */
  costUsd: number;
  /** Some tokens are of a model with no price on file: their cost is not in `costUsd`. */
  unpriced: boolean;
  tokens: Usage;
  cacheHitRatio: number | null;
  /** Those that used tokens, most expensive first. */
  agents: AgentSpend[];
  /** Most expensive first; models with no price after those with one. */
  models: ModelSpend[];
  /** The session's cost over time, oldest first. */
  series: SpendPoint[];
}

type PriceLookup = (model: string) => ModelPrice | undefined;

/** The tokens of each model in a meter (zero counts left out). */
function modelUsages(meter: UsageMeter): ModelUsage[] {
  const parts = meter.byModel ?? [{ model: meter.model, usage: meter.total }];
  return parts.filter((part) => !isZeroUsage(part.usage));
}

function cacheHitRatio(usage: Usage): number | null {
  const input = usage.input + usage.cacheRead + usage.cacheWrite;
  return input === 0 ? null : round(usage.cacheRead / input, 4);
}

/** USD for the priced tokens of all sources. */
export function spendTotal(sources: readonly SpendSource[], priceOf: PriceLookup): number {
  let cost = 0;
  for (const source of sources) {
    for (const part of modelUsages(source.meter)) cost += costOf(part.usage, priceOf(part.model)) ?? 0;
  }
  return round(cost, 6);
}

export function spendReport(sources: readonly SpendSource[], priceOf: PriceLookup, series: readonly SpendPoint[], at: number): SpendReport {
  const models = new Map<string, Usage>();
  const agents: AgentSpend[] = [];
  let tokens: Usage = { ...ZERO_USAGE };
  let cost = 0;
  let unpriced = false;
  for (const source of sources) {
    const parts = modelUsages(source.meter).sort((a, b) => totalTokens(b.usage) - totalTokens(a.usage));
    if (parts.length === 0) continue;
    let agentCost = 0;
    let agentUnpriced = false;
    let agentTokens: Usage = { ...ZERO_USAGE };
    for (const part of parts) {
      const partCost = costOf(part.usage, priceOf(part.model));
      if (partCost === undefined) agentUnpriced = true;
      else agentCost += partCost;
      agentTokens = addUsage(agentTokens, part.usage);
      models.set(part.model, addUsage(models.get(part.model) ?? ZERO_USAGE, part.usage));
    }
    agents.push({
      name: source.name, kind: source.kind, costUsd: round(agentCost, 6), unpriced: agentUnpriced, tokens: agentTokens,
      cacheHitRatio: cacheHitRatio(agentTokens), models: parts.map((part) => part.model),
    });
    tokens = addUsage(tokens, agentTokens);
    cost += agentCost;
    unpriced ||= agentUnpriced;
  }
  const modelRows = [...models].map(([model, usage]): ModelSpend => {
    const modelCost = costOf(usage, priceOf(model));
    return { model, costUsd: modelCost === undefined ? null : round(modelCost, 6), tokens: usage, cacheHitRatio: cacheHitRatio(usage) };
  });
  return {
    at,
    costUsd: round(cost, 6),
    unpriced,
    tokens,
    cacheHitRatio: cacheHitRatio(tokens),
    agents: agents.sort((a, b) => b.costUsd - a.costUsd || totalTokens(b.tokens) - totalTokens(a.tokens) || a.name.localeCompare(b.name)),
    models: modelRows.sort((a, b) => (b.costUsd ?? -1) - (a.costUsd ?? -1) || totalTokens(b.tokens) - totalTokens(a.tokens) || a.model.localeCompare(b.model)),
    series: series.map((point) => ({ ...point })),
  };
}

/**
 * A cost as shown: `$0.42`; `$0.42+` when some tokens are of a model with no price on file (their cost
 * is not in it); `no price` when none had one. Never `$0.00` for tokens nobody priced.
 */
export function costText(costUsd: number | null, unpriced: boolean): string {
  if (costUsd === null || (unpriced && costUsd === 0)) return 'no price';
  return `${formatCost(costUsd)}${unpriced ? '+' : ''}`;
}

/** What the `+` of costText means. */
export const UNPRICED_NOTE = '+: and tokens of a model with no price on file (give it one under "prices" in the config)';

/** A cache hit ratio as shown: `37%`, or `-` before any input. */
export function ratioText(ratio: number | null): string {
  return ratio === null ? '-' : `${Math.round(ratio * 100)}%`;
}

/** Rounded to `digits` decimals, so that sums of prices read as the decimal amounts they are. */
function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
