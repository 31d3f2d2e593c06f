// The token meter: tokens used, cost and how full the context window is.
import { formatCost, formatTokens } from '../../core/format.js';
import { totalTokens, type UsageMeter } from '../../core/usage.js';

function contextPercent(meter: UsageMeter): string | undefined {
  if (!meter.contextWindow) return undefined;
  return `${Math.min(100, Math.round((meter.contextTokens / meter.contextWindow) * 100))}%`;
}

/**
 * The longest form of the meter that fits `width`: input↑ output↓ and cache read/write
 * when there is room, else the total; then cost and context fill.
 */
export function meterText(meter: UsageMeter, width: number): string {
  const { total } = meter;
  const tail = [meter.costUsd !== undefined ? formatCost(meter.costUsd) : '', contextPercent(meter) ? `ctx ${contextPercent(meter)}` : '']
    .filter(Boolean);
  const forms = [
    [`${formatTokens(total.input)}↑ ${formatTokens(total.output)}↓ cache ${formatTokens(total.cacheRead)}/${formatTokens(total.cacheWrite)}`, ...tail],
    [`${formatTokens(total.input)}↑ ${formatTokens(total.output)}↓`, ...tail],
    [`${formatTokens(totalTokens(total))} tok`, ...tail],
  ].map((parts) => parts.join(' '));
  return forms.find((form) => Array.from(form).length <= width) ?? forms[forms.length - 1];
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
