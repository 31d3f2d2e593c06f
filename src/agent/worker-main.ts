// `agentmux worker --name N --task T [--model M] [--permission-mode ask|edits|auto] [--budget USD]
// [--budget-tokens N] [--max-turns N] [--transcript PATH [--resume]] [--compaction PREPARE:SWAP] [--profile NAME [--tools T,…]
// [--role TEXT]]`: the process agentmux starts in a pty for a built-in agent. Before anything else it
// connects to its private channel (AGENTMUX_CHANNEL), over which agentmux hands it the model's key and
// endpoint (never in its environment) and it sends its reports (and takes agentmux's word on its budget:
// when to pause, when to go on); it reads keys in raw mode (Ctrl+C interrupts), runs the agent loop in
// process.cwd(), and exits 0 when finished, 1 when failed, 2 on bad flags, no channel, or a transcript
// that cannot be continued.
// With --transcript the conversation is kept in that file (JSON Lines, agent/transcript.ts), a new one
// replacing any file there; with --resume as well, the worker carries on the conversation in it, with
// --task as the next user message and the usage meter continuing from the totals recorded there.
// With --compaction (percents of the context, e.g. 60:80) the conversation is compacted automatically
// (llm/auto-compaction.ts). An agent profile's worker has only the tools named in --tools, and --role
// (the profile's body) added to its instructions.
import { isAbsolute } from 'node:path';
import { formatUsd, type Budget } from '../core/budget.js';
import { formatTokens } from '../core/format.js';
import { WORKER_TOOL_NAMES, type WorkerToolName } from '../core/agent-profile.js';
import { parseCompactionFlag, type CompactionMarks } from '../core/compaction-settings.js';
import { nameError } from '../core/names.js';
import { CHANNEL_ENV } from '../core/report-channel.js';
import { createModelClient } from '../llm/anthropic-client.js';
import { DEFAULT_MODEL } from '../llm/prices.js';
import type { ModelClient } from '../llm/types.js';
import { BudgetGate } from './budget-gate.js';
import { ChannelClient } from './channel-client.js';
import { PERMISSION_MODES, type PermissionMode } from './permission.js';
import { sanitize } from './sanitize.js';
import { loadTranscript, TranscriptError, type LoadedTranscript } from './transcript.js';
import { WORKER_TOOLS } from './tools/index.js';
import { runWorker } from './worker.js';

export const WORKER_USAGE = 'usage: agentmux worker --name NAME --task TASK [--model MODEL] [--permission-mode ask|edits|auto] [--budget USD] [--budget-tokens N] [--max-turns N] [--transcript PATH [--resume]] [--compaction PREPARE:SWAP] [--profile NAME [--tools T,…] [--role TEXT]]';

export interface WorkerArgs {
  name: string;
  task: string;
  model: string;
  permissionMode: PermissionMode;
  /** It pauses before its next model request once it has spent this much (agentmux says when it may go on). */
  budget: Budget;
  maxTurns?: number;
  /** Absolute path of the conversation's transcript. */
  transcript?: string;
  /** Carry on the conversation in `transcript` (which is then required), `task` being the next user message. */
  resume: boolean;
  /** The agent profile it runs as (shown on its screen). */
  profile?: string;
  /** The only tools it has (default: all). */
  tools?: WorkerToolName[];
  /** The profile's role, added to its instructions. */
  role?: string;
  /** Auto-compaction's marks (percents of the context). */
  compaction?: CompactionMarks;
}

const FLAGS = [
  '--name', '--task', '--model', '--permission-mode', '--budget', '--budget-tokens', '--max-turns', '--transcript', '--compaction', '--profile', '--tools', '--role',
] as const;
type Flag = (typeof FLAGS)[number];
/** Flags that take no value. */
const SWITCHES = ['--resume'] as const;
type Switch = (typeof SWITCHES)[number];

/** Parses the worker's flags (`--flag value` or `--flag=value`); an error message on bad input. */
export function parseWorkerArgs(argv: readonly string[]): { ok: true; args: WorkerArgs } | { ok: false; error: string } {
  const values = new Map<Flag, string>();
  const switches = new Set<Switch>();
  for (let index = 0; index < argv.length; index += 1) {
    const word = argv[index];
    const equals = word.indexOf('=');
    const flag = (word.startsWith('--') && equals !== -1 ? word.slice(0, equals) : word) as Flag;
    if (SWITCHES.includes(flag as string as Switch)) {
      const name = flag as string as Switch;
      if (equals !== -1) return { ok: false, error: `${name} takes no value` };
      if (switches.has(name)) return { ok: false, error: `${name} given twice` };
      switches.add(name);
      continue;
    }
    if (!FLAGS.includes(flag)) {
      return { ok: false, error: word.startsWith('-') ? `unknown flag ${word}` : `unexpected argument ${JSON.stringify(word)}` };
    }
    let value: string | undefined;
    if (word.startsWith('--') && equals !== -1) {
      value = word.slice(equals + 1);
    } else {
      value = argv[index + 1];
      index += 1;
    }
    if (value === undefined) return { ok: false, error: `${flag} needs a value` };
    if (values.has(flag)) return { ok: false, error: `${flag} given twice` };
    values.set(flag, value);
  }
  const name = values.get('--name');
  if (name === undefined) return { ok: false, error: 'missing --name' };
  const badName = nameError(name);
  if (badName) return { ok: false, error: badName };
  const task = values.get('--task');
  if (task === undefined || task.trim() === '') return { ok: false, error: 'missing --task' };
  const model = values.get('--model') ?? DEFAULT_MODEL;
  if (model.trim() === '') return { ok: false, error: '--model must not be empty' };
  const mode = values.get('--permission-mode') ?? 'ask';
  if (!PERMISSION_MODES.includes(mode as PermissionMode)) {
    return { ok: false, error: `--permission-mode must be one of ${PERMISSION_MODES.join(', ')}, not ${JSON.stringify(mode)}` };
  }
  const args: WorkerArgs = { name, task, model, permissionMode: mode as PermissionMode, budget: {}, resume: switches.has('--resume') };
  const budget = values.get('--budget');
  if (budget !== undefined) {
    const amount = Number(budget);
    if (budget.trim() === '' || !Number.isFinite(amount) || amount <= 0) return { ok: false, error: `--budget must be a positive number of USD, not ${JSON.stringify(budget)}` };
    args.budget.usd = amount;
  }
  const tokens = values.get('--budget-tokens');
  if (tokens !== undefined) {
    if (!/^\d+$/.test(tokens) || Number(tokens) < 1) return { ok: false, error: `--budget-tokens must be a positive whole number, not ${JSON.stringify(tokens)}` };
    args.budget.tokens = Number(tokens);
  }
  const maxTurns = values.get('--max-turns');
  if (maxTurns !== undefined) {
    const count = Number(maxTurns);
    if (!/^\d+$/.test(maxTurns) || count < 1) return { ok: false, error: `--max-turns must be a positive integer, not ${JSON.stringify(maxTurns)}` };
    args.maxTurns = count;
  }
  const transcript = values.get('--transcript');
  if (transcript !== undefined) {
    if (transcript.trim() === '') return { ok: false, error: '--transcript must not be empty' };
    if (!isAbsolute(transcript)) return { ok: false, error: `--transcript must be an absolute path, not ${JSON.stringify(transcript)}` };
    args.transcript = transcript;
  }
  if (args.resume && args.transcript === undefined) return { ok: false, error: '--resume needs --transcript' };
  const profile = values.get('--profile');
  if (profile !== undefined) {
    const badProfile = nameError(profile);
    if (badProfile) return { ok: false, error: `--profile: ${badProfile}` };
    args.profile = profile;
  }
  const tools = values.get('--tools');
  if (tools !== undefined) {
    const names = tools.split(',').filter((tool) => tool !== '');
    const unknown = names.find((tool) => !(WORKER_TOOL_NAMES as readonly string[]).includes(tool));
    if (unknown !== undefined || names.length === 0) {
      return { ok: false, error: `--tools must name some of ${WORKER_TOOL_NAMES.join(', ')}, not ${JSON.stringify(unknown ?? tools)}` };
    }
    args.tools = names as WorkerToolName[];
  }
  const role = values.get('--role');
  if (role !== undefined) args.role = role;
  if ((args.tools !== undefined || args.role !== undefined) && args.profile === undefined) return { ok: false, error: '--tools and --role go with --profile' };
  const compaction = values.get('--compaction');
  if (compaction !== undefined) {
    const marks = parseCompactionFlag(compaction);
    if (typeof marks === 'string') return { ok: false, error: marks };
    args.compaction = marks;
  }
  return { ok: true, args };
}

export type WorkerStdin = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
export type WorkerStdout = NodeJS.WritableStream & { columns?: number };

export interface WorkerMainDeps {
  /** The model client (default: the Anthropic SDK client); tests may pass another. */
  createClient?: (options: { apiKey: string; baseURL: string }) => ModelClient;
  /** The agent's directory (default process.cwd()). */
  cwd?: string;
}

const BOLD = '\x1b[1m';
const RED = '\x1b[31m';
const YELLOW = '\x1b[33m';
const RESET = '\x1b[0m';

/** Runs the worker process; resolves to its exit code (0 finished, 1 failed, 2 bad flags or no transcript to continue). */
export async function workerMain(argv: string[], env: NodeJS.ProcessEnv, stdin: WorkerStdin, stdout: WorkerStdout, deps: WorkerMainDeps = {}): Promise<number> {
  const color = env.NO_COLOR === undefined || env.NO_COLOR === '';
  const write = (text: string): void => {
    stdout.write(text);
  };
  const styled = (style: string, text: string): string => (color ? `${style}${text}${RESET}` : text);

  const parsed = parseWorkerArgs(argv);
  if (!parsed.ok) {
    write(`agentmux worker: ${sanitize(parsed.error)} (${WORKER_USAGE})\n`);
    await flush(stdout);
    return 2;
  }
  const args = parsed.args;

  // First of all, before any command runs: the channel takes one connection, this process's.
  const channelPath = env[CHANNEL_ENV];
  delete env[CHANNEL_ENV];
  delete process.env[CHANNEL_ENV];
  if (!channelPath) {
    write(`agentmux worker: ${styled(RED, `${CHANNEL_ENV} is not set: a worker is started by the agentmux server (/spawn, agentmux spawn)`)}\n`);
    await flush(stdout);
    return 2;
  }
  const opened = await ChannelClient.open(channelPath);
  if ('error' in opened) {
    write(`agentmux worker: ${styled(RED, sanitize(opened.error))}\n`);
    await flush(stdout);
    return 2;
  }
  const { channel, credentials } = opened;
  if (!credentials) {
    write(`agentmux worker: ${styled(RED, 'agentmux handed no model credentials over the channel')}\n`);
    await channel.close();
    await flush(stdout);
    return 2;
  }
  const end = async (code: number): Promise<number> => {
    await channel.close();
    await flush(stdout);
    return code;
  };

  const settings = [
    ...(args.profile !== undefined ? [` · profile ${args.profile}`] : []),
    ...(args.budget.usd !== undefined ? [` · budget ${formatUsd(args.budget.usd)}`] : []),
    ...(args.budget.tokens !== undefined ? [` · budget ${formatTokens(args.budget.tokens)} tokens`] : []),
  ].join('');
  const task = sanitize(args.task).replace(/\s+/g, ' ').trim();
  let resume: LoadedTranscript | undefined;
  if (args.resume && args.transcript !== undefined) {
    try {
      resume = loadTranscript(args.transcript);
    } catch (error) {
      if (!(error instanceof TranscriptError)) throw error;
      const message = sanitize(error.message);
      write(`agentmux worker: ${styled(RED, message)}\n`);
      channel.report({ type: 'result', outcome: 'failed', text: message });
      return end(2);
    }
    // A user attaching sees first that this is a continuation, and of what.
    write(`${styled(BOLD, `▸ continuing: ${task}`)}\n`);
    write(`agentmux worker ${args.name} · model ${sanitize(args.model)} · permission mode ${args.permissionMode}${settings} · earlier conversation: ${resume.messages.length} messages\n`);
    for (const warning of resume.warnings) write(`${styled(YELLOW, `warning: ${sanitize(warning)}`)}\n`);
    write('\n');
  } else {
    write(`${styled(BOLD, `agentmux worker ${args.name}`)} · model ${sanitize(args.model)} · permission mode ${args.permissionMode}${settings} · task: ${task}\n\n`);
  }

  const { apiKey, baseURL, price } = credentials;
  const client = (deps.createClient ?? createModelClient)({ apiKey, baseURL });
  const keys = new KeyReader(stdin);
  const gate = new BudgetGate(args.budget);
  channel.listen({
    command: (command) => gate.command(command),
    problem: (message) => write(`${styled(YELLOW, `warning: ${sanitize(message)}`)}\n`),
  });
  try {
    const outcome = await runWorker({
      name: args.name,
      task: args.task,
      cwd: deps.cwd ?? process.cwd(),
      model: args.model,
      permissionMode: args.permissionMode,
      client,
      ...(price ? { price } : {}),
      ...(args.tools ? { tools: WORKER_TOOLS.filter((tool) => args.tools?.includes(tool.name as WorkerToolName)) } : {}),
      ...(args.profile !== undefined ? { role: { profile: args.profile, prompt: args.role ?? '' } } : {}),
      maxTurns: args.maxTurns,
      color,
      env,
      ...(args.transcript !== undefined ? { transcriptPath: args.transcript } : {}),
      ...(resume ? { resume } : {}),
      ...(args.compaction ? { compaction: args.compaction } : {}),
      secrets: [apiKey],
    }, {
      write,
      report: (report) => channel.report(report),
      readKey: () => keys.next(),
      columns: () => stdout.columns ?? 80,
      signal: keys.signal,
      budget: gate,
    });
    return await end(outcome.outcome === 'finished' ? 0 : 1);
  } finally {
    keys.dispose();
  }
}

function flush(stdout: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    stdout.write('', () => resolve());
  });
}

/**
 * Keys from stdin (raw mode on a terminal): Ctrl+C aborts `signal`; other keys go to the pending
 * `next()` call. Keys typed while nobody asks are dropped, so a stray "y" cannot answer a later question.
 */
class KeyReader {
  private readonly controller = new AbortController();
  private pending: { resolve: (key: string) => void; reject: (error: Error) => void } | undefined;
  private ended = false;
  private readonly rawMode: boolean;
  private readonly onData = (data: Buffer | string): void => {
    const text = typeof data === 'string' ? data : data.toString('utf8');
    if (text.includes('\x03')) {
      this.controller.abort();
      return;
    }
    const pending = this.pending;
    this.pending = undefined;
    pending?.resolve(text);
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(new Error('input closed'));
  };
  private readonly onSigint = (): void => this.controller.abort();

  constructor(private readonly stdin: WorkerStdin) {
    this.rawMode = !!stdin.isTTY && typeof stdin.setRawMode === 'function';
    if (this.rawMode) stdin.setRawMode?.(true);
    stdin.on('data', this.onData);
    stdin.on('end', this.onEnd);
    stdin.resume();
    // Without raw mode (not a terminal), Ctrl+C arrives as a signal.
    process.on('SIGINT', this.onSigint);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  next(): Promise<string> {
    if (this.ended) return Promise.reject(new Error('input closed'));
    this.pending?.reject(new Error('superseded by a newer question'));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
    });
  }

  dispose(): void {
    process.off('SIGINT', this.onSigint);
    this.stdin.off('data', this.onData);
    this.stdin.off('end', this.onEnd);
    if (this.rawMode) this.stdin.setRawMode?.(false);
    this.stdin.pause();
  }
}
