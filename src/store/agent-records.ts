// The durable list of a workspace's agents: one JSON line per change, the last line per agent wins;
// a line saying an agent was removed drops it (until a later record of the name).
import { isAbsolute, join } from 'node:path';
import type { AgentInfo, AgentKind, AgentState } from '../core/agent.js';
import { PERMISSION_MODES, type PermissionMode } from '../core/config-schema.js';
import { isObject } from '../core/is-object.js';
import { NAME_PATTERN } from '../core/names.js';
import { appendJsonl, loadJsonl, replaceJsonl } from './jsonl.js';

export interface AgentRecord {
  info: AgentInfo;
  /** The main agent has been told that this agent ended. */
  notified: boolean;
  /** The output log, relative to the workspace state directory (e.g. `logs/build.log`). */
  log: string;
  /** A built-in worker's conversation, relative to the workspace state directory (e.g. `workers/build.jsonl`). */
  transcript?: string;
  /**
   * How a built-in worker was started, to start it again the same way (`profile`: as that agent profile, its role and tools as they were;
   * `budgetUsd`: from an earlier version, now `info.budget`).
   */
  worker?: { model: string; permissionMode: PermissionMode; budgetUsd?: number; profile?: { name: string; prompt: string; tools?: string[] } };
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

  /** Appends a line saying the agent was removed: its earlier records no longer count, its name is free. */
  remove(name: string): void {
    appendJsonl(this.path, { v: VERSION, removed: name });
  }

  /**
   * The latest record of every agent, in the order the agents first appeared. Lines that are not
   * records are moved to agents.jsonl.bad, a torn last line is cut off (both said once, in `notices`),
   * and a file grown long with superseded lines is compacted — unless `readOnly`, for a reader beside
   * a running server (whose write in progress looks like a torn line).
   */
  load({ readOnly = false }: { readOnly?: boolean } = {}): { records: AgentRecord[]; notices: string[] } {
    const loaded = loadJsonl(this.path, lineOf, { readOnly });
    const latest = new Map<string, AgentRecord>();
    for (const line of loaded.records) {
      if ('removed' in line) latest.delete(line.removed);
      else latest.set(line.info.name, line);
    }
    const records = [...latest.values()];
    if (!readOnly && loaded.lines > LINES_PER_RECORD * (records.length + SLACK_RECORDS)) {
      replaceJsonl(this.path, records.map((record) => JSON.stringify({ v: VERSION, record })));
    }
    return { records, notices: loaded.notices };
  }
}

// Checks of values read from disk.
type Check = (value: unknown) => boolean;

const string: Check = (value) => typeof value === 'string';
const number: Check = (value) => typeof value === 'number' && Number.isFinite(value);
const boolean: Check = (value) => typeof value === 'boolean';
const strings: Check = (value) => Array.isArray(value) && value.every((item) => typeof item === 'string');
const oneOf = (values: readonly string[]): Check => (value) => typeof value === 'string' && values.includes(value);
const optional = (check: Check): Check => (value) => value === undefined || check(value);
const list = (check: Check): Check => (value) => Array.isArray(value) && value.every((item) => check(item));

function shape(fields: Record<string, Check>): Check {
  return (value) => isObject(value) && Object.entries(fields).every(([key, check]) => check(value[key]));
}

// Records keyed by every member of the union: the compiler reports a state or kind added in core but not here.
const STATES: Record<AgentState, true> = {
  queued: true, running: true, waiting: true, idle: true, finished: true, failed: true, killed: true, lost: true, unknown: true,
};
const KINDS: Record<AgentKind, true> = { command: true, claude: true, cli: true };

/** A file inside the workspace state directory: relative, and never climbing out of it. */
const relativeFile: Check = (value) => typeof value === 'string' && value !== '' && !isAbsolute(value)
  && !value.split(/[\\/]/).includes('..');

const usage = shape({ input: number, output: number, cacheRead: number, cacheWrite: number });

const agentRecord = shape({
  info: shape({
    name: (value) => typeof value === 'string' && NAME_PATTERN.test(value),
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
      byModel: optional(list(shape({ model: string, usage }))),
      costUsd: optional(number),
      contextTokens: number,
      contextWindow: optional(number),
    })),
    budget: optional(shape({ usd: optional(number), tokens: optional(number) })),
    question: optional(string),
    result: optional(string),
    profile: optional(string),
    cli: optional(string),
    cliSession: optional(string),
    stateFrom: optional(oneOf(['bell', 'status'])),
    windowTitle: optional(string),
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
  worker: optional(shape({
    model: string, permissionMode: oneOf(PERMISSION_MODES), budgetUsd: optional(number),
    profile: optional(shape({ name: string, prompt: string, tools: optional(strings) })),
  })),
});

/** The record in a `{"v":1,"record":…}` line, the name in a `{"v":1,"removed":NAME}` line, or undefined when the line is neither. */
function lineOf(value: unknown): AgentRecord | { removed: string } | undefined {
  if (!isObject(value) || value.v !== VERSION) return undefined;
  if (typeof value.removed === 'string' && NAME_PATTERN.test(value.removed)) return { removed: value.removed };
  return agentRecord(value.record) ? value.record as AgentRecord : undefined;
}
