// Budgets: how much an agent (or the whole session) may spend, in USD and in tokens, and how far
// along it is. At 80% of a budget the user is warned once; at 100% the agent pauses until the budget
// is raised. Pure: the server applies it to the meters it computes itself.
import { formatCost, formatTokens } from './format.js';
import { totalTokens, type Usage, type UsageMeter } from './usage.js';

/** What an agent may spend: USD (priced from the table) and tokens (every kind: input, output, cache read and write). */
export interface Budget {
  usd?: number;
  tokens?: number;
}

/** What was spent: its cost (undefined while its model has no price) and its tokens. */
export interface Spent {
  usd?: number;
  tokens: number;
}

export const WARNING_SHARE = 0.8;
export const MAX_BUDGET_USD = 10_000;
export const MAX_BUDGET_TOKENS = 1e12;

export type BudgetPart = 'usd' | 'tokens';

/** One part of a budget and the share of it spent (1 or more: reached). */
export interface BudgetShare {
  part: BudgetPart;
  limit: number;
  share: number;
}

export function spentOf(meter: UsageMeter | undefined): Spent {
  if (!meter) return { usd: 0, tokens: 0 };
  return { ...(meter.costUsd !== undefined ? { usd: meter.costUsd } : {}), tokens: totalTokens(meter.total) };
}

/** The share spent of each part the budget sets (a USD part whose cost is unknown has none). */
export function budgetShares(spent: Spent, budget: Budget): BudgetShare[] {
  const shares: BudgetShare[] = [];
  if (budget.usd !== undefined && spent.usd !== undefined) shares.push({ part: 'usd', limit: budget.usd, share: spent.usd / budget.usd });
  if (budget.tokens !== undefined) shares.push({ part: 'tokens', limit: budget.tokens, share: spent.tokens / budget.tokens });
  return shares;
}

export type BudgetLevel = 'under' | 'warning' | 'reached';

export function levelOf(share: number): BudgetLevel {
  return share >= 1 ? 'reached' : share >= WARNING_SHARE ? 'warning' : 'under';
}

/** The highest level any part of the budget is at (`under` without a budget). */
export function budgetLevel(spent: Spent, budget: Budget | undefined): BudgetLevel {
  const top = Math.max(0, ...budgetShares(spent, budget ?? {}).map((share) => share.share));
  return levelOf(top);
}

/** `$2.00`, `$0.125`: the amount as given, at least to the cent. */
export function formatUsd(amount: number): string {
  return Number.isInteger(amount * 100) ? `$${amount.toFixed(2)}` : `$${amount}`;
}

/** `$2.00`, `100k tokens`. */
export function describeLimit(part: BudgetPart, limit: number): string {
  return part === 'usd' ? formatUsd(limit) : `${formatTokens(limit)} tokens`;
}

/** `80% of its $2.00 budget`, `85% of its 100k-token budget`. */
export function warningText(share: BudgetShare): string {
  const budget = share.part === 'usd' ? `${formatUsd(share.limit)} budget` : `${formatTokens(share.limit)}-token budget`;
  return `${Math.floor(share.share * 100)}% of its ${budget}`;
}

/** The question a paused agent shows: `budget reached ($2.00)`; `session`: the session's budget. */
export function reachedQuestion(share: Pick<BudgetShare, 'part' | 'limit'>, session = false): string {
  return `${session ? 'session budget' : 'budget'} reached (${describeLimit(share.part, share.limit)})`;
}

/** `spent $0.42 of its $2.00 budget (21%) · 12k of 100k tokens (12%)`, or what was spent without a budget. */
export function describeBudget(spent: Spent, budget: Budget | undefined): string {
  const cost = spent.usd === undefined ? 'cost unknown (no price on file)' : formatCost(spent.usd);
  const parts: string[] = [];
  if (budget?.usd !== undefined) {
    parts.push(`spent ${cost} of its ${formatUsd(budget.usd)} budget${spent.usd === undefined ? '' : ` (${Math.floor((spent.usd / budget.usd) * 100)}%)`}`);
  } else {
    parts.push(`spent ${cost}`);
  }
  if (budget?.tokens !== undefined) {
    parts.push(`${formatTokens(spent.tokens)} of ${formatTokens(budget.tokens)} tokens (${Math.floor((spent.tokens / budget.tokens) * 100)}%)`);
  } else {
    parts.push(`${formatTokens(spent.tokens)} tokens`);
  }
  if (budget?.usd === undefined && budget?.tokens === undefined) parts.push('no budget');
  return parts.join(' · ');
}

/** An amount of USD as typed (`2`, `2.50`), or undefined when it is not one above 0. */
export function parseUsd(text: string): number | undefined {
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
  const amount = Number(text);
  return amount > 0 && amount <= MAX_BUDGET_USD ? amount : undefined;
}

/** A count of tokens as typed (`200000`), or undefined when it is not a whole number above 0. */
export function parseTokenCount(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const count = Number(text);
  return count > 0 && count <= MAX_BUDGET_TOKENS ? count : undefined;
}

export const USD_RULE = `an amount in USD above 0 (at most ${MAX_BUDGET_USD})`;
export const TOKENS_RULE = 'a whole number of tokens above 0';

/** Why a number (from a client, a tool call or the config) is not a budget part, or undefined when it is one. */
export function budgetValueError(part: BudgetPart, value: unknown): string | undefined {
  const number = typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  if (part === 'usd') return number !== undefined && number > 0 && number <= MAX_BUDGET_USD ? undefined : `expected ${USD_RULE}`;
  return number !== undefined && Number.isInteger(number) && number > 0 && number <= MAX_BUDGET_TOKENS ? undefined : `expected ${TOKENS_RULE}`;
}

/** A paused agent may finish the model request it had in flight: this many context windows of tokens at most. */
const WINDOWS_IN_FLIGHT = 2;

/**
 * Whether an agent paused for a budget goes on spending without leave: it spent after it said it
 * stopped (`acknowledged`; `since`: its usage then), or, before that, more than the request it had in
 * flight can use (`since`: its usage when it was paused).
 */
export function spendsWhilePaused(since: Usage, now: Usage, acknowledged: boolean, contextWindow: number | undefined): boolean {
  const grown = totalTokens(now) - totalTokens(since);
  if (acknowledged) return grown > 0;
  return contextWindow !== undefined && grown > WINDOWS_IN_FLIGHT * contextWindow;
}
