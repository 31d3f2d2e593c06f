// bash {command, timeout_ms?}: runs `/bin/sh -c command` in the working directory, in its own process
// group (so a timeout or Ctrl+C stops everything it started), without model credentials or the report
// channel's name in its environment, its output through pipes (never the worker's terminal). Returns the
// combined output (head and tail kept when long) and the exit code.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { withoutModelCredentials } from '../../core/model-credentials.js';
import { CHANNEL_ENV } from '../../core/report-channel.js';
import { defineTool, inputObject, integerField, stringField, toolError, type ToolResult } from './tool.js';

export interface BashInput {
  command: string;
  timeout_ms?: number;
}

export const DEFAULT_TIMEOUT_MS = 120_000;
export const MAX_TIMEOUT_MS = 600_000;
/** Output beyond this many characters is cut from the middle. */
export const MAX_OUTPUT_CHARS = 30_000;
const HEAD_CHARS = 10_000;
const TAIL_CHARS = MAX_OUTPUT_CHARS - HEAD_CHARS;
/** After SIGTERM, how long the process group gets before SIGKILL. */
const KILL_GRACE_MS = 2_000;
/** After the shell exits, how long background children may hold the output pipes open. */
const DRAIN_MS = 500;

/** Keeps the first and last characters of a stream of output, counting what falls in between. */
class OutputBuffer {
  private head = '';
  private tail = '';
  private dropped = 0;

  append(text: string): void {
    if (this.head.length < HEAD_CHARS) {
      const room = HEAD_CHARS - this.head.length;
      this.head += text.slice(0, room);
      text = text.slice(room);
    }
    if (text === '') return;
    this.tail += text;
    if (this.tail.length > TAIL_CHARS * 2) this.trimTail();
  }

  private trimTail(): void {
    const excess = this.tail.length - TAIL_CHARS;
    if (excess > 0) {
      this.dropped += excess;
      this.tail = this.tail.slice(excess);
    }
  }

  text(): string {
    this.trimTail();
    if (this.dropped === 0) return this.head + this.tail;
    return `${this.head}\n[… ${this.dropped} characters truncated]\n${this.tail}`;
  }
}

/** A copy of `env` for a command the model runs: no model credentials, no report channel. */
export function commandEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = withoutModelCredentials(env);
  delete copy[CHANNEL_ENV];
  return copy;
}

export function runCommand(command: string, options: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv; signal?: AbortSignal }): Promise<ToolResult> {
  return new Promise((resolve) => {
    const output = new OutputBuffer();
    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = spawn('/bin/sh', ['-c', command], {
        cwd: options.cwd,
        env: commandEnvironment(options.env ?? process.env),
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true, // its own process group, killed as a whole
      });
    } catch (error) {
      resolve(toolError(`could not start /bin/sh: ${(error as Error).message}`));
      return;
    }
    const decoder = { stdout: new TextDecoder(), stderr: new TextDecoder() };
    child.stdout.on('data', (chunk: Buffer) => output.append(decoder.stdout.decode(chunk, { stream: true })));
    child.stderr.on('data', (chunk: Buffer) => output.append(decoder.stderr.decode(chunk, { stream: true })));

    let stopped: 'timeout' | 'interrupted' | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];

    const killGroup = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch (error) {
        // ESRCH: the group is gone already. Anything else: at least stop the shell itself.
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') child.kill(signal);
      }
    };
    const stop = (reason: 'timeout' | 'interrupted'): void => {
      if (stopped || settled) return;
      stopped = reason;
      killGroup('SIGTERM');
      timers.push(setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS));
      // If something outside the group still holds the pipes, do not wait for it forever.
      timers.push(setTimeout(finish, KILL_GRACE_MS + DRAIN_MS));
    };
    const onAbort = (): void => stop('interrupted');

    function finish(): void {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      child.stdout.destroy();
      child.stderr.destroy();
      output.append(decoder.stdout.decode() + decoder.stderr.decode());
      const text = output.text();
      const body = text === '' ? '(no output)' : text.replace(/\n?$/, '');
      if (stopped === 'timeout') {
        resolve(toolError(`timed out after ${options.timeoutMs} ms (the command was killed); output so far:\n${body}`));
      } else if (stopped === 'interrupted') {
        resolve(toolError(`interrupted by the user; output so far:\n${body}`));
      } else if (exit?.signal) {
        resolve(toolError(`${body}\n[killed by ${exit.signal}]`));
      } else {
        resolve({ content: `${body}\n[exit code ${exit?.code ?? 'unknown'}]` });
      }
    }

    child.on('error', (error) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(toolError(`could not run the command: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // Background jobs may keep the pipes open: give them a moment, then return anyway.
      if (!stopped) timers.push(setTimeout(finish, DRAIN_MS));
    });
    child.on('close', finish);

    timers.push(setTimeout(() => stop('timeout'), options.timeoutMs));
    if (options.signal?.aborted) stop('interrupted');
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const bashTool = defineTool<BashInput>({
  name: 'bash',
  description: 'Run a shell command with /bin/sh -c in the working directory and return its combined '
    + 'stdout and stderr (long output is cut in the middle) and exit code. Standard input is empty. '
    + `Default timeout ${DEFAULT_TIMEOUT_MS / 1000} s, at most ${MAX_TIMEOUT_MS / 1000} s via timeout_ms. Use it for builds, tests, `
    + 'git and other commands; use the file tools to read and edit files.',
  inputSchema: {
    type: 'object',
    properties: {
      command: { type: 'string', description: 'The command line, run by /bin/sh -c.' },
      timeout_ms: { type: 'integer', description: `Timeout in milliseconds (default ${DEFAULT_TIMEOUT_MS}, max ${MAX_TIMEOUT_MS}).` },
    },
    required: ['command'],
  },
  validate(input) {
    const fields = inputObject(input, 'a "command" field and an optional "timeout_ms" field');
    if (!fields.ok) return fields;
    const command = stringField(fields.value, 'command');
    if (!command.ok) return command;
    if ((command.value as string).trim() === '') return { ok: false, error: 'field "command" must not be blank' };
    const timeout = integerField(fields.value, 'timeout_ms', 1, MAX_TIMEOUT_MS);
    if (!timeout.ok) return timeout;
    return { ok: true, value: timeout.value === undefined ? { command: command.value as string } : { command: command.value as string, timeout_ms: timeout.value } };
  },
  approval: (value, ctx) => (ctx.permissions.commandNeedsApproval(value.command, ctx.cwd) ? `Allow bash: ${value.command}?` : undefined),
  allowAlways: (value, ctx) => ctx.permissions.allowCommand(value.command),
  summary: (value) => value.command,
  run: (value, ctx) => runCommand(value.command, {
    cwd: ctx.cwd,
    timeoutMs: value.timeout_ms ?? DEFAULT_TIMEOUT_MS,
    env: ctx.env,
    signal: ctx.signal,
  }),
});
