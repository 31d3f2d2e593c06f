// Structured reports from a built-in worker to agentmux, carried inside its pty output as
// an OSC sequence holding a per-agent secret. Text a worker merely prints cannot forge one:
// the worker strips escape sequences from everything it shows, and the secret never
// leaves the worker process.
import type { UsageMeter } from './usage.js';

export const REPORT_OSC = 7717;
export const REPORT_SECRET_ENV = 'AGENTMUX_REPORT_SECRET';
/** A worker's model price when configuration overrides the bundled table (JSON of a ModelPrice). */
export const MODEL_PRICE_ENV = 'AGENTMUX_MODEL_PRICE';
const MAX_REPORT_CHARS = 256 * 1024;

export type WorkerReport =
  | { type: 'state'; state: 'running' | 'waiting'; question?: string }
  | { type: 'usage'; meter: UsageMeter }
  /** One line about what the worker is doing ("read_file src/auth.ts"). */
  | { type: 'activity'; text: string }
  | { type: 'result'; outcome: 'finished' | 'failed'; text: string };

const toBase64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const fromBase64 = (data: string): string => Buffer.from(data, 'base64').toString('utf8');

/** The bytes a worker writes to its terminal to send a report. */
export function encodeReport(report: WorkerReport, secret: string): string {
  return `\x1b]${REPORT_OSC};${secret};${toBase64(JSON.stringify(report))}\x07`;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

function isUsage(value: unknown): boolean {
  const usage = value as Record<string, unknown> | null;
  return !!usage && ['input', 'output', 'cacheRead', 'cacheWrite'].every((key) => isCount(usage[key]));
}

function isMeter(value: unknown): value is UsageMeter {
  const meter = value as Record<string, unknown> | null;
  return !!meter && isString(meter.model) && isUsage(meter.total) && isCount(meter.contextTokens)
    && (meter.costUsd === undefined || isCount(meter.costUsd))
    && (meter.contextWindow === undefined || isCount(meter.contextWindow));
}

function isReport(value: unknown): value is WorkerReport {
  const report = value as Record<string, unknown> | null;
  if (!report || typeof report !== 'object') return false;
  switch (report.type) {
    case 'state':
      return (report.state === 'running' || report.state === 'waiting') && (report.question === undefined || isString(report.question));
    case 'usage':
      return isMeter(report.meter);
    case 'activity':
      return isString(report.text);
    case 'result':
      return (report.outcome === 'finished' || report.outcome === 'failed') && isString(report.text);
    default:
      return false;
  }
}

/** The report in an OSC payload ("secret;base64"), or undefined if it is not a genuine, well-formed one. */
export function decodeReport(payload: string, secret: string): WorkerReport | undefined {
  if (payload.length > MAX_REPORT_CHARS) return undefined;
  const separator = payload.indexOf(';');
  if (separator === -1 || payload.slice(0, separator) !== secret) return undefined;
  try {
    const value: unknown = JSON.parse(fromBase64(payload.slice(separator + 1)));
    return isReport(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
