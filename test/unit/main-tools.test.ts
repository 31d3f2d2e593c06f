// The main agent's spawn_agent takes an optional budget; what the model gives is checked, errors as data.
import { describe, expect, it } from 'vitest';
import { validateMainTool } from '../../src/server/main-tools.js';

describe('spawn_agent budgets', () => {
  it('takes budget_usd and max_tokens', () => {
    expect(validateMainTool('spawn_agent', { task: 'audit', budget_usd: 2.5, max_tokens: 200000 })).toEqual({
      tool: 'spawn_agent', task: 'audit', budgetUsd: 2.5, budgetTokens: 200000,
    });
    expect(validateMainTool('spawn_agent', { task: 'audit' })).toEqual({ tool: 'spawn_agent', task: 'audit' });
  });

  it('refuses budgets that are negative, zero or not numbers', () => {
    expect(validateMainTool('spawn_agent', { task: 'a', budget_usd: -1 })).toEqual({ error: 'spawn_agent: "budget_usd": expected an amount in USD above 0 (at most 10000)' });
    expect(validateMainTool('spawn_agent', { task: 'a', budget_usd: '2' })).toEqual({ error: 'spawn_agent: "budget_usd": expected an amount in USD above 0 (at most 10000)' });
    expect(validateMainTool('spawn_agent', { task: 'a', max_tokens: 0 })).toEqual({ error: 'spawn_agent: "max_tokens": expected a whole number of tokens above 0' });
    expect(validateMainTool('spawn_agent', { task: 'a', max_tokens: 10.5 })).toEqual({ error: 'spawn_agent: "max_tokens": expected a whole number of tokens above 0' });
  });
});
