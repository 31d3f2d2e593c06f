// Auto-compaction's settings (config `compaction`, the worker's `--compaction` flag): past `prepareAt`
// percent of the model's context a summary is prepared in the background; past `swapAt` it replaces
// the conversation the model sees.
import { isObject } from './is-object.js';

export interface CompactionSettings {
  enabled: boolean;
  /** Percent of the context window at which the summary starts being prepared. */
  prepareAt: number;
  /** Percent of the context window at which the prepared summary replaces the conversation. */
  swapAt: number;
}

/** The marks alone: what a worker is started with when auto-compaction is on. */
export type CompactionMarks = Pick<CompactionSettings, 'prepareAt' | 'swapAt'>;

export const DEFAULT_COMPACTION: Readonly<CompactionSettings> = Object.freeze({ enabled: true, prepareAt: 60, swapAt: 80 });

const KEYS = Object.keys(DEFAULT_COMPACTION);
const isPercent = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 99;

/** What is wrong with one config file's `compaction` section (its keys named as `compaction.KEY`). */
export function compactionError(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) return 'compaction: expected an object like {"prepareAt": 60, "swapAt": 80}';
  const unknown = Object.keys(value).find((key) => !KEYS.includes(key));
  if (unknown !== undefined) return `compaction.${unknown}: unknown key (known: ${KEYS.join(', ')})`;
  if (value.enabled !== undefined && typeof value.enabled !== 'boolean') return `compaction.enabled: expected true or false, got ${JSON.stringify(value.enabled)}`;
  for (const key of ['prepareAt', 'swapAt'] as const) {
    if (value[key] !== undefined && !isPercent(value[key])) return `compaction.${key}: expected a percent of the context, an integer from 1 to 99, got ${JSON.stringify(value[key])}`;
  }
  return undefined;
}

/** Why the merged settings cannot work: the summary must be prepared before it is needed. */
export function compactionConflict(settings: CompactionMarks): string | undefined {
  return settings.prepareAt < settings.swapAt
    ? undefined
    : `compaction.prepareAt (${settings.prepareAt}) must be below compaction.swapAt (${settings.swapAt})`;
}

/** The worker's `--compaction` value: `60:80`. */
export function compactionFlag(marks: CompactionMarks): string {
  return `${marks.prepareAt}:${marks.swapAt}`;
}

/** Reads a `--compaction` value, or says what is wrong with it. */
export function parseCompactionFlag(text: string): CompactionMarks | string {
  const match = /^(\d{1,2}):(\d{1,2})$/.exec(text);
  const marks = match ? { prepareAt: Number(match[1]), swapAt: Number(match[2]) } : undefined;
  if (!marks || !isPercent(marks.prepareAt) || !isPercent(marks.swapAt)) {
    return `--compaction must be PREPARE:SWAP, two percents from 1 to 99 (e.g. 60:80), not ${JSON.stringify(text)}`;
  }
  const conflict = compactionConflict(marks);
  return conflict ? `--compaction ${text}: the first percent must be below the second` : marks;
}
