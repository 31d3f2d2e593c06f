// src/git: worktrees per agent. Consumers import from here.

export { GitWorktrees, type GitWorktreesOptions } from './git-worktrees.js';
export { WorktreeError, type WorktreeErrorCode } from './errors.js';
export type * from './worktrees.js';
export { RemoteGit, type RemoteCommandResult, type RemoteCommandRunner } from './remote-git.js';
export { RemoteWorktrees, type RemoteStatus } from './remote-worktrees.js';
export type { LocalRepo } from './remote-fetch.js';
export type { GitEnv } from './environment.js';
