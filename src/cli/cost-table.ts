// `agentmux cost` without --json: the spend report as a plain table, agents then models (most expensive
// first), then the session's total. Token counts are whole numbers, for scripts that read columns.
import { printable } from '../core/printable.js';
import { costText, ratioText, UNPRICED_NOTE, type SpendReport } from '../core/spend.js';
import type { Usage } from '../core/usage.js';

const HEADINGS = ['input', 'output', 'cache read', 'cache write', 'cache hit', 'cost'];

export function costTable(report: SpendReport): string {
  if (report.agents.length === 0) return 'no model usage yet\n';
  const row = (name: string, tokens: Usage, ratio: number | null, cost: string): string[] => [
    printable(name), String(tokens.input), String(tokens.output), String(tokens.cacheRead), String(tokens.cacheWrite), ratioText(ratio), cost,
  ];
  const sections = [
    [['agent', ...HEADINGS], ...report.agents.map((agent) => row(agent.name, agent.tokens, agent.cacheHitRatio, costText(agent.costUsd, agent.unpriced)))],
    [['model', ...HEADINGS], ...report.models.map((model) => row(model.model, model.tokens, model.cacheHitRatio, costText(model.costUsd, false)))],
    [row('total', report.tokens, report.cacheHitRatio, costText(report.costUsd, report.unpriced))],
  ];
  const rows = sections.flat();
  const widths = rows[0].map((_, column) => Math.max(...rows.map((cells) => cells[column].length)));
  const text = sections.map((section) => section.map((cells) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[column]))).join('  ')).join('\n'));
  return `${text.join('\n\n')}\n${report.unpriced ? `${UNPRICED_NOTE}\n` : ''}`;
}
