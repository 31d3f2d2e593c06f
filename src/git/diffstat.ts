// Parsers for git's diff summaries and path listings (all read with -z where paths appear).

import type { FileChange } from './worktrees.js';

export interface Shortstat {
  filesChanged: number;
  insertions: number;
  deletions: number;
}

/** ` 2 files changed, 3 insertions(+), 1 deletion(-)`; empty output means no change. */
export function parseShortstat(output: string): Shortstat {
  const count = (pattern: RegExp) => Number(pattern.exec(output)?.[1] ?? 0);
  return {
    filesChanged: count(/(\d+) files? changed/),
    insertions: count(/(\d+) insertions?\(\+\)/),
    deletions: count(/(\d+) deletions?\(-\)/),
  };
}

/** `git diff --numstat -z --no-renames`: `ADDED\tDELETED\tPATH\0`, `-\t-\tPATH\0` for binary files. */
export function parseNumstat(output: string): FileChange[] {
  const files: FileChange[] = [];
  for (const record of output.split('\0')) {
    const match = /^(-|\d+)\t(-|\d+)\t([\s\S]+)$/.exec(record);
    if (!match) continue;
    const number = (text: string) => (text === '-' ? undefined : Number(text));
    files.push({ path: match[3], insertions: number(match[1]), deletions: number(match[2]) });
  }
  return files;
}

/** Totals of a file list (binary files count as changed, with no lines). */
export function totals(files: readonly FileChange[]): Shortstat {
  return {
    filesChanged: files.length,
    insertions: files.reduce((sum, file) => sum + (file.insertions ?? 0), 0),
    deletions: files.reduce((sum, file) => sum + (file.deletions ?? 0), 0),
  };
}

/** Paths of `git status --porcelain -z`: `XY PATH\0`, plus `ORIGINAL\0` after renames and copies. */
export function parseStatusPaths(output: string): string[] {
  const paths: string[] = [];
  const fields = output.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    if (field.length < 4) continue;
    paths.push(field.slice(3));
    if (field[0] === 'R' || field[0] === 'C') paths.push(fields[++i] ?? '');
  }
  return paths.filter(Boolean);
}

/** NUL-separated paths (`--name-only -z`, `ls-files -z`). */
export function parsePaths(output: string): string[] {
  return output.split('\0').filter(Boolean);
}
