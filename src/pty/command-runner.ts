// Runs a short command to its end and collects what it printed: the ssh and docker commands that
// check a host before an agent starts there, and the git commands run on a host over ssh.
import { spawn } from 'node:child_process';

export interface CommandResult {
  /** Its exit status; null when a signal (or the timeout) ended it. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** It was stopped after `timeoutMs`. */
  timedOut: boolean;
}

export interface CommandOptions {
  /** Written to its stdin, which is then closed (default: stdin is empty). */
  input?: string;
  /** Killed after this long (default 30 s). */
  timeoutMs?: number;
  /** Its environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** In a process group of its own, out of reach of a signal to this process's group. */
  detached?: boolean;
}

export type CommandRunner = (file: string, args: readonly string[], options?: CommandOptions) => Promise<CommandResult>;

const DEFAULT_TIMEOUT_MS = 30_000;
/** Output kept of each stream: enough for any answer these commands give, bounded against a flood. */
const MAX_OUTPUT_CHARS = 1 << 20;

/** Resolves when the command ended; a program that cannot be started resolves with code 127 and why on stderr. */
export const runCommand: CommandRunner = (file, args, options = {}) => new Promise((resolve) => {
  const child = spawn(file, [...args], { env: options.env ?? process.env, cwd: options.cwd, detached: options.detached, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  let settled = false;
  const settle = (result: CommandResult): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    resolve(result);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  child.stdout.on('data', (chunk: Buffer) => { if (stdout.length < MAX_OUTPUT_CHARS) stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { if (stderr.length < MAX_OUTPUT_CHARS) stderr += chunk.toString(); });
  child.on('error', (error: NodeJS.ErrnoException) => {
    settle({ code: 127, stdout, stderr: error.code === 'ENOENT' ? `${file}: command not found` : error.message, timedOut });
  });
  child.on('close', (code) => settle({ code, stdout, stderr, timedOut }));
  child.stdin.on('error', () => {
    // It ended without reading its input: its exit status tells.
  });
  child.stdin.end(options.input ?? '');
});
