// The one error type of src/git: a one-line message that says what to do, a code for callers, the files involved.
import { printable } from '../core/printable.js';

export type WorktreeErrorCode =
  | 'not-a-repo'
  | 'no-commits'
  | 'detached'
  | 'invalid-name'
  | 'invalid-ref'
  | 'invalid-input'
  | 'unknown-ref'
  | 'branch-exists'
  | 'path-exists'
  | 'not-found'
  | 'missing'
  | 'locked'
  | 'unmerged'
  | 'uncommitted'
  | 'conflict'
  | 'dirty'
  | 'busy'
  | 'checked-out-elsewhere'
  | 'nothing-to-merge'
  | 'unrelated'
  | 'git-too-old'
  | 'git-failed';

export class WorktreeError extends Error {
  override readonly name = 'WorktreeError';

  constructor(
    readonly code: WorktreeErrorCode,
    message: string,
    /** Files the error is about (conflicts, dirty files), exactly as git names them. */
    readonly files: readonly string[] = [],
  ) {
    super(oneLine(message));
  }
}

/** `text` on one line, with control characters (from file names or git output) made harmless. */
export function oneLine(text: string): string {
  return printable(text.replace(/\s*[\r\n]+\s*/g, '; '), '?').trim();
}

/** A file list for a message: quoted, at most `max` shown. */
export function fileList(files: readonly string[], max = 5): string {
  const shown = files.slice(0, max).map((file) => JSON.stringify(printable(file, '?')));
  const more = files.length > max ? ` and ${files.length - max} more` : '';
  return shown.join(', ') + more;
}

/** The line of git's stderr worth showing: the first `fatal:`/`error:` line, else the first line. */
export function gitMessage(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter(Boolean);
  const line = lines.find((l) => /^(fatal|error):/.test(l)) ?? lines[0] ?? 'no message';
  return oneLine(line.replace(/^(fatal|error):\s*/, ''));
}
