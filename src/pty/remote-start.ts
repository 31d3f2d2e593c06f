// Starting an agent on this host for a link (`agentmux remote-agent start`): the run's private
// directory, then a daemon (`remote-agent serve DIR`) in a session of its own that owns the agent
// (remote-session.ts). What the daemon needs — the agent's program, environment, a worker's
// credentials — goes to it on its stdin, never on a command line; it answers with one line once the
// agent runs.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isObject } from '../core/is-object.js';
import { parseWorkerStart, remoteRunDir, RUN_FILES, type WorkerStart } from '../core/remote-run.js';
import { RemoteSession, type RemoteSessionSpec } from './remote-session.js';

export interface RemoteStart {
  id: string;
  /** `~` and `~/…` are this host's home; default: the directory start runs in (the login directory). */
  cwd?: string;
  /** Variables the agent gets on top of this process's environment. */
  env: Record<string, string>;
  file: string;
  args: string[];
  /** The agent's terminal size until an attach gives its own. */
  cols: number;
  rows: number;
  worker?: WorkerStart;
}

export interface StartPlace {
  env: NodeJS.ProcessEnv;
  home: string;
  /** How to run this agentmux again: node, its options, the CLI's entry. */
  self: string[];
}

/** Starts the daemon; resolves with the agent's pid and the run's directory, or a one-line reason nothing started. */
export async function startRemoteRun(start: RemoteStart, place: StartPlace): Promise<{ pid: number; dir: string } | { error: string }> {
  const cwd = start.cwd === undefined ? process.cwd() : start.cwd === '~' ? place.home : start.cwd.startsWith('~/') ? join(place.home, start.cwd.slice(2)) : resolve(start.cwd);
  if (!isDirectory(cwd)) return { error: `${cwd} is not a directory on this host` };
  const dir = remoteRunDir(place.env, place.home, start.id);
  try {
    mkdirSync(dirname(dir), { recursive: true, mode: 0o700 });
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { error: code === 'EEXIST' ? `a run ${start.id} exists already on this host` : `cannot make ${dir}: ${(error as Error).message}` };
  }
  const spec: Omit<RemoteSessionSpec, 'dir'> = {
    file: start.file, args: start.args, cwd, cols: start.cols, rows: start.rows,
    env: { ...stringEnv(place.env), ...start.env },
    ...(start.worker ? { worker: start.worker } : {}),
  };
  const daemonLog = openSync(join(dir, RUN_FILES.daemonLog), 'a', 0o600);
  const [node, ...rest] = place.self;
  const daemon = spawn(node, [...rest, 'remote-agent', 'serve', dir], { cwd: dir, detached: true, stdio: ['pipe', 'pipe', daemonLog] });
  closeSync(daemonLog);
  daemon.stdin?.end(JSON.stringify(spec) + '\n');
  const answer = await new Promise<string>((done) => {
    let text = '';
    daemon.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) done(text.slice(0, text.indexOf('\n')));
    });
    daemon.once('exit', () => done(text));
    daemon.once('error', (error) => done(JSON.stringify({ error: error.message })));
  });
  daemon.stdout?.destroy();
  daemon.unref();
  try {
    const parsed = JSON.parse(answer) as unknown;
    if (isObject(parsed) && typeof parsed.pid === 'number') return { pid: parsed.pid, dir };
    if (isObject(parsed) && typeof parsed.error === 'string') return { error: parsed.error };
  } catch {
    // Not its answer: what it wrote on its log says more.
  }
  return { error: `the agent's daemon ended at once: ${lastLine(readFileSync(join(dir, RUN_FILES.daemonLog), 'utf8')) || 'no message'}` };
}

/** The daemon's side: reads what to run, runs it, answers with the agent's pid, and resolves when the run is over. */
export async function serveRemoteRun(dir: string, input: NodeJS.ReadableStream, answer: (line: string) => void): Promise<void> {
  let text = '';
  for await (const chunk of input) text += chunk.toString();
  const spec = parseSpec(text);
  if (typeof spec === 'string') {
    answer(JSON.stringify({ error: spec }));
    return;
  }
  let session: RemoteSession;
  try {
    session = new RemoteSession({ ...spec, dir });
  } catch (error) {
    answer(JSON.stringify({ error: `cannot start ${spec.file}: ${(error as Error).message}` }));
    return;
  }
  answer(JSON.stringify({ pid: session.pid }));
  await session.done;
}

function parseSpec(text: string): Omit<RemoteSessionSpec, 'dir'> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'the run was not given on stdin as JSON';
  }
  if (!isObject(value) || typeof value.file !== 'string' || typeof value.cwd !== 'string' || !isStrings(value.args) || !isObject(value.env)
    || !isSize(value.cols) || !isSize(value.rows)
    || !Object.values(value.env).every((item) => typeof item === 'string')) return 'the run given on stdin lacks its program, directory or environment';
  let worker: WorkerStart | undefined;
  if (value.worker !== undefined) {
    const parsed = parseWorkerStart(value.worker);
    if ('error' in parsed) return parsed.error;
    worker = parsed;
  }
  return { file: value.file, args: value.args, cwd: value.cwd, cols: value.cols, rows: value.rows, env: value.env as Record<string, string>, ...(worker ? { worker } : {}) };
}

const isSize = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 10_000;
const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim().slice(0, 300) ?? '';
}
