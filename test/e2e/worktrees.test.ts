// Worktree agents as a user meets them (issue 4), through the built CLI at 120×40 in a temporary repository:
// three /run --worktree attempts, /compare, /merge the winner, /discard the rest, and what is left on disk.
// The compare view's layout is not checked here (only that it shows the attempts); the chat, the list and
// the repository are.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BASE_THEME, THEME_NAMES, THEME_SCRIPTS, createTempRepo, gated, type TempRepo } from '../support/git-repo.js';
import {
  chatLines, closeAll, errorEntries, eventually, launch, listRows, mainRows, ready, submit, waitForChat, waitForState,
  type ScreenHarness,
} from './helpers.js';

let repo: TempRepo | undefined;

afterEach(async () => {
  await closeAll();
  await repo?.remove();
  repo = undefined;
});

/** The list row under agent `name`'s state row: its worktree row ("⎇ branch ↑N · …") when it has one. */
function worktreeRow(h: ScreenHarness, name: string): string | undefined {
  const rows = listRows(h);
  const index = rows.findIndex((row) => new RegExp(`^ \\S ${name}(?: |$)`).test(row));
  return index === -1 ? undefined : rows[index + 2];
}

/** The chat's rows as one text, wrapped rows joined with spaces (a long line may wrap anywhere between words). */
function chatText(h: ScreenHarness): string {
  return chatLines(h).map((line) => line.trim()).join(' ');
}

describe('worktree agents in the screen', () => {
  it('runs three attempts in worktrees, compares them, merges ui-adaptive, discards the others, leaves nothing behind', async () => {
    repo = await createTempRepo();
    const base = await repo.git('rev-parse', 'HEAD');
    const before = await repo.snapshot();
    const gate = join(repo.root, 'gate');
    const h = await launch({ cols: 120, rows: 40, cwd: repo.repo, env: repo.isolation });
    await ready(h);

    // Three attempts, held at a gate so they are seen running side by side.
    for (const name of THEME_NAMES) submit(h, `/run --worktree --name ${name} -- ${gated(gate, THEME_SCRIPTS[name])}`);
    for (const name of THEME_NAMES) {
      await waitForState(h, name, 'running');
      await eventually(h, (s) => expect(worktreeRow(s, name)).toMatch(new RegExp(`^ {3}⎇ ${name} ↑0`)));
    }
    expect(existsSync(repo.worktreePath('ui-dark'))).toBe(true);
    expect((await repo.worktreeList())).toHaveLength(4);
    await writeFile(gate, '');

    // Finished, each with its branch's figures; the main checkout is as it was.
    for (const name of THEME_NAMES) await waitForState(h, name, 'finished');
    await eventually(h, (s) => {
      expect(worktreeRow(s, 'ui-dark')).toMatch(/^ {3}⎇ ui-dark ↑1 · 2 files \+3 −2$/);
      expect(worktreeRow(s, 'ui-light')).toMatch(/^ {3}⎇ ui-light ↑1 · 2 files \+3 −2$/);
      expect(worktreeRow(s, 'ui-adaptive')).toMatch(/^ {3}⎇ ui-adaptive ↑1 · 2 files \+2 −0$/);
    });
    const after = await repo.snapshot();
    expect({ head: after.head, branch: after.branch, status: after.status, index: after.index })
      .toEqual({ head: before.head, branch: before.branch, status: before.status, index: before.index });

    // /compare opens a view of the three attempts (its layout is another test's business); Esc goes back.
    submit(h, '/compare ui-dark ui-light ui-adaptive');
    await eventually(h, (s) => {
      const main = mainRows(s).join('\n');
      for (const name of THEME_NAMES) expect(main).toContain(name);
      expect(main).toContain('theme.css');
    });
    h.press('escape');
    await waitForChat(h);

    // /merge: the merged line in the chat, ui-adaptive's change on main.
    submit(h, '/merge ui-adaptive');
    await eventually(h, (s) => expect(chatText(s)).toMatch(/Merged ui-adaptive into main: 2 files, commit [0-9a-f]{10}\./));
    await eventually(h, (s) => expect(chatText(s)).toMatch(/\/discard --force ui-dark ui-light removes the other\s+attempts/));
    expect(errorEntries(h)).toEqual([]);

    // /discard without --force: refused, one line each; with --force: discarded.
    submit(h, '/discard ui-dark ui-light');
    await eventually(h, (s) => expect(errorEntries(s)).toEqual([
      'ui-dark: agentmux/ui-dark has 1 commit not merged into any other branch: merge ui-dark first, or discard with --force',
      'ui-light: agentmux/ui-light has 1 commit not merged into any other branch: merge ui-light first, or discard with --force',
    ]));
    expect(existsSync(repo.worktreePath('ui-dark'))).toBe(true);
    submit(h, '/discard --force ui-dark ui-light');
    await eventually(h, (s) => {
      expect(chatText(s)).toContain('Discarded ui-dark: worktree removed, branch deleted.');
      expect(chatText(s)).toContain('Discarded ui-light: worktree removed, branch deleted.');
      expect(worktreeRow(s, 'ui-dark')).not.toMatch(/⎇/);
      expect(worktreeRow(s, 'ui-light')).not.toMatch(/⎇/);
    });
    // The merged attempt's worktree and branch stay until discarded too (no --force needed: it is merged).
    submit(h, '/discard ui-adaptive');
    await eventually(h, (s) => {
      expect(chatText(s)).toContain('Discarded ui-adaptive: worktree removed, branch deleted.');
      expect(worktreeRow(s, 'ui-adaptive')).not.toMatch(/⎇/);
    });
    expect(errorEntries(h)).toHaveLength(2);

    // On disk: exactly ui-adaptive's change on main, one worktree, one branch.
    const head = await repo.git('rev-parse', 'HEAD');
    expect(await repo.git('rev-parse', `${head}^1`)).toBe(base);
    expect(await repo.git('diff', base, head)).toBe(await repo.git('diff', base, `${head}^2`));
    expect(await repo.git('diff', '--name-only', base, head)).toBe('adaptive.css\nindex.html');
    expect(await repo.read('theme.css')).toBe(BASE_THEME);
    expect(await repo.git('status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(await repo.worktreeList()).toEqual([repo.repo]);
    expect(await repo.branches()).toEqual(['main']);
    expect(existsSync(repo.worktreeRoot)).toBe(false);
  });
});
