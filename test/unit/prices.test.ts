import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/core/config-schema.js';
import { costOf } from '../../src/core/usage.js';
import { DEFAULT_MODEL, PRICES, priceFor, withoutDateSuffix } from '../../src/llm/prices.js';

describe('prices', () => {
  it('has the default model', () => {
    expect(DEFAULT_MODEL).toBe('claude-sonnet-5-5');
    expect(priceFor(DEFAULT_MODEL)).toEqual({ input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5, contextWindow: 1_000_000 });
  });

  it('knows the current models', () => {
    expect(priceFor('claude-sonnet-5')).toEqual({ input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5, contextWindow: 1_000_000 });
    expect(priceFor('claude-opus-5-5')).toEqual({ input: 4, output: 20, cacheRead: 0.2, cacheWrite: 5, contextWindow: 1_000_000 });
    expect(priceFor('claude-opus-5')).toEqual({ input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25, contextWindow: 1_000_000 });
    expect(priceFor('claude-haiku-4-5')).toEqual({ input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25, contextWindow: 200_000 });
    expect(priceFor('claude-sonnet-4-5')).toEqual({ input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, contextWindow: 200_000 });
    expect(priceFor('claude-opus-4-5')).toEqual({ input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25, contextWindow: 200_000 });
  });

  it('every entry is complete and positive', () => {
    for (const [model, price] of Object.entries(PRICES)) {
      for (const field of ['input', 'output', 'cacheRead', 'cacheWrite', 'contextWindow'] as const) {
        expect(price[field], `${model}.${field}`).toBeGreaterThan(0);
      }
    }
  });

  it('matches an id with a date suffix', () => {
    expect(withoutDateSuffix('claude-haiku-4-5-20251001')).toBe('claude-haiku-4-5');
    expect(withoutDateSuffix('claude-sonnet-4-5@20250929')).toBe('claude-sonnet-4-5');
    expect(withoutDateSuffix('claude-sonnet-5-5')).toBe('claude-sonnet-5-5');
    expect(priceFor('claude-haiku-4-5-20251001')).toEqual(priceFor('claude-haiku-4-5'));
  });

  it('suggests prompts with the cheapest model on file by default', () => {
    const cost = (model: string) => costOf({ input: 1000, output: 50, cacheRead: 0, cacheWrite: 0 }, priceFor(model)) ?? Infinity;
    const cheapest = Object.keys(PRICES).sort((a, b) => cost(a) - cost(b))[0];
    expect(DEFAULT_CONFIG.suggestionModel).toBe(cheapest);
  });

  it('is undefined for an unknown model', () => {
    expect(priceFor('gpt-9')).toBeUndefined();
    expect(priceFor('toString')).toBeUndefined();
    expect(priceFor('claude-haiku-4-5-2025')).toBeUndefined();
  });

  it('prefers overrides, exact id first', () => {
    const custom = { input: 1, output: 1, cacheRead: 1, cacheWrite: 1, contextWindow: 1000 };
    const dated = { ...custom, input: 9 };
    expect(priceFor('claude-sonnet-5-5', { 'claude-sonnet-5-5': custom })).toEqual(custom);
    expect(priceFor('my-proxy-model', { 'my-proxy-model': custom })).toEqual(custom);
    expect(priceFor('claude-opus-5-20260101', { 'claude-opus-5-20260101': dated, 'claude-opus-5': custom })).toEqual(dated);
    // An exact id in the bundled table wins over an override for the undated id.
    expect(priceFor('claude-opus-5', { 'claude-opus-5-20260101': dated })).toEqual(PRICES['claude-opus-5']);
  });

  it('prices a million tokens of each kind', () => {
    const million = { input: 1_000_000, output: 1_000_000, cacheRead: 1_000_000, cacheWrite: 1_000_000 };
    expect(costOf(million, priceFor('claude-sonnet-5-5'))).toBeCloseTo(2 + 10 + 0.2 + 2.5, 10);
  });
});
