// `agentmux cost` without --json: the report as a plain table, whole token counts, costs to the cent.
import { describe, expect, it } from 'vitest';
import { costTable } from '../../src/cli/cost-table.js';
import { parseScriptCommand } from '../../src/cli/script-args.js';
import { MAIN_AGENT_NAME, spendReport, type SpendSource } from '../../src/core/spend.js';
import type { Usage } from '../../src/core/usage.js';
import { priceFor } from '../../src/llm/prices.js';

const usage = (input: number, output: number, cacheRead = 0, cacheWrite = 0): Usage => ({ input, output, cacheRead, cacheWrite });
const source = (name: string, kind: SpendSource['kind'], model: string, total: Usage): SpendSource => ({ name, kind, meter: { model, total, contextTokens: 0 } });

describe('costTable', () => {
  it('lists agents, then models, most expensive first, then the total; a model name cannot act on the terminal', () => {
    const report = spendReport([
      source('security-audit', 'claude', 'claude-sonnet-5-5', usage(500_000, 20_000, 1_000_000, 40_000)),
      source(MAIN_AGENT_NAME, 'main', 'claude-sonnet-4-5', usage(1_234_567, 10_000)),
      source('docs', 'cli', 'my-\x1b[31mllm', usage(3_000, 200)),
    ], (model) => priceFor(model), [], 0);
    expect(costTable(report)).toBe([
      'agent                input  output  cache read  cache write  cache hit      cost',
      'main agent         1234567   10000           0            0         0%     $3.85',
      'security-audit      500000   20000     1000000        40000        65%     $1.50',
      'docs                  3000     200           0            0         0%  no price',
      '',
      'model                input  output  cache read  cache write  cache hit      cost',
      'claude-sonnet-4-5  1234567   10000           0            0         0%     $3.85',
      'claude-sonnet-5-5   500000   20000     1000000        40000        65%     $1.50',
      'my- [31mllm           3000     200           0            0         0%  no price',
      '',
      'total              1737567   30200     1000000        40000        36%    $5.35+',
      '+: and tokens of a model with no price on file (give it one under "prices" in the config)',
      '',
    ].join('\n'));
  });

  it('says when nothing was spent', () => {
    expect(costTable(spendReport([], (model) => priceFor(model), [], 0))).toBe('no model usage yet\n');
  });
});

describe('agentmux cost arguments', () => {
  it('takes --json and nothing else', () => {
    expect(parseScriptCommand('cost', [])).toEqual({ ok: true, command: { kind: 'cost', json: false } });
    expect(parseScriptCommand('cost', ['--json'])).toEqual({ ok: true, command: { kind: 'cost', json: true } });
    expect(parseScriptCommand('cost', ['--csv'])).toEqual({ ok: false, error: 'unknown option --csv', usage: 'agentmux cost [--json]' });
    expect(parseScriptCommand('cost', ['today'])).toEqual({ ok: false, error: 'unexpected "today"', usage: 'agentmux cost [--json]' });
  });
});
