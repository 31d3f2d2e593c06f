// The token meter: tokens used, cost and how full the context window is.
import { budgetShares, spentOf, type Budget } from '../../core/budget.js';
import { formatCost, formatTokens } from '../../core/format.js';
import { totalTokens, type UsageMeter } from '../../core/usage.js';

function contextPercent(meter: UsageMeter): string | undefined {
  if (!meter.contextWindow) return undefined;
  return `${Math.min(100, Math.round((meter.contextTokens / meter.contextWindow) * 100))}%`;
}

/** How much of its budget an agent has spent (the part furthest along): "budget 82%". */
function budgetPercent(meter: UsageMeter, budget: Budget | undefined): string | undefined {
  const shares = budgetShares(spentOf(meter), budget ?? {});
  if (shares.length === 0) return undefined;
  return `budget ${Math.floor(Math.max(...shares.map((share) => share.share)) * 100)}%`;
}

/**
 * The longest form of the meter that fits `width`: input↑ output↓ and cache read/write
 * when there is room, else the total; then cost, how much of its budget is spent, and context fill.
 */
export function meterText(meter: UsageMeter, width: number, budget?: Budget): string {
  const { total } = meter;
  const tail = [
    meter.costUsd !== undefined ? formatCost(meter.costUsd) : '', budgetPercent(meter, budget) ?? '', contextPercent(meter) ? `ctx ${contextPercent(meter)}` : '',
  ].filter(Boolean);
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
