import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/core/config-schema.js';
import type { AttemptComparison, ComparisonView, FileChange } from '../../src/core/worktree.js';
import { CompareSelection } from '../../src/tui/compare-state.js';
import { Keymap } from '../../src/tui/keymap.js';
import { textWidth, type StyledLine } from '../../src/tui/styled-text.js';
import { compareRows, compareView, diffRows } from '../../src/tui/views/compare-view.js';

function rowText(row: StyledLine): string {
  return row.segments.map((segment) => segment.text).join('');
}

function texts(rows: StyledLine[]): string[] {
  return rows.map(rowText);
}

function files(count: number, prefix = 'src/file'): FileChange[] {
  return Array.from({ length: count }, (_, index) => ({ path: `${prefix}${index}.ts`, insertions: index + 1, deletions: index }));
}

function attempt(name: string, overrides: Partial<AttemptComparison> = {}): AttemptComparison {
  const changed = overrides.files ?? [{ path: 'theme.css', insertions: 12, deletions: 3 }, { path: `${name}.md`, insertions: 4, deletions: 0 }];
  return {
    name,
    branch: `agentmux/${name}`,
    baseCommit: 'b'.repeat(40),
    head: 'c'.repeat(40),
    ahead: 2,
    commits: [{ commit: '1'.repeat(40), subject: `${name}: palette` }, { commit: '2'.repeat(40), subject: `${name}: tokens` }],
    files: changed,
    filesChanged: changed.length,
    insertions: changed.reduce((sum, file) => sum + (file.insertions ?? 0), 0),
    deletions: changed.reduce((sum, file) => sum + (file.deletions ?? 0), 0),
    uncommitted: false,
    merge: { clean: true },
    ...overrides,
  };
}

function seed(overrides: Partial<ComparisonView> = {}): ComparisonView {
  return {
    target: 'main',
    targetCommit: 'a1b2c3d4e5f6'.padEnd(40, '0'),
    attempts: [attempt('ui-dark'), attempt('ui-light'), attempt('ui-adaptive')],
    overlaps: [{ path: 'theme.css', names: ['ui-dark', 'ui-light', 'ui-adaptive'] }],
    checks: {},
    ...overrides,
  };
}

function expectWithin(rows: StyledLine[], width: number, height: number): void {
  expect(rows.length).toBeLessThanOrEqual(height);
  for (const row of rows) expect(textWidth(rowText(row)), JSON.stringify(rowText(row))).toBeLessThanOrEqual(width);
}

const DIFF = [
  'diff --git a/theme.css b/theme.css',
  'index 1111111..2222222 100644',
  '--- a/theme.css',
  '+++ b/theme.css',
  '@@ -1,3 +1,3 @@',
  ' body {',
  '-  color: black;',
  '+  color: white;',
  '\tbackground: none;',
  '\\ No newline at end of file',
  '',
].join('\n');

// ---------------------------------------------------------------------------------------------

describe('compareRows: three attempts side by side', () => {
  for (const [width, height] of [[54, 22], [100, 40]]) {
    it(`at ${width}×${height}: every row fits; names, merge status, counts and overlap are visible`, () => {
      const comparison = seed({ checks: { 'ui-dark': { agent: 'check-1', state: 'passed' }, 'ui-light': { agent: 'check-2', state: 'failed', exitCode: 1 } } });
      const rows = compareRows(comparison, new CompareSelection(), width, height);
      expectWithin(rows, width, height);
      const text = texts(rows);
      expect(text[0]).toContain('compare · into main');
      const nameRow = text.find((row) => row.includes('ui-dark'))!;
      for (const name of ['ui-dark', 'ui-light', 'ui-adaptive']) expect(nameRow).toContain(name);
      const mergeRow = text.find((row) => row.includes('merges cleanly'))!;
      expect(mergeRow.split('✔ merges cleanly')).toHaveLength(4);
      const all = text.join('\n');
      expect(all).toContain('2 commits');
      expect(all).toContain('2 files');
      expect(all).toContain('+16 −3');
      expect(all).toContain('check ✔ passed');
      expect(all).toMatch(/check ✖ (failed \(exit 1\)|exit 1)/);
      expect(all).toContain('· ui-dark: pale');
      expect(all).toContain('Touched by more than one');
      expect(all).toMatch(/theme\.css \(ui-dark, ui-light/);
      // The selected attempt's files follow.
      expect(all).toContain('files of ui-dark (2)');
      expect(all).toContain('ui-dark.md');
    });
  }

  it('marks the selected attempt and uses the state roles', () => {
    const comparison = seed({
      attempts: [
        attempt('ui-dark'),
        attempt('ui-light', { merge: { clean: false, conflicts: ['theme.css'] }, uncommitted: true }),
        attempt('ui-adaptive'),
      ],
      checks: { 'ui-adaptive': { agent: 'check-3', state: 'running' } },
    });
    const selection = new CompareSelection();
    selection.moveAttempt(1, comparison);
    const rows = compareRows(comparison, selection, 100, 40);
    const segments = rows.flatMap((row) => row.segments);
    const selectedName = segments.find((segment) => segment.role === 'list.selected')!;
    expect(selectedName.text).toContain('ui-light');
    expect(selectedName.style?.bold).toBe(true);
    expect(segments.find((segment) => segment.text.includes('✔ merges cleanly'))?.role).toBe('state.finished');
    expect(segments.find((segment) => segment.text.includes('✖ conflicts: theme.css'))?.role).toBe('state.failed');
    expect(segments.find((segment) => segment.text.includes('uncommitted work'))?.role).toBe('state.waiting');
    expect(segments.find((segment) => segment.text.includes('check … running'))?.role).toBe('state.running');
    // The conflicting file is marked in the selected attempt's file list.
    const conflictRow = rows.find((row) => rowText(row).includes('theme.css') && row.fill === 'list.selected')!;
    expect(rowText(conflictRow)).toContain('✖');
  });

  it('at 54 columns cuts long names and conflict lists with "…" instead of overflowing', () => {
    const comparison = seed({
      attempts: [
        attempt('a-very-long-attempt-name-indeed', { merge: { clean: false, conflicts: ['src/deeply/nested/a.ts', 'b.ts'] } }),
        attempt('ui-light', { ahead: 120, files: files(40), filesChanged: 40, insertions: 12345, deletions: 6789 }),
        attempt('ui-adaptive'),
      ],
    });
    const rows = compareRows(comparison, new CompareSelection(), 54, 22);
    expectWithin(rows, 54, 22);
    const all = texts(rows).join('\n');
    expect(all).toContain('a-very-long-att…');
    expect(all).toContain('✖ conflicts: sr…');
    expect(all).toContain('120 commits');
  });

  it('with more attempts than fit, shows a window around the selected one', () => {
    const names = ['one', 'two', 'three', 'four', 'five', 'six'];
    const comparison = seed({ attempts: names.map((name) => attempt(name)), overlaps: [] });
    const selection = new CompareSelection();
    selection.moveAttempt(5, comparison);
    const rows = compareRows(comparison, selection, 54, 22);
    expectWithin(rows, 54, 22);
    const text = texts(rows);
    expect(text[0]).toMatch(/4–6 of 6/);
    expect(text[1]).toContain('six');
    expect(text[1]).not.toContain('one');
  });

  it('fits every row at small and odd sizes', () => {
    for (const [width, height] of [[20, 5], [33, 10], [54, 8], [1, 1]]) {
      const selection = new CompareSelection();
      expectWithin(compareRows(seed(), selection, width, height), width, height);
      selection.openDiff(seed());
      expectWithin(compareRows(seed(), selection, width, height, { name: 'ui-dark', file: 'theme.css', diff: DIFF }), width, height);
    }
  });
});

describe('compareRows: the empty cases', () => {
  it('says when no file was touched by more than one attempt', () => {
    const text = texts(compareRows(seed({ overlaps: [] }), new CompareSelection(), 54, 22)).join('\n');
    expect(text).toContain('No file touched by more than one attempt');
    expect(text).not.toContain('Touched by more than one:');
  });

  it('lists several overlaps, each with the attempts that touched it, and how many more', () => {
    const overlaps = ['a.ts', 'b.ts', 'c.ts', 'd.ts', 'e.ts'].map((path) => ({ path, names: ['ui-dark', 'ui-light'] }));
    const text = texts(compareRows(seed({ overlaps }), new CompareSelection(), 100, 40));
    expect(text).toContain('   a.ts (ui-dark, ui-light)');
    expect(text).toContain('   b.ts (ui-dark, ui-light)');
    expect(text).toContain('   … and 3 more');
  });

  it('an attempt without files or commits', () => {
    const empty = attempt('ui-empty', { ahead: 0, commits: [], files: [], filesChanged: 0, insertions: 0, deletions: 0 });
    const text = texts(compareRows(seed({ attempts: [empty], overlaps: [] }), new CompareSelection(), 54, 22)).join('\n');
    expect(text).toContain('0 commits, 0 files, +0 −0');
    expect(text).toContain('No files changed.');
  });

  it('no attempts at all', () => {
    const text = texts(compareRows(seed({ attempts: [], overlaps: [] }), new CompareSelection(), 54, 22)).join('\n');
    expect(text).toContain('compare · into main');
    expect(text).toContain('Nothing to compare.');
  });

  it('a binary file has no line counts', () => {
    const binary = attempt('ui-dark', { files: [{ path: 'logo.png', insertions: undefined, deletions: undefined }] });
    const text = texts(compareRows(seed({ attempts: [binary] }), new CompareSelection(), 54, 22)).join('\n');
    expect(text).toMatch(/logo\.png +binary/);
  });
});

describe('CompareSelection', () => {
  it('moves between attempts and files within bounds; a new attempt starts at its first file', () => {
    const comparison = seed({ attempts: [attempt('ui-dark', { files: files(5) }), attempt('ui-light'), attempt('ui-adaptive')] });
    const selection = new CompareSelection();
    selection.moveFile(-1, comparison);
    expect(selection.file).toBe(0);
    selection.moveFile(3, comparison);
    expect(selection.file).toBe(3);
    selection.moveFile(10, comparison);
    expect(selection.file).toBe(4);
    selection.moveAttempt(1, comparison);
    expect([selection.attempt, selection.file]).toEqual([1, 0]);
    selection.moveAttempt(5, comparison);
    expect(selection.attempt).toBe(2);
    selection.moveAttempt(-9, comparison);
    expect(selection.attempt).toBe(0);
    selection.moveAttempt(1, undefined);
    expect(selection.attempt).toBe(0);
  });

  it('scrolls the file list to keep the selected file visible', () => {
    const comparison = seed({ attempts: [attempt('ui-dark', { files: files(30) })], overlaps: [] });
    const selection = new CompareSelection();
    const visibleSelected = () => {
      const rows = compareRows(comparison, selection, 54, 22);
      expectWithin(rows, 54, 22);
      return rows.filter((row) => row.fill === 'list.selected').map(rowText);
    };
    expect(visibleSelected()).toEqual([expect.stringContaining('src/file0.ts')]);
    selection.moveFile(25, comparison);
    expect(visibleSelected()).toEqual([expect.stringContaining('src/file25.ts')]);
    const text = texts(compareRows(comparison, selection, 54, 22)).join('\n');
    expect(text).not.toContain('src/file0.ts');
    selection.moveFile(4, comparison);
    expect(visibleSelected()).toEqual([expect.stringContaining('src/file29.ts')]);
    // PgUp without a diff moves a page of files.
    const { page } = compareView(comparison, selection, 54, 22);
    selection.page(-1, comparison, { diffMaxScroll: 0, page });
    expect(selection.file).toBe(29 - page);
    expect(visibleSelected()).toEqual([expect.stringContaining(`src/file${29 - page}.ts`)]);
  });

  it('Enter asks for the selected file; Esc closes the diff, then tells the view to leave', () => {
    const comparison = seed();
    const selection = new CompareSelection();
    selection.moveAttempt(1, comparison);
    selection.moveFile(1, comparison);
    expect(selection.openDiff(comparison)).toEqual({ name: 'ui-light', file: 'ui-light.md' });
    expect(selection.closeDiff()).toBe(true);
    expect(selection.closeDiff()).toBe(false);
    expect(new CompareSelection().openDiff(seed({ attempts: [attempt('x', { files: [] })] }))).toBeUndefined();
    expect(new CompareSelection().openDiff(undefined)).toBeUndefined();
  });

  it('moving to another file or attempt closes the diff', () => {
    const comparison = seed();
    const selection = new CompareSelection();
    selection.openDiff(comparison);
    selection.moveFile(1, comparison);
    expect(selection.diff).toBeUndefined();
    selection.openDiff(comparison);
    selection.moveAttempt(1, comparison);
    expect(selection.diff).toBeUndefined();
  });

  it('a refreshed comparison keeps the same attempt, file and open diff; a new one starts over', () => {
    const first = seed();
    const selection = new CompareSelection();
    selection.moveAttempt(2, first);
    selection.moveFile(1, first);
    selection.openDiff(first);
    const refreshed = seed({ attempts: [attempt('ui-adaptive'), attempt('ui-dark')], checks: { 'ui-adaptive': { agent: 'c', state: 'passed' } } });
    selection.follow(first, refreshed);
    expect([selection.attempt, selection.file, selection.diff?.file]).toEqual([0, 1, 'ui-adaptive.md']);
    selection.follow(refreshed, seed({ attempts: [attempt('ui-adaptive', { files: files(2) })] }));
    expect([selection.attempt, selection.file, selection.diff]).toEqual([0, 0, undefined]);
    selection.follow(undefined, first);
    expect([selection.attempt, selection.file]).toEqual([0, 0]);
  });
});

describe('the diff in the compare view', () => {
  it('colours additions, removals, hunk headers and context', () => {
    const rows = diffRows(DIFF, 60);
    const role = (start: string) => rows.find((row) => rowText(row).startsWith(` ${start}`))?.segments[0].role;
    expect(rows).toHaveLength(10);
    expect(role('diff --git')).toBe('muted');
    expect(role('--- a/theme.css')).toBe('muted');
    expect(role('+++ b/theme.css')).toBe('muted');
    expect(role('@@ -1,3 +1,3 @@')).toBe('muted');
    expect(role('-  color: black;')).toBe('state.failed');
    expect(role('+  color: white;')).toBe('state.finished');
    expect(role(' body {')).toBe('chat.code');
    expect(role('\\ No newline')).toBe('muted');
    // Tabs become spaces (the painter drops control characters).
    expect(rowText(rows[8])).toBe('     background: none;');
    for (const row of diffRows(DIFF, 12)) expect(textWidth(rowText(row))).toBeLessThanOrEqual(12);
  });

  it('replaces the file list once the asked-for diff arrives, and scrolls within it', () => {
    const comparison = seed();
    const selection = new CompareSelection();
    selection.openDiff(comparison);
    const loading = texts(compareRows(comparison, selection, 54, 22)).join('\n');
    expect(loading).toContain('loading diff…');
    expect(loading).not.toContain('files of');
    // A diff of another file is not shown for this one.
    expect(texts(compareRows(comparison, selection, 54, 22, { name: 'ui-light', file: 'theme.css', diff: DIFF })).join('\n')).toContain('loading diff…');

    const long = ['@@ -1,40 +1,40 @@', ...Array.from({ length: 40 }, (_, index) => `+line ${index}`)].join('\n');
    const fileDiff = { name: 'ui-dark', file: 'theme.css', diff: long };
    const view = compareView(comparison, selection, 54, 22, fileDiff);
    expectWithin(view.rows, 54, 22);
    const text = texts(view.rows);
    expect(text.join('\n')).toContain('diff ui-dark · theme.css');
    expect(text.join('\n')).toContain('+line 0');
    expect(view.diffMaxScroll).toBeGreaterThan(0);
    expect(view.page).toBeGreaterThan(1);

    selection.page(1, comparison, view);
    expect(selection.diffScroll).toBe(view.page);
    const scrolled = texts(compareRows(comparison, selection, 54, 22, fileDiff)).join('\n');
    expect(scrolled).not.toContain('@@ -1,40');
    expect(scrolled).toContain(`+line ${view.page - 1}`);
    for (let index = 0; index < 20; index++) selection.page(1, comparison, view);
    expect(selection.diffScroll).toBe(view.diffMaxScroll);
    expect(texts(compareRows(comparison, selection, 54, 22, fileDiff)).join('\n')).toContain('+line 39');
    selection.page(-1, comparison, view);
    expect(selection.diffScroll).toBe(view.diffMaxScroll - view.page);

    // Esc: the file list is back.
    selection.closeDiff();
    expect(texts(compareRows(comparison, selection, 54, 22, fileDiff)).join('\n')).toContain('files of ui-dark');
  });

  it('shows the server\'s refusal in place of a diff still awaited, and an empty diff as such', () => {
    const comparison = seed();
    const selection = new CompareSelection();
    selection.openDiff(comparison);
    selection.failed('no such file');
    const text = texts(compareRows(comparison, selection, 54, 22)).join('\n');
    expect(text).toContain('✖ no such file');
    expect(texts(compareRows(comparison, selection, 54, 22, { name: 'ui-dark', file: 'theme.css', diff: '' })).join('\n')).toContain('No changes.');
  });
});

describe('compare keys', () => {
  it('map arrows, vi keys, Enter, Esc and paging in compare focus', () => {
    const keymap = new Keymap(DEFAULT_CONFIG.keys);
    expect(keymap.action('compare', 'up')).toBe('compareFileUp');
    expect(keymap.action('compare', 'j')).toBe('compareFileDown');
    expect(keymap.action('compare', 'left')).toBe('compareAttemptLeft');
    expect(keymap.action('compare', 'l')).toBe('compareAttemptRight');
    expect(keymap.action('compare', 'enter')).toBe('compareDiff');
    expect(keymap.action('compare', 'escape')).toBe('compareBack');
    expect(keymap.action('compare', 'pagedown')).toBe('comparePageDown');
    expect(keymap.action('compare', 'tab')).toBe('focusNext');
    expect(keymap.action('input', 'h')).toBeUndefined();
  });
});
