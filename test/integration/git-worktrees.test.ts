// src/git on real temporary repositories: the seed scenario of issue 4, conflicts, failed merges, bad input.
// git runs with GIT_CONFIG_GLOBAL=/dev/null and no system config: the user's own git config is never read or written.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitEnvironment } from '../../src/git/environment.js';
import { GitWorktrees, WorktreeError, type WorktreeErrorCode } from '../../src/git/index.js';
import { parseMergeTree } from '../../src/git/merge-tree.js';
import { parseGitVersion, supportsWriteTree } from '../../src/git/version.js';
import { parseWorktreeList } from '../../src/git/worktree-list.js';

const run = promisify(execFile);

let root: string;
let repo: string;
let env: NodeJS.ProcessEnv;
let worktrees: GitWorktrees;

function testEnv(home: string): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('GIT_')));
  return { ...clean, HOME: home, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_CEILING_DIRECTORIES: home };
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await run('git', args, { cwd, env })).stdout.trim();
}

async function sh(cwd: string, script: string): Promise<void> {
  await run('sh', ['-c', script], { cwd, env });
}

async function initRepo(dir: string, commit = true): Promise<void> {
  await mkdir(dir, { recursive: true });
  await git(dir, 'init', '--quiet', '--initial-branch=main');
  await git(dir, 'config', 'user.name', 'Test User');
  await git(dir, 'config', 'user.email', 'test@example.invalid');
  if (!commit) return;
  await writeFile(join(dir, 'theme.css'), ':root {\n  --background: #888888;\n  --foreground: #111111;\n}\n');
  await writeFile(join(dir, 'index.html'), '<link rel="stylesheet" href="theme.css">\n');
  await writeFile(join(dir, 'README.md'), 'demo\n');
  await git(dir, 'add', '--all');
  await git(dir, 'commit', '--quiet', '-m', 'initial');
}

/** Rejects with a WorktreeError of `code` whose message matches `message`; returns the error. */
async function refused(promise: Promise<unknown>, code: WorktreeErrorCode, message?: RegExp): Promise<WorktreeError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, `expected a ${code} refusal`).toBeInstanceOf(WorktreeError);
  const worktreeError = error as WorktreeError;
  expect(worktreeError.code, worktreeError.message).toBe(code);
  expect(worktreeError.message).not.toMatch(/\n/);
  if (message) expect(worktreeError.message).toMatch(message);
  return worktreeError;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Everything a merge could touch in a checkout: HEAD and the merge state files, the index, the status and every
 * file's bytes. `exactIndex` compares the index file byte for byte; otherwise its entries (a merge undone by
 * `git merge --abort` rewrites the index with new timestamps but the same content).
 */
async function fingerprint(dir: string, exactIndex = true): Promise<string> {
  const gitDir = await git(dir, 'rev-parse', '--absolute-git-dir');
  const hash = createHash('sha256');
  hash.update(exactIndex ? await readFile(join(gitDir, 'index')) : await git(dir, 'ls-files', '--stage'));
  for (const name of ['HEAD', 'MERGE_HEAD', 'MERGE_MSG', 'SQUASH_MSG', 'ORIG_HEAD']) {
    hash.update(`${name}:${await readFile(join(gitDir, name), 'utf8').catch(() => '-')}\n`);
  }
  hash.update(await git(dir, 'rev-parse', 'HEAD'));
  hash.update(await git(dir, '--no-optional-locks', 'status', '--porcelain=v2', '--untracked-files=all', '--ignored'));
  const files = (await readdir(dir, { recursive: true })).filter((path) => !path.split('/').includes('.git')).sort();
  for (const file of files) {
    const path = join(dir, file);
    if ((await stat(path)).isFile()) hash.update(`${file}\0`).update(await readFile(path));
  }
  return hash.digest('hex');
}

const SCRIPTS: Record<string, string> = {
  'ui-dark': `printf ':root {\\n  --background: #000000;\\n  --foreground: #eeeeee;\\n}\\n' > theme.css
printf '.dark { color: #eeeeee; }\\n' > dark.css
git add --all && git commit --quiet -m 'Dark theme'`,
  'ui-light': `printf ':root {\\n  --background: #ffffff;\\n  --foreground: #222222;\\n}\\n' > theme.css
printf '.light { color: #222222; }\\n' > light.css
git add --all && git commit --quiet -m 'Light theme'`,
  'ui-adaptive': `printf '@media (prefers-color-scheme: dark) { :root { --background: #000000; } }\\n' > adaptive.css
printf '<link rel="stylesheet" href="theme.css">\\n<link rel="stylesheet" href="adaptive.css">\\n' > index.html
git add --all && git commit --quiet -m 'Adaptive theme'`,
};

/** Creates worktree agents and runs their scripts in parallel, as command agents would. */
async function agents(...names: string[]): Promise<Record<string, string>> {
  const created = await Promise.all(names.map((name) => worktrees.create({ name })));
  await Promise.all(created.map((c) => sh(c.path, SCRIPTS[c.name])));
  return Object.fromEntries(created.map((c) => [c.name, c.path]));
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'agentmux-git-'));
  repo = join(root, 'repo');
  env = testEnv(root);
  await initRepo(repo);
  worktrees = new GitWorktrees(repo, { env });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('seed scenario: three attempts, one merged, two discarded', () => {
  it('keeps the main checkout untouched, compares, merges ui-adaptive exactly, and leaves nothing behind', async () => {
    const base = await git(repo, 'rev-parse', 'HEAD');
    const before = await fingerprint(repo);
    const names = ['ui-dark', 'ui-light', 'ui-adaptive'];
    const created = await Promise.all(names.map((name) => worktrees.create({ name })));
    for (const [i, c] of created.entries()) {
      expect(c).toEqual({ name: names[i], path: join(root, 'repo.agentmux-worktrees', names[i]), branch: `agentmux/${names[i]}`, baseCommit: base });
    }
    await Promise.all(created.map((c) => sh(c.path, SCRIPTS[c.name])));

    expect(await git(repo, 'status', '--porcelain')).toBe('');
    expect(await git(repo, 'rev-parse', 'HEAD')).toBe(base);
    expect(await fingerprint(repo)).toBe(before);

    const dark = await worktrees.status('ui-dark');
    expect(dark).toMatchObject({ worktree: 'present', locked: false, ahead: 1, filesChanged: 2, insertions: 3, deletions: 2, untracked: 0, uncommitted: false });
    expect(dark.baseCommit).toBe(base);

    const comparison = await worktrees.compare(names);
    expect(comparison.target).toBe('main');
    expect(comparison.targetCommit).toBe(base);
    expect(comparison.attempts.map((a) => [a.name, a.merge, a.ahead, a.uncommitted])).toEqual([
      ['ui-dark', { clean: true }, 1, false],
      ['ui-light', { clean: true }, 1, false],
      ['ui-adaptive', { clean: true }, 1, false],
    ]);
    expect(comparison.attempts[0].files.map((f) => f.path).sort()).toEqual(['dark.css', 'theme.css']);
    expect(comparison.attempts[2].files).toEqual([
      { path: 'adaptive.css', insertions: 1, deletions: 0 },
      { path: 'index.html', insertions: 1, deletions: 0 },
    ]);
    expect(comparison.attempts[1].commits.map((c) => c.subject)).toEqual(['Light theme']);
    expect(comparison.overlaps).toEqual([{ path: 'theme.css', names: ['ui-dark', 'ui-light'] }]);
    const diff = await worktrees.fileDiff('ui-dark', 'theme.css');
    expect(diff).toContain('-  --background: #888888;');
    expect(diff).toContain('+  --background: #000000;');
    expect(await fingerprint(repo)).toBe(before);

    const adaptiveTip = await git(repo, 'rev-parse', 'agentmux/ui-adaptive');
    const merged = await worktrees.merge('ui-adaptive', { message: 'Make the theme follow the system setting' });
    expect(merged).toMatchObject({ name: 'ui-adaptive', into: 'main', squash: false });
    expect(merged.files.sort()).toEqual(['adaptive.css', 'index.html']);
    expect(await git(repo, 'rev-parse', 'HEAD')).toBe(merged.commit);
    expect(await git(repo, 'rev-parse', `${merged.commit}^1`, `${merged.commit}^2`)).toBe(`${base}\n${adaptiveTip}`);
    expect(await git(repo, 'diff', '--numstat', base, merged.commit)).toBe(await git(repo, 'diff', '--numstat', base, adaptiveTip));
    expect(await git(repo, 'status', '--porcelain')).toBe('');
    expect(await readFile(join(repo, 'adaptive.css'), 'utf8')).toContain('prefers-color-scheme');
    expect(await readFile(join(repo, 'theme.css'), 'utf8')).toContain('#888888');
    const message = await git(repo, 'log', '-1', '--format=%B', merged.commit);
    expect(message).toMatch(/^Merge agent ui-adaptive: Make the theme follow the system setting/);
    expect(message).toContain('Agent: ui-adaptive');

    for (const name of ['ui-dark', 'ui-light']) {
      await refused(worktrees.discard(name), 'unmerged', new RegExp(`agentmux/${name} has 1 commit not merged.*--force`));
      expect(await exists(join(root, 'repo.agentmux-worktrees', name))).toBe(true);
      expect(await worktrees.discard(name, { force: true })).toEqual({
        name, removedWorktree: join(root, 'repo.agentmux-worktrees', name), deletedBranch: true,
      });
    }
    expect(await worktrees.discard('ui-adaptive')).toMatchObject({ deletedBranch: true });

    expect((await git(repo, 'worktree', 'list', '--porcelain')).split('\n').filter((l) => l.startsWith('worktree '))).toEqual([`worktree ${repo}`]);
    expect(await git(repo, 'branch', '--list', '--format=%(refname:short)')).toBe('main');
    expect(await git(repo, 'config', '--local', '--list')).not.toContain('agentmux');
    expect(await exists(join(root, 'repo.agentmux-worktrees'))).toBe(false);
    expect(await worktrees.leftovers([])).toEqual([]);
  });
});

describe('merges that must change nothing', () => {
  it('refuses a predicted conflict and leaves the repository byte for byte as it was', async () => {
    await agents('ui-dark', 'ui-light');
    await worktrees.merge('ui-dark', { message: 'Dark theme' });
    await writeFile(join(repo, 'README.md'), 'local edit\n');
    await writeFile(join(repo, 'notes.txt'), 'untracked\n');
    const before = await fingerprint(repo);
    const comparison = await worktrees.compare(['ui-light']);
    expect(comparison.attempts[0].merge).toEqual({ clean: false, conflicts: ['theme.css'] });
    const error = await refused(worktrees.merge('ui-light', { message: 'Light theme' }), 'conflict', /would conflict in "theme\.css": nothing was changed/);
    expect(error.files).toEqual(['theme.css']);
    expect(await fingerprint(repo)).toBe(before);
  });

  it('undoes a merge that git stops after the prediction (a failing hook): merge --abort, repository as before', async () => {
    await agents('ui-dark');
    await writeFile(join(repo, 'README.md'), 'local edit\n');
    const hooks = join(repo, '.git', 'hooks');
    await writeFile(join(hooks, 'pre-merge-commit'), '#!/bin/sh\necho "hook says no" >&2\nexit 1\n');
    await writeFile(join(hooks, 'pre-commit'), '#!/bin/sh\necho "hook says no" >&2\nexit 1\n');
    await chmod(join(hooks, 'pre-merge-commit'), 0o755);
    await chmod(join(hooks, 'pre-commit'), 0o755);
    const before = await fingerprint(repo, false);
    await refused(worktrees.merge('ui-dark', { message: 'Dark theme' }), 'git-failed', /failed \(.*hook says no.*\); the main checkout is as it was/);
    expect(await fingerprint(repo, false)).toBe(before);
    await refused(worktrees.merge('ui-dark', { message: 'Dark theme', squash: true }), 'git-failed', /the main checkout is as it was/);
    expect(await fingerprint(repo, false)).toBe(before);
  });

  it('refuses when uncommitted changes in the main checkout touch the same files, and merges around others', async () => {
    await agents('ui-dark');
    await writeFile(join(repo, 'theme.css'), 'my own edit\n');
    let before = await fingerprint(repo);
    const error = await refused(worktrees.merge('ui-dark', { message: 'Dark theme' }), 'dirty', /uncommitted changes to "theme\.css".*commit or stash/);
    expect(error.files).toEqual(['theme.css']);
    expect(await fingerprint(repo)).toBe(before);

    await git(repo, 'checkout', '--', 'theme.css');
    await writeFile(join(repo, 'dark.css'), 'an untracked file where the merge puts one\n');
    before = await fingerprint(repo);
    expect((await refused(worktrees.merge('ui-dark', { message: 'Dark theme' }), 'dirty')).files).toEqual(['dark.css']);
    expect(await fingerprint(repo)).toBe(before);

    await rm(join(repo, 'dark.css'));
    await writeFile(join(repo, 'README.md'), 'staged\n');
    await git(repo, 'add', 'README.md');
    await refused(worktrees.merge('ui-dark', { message: 'Dark theme' }), 'dirty', /staged changes/);
    await git(repo, 'reset', '--quiet');

    const merged = await worktrees.merge('ui-dark', { message: 'Dark theme' });
    expect(await git(repo, 'rev-parse', 'HEAD')).toBe(merged.commit);
    expect(await readFile(join(repo, 'README.md'), 'utf8')).toBe('staged\n');
    expect(await git(repo, 'status', '--porcelain')).toBe('M README.md');
  });

  it('refuses while the main checkout is in the middle of a merge, without aborting it', async () => {
    await agents('ui-dark', 'ui-light');
    await git(repo, 'merge', '--quiet', 'agentmux/ui-dark');
    await run('git', ['merge', 'agentmux/ui-light'], { cwd: repo, env }).catch(() => undefined);
    const before = await fingerprint(repo);
    await worktrees.create({ name: 'other' });
    await sh(join(root, 'repo.agentmux-worktrees', 'other'), "echo x > other.txt && git add other.txt && git commit -qm other");
    await refused(worktrees.merge('other', { message: 'Other' }), 'busy', /middle of a merge/);
    expect(await fingerprint(repo)).toBe(before);
  });

  it('refuses a branch with nothing to merge', async () => {
    await worktrees.create({ name: 'idle' });
    await refused(worktrees.merge('idle', { message: 'Nothing' }), 'nothing-to-merge');
  });
});

describe('uncommitted work, squash merges, leftovers', () => {
  it('commits pending work to the branch, naming the agent; a clean worktree is a no-op', async () => {
    const { path } = await worktrees.create({ name: 'pending' });
    await writeFile(join(path, 'new.txt'), 'one\ntwo\n');
    await writeFile(join(path, 'README.md'), 'changed\n');
    expect(await worktrees.status('pending')).toMatchObject({ ahead: 0, filesChanged: 1, untracked: 1, uncommitted: true });
    expect((await worktrees.compare(['pending'])).attempts[0].uncommitted).toBe(true);
    await refused(worktrees.discard('pending'), 'uncommitted', /uncommitted changes/);

    const result = await worktrees.commitPending('pending', 'Write the notes');
    expect(result.committed).toBe(true);
    expect(await git(path, 'log', '-1', '--format=%s')).toBe('agent pending: Write the notes');
    expect(await git(repo, 'rev-parse', 'agentmux/pending')).toBe(result.commit);
    expect(await worktrees.status('pending')).toMatchObject({ ahead: 1, filesChanged: 2, untracked: 0, uncommitted: false });
    expect(await worktrees.commitPending('pending', 'Again')).toEqual({ committed: false, commit: undefined });
    await refused(worktrees.commitPending('pending', '  '), 'invalid-input');
  });

  it('squash-merges into one commit, after which discard needs no force', async () => {
    const { path } = await worktrees.create({ name: 'squashy' });
    await sh(path, 'echo a > a.txt && git add a.txt && git commit -qm a && echo b > b.txt && git add b.txt && git commit -qm b');
    const merged = await worktrees.merge('squashy', { message: 'Add a and b\n\nTwo small files.', squash: true });
    expect(await git(repo, 'rev-list', '--count', '--parents', '-1', merged.commit)).toBe('1');
    expect(await git(repo, 'log', '-1', '--format=%B', merged.commit)).toMatch(/^Squash agent squashy: Add a and b\n\nTwo small files\.\n\nAgent: squashy/);
    expect(await git(repo, 'show', '--format=', '--name-only', merged.commit)).toBe('a.txt\nb.txt');
    expect(await worktrees.discard('squashy')).toMatchObject({ deletedBranch: true });
  });

  it('lists worktrees and branches of agents that no longer exist, and prunes stale entries', async () => {
    await agents('ui-dark', 'ui-light', 'ui-adaptive');
    await git(repo, 'branch', 'agentmux/orphan');
    await rm(join(root, 'repo.agentmux-worktrees', 'ui-light'), { recursive: true });
    const leftovers = await worktrees.leftovers(['ui-dark']);
    expect(leftovers.map((l) => [l.name, l.branch, l.worktree])).toEqual([
      ['orphan', 'agentmux/orphan', 'none'],
      ['ui-adaptive', 'agentmux/ui-adaptive', 'present'],
      ['ui-light', 'agentmux/ui-light', 'missing'],
    ]);
    expect(await worktrees.prune()).toEqual([join(root, 'repo.agentmux-worktrees', 'ui-light')]);
    expect((await worktrees.leftovers(['ui-dark'])).find((l) => l.name === 'ui-light')?.worktree).toBe('none');
  });
});

describe('bad input', () => {
  it('outside a repository: a clear refusal, for every operation', async () => {
    const plain = join(root, 'plain');
    await mkdir(plain);
    const outside = new GitWorktrees(plain, { env });
    await refused(outside.repoInfo(), 'not-a-repo', /^not a git repository: worktree options need one/);
    await refused(outside.create({ name: 'x' }), 'not-a-repo', /not a git repository/);
    await refused(outside.status('x'), 'not-a-repo');
    await refused(new GitWorktrees(join(root, 'nowhere'), { env }).repoInfo(), 'not-a-repo', /is not a directory/);
    expect(await worktrees.repoInfo(plain).catch((e: Error) => e.message)).toMatch(/not a git repository/);
  });

  it('a repository without commits', async () => {
    const empty = join(root, 'empty');
    await initRepo(empty, false);
    const fresh = new GitWorktrees(empty, { env });
    expect(await fresh.repoInfo()).toEqual({ root: empty, branch: 'main', detached: false, head: undefined, hasCommits: false });
    await refused(fresh.create({ name: 'first' }), 'no-commits', /no commits yet: make a first commit/);
    expect(await git(empty, 'branch', '--list')).toBe('');
  });

  it('a detached HEAD: worktrees start from it, merges need --into', async () => {
    await git(repo, 'checkout', '--quiet', '--detach');
    const head = await git(repo, 'rev-parse', 'HEAD');
    expect(await worktrees.repoInfo()).toEqual({ root: repo, branch: undefined, detached: true, head, hasCommits: true });
    const { baseCommit } = await agents('ui-dark').then(() => worktrees.status('ui-dark'));
    expect(baseCommit).toBe(head);
    await refused(worktrees.merge('ui-dark', { message: 'Dark' }), 'detached', /detached HEAD: check out a branch, or name the target branch/);
    await refused(worktrees.compare(['ui-dark']), 'detached');
    // main is checked out nowhere: merged without a checkout (a commit and a compare-and-swap of the ref).
    const before = await fingerprint(repo);
    const merged = await worktrees.merge('ui-dark', { message: 'Dark', into: 'main' });
    expect(await git(repo, 'rev-parse', 'main')).toBe(merged.commit);
    expect(await git(repo, 'diff', '--name-only', head, merged.commit)).toBe('dark.css\ntheme.css');
    expect(await fingerprint(repo)).toBe(before);
  });

  it('a branch that already exists, a name used twice, and a directory in the way', async () => {
    await git(repo, 'branch', 'agentmux/taken');
    await refused(worktrees.create({ name: 'taken' }), 'branch-exists', /agentmux\/taken already exists/);
    await worktrees.create({ name: 'twice' });
    await refused(worktrees.create({ name: 'twice' }), 'branch-exists');
    await mkdir(join(root, 'repo.agentmux-worktrees', 'occupied'), { recursive: true });
    await refused(worktrees.create({ name: 'occupied' }), 'path-exists', /occupied already exists: remove it/);
    expect(await git(repo, 'branch', '--list', 'agentmux/occupied')).toBe('');
  });

  it('invalid names and refs never reach git as options', async () => {
    const branches = await git(repo, 'branch', '--list');
    for (const name of ['Bad_Name', '-rf', '--upload-pack=x', '', 'a'.repeat(49), '../escape', 'a b']) {
      await refused(worktrees.create({ name }), 'invalid-name', /invalid name .*: use lowercase letters/);
    }
    await refused(worktrees.create({ name: 42 as unknown as string }), 'invalid-name');
    await refused(worktrees.create({ name: 'ok', base: '--orphan' }), 'invalid-ref', /starts with "-"/);
    await refused(worktrees.create({ name: 'ok', base: '' }), 'invalid-ref');
    await refused(worktrees.create({ name: 'ok', base: 'no-such-branch' }), 'unknown-ref', /"no-such-branch" does not name a commit/);
    await refused(worktrees.create({ name: 'ok', base: 'HEAD~5' }), 'unknown-ref');
    await refused(worktrees.create({ name: 'ok', base: 'main\nx' }), 'invalid-ref', /control characters/);
    expect(await git(repo, 'branch', '--list')).toBe(branches);

    await agents('ui-dark');
    await refused(worktrees.merge('ui-dark', { message: 'x', into: '-D' }), 'invalid-ref');
    await refused(worktrees.merge('ui-dark', { message: 'x', into: '@{-1}' }), 'invalid-ref');
    await refused(worktrees.merge('ui-dark', { message: 'x', into: 'nope' }), 'unknown-ref', /target branch "nope" does not exist/);
    await refused(worktrees.merge('ui-dark', { message: 'x', into: 'agentmux/ui-dark' }), 'invalid-ref', /its own branch/);
    await refused(worktrees.compare(['ui-dark'], 'a..b'), 'invalid-ref');
    await refused(worktrees.compare([]), 'invalid-name');
    await refused(worktrees.compare(['ui-dark', 'ui-dark']), 'invalid-name', /named twice/);
    await refused(worktrees.status('ghost'), 'not-found', /no worktree agent "ghost"/);
    await refused(worktrees.discard('ghost'), 'not-found');
    await refused(worktrees.fileDiff('ui-dark', '../outside'), 'invalid-input');
    await refused(worktrees.fileDiff('ui-dark', '/etc/passwd'), 'invalid-input');
  });

  it('file names that look like options or pathspec magic are taken literally', async () => {
    const { path } = await worktrees.create({ name: 'odd' });
    await writeFile(join(path, '--output=pwned'), 'x\n');
    await writeFile(join(path, ':(glob)*'), 'y\n');
    await git(path, 'add', '--all');
    await git(path, 'commit', '--quiet', '-m', 'odd names');
    expect(await worktrees.fileDiff('odd', '--output=pwned')).toContain('+x');
    const magic = await worktrees.fileDiff('odd', ':(glob)*');
    expect(magic).toContain('+y');
    expect(magic).not.toContain('--output=pwned');
    expect(await exists(join(repo, 'pwned'))).toBe(false);
    expect(await exists(join(path, 'pwned'))).toBe(false);
  });

  it('a target branch checked out in another worktree', async () => {
    await agents('ui-dark');
    await git(repo, 'worktree', 'add', '--quiet', '-b', 'release', join(root, 'release'));
    const before = await fingerprint(repo);
    await refused(worktrees.merge('ui-dark', { message: 'x', into: 'release' }), 'checked-out-elsewhere', /release is checked out in another worktree/);
    expect(await fingerprint(repo)).toBe(before);
  });

  it('a locked worktree: reported, refused without force, removed with force', async () => {
    const { path } = await worktrees.create({ name: 'locked' });
    await git(repo, 'worktree', 'lock', '--reason', 'on a usb disk', path);
    expect(await worktrees.status('locked')).toMatchObject({ locked: true, worktree: 'present' });
    await refused(worktrees.discard('locked'), 'locked', /is locked \(on a usb disk\): git worktree unlock it, or discard with --force/);
    expect(await exists(path)).toBe(true);
    await worktrees.discard('locked', { force: true });
    expect(await exists(path)).toBe(false);
    expect(await git(repo, 'worktree', 'list')).not.toContain('locked');
  });

  it('a worktree directory deleted by hand', async () => {
    const paths = await agents('ui-dark');
    await rm(paths['ui-dark'], { recursive: true });
    expect(await worktrees.status('ui-dark')).toMatchObject({ worktree: 'missing', ahead: 1, filesChanged: 2, uncommitted: false });
    await refused(worktrees.commitPending('ui-dark', 'Save'), 'missing', /was deleted/);
    await refused(worktrees.create({ name: 'ui-dark' }), 'branch-exists');
    await refused(worktrees.discard('ui-dark'), 'unmerged');
    await worktrees.discard('ui-dark', { force: true });
    expect(await git(repo, 'worktree', 'list', '--porcelain')).not.toContain('ui-dark');
    expect(await git(repo, 'branch', '--list', 'agentmux/*')).toBe('');

    // Locked and deleted: unlocked, then pruned.
    const { path } = await worktrees.create({ name: 'gone' });
    await git(repo, 'worktree', 'lock', path);
    await rm(path, { recursive: true });
    await refused(worktrees.discard('gone'), 'locked');
    expect(await worktrees.discard('gone', { force: true })).toEqual({ name: 'gone', removedWorktree: path, deletedBranch: true });
    expect(await git(repo, 'worktree', 'list', '--porcelain')).not.toContain('gone');
  });

  it('a worktree root from the configuration', async () => {
    const custom = new GitWorktrees(repo, { env, worktreeRoot: join(root, 'elsewhere') });
    expect((await custom.create({ name: 'placed' })).path).toBe(join(root, 'elsewhere', 'placed'));
    await custom.discard('placed');
    expect(await exists(join(root, 'elsewhere'))).toBe(true);
  });
});

describe('environment and parsers', () => {
  it('runs in an environment with editors, pagers, ssh and another GIT_DIR set, without using them', async () => {
    const hostile = { ...env, EDITOR: 'false', GIT_EDITOR: 'false', PAGER: 'false', GIT_SSH_COMMAND: 'false', GIT_DIR: join(root, 'elsewhere') };
    const guarded = new GitWorktrees(repo, { env: hostile });
    const { path } = await guarded.create({ name: 'guarded' });
    await writeFile(join(path, 'x.txt'), 'x\n');
    expect((await guarded.commitPending('guarded', 'Add x')).committed).toBe(true);
    expect((await guarded.merge('guarded', { message: 'Add x' })).into).toBe('main');
    const { env: childEnv, unsafe } = gitEnvironment(hostile);
    expect(childEnv.EDITOR).toBeUndefined();
    expect(childEnv.GIT_DIR).toBeUndefined();
    expect(childEnv.GIT_TERMINAL_PROMPT).toBe('0');
    expect(unsafe).toEqual({ allowUnsafeConfigPaths: true });
  });

  it('knows which git versions predict merges', async () => {
    expect(parseGitVersion('git version 2.39.5')).toEqual([2, 39]);
    expect(parseGitVersion('git version 2.39.3 (Apple Git-146)')).toEqual([2, 39]);
    expect(supportsWriteTree([2, 37])).toBe(false);
    expect(supportsWriteTree([2, 38])).toBe(true);
    expect(supportsWriteTree([3, 0])).toBe(true);
    expect(await git(repo, 'version')).toMatch(/^git version \d+\.\d+/);
  });

  it('parses merge-tree output, including conflicts that only messages name', () => {
    const tree = 'a'.repeat(40);
    expect(parseMergeTree(`${tree}\0`, 0)).toEqual({ tree, clean: true, conflicts: [] });
    expect(parseMergeTree(`${tree}\0f\0g\0f\0\0`, 1)).toEqual({ tree, clean: false, conflicts: ['f', 'g'] });
    const messages = `${tree}\0\0` + '1\0a\0Auto-merging\0Auto-merging a\n\0' + '2\0d/x\0e/x\0CONFLICT (rename/rename)\0CONFLICT (rename/rename): ...\n\0';
    expect(parseMergeTree(messages, 1)).toEqual({ tree, clean: false, conflicts: ['d/x', 'e/x'] });
    expect(parseMergeTree('fatal: bad\n', 1)).toBeUndefined();
  });

  it('parses worktree listings with locked, prunable and detached entries', () => {
    const listing = 'worktree /r\0HEAD 1\0branch refs/heads/main\0\0worktree /w/a\0HEAD 2\0detached\0locked on usb\0\0'
      + 'worktree /w/b\0HEAD 3\0branch refs/heads/agentmux/b\0locked\0prunable gitdir file points to non-existent location\0\0';
    expect(parseWorktreeList(listing)).toEqual([
      { path: '/r', head: '1', branch: 'refs/heads/main', bare: false, locked: false, lockReason: undefined, prunable: false },
      { path: '/w/a', head: '2', branch: undefined, bare: false, locked: true, lockReason: 'on usb', prunable: false },
      { path: '/w/b', head: '3', branch: 'refs/heads/agentmux/b', bare: false, locked: true, lockReason: undefined, prunable: true },
    ]);
  });
});
