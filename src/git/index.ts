// src/git: worktrees per agent. Consumers import from here.

export { GitWorktrees, type GitWorktreesOptions } from './git-worktrees.js';
export { WorktreeError, type WorktreeErrorCode } from './errors.js';
export type * from './worktrees.js';
