// Budgets: shares, levels and the words that say them; what a paused agent may still spend.
import { describe, expect, it } from 'vitest';
import {
  budgetLevel, budgetShares, budgetValueError, describeBudget, formatUsd, parseTokenCount, parseUsd, reachedQuestion, spendsWhilePaused,
  spentOf, warningText,
} from '../../src/core/budget.js';
import type { Usage } from '../../src/core/usage.js';

const usage = (input: number, output = 0, cacheRead = 0, cacheWrite = 0): Usage => ({ input, output, cacheRead, cacheWrite });

describe('levels', () => {
  it('under below 80%, warning from 80%, reached from 100% — of whichever part is furthest', () => {
    expect(budgetLevel({ usd: 0.79, tokens: 0 }, { usd: 1 })).toBe('under');
    expect(budgetLevel({ usd: 0.8, tokens: 0 }, { usd: 1 })).toBe('warning');
    expect(budgetLevel({ usd: 1, tokens: 0 }, { usd: 1 })).toBe('reached');
    expect(budgetLevel({ usd: 0.1, tokens: 950 }, { usd: 1, tokens: 1000 })).toBe('warning');
    expect(budgetLevel({ usd: 0.1, tokens: 1000 }, { usd: 1, tokens: 1000 })).toBe('reached');
    expect(budgetLevel({ usd: 50, tokens: 50 }, undefined)).toBe('under');
  });

  it('a USD part counts nothing while the cost is unknown (no price); tokens always count', () => {
    expect(budgetShares({ tokens: 10 }, { usd: 1, tokens: 20 })).toEqual([{ part: 'tokens', limit: 20, share: 0.5 }]);
    expect(budgetLevel({ tokens: 10 }, { usd: 1 })).toBe('under');
  });

  it('tokens are every kind: input, output, cache read and write', () => {
    expect(spentOf({ model: 'm', total: usage(1, 2, 3, 4), costUsd: 0.5, contextTokens: 0 })).toEqual({ usd: 0.5, tokens: 10 });
    expect(spentOf({ model: 'm', total: usage(1), contextTokens: 0 })).toEqual({ tokens: 1 });
    expect(spentOf(undefined)).toEqual({ usd: 0, tokens: 0 });
  });
});

describe('words', () => {
  it('says the share reached, the budget and what was spent', () => {
    expect(warningText({ part: 'usd', limit: 2, share: 0.8 })).toBe('80% of its $2.00 budget');
    expect(warningText({ part: 'tokens', limit: 100_000, share: 0.873 })).toBe('87% of its 100k-token budget');
    expect(reachedQuestion({ part: 'usd', limit: 0.125 })).toBe('budget reached ($0.125)');
    expect(reachedQuestion({ part: 'tokens', limit: 5000 }, true)).toBe('session budget reached (5.0k tokens)');
    expect(describeBudget({ usd: 0.42, tokens: 12_000 }, { usd: 2, tokens: 100_000 })).toBe('spent $0.42 of its $2.00 budget (21%) · 12k of 100k tokens (12%)');
    expect(describeBudget({ usd: 0.42, tokens: 900 }, undefined)).toBe('spent $0.42 · 900 tokens · no budget');
    expect(describeBudget({ tokens: 900 }, { usd: 1 })).toBe('spent cost unknown (no price on file) of its $1.00 budget · 900 tokens');
    expect(formatUsd(3)).toBe('$3.00');
  });
});

describe('input', () => {
  it('takes USD above 0 and whole token counts above 0, nothing else', () => {
    expect(parseUsd('2.50')).toBe(2.5);
    for (const bad of ['0', '-1', '1e3', '$2', '', 'two', '0.0', '20000']) expect(parseUsd(bad), bad).toBeUndefined();
    expect(parseTokenCount('200000')).toBe(200_000);
    for (const bad of ['0', '-5', '1.5', '1e6', '', 'many']) expect(parseTokenCount(bad), bad).toBeUndefined();
    expect(budgetValueError('usd', 2)).toBeUndefined();
    expect(budgetValueError('usd', -2)).toBe('expected an amount in USD above 0 (at most 10000)');
    expect(budgetValueError('usd', Number.NaN)).toBe('expected an amount in USD above 0 (at most 10000)');
    expect(budgetValueError('tokens', 1.5)).toBe('expected a whole number of tokens above 0');
    expect(budgetValueError('tokens', '100')).toBe('expected a whole number of tokens above 0');
  });
});

describe('spendsWhilePaused', () => {
  const atPause = usage(1000, 100);

  it('once it said it stopped, any token more is spending without leave', () => {
    expect(spendsWhilePaused(atPause, atPause, true, 10_000)).toBe(false);
    expect(spendsWhilePaused(atPause, usage(1000, 101), true, 10_000)).toBe(true);
  });

  it('before that, it may finish the request it had in flight: up to two context windows', () => {
    expect(spendsWhilePaused(atPause, usage(1000 + 20_000, 100), false, 10_000)).toBe(false);
    expect(spendsWhilePaused(atPause, usage(1000 + 20_001, 100), false, 10_000)).toBe(true);
    expect(spendsWhilePaused(atPause, usage(10 ** 9), false, undefined)).toBe(false);
  });
});
