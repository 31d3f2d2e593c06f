// The public surface of src/git: one git worktree and one branch `agentmux/NAME` per agent (issue 4).
// Every method is async and rejects with a WorktreeError (errors.ts): one line that says what to do.
import type { ComparisonView } from '../core/worktree.js';

/** What `repoInfo` finds about a directory. */
export interface RepoInfo {
  /** Top-level directory of the checkout that contains the directory. */
  root: string;
  /** Short name of the checked-out branch; undefined on a detached HEAD. */
  branch: string | undefined;
  detached: boolean;
  /** The commit HEAD points at; undefined while the repository has no commits. */
  head: string | undefined;
  hasCommits: boolean;
}

export interface CreateOptions {
  /** The agent's name (spec §2 slug); the branch is `agentmux/NAME`. */
  name: string;
  /** Branch, tag or commit to start from (HEAD of the main checkout by default). */
  base?: string;
}

export interface CreatedWorktree {
  name: string;
  /** Absolute path of the new worktree (the agent's working directory). */
  path: string;
  /** Short branch name, `agentmux/NAME`. */
  branch: string;
  /** The commit the branch starts from, recorded for status, compare and discard. */
  baseCommit: string;
}

/** Where an agent's worktree stands: `present`, deleted by hand (`missing`), or not registered (`none`). */
export type WorktreePresence = 'present' | 'missing' | 'none';

/** A cheap summary for the agent list: no full `git status`, no untracked scan below new directories. */
export interface WorktreeStatus {
  name: string;
  branch: string;
  path: string | undefined;
  worktree: WorktreePresence;
  locked: boolean;
  baseCommit: string;
  /** Tip of the branch. */
  head: string;
  /** Commits on the branch since the base. */
  ahead: number;
  /** Tracked changes vs the base, committed and uncommitted (committed only when the worktree is not present). */
  filesChanged: number;
  insertions: number;
  deletions: number;
  /** Untracked, not ignored entries in the worktree; a new directory counts once. */
  untracked: number;
  /** Whether the worktree has changes that are not committed to its branch. */
  uncommitted: boolean;
}

export type { AttemptComparison, FileChange, MergePrediction } from '../core/worktree.js';

/** What `carry` copied into a worktree, and what it could not. */
export interface CarryResult {
  /** Paths now in the worktree as the main checkout has them, in the order asked for. */
  carried: string[];
  /** Each with why, in a few words. */
  failures: Array<{ path: string; reason: string }>;
}

export interface CommitSummary {
  commit: string;
  subject: string;
}

/** Side by side: the attempts, and the files two or more of them touched (the view adds check results). */
export type Comparison = Omit<ComparisonView, 'checks'>;

export interface CommitResult {
  /** False when the worktree was clean: nothing was committed. */
  committed: boolean;
  commit: string | undefined;
}

export interface MergeOptions {
  /** Target branch (short name); default the branch checked out in the main checkout. */
  into?: string;
  /** One commit with the branch's changes instead of a merge commit. */
  squash?: boolean;
  /** What the agent did, usually its task; the commit message is built from it and the agent's name. */
  message: string;
}

export interface MergeResult {
  name: string;
  /** Short name of the branch merged into. */
  into: string;
  /** The new commit on `into`. */
  commit: string;
  squash: boolean;
  /** Files the merge changed on `into`. */
  files: string[];
}

export interface DiscardOptions {
  /** Discard even unmerged commits, uncommitted changes and a locked worktree. */
  force?: boolean;
}

export interface DiscardResult {
  name: string;
  /** Path of the worktree removed (or pruned when its directory was already gone). */
  removedWorktree: string | undefined;
  deletedBranch: boolean;
}

/** A worktree or `agentmux/*` branch whose agent no longer exists (for `agentmux gc`). */
export interface Leftover {
  name: string;
  /** Short branch name, when the branch exists. */
  branch: string | undefined;
  path: string | undefined;
  worktree: WorktreePresence;
  locked: boolean;
}

/** Worktrees per agent in one repository. */
export interface Worktrees {
  /** Facts about `cwd` (the repository this object was made for by default); rejects outside a repository. */
  repoInfo(cwd?: string): Promise<RepoInfo>;
  /** A new branch `agentmux/NAME` at a recorded base commit, checked out in a new worktree outside the repository. */
  create(options: CreateOptions): Promise<CreatedWorktree>;
  /**
   * Copies the paths under `files` that the main checkout has not committed as they are (untracked,
   * ignored, or changed) into the agent's worktree, modes kept, and records them: until the agent
   * changes one, it is neither committed to its branch nor counted in its figures.
   */
  carry(name: string, files: readonly string[]): Promise<CarryResult>;
  /** Cheap figures for the agent list. */
  status(name: string): Promise<WorktreeStatus>;
  /** Side by side: commits, diffstat, files, overlaps and merge predictions into `target` (default: main checkout's branch). */
  compare(names: readonly string[], target?: string): Promise<Comparison>;
  /** The diff of one file between the agent's base and its branch. */
  fileDiff(name: string, file: string): Promise<string>;
  /** Commits everything uncommitted in the agent's worktree to its branch; no-op when clean. */
  commitPending(name: string, message: string): Promise<CommitResult>;
  /** Merges the agent's branch; refuses, changing nothing, on conflicts or on dirty files in the way. */
  merge(name: string, options: MergeOptions): Promise<MergeResult>;
  /** Removes the worktree and deletes the branch; refuses unmerged or uncommitted work without `force`. */
  discard(name: string, options?: DiscardOptions): Promise<DiscardResult>;
  /** Worktrees and branches of agents not in `knownNames`. */
  leftovers(knownNames: Iterable<string>): Promise<Leftover[]>;
  /** `git worktree prune`: forgets worktrees whose directories are gone; returns their paths. */
  prune(): Promise<string[]>;
}
