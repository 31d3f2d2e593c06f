// The token meter: tokens used, cost and how full the context window is.
import { formatCost, formatTokens } from '../../core/format.js';
import type { Usage, UsageMeter } from '../../core/usage.js';

export function totalTokens(usage: Usage): number {
  return usage.input + usage.output + usage.cacheRead + usage.cacheWrite;
}

/** "12.3k tok · $0.04 · ctx 3%" (cost and context only when known). */
export function meterText(meter: UsageMeter): string {
  const parts = [`${formatTokens(totalTokens(meter.total))} tok`];
  if (meter.costUsd !== undefined) parts.push(formatCost(meter.costUsd));
  if (meter.contextWindow) parts.push(`ctx ${Math.min(100, Math.round((meter.contextTokens / meter.contextWindow) * 100))}%`);
  return parts.join(' · ');
}

/** Sums meters for the status bar: tokens and cost (cost unknown if any part is). */
export function sumMeters(meters: readonly UsageMeter[]): { tokens: number; costUsd?: number } {
  let tokens = 0;
  let cost: number | undefined = 0;
  for (const meter of meters) {
    tokens += totalTokens(meter.total);
    cost = cost === undefined || meter.costUsd === undefined ? undefined : cost + meter.costUsd;
  }
  return cost === undefined ? { tokens } : { tokens, costUsd: cost };
}
