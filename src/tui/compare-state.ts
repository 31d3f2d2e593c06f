// Where the user is in the compare view: which attempt, which file, whether a file's diff is
// shown and how far it is scrolled. Pure: the app calls these as actions, the view reads them.
import type { ComparisonView } from '../core/worktree.js';

/** What the last drawn frame of the compare view left room for (the app keeps it for paging). */
export interface CompareFit {
  /** How far the shown diff scrolls at most. */
  diffMaxScroll: number;
  /** Rows of the lower part (files or diff): one page. */
  page: number;
}

export interface DiffRequest {
  name: string;
  file: string;
}

export class CompareSelection {
  attempt = 0;
  file = 0;
  /** First diff line shown. */
  diffScroll = 0;
  /** The diff asked for with Enter: shown in the lower part once it arrives. */
  diff: (DiffRequest & { error?: string }) | undefined;

  /**
   * A comparison arrived. Against the one on screen before (a check result, `/compare` again)
   * the same attempt and file stay selected and an open diff stays open; without one, starts over.
   */
  follow(previous: ComparisonView | undefined, next: ComparisonView): void {
    const name = previous?.attempts[this.attempt]?.name;
    const path = previous?.attempts[this.attempt]?.files[this.file]?.path;
    const attempt = name === undefined ? -1 : next.attempts.findIndex((candidate) => candidate.name === name);
    if (attempt === -1) {
      this.reset();
      return;
    }
    const file = next.attempts[attempt].files.findIndex((candidate) => candidate.path === path);
    this.attempt = attempt;
    this.file = Math.max(0, file);
    if (file === -1) this.closeDiff();
  }

  reset(): void {
    this.attempt = 0;
    this.file = 0;
    this.closeDiff();
  }

  moveAttempt(delta: number, comparison: ComparisonView | undefined): void {
    const count = comparison?.attempts.length ?? 0;
    const attempt = clamp(this.attempt + delta, 0, count - 1);
    if (attempt === this.attempt) return;
    this.attempt = attempt;
    this.file = 0;
    this.closeDiff();
  }

  moveFile(delta: number, comparison: ComparisonView | undefined): void {
    const count = comparison?.attempts[this.attempt]?.files.length ?? 0;
    const file = clamp(this.file + delta, 0, count - 1);
    if (file === this.file) return;
    this.file = file;
    this.closeDiff();
  }

  /** PgUp/PgDn: scrolls the diff when one is shown, else moves through the files a page at a time. */
  page(direction: 1 | -1, comparison: ComparisonView | undefined, fit: CompareFit): void {
    const page = Math.max(1, fit.page);
    if (this.diff) this.diffScroll = clamp(this.diffScroll + direction * page, 0, fit.diffMaxScroll);
    else this.moveFile(direction * page, comparison);
  }

  /** Enter: shows the selected file's diff; returns what to ask the server for. */
  openDiff(comparison: ComparisonView | undefined): DiffRequest | undefined {
    const attempt = comparison?.attempts[this.attempt];
    const file = attempt?.files[this.file];
    if (!attempt || !file) return undefined;
    this.diff = { name: attempt.name, file: file.path };
    this.diffScroll = 0;
    return { name: attempt.name, file: file.path };
  }

  /** Esc: closes the diff; false when none was open (then Esc leaves the view). */
  closeDiff(): boolean {
    const open = this.diff !== undefined;
    this.diff = undefined;
    this.diffScroll = 0;
    return open;
  }

  /** The server refused a request: shown in place of a diff still awaited. */
  failed(message: string): void {
    if (this.diff) this.diff = { ...this.diff, error: message };
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}
