// GitWorktrees: the Worktrees interface over the real git binary (through simple-git).

import { carryFiles } from './carry.js';
import { commitPending } from './commit.js';
import { compareAttempts, fileDiff } from './compare.js';
import { openContext, type Context } from './context.js';
import { createWorktree } from './create.js';
import { discardAgent } from './discard.js';
import type { GitEnv } from './environment.js';
import { findLeftovers, pruneWorktrees } from './leftovers.js';
import { mergeAgent } from './merge.js';
import { readRepoInfo } from './repo-info.js';
import { GitRunner } from './runner.js';
import { Serial } from './serial.js';
import { worktreeStatus } from './status.js';
import type {
  CarryResult, CommitResult, Comparison, CreatedWorktree, CreateOptions, DiscardOptions, DiscardResult, Leftover, MergeOptions,
  MergeResult, RepoInfo, Worktrees, WorktreeStatus,
} from './worktrees.js';

export interface GitWorktreesOptions {
  /** Folder for the agents' worktrees (relative paths are taken from the repository's root);
   *  default `<parent of repo>/<repo-name>.agentmux-worktrees`. */
  worktreeRoot?: string;
  /** Environment for git (default `process.env`); editor, pager, askpass, ssh and repository-location variables are dropped. */
  env?: GitEnv;
}

export class GitWorktrees implements Worktrees {
  private context: Promise<Context> | undefined;
  /** Operations that write refs, config or worktrees run one at a time. */
  private readonly serial = new Serial();
  private readonly env: GitEnv;

  /** For the repository containing `repoPath`; nothing is checked until the first call. */
  constructor(
    private readonly repoPath: string,
    private readonly options: GitWorktreesOptions = {},
  ) {
    this.env = options.env ?? process.env;
  }

  /** Opened once; a failure (e.g. not a repository yet) is not kept, so a later call tries again. */
  private ctx(): Promise<Context> {
    this.context ??= openContext(this.repoPath, this.env, this.options.worktreeRoot).catch((error: unknown) => {
      this.context = undefined;
      throw error;
    });
    return this.context;
  }

  private changing<T>(job: (ctx: Context) => Promise<T>): Promise<T> {
    return this.serial.run(async () => job(await this.ctx()));
  }

  async repoInfo(cwd: string = this.repoPath): Promise<RepoInfo> {
    return readRepoInfo(await GitRunner.open(cwd, this.env));
  }

  create(options: CreateOptions): Promise<CreatedWorktree> {
    return this.changing((ctx) => createWorktree(ctx, options));
  }

  carry(name: string, files: readonly string[]): Promise<CarryResult> {
    return this.changing((ctx) => carryFiles(ctx, name, files));
  }

  async status(name: string): Promise<WorktreeStatus> {
    return worktreeStatus(await this.ctx(), name);
  }

  async compare(names: readonly string[], target?: string): Promise<Comparison> {
    return compareAttempts(await this.ctx(), names, target);
  }

  async fileDiff(name: string, file: string): Promise<string> {
    return fileDiff(await this.ctx(), name, file);
  }

  commitPending(name: string, message: string): Promise<CommitResult> {
    return this.changing((ctx) => commitPending(ctx, name, message));
  }

  merge(name: string, options: MergeOptions): Promise<MergeResult> {
    return this.changing((ctx) => mergeAgent(ctx, name, options));
  }

  discard(name: string, options: DiscardOptions = {}): Promise<DiscardResult> {
    return this.changing((ctx) => discardAgent(ctx, name, options));
  }

  async leftovers(knownNames: Iterable<string>): Promise<Leftover[]> {
    return findLeftovers(await this.ctx(), knownNames);
  }

  prune(): Promise<string[]> {
    return this.changing((ctx) => pruneWorktrees(ctx));
  }
}
