// Worktree agents as the screen sees them: plain data mirroring what src/git reports.

/** Where a worktree agent's branch stands against its base; refreshed while it works. */
export interface WorktreeInfo {
  branch: string;
  path: string;
  baseCommit: string;
  ahead?: number;
  filesChanged?: number;
  insertions?: number;
  deletions?: number;
  uncommitted?: boolean;
  /** The worktree directory was deleted behind agentmux's back. */
  missing?: boolean;
}

export type MergePrediction = { clean: true } | { clean: false; conflicts: string[] };

export interface FileChange {
  path: string;
  /** undefined for a binary file. */
  insertions: number | undefined;
  deletions: number | undefined;
}

export interface AttemptComparison {
  name: string;
  branch: string;
  baseCommit: string;
  head: string;
  ahead: number;
  /** Newest first. */
  commits: Array<{ commit: string; subject: string }>;
  files: FileChange[];
  filesChanged: number;
  insertions: number;
  deletions: number;
  uncommitted: boolean;
  merge: MergePrediction;
}

/** The result of the configured check command (`compare.check`) run in one attempt's worktree. */
export interface CheckOutcome {
  /** The command agent running it. */
  agent: string;
  state: 'running' | 'passed' | 'failed';
  exitCode?: number;
}

export interface ComparisonView {
  target: string;
  targetCommit: string;
  attempts: AttemptComparison[];
  /** Files touched by two or more attempts. */
  overlaps: Array<{ path: string; names: string[] }>;
  /** By attempt name, when a check command is configured. */
  checks: Record<string, CheckOutcome>;
}
