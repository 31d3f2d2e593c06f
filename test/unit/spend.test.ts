// The spend report: the API's token counts priced from the bundled table, to the cent, per agent and per
// model, most expensive first, with usage of a model that has no price marked as such (never $0.00).
import { describe, expect, it } from 'vitest';
import { costText, MAIN_AGENT_NAME, ratioText, spendReport, spendTotal, type SpendSource } from '../../src/core/spend.js';
import type { Usage, UsageMeter } from '../../src/core/usage.js';
import { priceFor } from '../../src/llm/prices.js';

const usage = (input: number, output: number, cacheRead = 0, cacheWrite = 0): Usage => ({ input, output, cacheRead, cacheWrite });

function meter(model: string, total: Usage, byModel?: UsageMeter['byModel']): UsageMeter {
  return { model, total, contextTokens: 0, ...(byModel ? { byModel } : {}) };
}

// Bundled prices (USD per million tokens): claude-sonnet-4-5 3 / 15 / 0.3 / 3.75, claude-sonnet-5-5 2 / 10 / 0.2 / 2.5,
// claude-haiku-4-5 1 / 5 / 0.1 / 1.25 (input / output / cache read / cache write).
const SOURCES: SpendSource[] = [
  // 1,234,567 input at $3/M = $3.703701; 10,000 output at $15/M = $0.15: $3.853701.
  { name: MAIN_AGENT_NAME, kind: 'main', meter: meter('claude-sonnet-4-5', usage(1_234_567, 10_000)) },
  // 0.5M input $1.00, 20k output $0.20, 1M cache read $0.20, 40k cache write $0.10: $1.50.
  { name: 'security-audit', kind: 'claude', meter: meter('claude-sonnet-5-5', usage(500_000, 20_000, 1_000_000, 40_000)) },
  // sonnet 4.5: 100k input $0.30 + 2k output $0.03; haiku: 50k input $0.05 + 2k output $0.01: $0.39.
  {
    name: 'claude-fix', kind: 'cli', meter: meter('claude-sonnet-4-5', usage(150_000, 4_000), [
      { model: 'claude-sonnet-4-5', usage: usage(100_000, 2_000) },
      { model: 'claude-haiku-4-5', usage: usage(50_000, 2_000) },
    ]),
  },
  { name: 'local-model', kind: 'cli', meter: meter('my-local-llm', usage(1_000, 100)) },
];

describe('spendReport', () => {
  const report = spendReport(SOURCES, (model) => priceFor(model), [{ at: 1, costUsd: 0 }], 5);

  it('prices each agent\'s tokens from the table, to the cent', () => {
    expect(report.agents.map((agent) => [agent.name, formatCents(agent.costUsd)])).toEqual([
      [MAIN_AGENT_NAME, '3.85'], ['security-audit', '1.50'], ['claude-fix', '0.39'], ['local-model', '0.00'],
    ]);
    expect(report.agents[0].costUsd).toBeCloseTo(3.853701, 6);
    expect(report.costUsd).toBeCloseTo(3.853701 + 1.5 + 0.39, 6);
    expect(spendTotal(SOURCES, (model) => priceFor(model))).toBe(report.costUsd);
  });

  it('sums tokens per agent, per model and in all, with each agent\'s models', () => {
    expect(report.agents.find((agent) => agent.name === 'claude-fix')).toMatchObject({
      kind: 'cli', tokens: usage(150_000, 4_000), models: ['claude-sonnet-4-5', 'claude-haiku-4-5'], unpriced: false,
    });
    expect(report.tokens).toEqual(usage(1_885_567, 34_100, 1_000_000, 40_000));
    expect(report.models.map((model) => [model.model, model.costUsd === null ? null : formatCents(model.costUsd), model.tokens])).toEqual([
      ['claude-sonnet-4-5', '4.18', usage(1_334_567, 12_000)],
      ['claude-sonnet-5-5', '1.50', usage(500_000, 20_000, 1_000_000, 40_000)],
      ['claude-haiku-4-5', '0.06', usage(50_000, 2_000)],
      ['my-local-llm', null, usage(1_000, 100)],
    ]);
  });

  it('marks usage of a model with no price: left out of the cost, never shown as $0.00', () => {
    expect(report.unpriced).toBe(true);
    const local = report.agents.find((agent) => agent.name === 'local-model');
    expect(local).toMatchObject({ unpriced: true, costUsd: 0 });
    expect(costText(local?.costUsd ?? 0, true)).toBe('no price');
    expect(costText(report.costUsd, report.unpriced)).toBe('$5.74+');
    expect(costText(null, false)).toBe('no price');
    expect(costText(1.5, false)).toBe('$1.50');
    expect(costText(0.004, false)).toBe('<$0.01');
  });

  it('gives the cache hit ratio as cache reads over all input tokens', () => {
    expect(report.agents.find((agent) => agent.name === 'security-audit')?.cacheHitRatio).toBeCloseTo(1_000_000 / 1_540_000, 4);
    expect(report.cacheHitRatio).toBeCloseTo(1_000_000 / (1_885_567 + 1_000_000 + 40_000), 4);
    expect(report.agents[0].cacheHitRatio).toBe(0);
    expect(ratioText(0.3418)).toBe('34%');
    expect(ratioText(null)).toBe('-');
  });

  it('carries the series and the time, and leaves out what used no tokens', () => {
    expect(report.series).toEqual([{ at: 1, costUsd: 0 }]);
    expect(report.at).toBe(5);
    const idle = spendReport([{ name: 'idle', kind: 'claude', meter: meter('claude-sonnet-5-5', usage(0, 0)) }], (model) => priceFor(model), [], 0);
    expect(idle).toMatchObject({ costUsd: 0, unpriced: false, cacheHitRatio: null, agents: [], models: [] });
    // Claude Code's messages of its own making name a model no table prices, and use no tokens.
    const synthetic = meter('<synthetic>', usage(10, 1), [{ model: 'claude-sonnet-5-5', usage: usage(10, 1) }]);
    expect(spendReport([{ name: 'cc', kind: 'cli', meter: synthetic }], (model) => priceFor(model), [], 0).unpriced).toBe(false);
  });
});

function formatCents(usd: number): string {
  return usd.toFixed(2);
}
