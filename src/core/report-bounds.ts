// What a worker's report may claim. Reports come over a channel only the worker holds, but the
// server still believes no more than a worker could truthfully say: its model is the one it was
// started with, token counts only grow (and by no more than a request can use), the cost is the
// price table's for those tokens, and the texts shown are one printable line of bounded length.
import { truncate } from './format.js';
import { printable } from './printable.js';
import type { WorkerReport } from './report-channel.js';
import { costOf, type ModelPrice, type Usage, type UsageMeter } from './usage.js';

export const MAX_QUESTION_CHARS = 1000;
export const MAX_ACTIVITY_CHARS = 200;
/** A retried request may count twice, so a report may add up to this many context windows of tokens. */
const WINDOWS_PER_REPORT = 2;

/** What the server knows of a worker it started (or a CLI's print run, whose model it does not choose). */
export interface WorkerExpectation {
  /** The model it was started with; undefined: whichever model it names (a model id), priced by `priceOf`. */
  model?: string;
  /** A model's price (and context window) when on file. */
  priceOf(model: string): ModelPrice | undefined;
}

const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:@\/-]{0,99}$/;

const USAGE_FIELDS = ['input', 'output', 'cacheRead', 'cacheWrite'] as const;

const oneLine = (text: string, max: number): string => truncate(printable(text).replace(/\s+/g, ' ').trim(), max);

/**
 * The meter to show for a usage report, or why the report is refused. `thisRun`: the totals last
 * accepted from this process; `earlier`: those of the agent's earlier run, which a continued worker
 * starts again from (possibly a little lower: a killed run may not have recorded its last request).
 */
export function acceptedMeter(
  claimed: UsageMeter, last: { thisRun?: Usage; earlier?: Usage }, expected: WorkerExpectation,
): UsageMeter | string {
  if (expected.model !== undefined && claimed.model !== expected.model) {
    return `it reported model ${JSON.stringify(oneLine(claimed.model, 60))}, but runs ${expected.model}`;
  }
  if (!MODEL_ID.test(claimed.model)) return `it reported ${JSON.stringify(oneLine(claimed.model, 60))}, which is not a model id`;
  const price = expected.priceOf(claimed.model);
  const total = claimed.total;
  const { thisRun } = last;
  if (thisRun && USAGE_FIELDS.some((field) => total[field] < thisRun[field])) return 'its token counts went down';
  const window = price?.contextWindow;
  if (window !== undefined) {
    const before = thisRun ?? last.earlier ?? { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
    const grown = USAGE_FIELDS.reduce((sum, field) => sum + total[field] - before[field], 0);
    if (grown > WINDOWS_PER_REPORT * window) return `it claimed ${grown} tokens at once, more than its model's requests can use`;
    if (claimed.contextTokens > window) return `it claimed a context of ${claimed.contextTokens} tokens, more than its model's ${window}`;
  }
  const meter: UsageMeter = { model: claimed.model, total: { ...total }, contextTokens: claimed.contextTokens };
  const cost = costOf(total, price);
  if (cost !== undefined) meter.costUsd = cost;
  if (window !== undefined) meter.contextWindow = window;
  return meter;
}

/** A state, activity or result report as the server shows it: texts made one bounded printable line (a result keeps its lines). */
export function shownReport(report: Exclude<WorkerReport, { type: 'usage' }>): Exclude<WorkerReport, { type: 'usage' }> {
  switch (report.type) {
    case 'state':
      return {
        type: 'state', state: report.state, ...(report.question !== undefined ? { question: oneLine(report.question, MAX_QUESTION_CHARS) } : {}),
        ...(report.pausedForBudget ? { pausedForBudget: true } : {}),
      };
    case 'activity':
      return { type: 'activity', text: oneLine(report.text, MAX_ACTIVITY_CHARS) };
    case 'result':
    case 'wrote':
    case 'link':
      return report;
  }
}

/** Why a worker's `wrote` report cannot be true: its tools write only inside its working directory. */
export function wrotePathError(file: string): string | undefined {
  if (file === '' || file.startsWith('/') || file.split(/[\\/]/).includes('..')) return `${JSON.stringify(file.slice(0, 200))} is not a path inside its working directory`;
  return undefined;
}
