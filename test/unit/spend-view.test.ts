// The spend view's rows and chart places at 80×24 (a 54×22 main pane) and smaller: what it keeps and
// drops, its labels and figures, and the charts' data.
import { describe, expect, it } from 'vitest';
import { MAIN_AGENT_NAME, spendReport, type SpendSource } from '../../src/core/spend.js';
import type { Usage } from '../../src/core/usage.js';
import { priceFor } from '../../src/llm/prices.js';
import { textWidth, type StyledLine } from '../../src/tui/styled-text.js';
import { spendView } from '../../src/tui/views/spend-view.js';

const usage = (input: number, output: number, cacheRead = 0, cacheWrite = 0): Usage => ({ input, output, cacheRead, cacheWrite });
const source = (name: string, model: string, total: Usage): SpendSource => ({ name, kind: name === MAIN_AGENT_NAME ? 'main' : 'claude', meter: { model, total, contextTokens: 0 } });

const START = Date.UTC(2026, 11, 7, 14, 0, 0);
const REPORT = spendReport([
  source(MAIN_AGENT_NAME, 'claude-sonnet-5-5', usage(1_000_000, 10_000)), // $2.10
  source('security-audit-auth-module', 'claude-sonnet-5-5', usage(200_000, 5_000, 600_000, 0)), // $0.57
  source('docs', 'my-local-llm', usage(3_000, 200)),
], (model) => priceFor(model), [{ at: START, costUsd: 0 }, { at: START + 60_000, costUsd: 2.1 }, { at: START + 120_000, costUsd: 2.67 }], START + 600_000);

function texts(rows: StyledLine[]): string[] {
  return rows.map((row) => row.segments.map((segment) => segment.text).join(''));
}

describe('spendView at 80×24 (54×22 main pane)', () => {
  const frame = spendView(REPORT, 54, 22);
  const rows = texts(frame.rows);

  it('fills the pane, no row wider than it', () => {
    expect(rows).toHaveLength(22);
    for (const row of rows) expect(textWidth(row)).toBeLessThanOrEqual(54);
  });

  it('heads it with the total, the tokens and the cache hit ratio', () => {
    expect(rows[0]).toBe(' spend · $2.67+ · 1.8M tokens · cache hit 33%');
  });

  it('leaves the line chart rows blank under a title, and hands the chart the cost at evenly spaced times', () => {
    const line = frame.line;
    if (!line) throw new Error('no line chart');
    expect(rows[line.top - 1]).toMatch(/^ cost over time, USD · since \d\d:\d\d$/);
    expect(rows.slice(line.top, line.top + line.height).every((row) => row === '')).toBe(true);
    expect(line.height).toBeGreaterThanOrEqual(4);
    expect(line.values).toHaveLength(line.labels.length);
    expect(line.values[0]).toBe(0);
    expect(line.values.at(-1)).toBe(2.67);
    expect(line.values.every((value, index) => index === 0 || value >= line.values[index - 1])).toBe(true);
    expect(line.labels.every((label) => /^\d\d:\d\d$/.test(label))).toBe(true);
    // A round top above the cost, with round steps between the labels.
    expect(line.maxY).toBeGreaterThan(2.67);
    expect(Number.isInteger(Math.round((line.maxY / line.yLabels) * 1e6) / 1e4)).toBe(true);
  });

  it('puts the agents\' bars most expensive first, with names, costs and tokens under them', () => {
    const bars = frame.bars;
    if (!bars) throw new Error('no bar chart');
    expect(rows[bars.top - 1]).toBe(' cost by agent, most expensive first');
    expect(bars.values).toEqual([2.1, 0.57, 0]);
    const under = rows.slice(bars.top + bars.height, bars.top + bars.height + 3);
    expect(under[0]).toMatch(/^ main agent +security-audit-… +docs$/);
    expect(under[1]).toMatch(/^ \$2\.10 +\$0\.57 +no price$/);
    expect(under[2]).toMatch(/^ 1\.0M tok +805k tok +3\.2k tok$/);
  });

  it('ends with the models, the total and what + means', () => {
    expect(rows.slice(-5)).toEqual([
      ' model               input output   cache r/w     cost',
      ' claude-sonnet-5-5    1.2M    15k      600k/0    $2.67',
      ' my-local-llm         3.0k    200         0/0 no price',
      ' total                1.2M    15k      600k/0   $2.67+',
      ' +: and tokens of a model with no price on file (give…',
    ]);
  });
});

describe('spendView at smaller sizes', () => {
  it('drops the line chart first, then the bars; the figures stay', () => {
    const short = spendView(REPORT, 54, 14);
    expect(short.line).toBeUndefined();
    expect(short.bars).toBeDefined();
    const shorter = spendView(REPORT, 54, 8);
    expect(shorter.bars).toBeUndefined();
    expect(texts(shorter.rows)).toContain(' total                1.2M    15k      600k/0   $2.67+');
    const narrow = spendView(REPORT, 24, 22);
    expect(narrow.line).toBeUndefined();
    expect(narrow.bars).toBeUndefined();
    expect(texts(narrow.rows)).toContain(' total            $2.67+');
  });

  it('shows the most expensive agents that fit, and says how many there are', () => {
    const many = spendReport(
      Array.from({ length: 9 }, (_, index) => source(`agent-${index}`, 'claude-sonnet-5-5', usage(1000 * (index + 1), 0))),
      (model) => priceFor(model), [], START,
    );
    const frame = spendView(many, 54, 22);
    expect(frame.bars?.values).toEqual([0.018, 0.016, 0.014, 0.012, 0.01, 0.008]);
    expect(texts(frame.rows)).toContain(' cost by agent · the 6 most expensive of 9');
  });

  it('says when nothing was spent yet, and while the report is on its way', () => {
    const empty = spendReport([], (model) => priceFor(model), [], START);
    expect(texts(spendView(empty, 54, 22).rows)[2]).toMatch(/^ Nothing spent yet/);
    expect(texts(spendView(undefined, 54, 22).rows)).toEqual([' spend · asking the server…']);
  });
});
