// One run of an agent on another host (`agentmux remote-agent`): where its files live there, what its
// log's records say, and what its session's socket is asked. The daemon that owns the agent writes
// the log; `attach` replays it to the link (`agentmux remote-link`) across ssh.
import { join } from 'node:path';
import { isObject } from './is-object.js';
import { isWorkerReport, parseChannelAnswer, parseWorkerCommand, type WorkerCommand, type WorkerCredentials, type WorkerReport } from './report-channel.js';

/** A run's id, made by the server: the agent's name and 8 hex digits. */
const RUN_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function runIdError(id: string): string | undefined {
  return RUN_ID.test(id) ? undefined : `${JSON.stringify(id)} is not a run id (lowercase letters, digits and dashes, at most 64)`;
}

/** The run's private directory: under $XDG_RUNTIME_DIR (gone at logout), else under ~/.agentmux/run. */
export function remoteRunDir(env: Readonly<Record<string, string | undefined>>, home: string, id: string): string {
  return env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'agentmux-remote', id) : join(home, '.agentmux', 'run', id);
}

/** Files of a run's directory. */
export const RUN_FILES = { log: 'log', socket: 'sock', status: 'status.json', daemonLog: 'daemon.log' } as const;

/**
 * What a built-in worker is started with, on `remote-agent start --worker`'s stdin (never on a
 * command line): its credentials, and the commands agentmux gave before it ran, which it gets right
 * after its welcome as a local worker would.
 */
export interface WorkerStart {
  credentials: WorkerCredentials;
  commands: WorkerCommand[];
}

export function parseWorkerStart(value: unknown): WorkerStart | { error: string } {
  if (!isObject(value)) return { error: 'a worker\'s start is {credentials, commands} as JSON' };
  const answer = parseChannelAnswer({ type: 'welcome', credentials: value.credentials });
  if ('error' in answer) return answer;
  if (answer.type !== 'welcome' || !answer.credentials) return { error: 'a worker needs its credentials' };
  if (!Array.isArray(value.commands)) return { error: 'a worker\'s start lacks its list of commands' };
  const commands: WorkerCommand[] = [];
  for (const item of value.commands) {
    const command = parseWorkerCommand(item);
    if ('error' in command) return { error: `a worker's command: ${command.error}` };
    commands.push(command);
  }
  return { credentials: answer.credentials, commands };
}

/** Records of the stream (core/link-records.ts). */
export type LinkRecord =
  /** Written by attach before the log's bytes: what comes before it is not the log (ssh's and the login shell's noise). */
  | { type: 'attach' }
  /** The agent ended; the last record of a log. `signal`: the number of the signal that ended it. */
  | { type: 'exit'; code: number | null; signal?: number }
  /** A relayed worker's report. */
  | { type: 'report'; report: WorkerReport }
  /** Written by attach: the run cannot be followed (no such run, or its daemon died without an exit status). */
  | { type: 'gone'; message: string };

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

export function parseLinkRecord(value: unknown): LinkRecord | undefined {
  if (!isObject(value)) return undefined;
  switch (value.type) {
    case 'attach':
      return { type: 'attach' };
    case 'exit':
      if (value.code !== null && !isCount(value.code)) return undefined;
      if (value.signal !== undefined && !isCount(value.signal)) return undefined;
      return { type: 'exit', code: value.code, ...(value.signal !== undefined ? { signal: value.signal } : {}) };
    case 'report':
      return isWorkerReport(value.report) ? { type: 'report', report: value.report } : undefined;
    case 'gone':
      return typeof value.message === 'string' ? { type: 'gone', message: value.message } : undefined;
    default:
      return undefined;
  }
}

/** The exit status a process reporting `record` should end with: a signal's death as 128+N, as shells do. */
export function exitStatusOf(record: { code: number | null; signal?: number }): number {
  if (record.signal) return 128 + record.signal;
  return record.code ?? 1;
}

/** What a run's socket is asked (one JSON line each): `attach` opens a stream, the others get one answer line. */
export type SessionRequest =
  | { type: 'attach'; from: number; cols: number; rows: number }
  | { type: 'stop' }
  | { type: 'tell'; command: WorkerCommand };

/** What an attached client sends after its attach. */
export type AttachMessage = { type: 'input'; data: string } | { type: 'resize'; cols: number; rows: number };

export type SessionAnswer = { ok: true } | { ok: false; message: string };

const isSize = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 10_000;

export function parseSessionRequest(value: unknown): SessionRequest | undefined {
  if (!isObject(value)) return undefined;
  if (value.type === 'attach') {
    return isCount(value.from) && isSize(value.cols) && isSize(value.rows) ? { type: 'attach', from: value.from, cols: value.cols, rows: value.rows } : undefined;
  }
  if (value.type === 'stop') return { type: 'stop' };
  if (value.type === 'tell') {
    const command = parseWorkerCommand(value.command);
    return 'error' in command ? undefined : { type: 'tell', command };
  }
  return undefined;
}

export function parseAttachMessage(value: unknown): AttachMessage | undefined {
  if (!isObject(value)) return undefined;
  if (value.type === 'input' && typeof value.data === 'string') return { type: 'input', data: value.data };
  if (value.type === 'resize' && isSize(value.cols) && isSize(value.rows)) return { type: 'resize', cols: value.cols, rows: value.rows };
  return undefined;
}

export function parseSessionAnswer(value: unknown): SessionAnswer | undefined {
  if (!isObject(value)) return undefined;
  if (value.ok === true) return { ok: true };
  if (value.ok === false && typeof value.message === 'string') return { ok: false, message: value.message };
  return undefined;
}
