// Runs the real git binary through simple-git, with exit codes the callers can act on.

import { stat } from 'node:fs/promises';
import { GitError, simpleGit, type SimpleGit } from 'simple-git';
import { gitEnvironment, type GitEnv } from './environment.js';
import { WorktreeError, gitMessage } from './errors.js';

export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Directory to run in (`git -C`); the runner's base directory by default. */
  cwd?: string;
  /** Exit codes that are answers, not failures (e.g. 1 for `--verify --quiet`). */
  allow?: readonly number[];
}

/** A finished git process with a non-zero exit code; carries what simple-git would otherwise drop. */
class GitExit extends GitError {
  constructor(readonly result: GitResult) {
    super(undefined, result.stderr || `exit code ${result.exitCode}`);
  }
}

function toText(chunks: Buffer[]): string {
  return Buffer.concat(chunks).toString('utf8');
}

export class GitRunner {
  private constructor(private readonly git: SimpleGit) {}

  /** A runner based in `dir`; rejects when `dir` is not an existing directory. */
  static async open(dir: string, baseEnv: GitEnv): Promise<GitRunner> {
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) throw new WorktreeError('not-a-repo', `${dir} is not a directory: worktree options need a git repository`);
    const { env, unsafe } = gitEnvironment(baseEnv);
    const git = simpleGit({
      baseDir: dir,
      unsafe,
      // simple-git treats an exit code without stderr as success; every non-zero exit is reported here instead.
      errors: (error, result) =>
        result.exitCode > 0 && result.exitCode < 256
          ? new GitExit({ exitCode: result.exitCode, stdout: toText(result.stdOut), stderr: toText(result.stdErr) })
          : error,
    }).env(env);
    return new GitRunner(git);
  }

  /** Runs `git ARGS`; rejects with a WorktreeError unless the exit code is 0 or allowed. */
  async run(args: readonly string[], options: RunOptions = {}): Promise<GitResult> {
    const full = options.cwd === undefined ? [...args] : ['-C', options.cwd, ...args];
    try {
      const stdout = await this.git.raw(full);
      return { exitCode: 0, stdout, stderr: '' };
    } catch (error) {
      if (error instanceof GitExit && options.allow?.includes(error.result.exitCode)) return error.result;
      throw failure(args, error);
    }
  }

  /** Standard output of `git ARGS`, which must succeed. */
  async text(args: readonly string[], cwd?: string): Promise<string> {
    return (await this.run(args, { cwd })).stdout;
  }

  /** True for exit code 0, false for 1 (`--quiet`, `--is-ancestor`, `--verify` answers), else rejects. */
  async test(args: readonly string[], cwd?: string): Promise<boolean> {
    return (await this.run(args, { cwd, allow: [1] })).exitCode === 0;
  }
}

function failure(args: readonly string[], error: unknown): WorktreeError {
  const command = `git ${args.find((arg) => !arg.startsWith('-')) ?? args[0]}`;
  if (error instanceof GitExit) return new WorktreeError('git-failed', `${command} failed: ${gitMessage(error.result.stderr)}`);
  const message = error instanceof Error ? error.message : String(error);
  if (/ENOENT/.test(message)) return new WorktreeError('git-failed', 'git was not found: install git 2.38 or newer and put it on PATH');
  return new WorktreeError('git-failed', `${command} failed: ${gitMessage(message)}`);
}
