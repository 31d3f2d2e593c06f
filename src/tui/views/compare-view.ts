// The compare view (`/compare A B …`): attempts side by side, the files more than one of them
// touched, then the selected attempt's files or one file's diff.
import type { ThemeRole } from '../../core/theme-schema.js';
import type { AttemptComparison, ComparisonView } from '../../core/worktree.js';
import type { CompareFit, CompareSelection } from '../compare-state.js';
import { fitText, line, padText, textWidth, type Segment, type StyledLine } from '../styled-text.js';
import { fitSegments } from './bars.js';
import { plural } from '../../core/format.js';

export interface FileDiff {
  name: string;
  file: string;
  diff: string;
}

export interface CompareFrame extends CompareFit {
  rows: StyledLine[];
}

/** Narrower than this, fewer attempts are shown at once (the selected one always). */
const MIN_COLUMN = 14;
const MAX_SUBJECTS = 3;
const MAX_OVERLAP_ROWS = 3;
const TAB = '    ';

/** The compare view's rows: at most `height`, none wider than `width`. */
export function compareRows(
  comparison: ComparisonView, selection: CompareSelection, width: number, height: number, fileDiff?: FileDiff,
): StyledLine[] {
  return compareView(comparison, selection, width, height, fileDiff).rows;
}

/** The rows, and how far the lower part pages and the shown diff scrolls. */
export function compareView(
  comparison: ComparisonView, selection: CompareSelection, width: number, height: number, fileDiff?: FileDiff,
): CompareFrame {
  const { attempts } = comparison;
  const header = headerLine(comparison, selection.attempt, width);
  if (attempts.length === 0) return frame([header, line(), muted(' Nothing to compare.')], width, height);
  const attemptIndex = Math.min(Math.max(0, selection.attempt), attempts.length - 1);
  const attempt = attempts[attemptIndex];
  const columns = columnRows(comparison, attemptIndex, width);
  const overlaps = overlapRows(comparison, width);
  // Blank rows between the parts only when the lower part keeps a heading and a few rows.
  const spaced = 1 + columns.length + overlaps.length + 2 + 4 <= height;
  const gap = spaced ? [line()] : [];
  const top = [header, ...columns, ...gap, ...overlaps, ...gap];
  const room = Math.max(0, height - top.length);
  const shown = selection.diff && fileDiff?.name === selection.diff.name && fileDiff.file === selection.diff.file ? fileDiff : undefined;
  const lower = selection.diff
    ? diffPart(selection.diff, shown, selection.diffScroll, width, room)
    : { rows: filesPart(attempt, selection.file, width, room), diffMaxScroll: 0 };
  return { ...frame([...top, ...lower.rows], width, height), diffMaxScroll: lower.diffMaxScroll, page: Math.max(1, room - 1) };
}

function frame(rows: StyledLine[], width: number, height: number): CompareFrame {
  const fitted = rows.slice(0, Math.max(0, height)).map((row) => ({ ...row, segments: fitSegments(row.segments, width) }));
  return { rows: fitted, diffMaxScroll: 0, page: 1 };
}

function muted(text: string): StyledLine {
  return line({ text, role: 'muted' });
}

function headerLine(comparison: ComparisonView, selected: number, width: number): StyledLine {
  const segments: Segment[] = [
    { text: ' compare', role: 'title' },
    { text: ' · into ', role: 'muted' },
    { text: comparison.target, role: 'title' },
  ];
  if (comparison.targetCommit) segments.push({ text: ` @ ${comparison.targetCommit.slice(0, 7)}`, role: 'muted' });
  const { first, count } = columnWindow(comparison.attempts.length, selected, width);
  if (count < comparison.attempts.length) {
    segments.push({ text: ` · ${first + 1}–${first + count} of ${comparison.attempts.length} ←→`, role: 'muted' });
  }
  return { segments: fitSegments(segments, width) };
}

/** Which attempts get a column: as many as stay readable, keeping the selected one in view. */
function columnWindow(total: number, selected: number, width: number): { first: number; count: number } {
  const count = Math.max(1, Math.min(total, Math.floor((width + 1) / (MIN_COLUMN + 1))));
  const first = Math.min(Math.max(0, selected - count + 1), Math.max(0, total - count));
  return { first, count };
}

interface Cell {
  text: string;
  role?: ThemeRole;
  bold?: boolean;
}

function countsText(attempt: AttemptComparison): string {
  return `${plural(attempt.ahead, 'commit')}, ${plural(attempt.filesChanged, 'file')}, ${lineCounts(attempt.insertions, attempt.deletions)}`;
}

function lineCounts(insertions: number, deletions: number): string {
  return `+${insertions} −${deletions}`;
}

function mergeCell(attempt: AttemptComparison): Cell {
  return attempt.merge.clean
    ? { text: '✔ merges cleanly', role: 'state.finished' }
    : { text: `✖ conflicts: ${attempt.merge.conflicts.join(', ')}`, role: 'state.failed' };
}

function checkCell(check: ComparisonView['checks'][string] | undefined, room: number): Cell {
  if (!check) return { text: '' };
  if (check.state === 'running') return { text: 'check … running', role: 'state.running' };
  if (check.state === 'passed') return { text: 'check ✔ passed', role: 'state.finished' };
  const full = `check ✖ failed${check.exitCode !== undefined ? ` (exit ${check.exitCode})` : ''}`;
  const short = `check ✖${check.exitCode !== undefined ? ` exit ${check.exitCode}` : ' failed'}`;
  return { text: textWidth(full) <= room ? full : short, role: 'state.failed' };
}

/** One column's cells, in the rows every column shares. */
function columnCells(comparison: ComparisonView, attempt: AttemptComparison, room: number, shape: ColumnShape): Cell[] {
  const cells: Cell[] = [{ text: attempt.name, bold: true }, mergeCell(attempt)];
  if (shape.splitCounts) {
    cells.push({ text: plural(attempt.ahead, 'commit') }, { text: `${plural(attempt.filesChanged, 'file')} ${lineCounts(attempt.insertions, attempt.deletions)}` });
  } else {
    cells.push({ text: countsText(attempt) });
  }
  if (shape.checks) cells.push(checkCell(comparison.checks[attempt.name], room));
  if (shape.uncommitted) cells.push(attempt.uncommitted ? { text: 'uncommitted work', role: 'state.waiting' } : { text: '' });
  for (let index = 0; index < shape.subjects; index++) {
    const commit = attempt.commits[index];
    cells.push({ text: commit ? `· ${commit.subject}` : '', role: 'muted' });
  }
  return cells;
}

interface ColumnShape {
  splitCounts: boolean;
  checks: boolean;
  uncommitted: boolean;
  subjects: number;
}

function columnRows(comparison: ComparisonView, selected: number, width: number): StyledLine[] {
  const { first, count } = columnWindow(comparison.attempts.length, selected, width);
  const shown = comparison.attempts.slice(first, first + count);
  const columnWidth = Math.max(1, Math.floor((width - (count - 1)) / count));
  const room = Math.max(0, columnWidth - 1);
  const shape: ColumnShape = {
    splitCounts: shown.some((attempt) => textWidth(countsText(attempt)) > room),
    checks: shown.some((attempt) => comparison.checks[attempt.name] !== undefined),
    uncommitted: shown.some((attempt) => attempt.uncommitted),
    subjects: Math.min(MAX_SUBJECTS, Math.max(...shown.map((attempt) => attempt.commits.length))),
  };
  const columns = shown.map((attempt) => columnCells(comparison, attempt, room, shape));
  const rows: StyledLine[] = [];
  for (let row = 0; row < columns[0].length; row++) {
    const segments: Segment[] = [];
    for (const [index, cells] of columns.entries()) {
      if (index > 0) segments.push({ text: '│', role: 'border' });
      const cell = cells[row];
      const isSelected = row === 0 && first + index === selected;
      const text = padText(` ${fitText(cell.text, room)}`, columnWidth);
      segments.push({
        text: isSelected ? `▸${text.slice(1)}` : text,
        role: isSelected ? 'list.selected' : cell.role,
        ...(cell.bold ? { style: { bold: true } } : {}),
      });
    }
    rows.push({ segments });
  }
  return rows;
}

function overlapRows(comparison: ComparisonView, width: number): StyledLine[] {
  const { overlaps } = comparison;
  if (overlaps.length === 0) return [muted(fitText(' No file touched by more than one attempt', width))];
  const rows: StyledLine[] = [line({ text: ' Touched by more than one:', role: 'title' })];
  const listed = overlaps.length > MAX_OVERLAP_ROWS ? overlaps.slice(0, MAX_OVERLAP_ROWS - 1) : overlaps;
  for (const overlap of listed) {
    const names = ` (${overlap.names.join(', ')})`;
    const path = fitText(overlap.path, Math.max(1, width - 3 - Math.min(textWidth(names), Math.floor(width / 2))));
    rows.push(line({ text: `   ${path}`, role: 'state.waiting' }, { text: names, role: 'muted' }));
  }
  if (listed.length < overlaps.length) rows.push(muted(`   … and ${overlaps.length - listed.length} more`));
  return rows;
}

function filesPart(attempt: AttemptComparison, selected: number, width: number, room: number): StyledLine[] {
  if (room <= 0) return [];
  const heading = line({ text: ' files of ', role: 'muted' }, { text: attempt.name, role: 'title' }, { text: ` (${attempt.files.length})`, role: 'muted' });
  if (attempt.files.length === 0) return [heading, muted('   No files changed.')];
  const conflicts = new Set(attempt.merge.clean ? [] : attempt.merge.conflicts);
  const stats = attempt.files.map((file) => (file.insertions === undefined || file.deletions === undefined
    ? [{ text: 'binary', role: 'muted' as const }]
    : [{ text: `+${file.insertions}`, role: 'state.finished' as const }, { text: ` −${file.deletions}`, role: 'state.failed' as const }]));
  const statWidth = Math.max(...stats.map((segments) => textWidth(segments.map((segment) => segment.text).join(''))));
  const pathWidth = Math.max(1, width - 4 - statWidth - 1);
  const fits = Math.max(1, room - 1);
  const file = Math.min(Math.max(0, selected), attempt.files.length - 1);
  const first = Math.min(Math.max(0, file - fits + 1), Math.max(0, attempt.files.length - fits));
  const rows = attempt.files.slice(first, first + fits).map((change, offset): StyledLine => {
    const index = first + offset;
    const stat = stats[index];
    const statText = stat.map((segment) => segment.text).join('');
    return {
      fill: index === file ? 'list.selected' : undefined,
      segments: [
        { text: conflicts.has(change.path) ? ' ✖ ' : '   ', role: 'state.failed' },
        { text: padText(change.path, pathWidth) },
        { text: ' '.repeat(1 + statWidth - textWidth(statText)) },
        ...stat,
      ],
    };
  });
  return [heading, ...rows];
}

/** Every line of a diff as a row: additions, removals, hunk headers and context apart. */
export function diffRows(diff: string, width: number): StyledLine[] {
  const lines = diff.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let inHunk = false;
  return lines.map((text) => {
    if (text.startsWith('diff ')) inHunk = false;
    if (text.startsWith('@@')) inHunk = true;
    return line({ text: ` ${fitText(text.replaceAll('\t', TAB), Math.max(0, width - 1))}`, role: diffRole(text, inHunk) });
  });
}

/** Headers (before the first hunk, where "---" and "+++" name the files) and "@@" lines are muted. */
function diffRole(text: string, inHunk: boolean): ThemeRole {
  if (!inHunk || text.startsWith('@@') || text.startsWith('\\')) return 'muted';
  if (text.startsWith('+')) return 'state.finished';
  if (text.startsWith('-')) return 'state.failed';
  return 'chat.code';
}

function diffPart(
  request: { name: string; file: string; error?: string }, shown: FileDiff | undefined, scroll: number, width: number, room: number,
): { rows: StyledLine[]; diffMaxScroll: number } {
  if (room <= 0) return { rows: [], diffMaxScroll: 0 };
  const title: Segment[] = [
    { text: ' diff ', role: 'muted' },
    { text: request.name, role: 'title' },
    { text: ' · ', role: 'muted' },
    { text: request.file, role: 'title' },
  ];
  if (!shown) {
    const note = request.error ? line({ text: `   ✖ ${request.error}`, role: 'state.failed' }) : muted('   loading diff…');
    return { rows: [line(...title), note], diffMaxScroll: 0 };
  }
  const rows = diffRows(shown.diff, width);
  if (rows.length === 0) return { rows: [line(...title), muted('   No changes.')], diffMaxScroll: 0 };
  const fits = Math.max(1, room - 1);
  const diffMaxScroll = Math.max(0, rows.length - fits);
  const first = Math.min(Math.max(0, scroll), diffMaxScroll);
  const visible = rows.slice(first, first + fits);
  const position = rows.length > fits ? ` · ${first + 1}–${first + visible.length} of ${rows.length}` : '';
  return { rows: [line(...title, { text: position, role: 'muted' }), ...visible], diffMaxScroll };
}
