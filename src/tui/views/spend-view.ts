// The spend view (`/cost`): the session's cost over time (a line chart), the cost of each agent, most
// expensive first (a bar chart, with names, costs and tokens under the bars), tokens and cost per model,
// the cache hit ratio and the totals. Pure: a report and a size in; the text rows and where the charts
// go out (spend-charts.ts draws them over the rows left blank for them). Small sizes drop the line
// chart first, then the bars; the figures stay.
import { formatTokens } from '../../core/format.js';
import { printable } from '../../core/printable.js';
import { costText, ratioText, UNPRICED_NOTE, type AgentSpend, type SpendReport } from '../../core/spend.js';
import { totalTokens, type Usage } from '../../core/usage.js';
import type { ThemeRole } from '../../core/theme-schema.js';
import { fitText, line, padText, textWidth, type Segment, type StyledLine } from '../styled-text.js';
import { fitSegments } from './bars.js';

/** The line chart: cumulative USD at evenly spaced times, labelled with the clock. */
export interface LineChartSpec {
  top: number;
  height: number;
  labels: string[];
  values: number[];
  maxY: number;
  yLabels: number;
}

/** The bar chart: one bar per agent shown, USD; the labels under it are in the rows. */
export interface BarChartSpec {
  top: number;
  height: number;
  values: number[];
  barWidth: number;
  barSpacing: number;
  xOffset: number;
}

export interface SpendFrame {
  rows: StyledLine[];
  line?: LineChartSpec;
  bars?: BarChartSpec;
}

/** Narrower than this, no chart is drawn. */
const MIN_CHART_WIDTH = 30;
const MIN_LINE_ROWS = 4;
const MIN_BAR_ROWS = 2;
const MAX_BAR_ROWS = 8;
const BAR_LABEL_ROWS = 3;
const MIN_BAR_SPACING = 8;
const MAX_BAR_SPACING = 32;
const BAR_X_OFFSET = 1;
const MAX_POINTS = 120;

export function spendView(report: SpendReport | undefined, width: number, height: number): SpendFrame {
  if (!report) return frame([line({ text: ' spend', role: 'title' }, { text: ' · asking the server…', role: 'muted' })], width, height);
  const header = headerRow(report, width);
  if (report.agents.length === 0) {
    return frame([header, line(), line({ text: ' Nothing spent yet: tokens and costs show here as they come.', role: 'muted' })], width, height);
  }
  const table = tableRows(report, width, Math.max(0, height - 1));
  const room = height - 1 - table.length;
  const charts = width >= MIN_CHART_WIDTH ? chartRows(room) : { line: 0, bars: 0 };
  const rows: StyledLine[] = [header];
  let lineChart: LineChartSpec | undefined;
  let barChart: BarChartSpec | undefined;
  if (charts.line > 0) {
    rows.push(line({ text: ' cost over time, USD', role: 'muted' }, { text: sinceText(report), role: 'muted' }));
    lineChart = { top: rows.length, height: charts.line, ...lineSeries(report, width), ...yAxis(report.costUsd, charts.line) };
    rows.push(...blank(charts.line));
  }
  if (charts.bars > 0) {
    const shown = Math.min(report.agents.length, Math.floor((width - BAR_X_OFFSET) / MIN_BAR_SPACING));
    const spacing = Math.min(MAX_BAR_SPACING, Math.floor((width - BAR_X_OFFSET) / shown));
    const agents = report.agents.slice(0, shown);
    const more = report.agents.length > shown ? ` · the ${shown} most expensive of ${report.agents.length}` : ', most expensive first';
    rows.push(line({ text: ` cost by agent${more}`, role: 'muted' }));
    barChart = {
      top: rows.length, height: charts.bars, values: agents.map((agent) => agent.costUsd),
      barWidth: Math.max(1, Math.min(6, spacing - 3)), barSpacing: spacing, xOffset: BAR_X_OFFSET,
    };
    rows.push(...blank(charts.bars), ...barLabels(agents, spacing));
  }
  rows.push(...table);
  return { ...frame(rows, width, height), ...(lineChart ? { line: lineChart } : {}), ...(barChart ? { bars: barChart } : {}) };
}

function frame(rows: StyledLine[], width: number, height: number): SpendFrame {
  return { rows: rows.slice(0, Math.max(0, height)).map((row) => ({ ...row, segments: fitSegments(row.segments, width) })) };
}

function blank(count: number): StyledLine[] {
  return Array.from({ length: count }, () => line());
}

/** Rows for each chart (its title row aside): the bars before the line, each only when it has its least. */
function chartRows(room: number): { line: number; bars: number } {
  const barsPart = 1 + MIN_BAR_ROWS + BAR_LABEL_ROWS;
  const linePart = 1 + MIN_LINE_ROWS;
  if (room < barsPart) return { line: 0, bars: 0 };
  if (room < barsPart + linePart) return { line: 0, bars: Math.min(MAX_BAR_ROWS, room - 1 - BAR_LABEL_ROWS) };
  const extra = room - barsPart - linePart;
  const bars = MIN_BAR_ROWS + Math.min(MAX_BAR_ROWS - MIN_BAR_ROWS, Math.floor(extra * 0.4));
  return { line: MIN_LINE_ROWS + extra - (bars - MIN_BAR_ROWS), bars };
}

function headerRow(report: SpendReport, width: number): StyledLine {
  const segments: Segment[] = [
    { text: ' spend', role: 'title' },
    { text: ' · ', role: 'muted' }, { text: costText(report.costUsd, report.unpriced), role: 'title' },
    { text: ` · ${formatTokens(totalTokens(report.tokens))} tokens`, role: 'meter' },
  ];
  if (report.cacheHitRatio !== null) segments.push({ text: ` · cache hit ${ratioText(report.cacheHitRatio)}`, role: 'meter' });
  return { segments: fitSegments(segments, width) };
}

function sinceText(report: SpendReport): string {
  const start = report.series[0]?.at;
  return start === undefined ? '' : ` · since ${clock(start, report.at - start)}`;
}

/** The series as it stood at evenly spaced times from its first point to the report's time. */
function lineSeries(report: SpendReport, width: number): { labels: string[]; values: number[] } {
  const points = [...report.series, { at: report.at, costUsd: report.costUsd }];
  const start = points[0].at;
  const span = Math.max(0, report.at - start);
  const count = Math.max(2, Math.min(MAX_POINTS, width - 8));
  const labels: string[] = [];
  const values: number[] = [];
  let next = 0;
  for (let index = 0; index < count; index++) {
    const at = start + (span * index) / (count - 1);
    while (next + 1 < points.length && points[next + 1].at <= at) next++;
    labels.push(clock(at, span));
    values.push(points[next].costUsd);
  }
  return { labels, values };
}

/**
 * The axis: as many labels as fit two rows apart (at most five), each a round step (whole cents, whole
 * dollars from a dollar up), the top one step above the highest label and above `cost`.
 */
function yAxis(cost: number, rows: number): { maxY: number; yLabels: number } {
  // The chart's last two rows are its time axis and labels.
  const yLabels = Math.max(1, Math.min(5, Math.floor((rows - 2) / 2)));
  const least = Math.max(cost * 1.05, 0.01) / yLabels;
  let exponent = Math.floor(Math.log10(least));
  for (;;) {
    for (const multiple of [1, 2, 2.5, 5]) {
      const step = Number((multiple * 10 ** exponent).toPrecision(6));
      const round = Number.isInteger(Math.round(step * 1e6) / 1e4) && (step < 1 || Number.isInteger(step));
      if (round && step >= least) return { maxY: Number((step * yLabels).toPrecision(6)), yLabels };
    }
    exponent++;
  }
}

/** `14:05`, or `14:05:30` over a span of less than two minutes. */
function clock(at: number, span: number): string {
  const date = new Date(at);
  const parts = [date.getHours(), date.getMinutes(), ...(span < 120_000 ? [date.getSeconds()] : [])];
  return parts.map((part) => String(part).padStart(2, '0')).join(':');
}

/** Under each bar: the agent's name, its cost, its tokens. */
function barLabels(agents: readonly AgentSpend[], spacing: number): StyledLine[] {
  // A column gap after each label but the last.
  const rowOf = (texts: string[], role: ThemeRole): StyledLine => ({
    segments: [
      { text: ' '.repeat(BAR_X_OFFSET) },
      ...texts.map((text, index): Segment => ({ text: index < texts.length - 1 ? padText(fitText(text, spacing - 1), spacing) : fitText(text, spacing - 1), role })),
    ],
  });
  return [
    rowOf(agents.map((agent) => printable(agent.name)), 'fg'),
    rowOf(agents.map((agent) => costText(agent.costUsd, agent.unpriced)), 'meter'),
    rowOf(agents.map((agent) => `${formatTokens(totalTokens(agent.tokens))} tok`), 'muted'),
  ];
}

interface Column {
  heading: string;
  width: number;
  value(tokens: Usage, ratio: number | null, cost: string): string;
}

/** The model table's columns, in the order they are dropped last: what does not fit beside a legible name goes. */
const COLUMNS: Column[] = [
  { heading: 'cost', width: 8, value: (_, __, cost) => cost },
  { heading: 'input', width: 5, value: (tokens) => formatTokens(tokens.input) },
  { heading: 'output', width: 6, value: (tokens) => formatTokens(tokens.output) },
  { heading: 'cache r/w', width: 11, value: (tokens) => `${formatTokens(tokens.cacheRead)}/${formatTokens(tokens.cacheWrite)}` },
  { heading: 'hit', width: 4, value: (_, ratio) => ratioText(ratio) },
];
const COLUMN_ORDER = ['input', 'output', 'cache r/w', 'hit', 'cost'];
const MIN_NAME_WIDTH = 5;
const MAX_NAME_WIDTH = 24;

/**
 * The model table: a heading, the models most expensive first (as many as fit), the total, and what `+`
 * means. The cost column comes first; each other one only where the longest name still fits beside it.
 */
function tableRows(report: SpendReport, width: number, height: number): StyledLine[] {
  const longest = Math.max(...report.models.map((model) => textWidth(printable(model.model))), MIN_NAME_WIDTH);
  const columns: Column[] = [];
  let used = 1;
  for (const [index, column] of COLUMNS.entries()) {
    const name = index === 0 ? MIN_NAME_WIDTH : Math.min(MAX_NAME_WIDTH, longest);
    if (used + name + 1 + column.width > width) break;
    columns.push(column);
    used += 1 + column.width;
  }
  columns.sort((a, b) => COLUMN_ORDER.indexOf(a.heading) - COLUMN_ORDER.indexOf(b.heading));
  const nameWidth = Math.max(1, width - 1 - columns.reduce((sum, column) => sum + column.width + 1, 0));
  const row = (name: string, cells: (column: Column) => string, role: ThemeRole | undefined): StyledLine => ({
    segments: [
      { text: ` ${padText(name, nameWidth)}`, ...(role ? { role } : {}) },
      { text: columns.map((column) => ` ${padText(cells(column), column.width, 'right')}`).join(''), ...(role ? { role } : {}) },
    ],
  });
  const total = row('total', (column) => column.value(report.tokens, report.cacheHitRatio, costText(report.costUsd, report.unpriced)), 'title');
  if (height < 2) return [total];
  const note = report.unpriced && height >= 3 ? [line({ text: ` ${UNPRICED_NOTE}`, role: 'muted' })] : [];
  const models = report.models.slice(0, Math.max(0, height - 2 - note.length))
    .map((model) => row(printable(model.model), (column) => column.value(model.tokens, model.cacheHitRatio, costText(model.costUsd, false)), undefined));
  return [row('model', (column) => column.heading, 'muted'), ...models, total, ...note];
}
