// The durable list of a workspace's agents: one JSON line per change, the last line per agent wins.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { AgentInfo, AgentKind, AgentState } from '../core/agent.js';
import { PERMISSION_MODES, type PermissionMode } from '../core/config-schema.js';
import { NAME_PATTERN } from '../core/names.js';
import { appendJsonl, parseJsonl, repairJsonl } from './jsonl.js';

export interface AgentRecord {
  info: AgentInfo;
  /** The main agent has been told that this agent ended. */
  notified: boolean;
  /** The output log, relative to the workspace state directory (e.g. `logs/build.log`). */
  log: string;
  /** A built-in worker's conversation, relative to the workspace state directory (e.g. `workers/build.jsonl`). */
  transcript?: string;
  /** How a built-in worker was started, to start it again the same way. */
  worker?: { model: string; permissionMode: PermissionMode; budgetUsd?: number };
}

const VERSION = 1;
const FILE = 'agents.jsonl';
// Compaction keeps the file within a few lines per agent; the slack keeps a small file from
// being rewritten on every load.
const LINES_PER_RECORD = 4;
const SLACK_RECORDS = 50;

export class AgentRecords {
  private readonly path: string;

  /** `dir`: the workspace state directory. */
  constructor(dir: string) {
    this.path = join(dir, FILE);
  }

  /** Appends the agent's current record; it replaces the earlier ones of the same name. */
  save(record: AgentRecord): void {
    appendJsonl(this.path, { v: VERSION, record });
  }

  /**
   * The latest record of every agent, in the order the agents first appeared. Lines that are not
   * valid records are skipped with a warning. Repairs a torn last line so that appends go on
   * cleanly, and compacts a file grown long with superseded lines — unless `readOnly`, for a
   * reader beside a running server (whose write in progress looks like a torn line).
   */
  load({ readOnly = false }: { readOnly?: boolean } = {}): { records: AgentRecord[]; warnings: string[] } {
    const text = readText(this.path);
    const parsed = parseJsonl(text);
    const badLines = new Set(parsed.badLines);
    const latest = new Map<string, AgentRecord>();
    const warnings: string[] = [];
    const lines = text.split('\n');
    lines.pop(); // '' after the last newline, or the torn tail that parseJsonl left out
    let next = 0;
    lines.forEach((line, index) => {
      const where = `${this.path} line ${index + 1}`;
      if (badLines.has(index + 1)) {
        warnings.push(`${where}: not JSON, skipped`);
        return;
      }
      if (line.trim() === '') return;
      const value = parsed.records[next++];
      const problem = recordProblem(value);
      if (problem) {
        warnings.push(`${where}: ${problem}, skipped`);
        return;
      }
      const record = (value as { record: AgentRecord }).record;
      latest.set(record.info.name, record);
    });
    if (parsed.torn) {
      warnings.push(`${this.path} line ${lines.length + 1}: cut off by a crash while it was written, skipped`);
      if (!readOnly) repairJsonl(this.path);
    }
    const records = [...latest.values()];
    if (!readOnly && lines.length > LINES_PER_RECORD * (records.length + SLACK_RECORDS)) this.compact(records);
    return { records, warnings };
  }

  /** Rewrites the file with one line per agent; a crash leaves either the old file or the new one. */
  private compact(records: readonly AgentRecord[]): void {
    const temporary = `${this.path}.tmp`;
    const fd = openSync(temporary, 'w', 0o600);
    try {
      writeSync(fd, records.map((record) => `${JSON.stringify({ v: VERSION, record })}\n`).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.path);
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

// Checks of values read from disk. Each returns the path of the first field that does not fit,
// '' for the value itself, or undefined when all fits.
type Check = (value: unknown) => string | undefined;

const is = (test: (value: unknown) => boolean): Check => (value) => (test(value) ? undefined : '');
const string = is((value) => typeof value === 'string');
const number = is((value) => typeof value === 'number' && Number.isFinite(value));
const boolean = is((value) => typeof value === 'boolean');
const oneOf = (values: readonly string[]): Check => is((value) => typeof value === 'string' && values.includes(value));
const optional = (check: Check): Check => (value) => (value === undefined ? undefined : check(value));

function shape(fields: Record<string, Check>): Check {
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return '';
    for (const [key, check] of Object.entries(fields)) {
      const problem = check((value as Record<string, unknown>)[key]);
      if (problem !== undefined) return problem ? `${key}.${problem}` : key;
    }
    return undefined;
  };
}

// Records keyed by every member of the union: the compiler reports a state or kind added in core but not here.
const STATES: Record<AgentState, true> = { queued: true, running: true, waiting: true, finished: true, failed: true, killed: true, lost: true, unknown: true };
const KINDS: Record<AgentKind, true> = { command: true, claude: true };

/** A file inside the workspace state directory: relative, and never climbing out of it. */
const relativeFile = is((value) => typeof value === 'string' && value !== '' && !isAbsolute(value)
  && !value.split(/[\\/]/).includes('..'));

const usage = shape({ input: number, output: number, cacheRead: number, cacheWrite: number });

const agentRecord = shape({
  info: shape({
    name: is((value) => typeof value === 'string' && NAME_PATTERN.test(value)),
    kind: oneOf(Object.keys(KINDS)),
    task: string,
    cwd: string,
    state: oneOf(Object.keys(STATES)),
    startedAt: number,
    endedAt: optional(number),
    exitCode: optional(number),
    signal: optional(string),
    lastLine: string,
    unread: boolean,
    usage: optional(shape({
      model: string,
      total: usage,
      costUsd: optional(number),
      contextTokens: number,
      contextWindow: optional(number),
    })),
    question: optional(string),
    result: optional(string),
    worktree: optional(shape({
      branch: string,
      path: string,
      baseCommit: string,
      ahead: optional(number),
      filesChanged: optional(number),
      insertions: optional(number),
      deletions: optional(number),
      uncommitted: optional(boolean),
      missing: optional(boolean),
    })),
  }),
  notified: boolean,
  log: relativeFile,
  transcript: optional(relativeFile),
  worker: optional(shape({ model: string, permissionMode: oneOf(PERMISSION_MODES), budgetUsd: optional(number) })),
});

/** Why a line's value is not a `{"v":1,"record":…}` line, or undefined when it is one. */
function recordProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('v' in value)) return 'not an agent record';
  if (value.v !== VERSION) return `written by another version of agentmux (v ${JSON.stringify(value.v)})`;
  const field = agentRecord((value as { record?: unknown }).record);
  if (field === undefined) return undefined;
  return field ? `record.${field} is missing or invalid` : 'record is not an object';
}
