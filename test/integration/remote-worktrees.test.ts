// src/git's worktrees on an SSH host (issue 12) against a real OpenSSH server on loopback: the host's
// checkout is a clone of a local repository (on loopback the "remote" filesystem is this machine's).
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SshHost } from '../../src/core/hosts.js';
import type { WorktreeInfo } from '../../src/core/worktree.js';
import { GitWorktrees, RemoteGit, RemoteWorktrees, WorktreeError } from '../../src/git/index.js';
import { runCommand } from '../../src/pty/command-runner.js';
import { createTempRepo, type TempRepo } from '../support/git-repo.js';
import { sshdMissing, startLoopbackSshd, type LoopbackSshd } from '../support/loopback-sshd.js';

let sshd: LoopbackSshd;
let controlDir: string;
let repo: TempRepo;
let checkout: string;
let checkoutCount = 0;

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** The host `build`: the loopback sshd, its checkout given under ~/ as a user would. */
function host(cwd: string, sshArgs: string[] = []): SshHost {
  return { ssh: sshd.alias, sshArgs: ['-F', sshd.sshConfig, ...sshArgs], cwd };
}

function remoteWorktrees(cwd: string, sshArgs: string[] = []): RemoteWorktrees {
  return new RemoteWorktrees(new RemoteGit('build', host(cwd, sshArgs), controlDir, runCommand), { dir: repo.repo, env: repo.env, run: runCommand });
}

function info(created: { branch: string; path: string; baseCommit: string }): WorktreeInfo {
  return { branch: created.branch, path: created.path, baseCommit: created.baseCommit };
}

async function refusal(promise: Promise<unknown>): Promise<WorktreeError> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(WorktreeError);
  expect((error as Error).message).not.toMatch(/\n/);
  return error as WorktreeError;
}

/** Worktree paths and branches of the host's checkout. */
async function hostState(): Promise<{ worktrees: string[]; branches: string[] }> {
  const listing = await repo.gitIn(checkout, 'worktree', 'list', '--porcelain');
  const branches = await repo.gitIn(checkout, 'branch', '--list', '--format=%(refname:short)');
  return { worktrees: listing.split('\n').filter((line) => line.startsWith('worktree ')).map((line) => line.slice(9)), branches: branches.split('\n').filter(Boolean) };
}

describe.skipIf(sshdMissing())('worktrees on an SSH host', () => {
  beforeAll(async () => {
    sshd = await startLoopbackSshd();
    controlDir = await mkdtemp(join(tmpdir(), 'amx-c-'));
  });

  afterAll(async () => {
    await sshd?.stop();
    if (controlDir) await rm(controlDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    repo = await createTempRepo();
    checkoutCount += 1;
    checkout = join(sshd.remoteHome, 'src', `app-${checkoutCount}`);
    await mkdir(join(sshd.remoteHome, 'src'), { recursive: true });
    await repo.gitIn(sshd.remoteHome, 'clone', '--quiet', repo.repo, checkout);
    await repo.gitIn(checkout, 'config', 'user.name', 'Remote User');
    await repo.gitIn(checkout, 'config', 'user.email', 'remote@example.invalid');
  });

  afterEach(async () => {
    await repo.remove();
    await rm(checkout, { recursive: true, force: true });
    await rm(`${checkout}.agentmux-worktrees`, { recursive: true, force: true });
  });

  it('makes the worktree on the host, fetches its work for compare and merge here, and removes it there', async () => {
    const remote = remoteWorktrees(`~/src/app-${checkoutCount}`);
    const head = await repo.gitIn(checkout, 'rev-parse', 'HEAD');
    const created = await remote.create('dark-theme');
    const path = `${checkout}.agentmux-worktrees/dark-theme`;
    expect(created).toEqual({ name: 'dark-theme', path, branch: 'agentmux/dark-theme', baseCommit: head });
    expect((await hostState()).worktrees).toContain(path);
    expect(await repo.gitIn(path, 'symbolic-ref', 'HEAD')).toBe('refs/heads/agentmux/dark-theme');
    expect(await repo.gitIn(path, 'rev-parse', 'HEAD')).toBe(head);

    // The agent's work, as it would do it there.
    await writeFile(join(path, 'theme.css'), ':root {\n  --background: #000000;\n}\n');
    await repo.gitIn(path, 'commit', '--quiet', '-am', 'Dark theme');
    await writeFile(join(path, 'notes.txt'), 'left uncommitted\n');
    expect(await remote.status('dark-theme', info(created))).toMatchObject({ present: true, ahead: 1, filesChanged: 1, untracked: 1, uncommitted: true });

    // What an ended agent left uncommitted goes onto its branch there, then the branch comes here.
    expect(await remote.commitPending('dark-theme', info(created), 'make it dark')).toMatchObject({ committed: true });
    expect(await remote.commitPending('dark-theme', info(created), 'make it dark')).toEqual({ committed: false, commit: undefined });
    await remote.fetch('dark-theme', info(created));
    expect(await repo.git('rev-parse', 'agentmux/dark-theme')).toBe(await repo.gitIn(path, 'rev-parse', 'HEAD'));

    const local = new GitWorktrees(repo.repo, { env: repo.env });
    const comparison = await local.compare(['dark-theme']);
    expect(comparison.attempts[0]).toMatchObject({ name: 'dark-theme', ahead: 2, filesChanged: 2, merge: { clean: true } });
    expect(comparison.attempts[0].files.map((file) => file.path).sort()).toEqual(['notes.txt', 'theme.css']);
    const merged = await local.merge('dark-theme', { message: 'make it dark' });
    expect(merged.files.sort()).toEqual(['notes.txt', 'theme.css']);
    expect(await repo.read('theme.css')).toContain('#000000');

    await remote.remove('dark-theme', info(created));
    await local.discard('dark-theme');
    expect(await hostState()).toEqual({ worktrees: [checkout], branches: ['main'] });
    expect(await exists(`${checkout}.agentmux-worktrees`)).toBe(false);
    expect(await repo.branches()).toEqual(['main']);
  });

  it('starts from the base asked for, and refuses a base the host does not have, creating nothing', async () => {
    await repo.gitIn(checkout, 'branch', 'feature', 'HEAD');
    await writeFile(join(checkout, 'later.txt'), 'later\n');
    await repo.gitIn(checkout, 'add', 'later.txt');
    await repo.gitIn(checkout, 'commit', '--quiet', '-m', 'later');
    const remote = remoteWorktrees(checkout);
    const created = await remote.create('from-feature', 'feature');
    expect(created.baseCommit).toBe(await repo.gitIn(checkout, 'rev-parse', 'feature'));
    const before = await hostState();

    const error = await refusal(remote.create('nowhere', 'no-such-branch'));
    expect(error.message).toBe(`base ref "no-such-branch" does not name a commit in ${checkout} on build: push or fetch it there, or name another`);
    expect((await refusal(remote.create('dashed', '--upload-pack=x'))).message).toMatch(/starts with "-"/);
    expect(await hostState()).toEqual(before);
  });

  it('refuses a checkout that is not a git repository, and a name whose branch is taken here, creating nothing', async () => {
    const plain = join(sshd.remoteHome, `plain-${checkoutCount}`);
    await mkdir(plain);
    const error = await refusal(remoteWorktrees(`~/plain-${checkoutCount}`).create('fix'));
    expect(error.message).toBe(`~/plain-${checkoutCount} on build is not a git checkout: clone this repository there, or point hosts.build.cwd at a clone of it`);
    expect(await exists(join(sshd.remoteHome, `plain-${checkoutCount}.agentmux-worktrees`))).toBe(false);
    await rm(plain, { recursive: true });

    await repo.git('branch', 'agentmux/taken');
    expect((await refusal(remoteWorktrees(checkout).create('taken'))).message).toMatch(/^branch agentmux\/taken already exists in this repository/);
    expect((await hostState()).branches).toEqual(['main']);
  });

  it('refuses to fetch from a checkout that shares no history with this repository, leaving nothing here', async () => {
    const stranger = join(sshd.remoteHome, `stranger-${checkoutCount}`);
    await mkdir(stranger);
    await repo.gitIn(stranger, 'init', '--quiet', '--initial-branch=main');
    await repo.gitIn(stranger, 'config', 'user.name', 'Remote User');
    await repo.gitIn(stranger, 'config', 'user.email', 'remote@example.invalid');
    await writeFile(join(stranger, 'other.txt'), 'other\n');
    await repo.gitIn(stranger, 'add', 'other.txt');
    await repo.gitIn(stranger, 'commit', '--quiet', '-m', 'other');
    try {
      const remote = remoteWorktrees(stranger);
      const created = await remote.create('odd');
      const error = await refusal(remote.fetch('odd', info(created)));
      expect(error.message).toBe(`build: ${stranger} shares no history with this repository, so odd cannot be compared or merged here: make the host's checkout a clone of this repository`);
      expect(await repo.branches()).toEqual(['main']);
    } finally {
      await rm(stranger, { recursive: true, force: true });
      await rm(`${stranger}.agentmux-worktrees`, { recursive: true, force: true });
    }
  });

  it('says in one line when the host cannot be reached', async () => {
    const error = await refusal(remoteWorktrees(checkout, ['-p', '1']).create('fix'));
    expect(error.message).toMatch(/^build: amx-loop is unreachable \(/);
  });
});
