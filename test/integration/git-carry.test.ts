// src/git's `carry` on real temporary repositories: an agent CLI's files the main checkout has not committed
// (ignored, untracked, changed) are copied into a new worktree, and until the agent changes one, agentmux
// neither commits it to the agent's branch nor counts it in the agent's figures.
import { chmod, lstat, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_CLIS } from '../../src/core/cli-kinds.js';
import { GitWorktrees } from '../../src/git/index.js';
import { createTempRepo, type TempRepo } from '../support/git-repo.js';

const SETTINGS = '{ "permissions": { "allow": ["Bash(npm test)"] } }\n';
const CLAUDE_MD = '# Project\nCommitted instructions.\nMy uncommitted local instructions.\n';
const OVERRIDE = 'Untracked override for Codex.\n';

const repos: TempRepo[] = [];

afterEach(async () => {
  for (const repo of repos.splice(0)) await repo.remove();
});

/**
 * A repository whose main checkout has Claude Code's local settings (ignored, mode 0600), a changed
 * CLAUDE.md and an untracked AGENTS.override.md; GEMINI.md is committed and unchanged.
 */
async function agentSettingsRepo(): Promise<{ repo: TempRepo; worktrees: GitWorktrees }> {
  const repo = await createTempRepo({
    files: { 'CLAUDE.md': '# Project\nCommitted instructions.\n', 'GEMINI.md': 'gemini\n', '.gitignore': '.claude/settings.local.json\n', 'README.md': 'demo\n' },
  });
  repos.push(repo);
  await repo.write('.claude/settings.local.json', SETTINGS);
  await chmod(join(repo.repo, '.claude/settings.local.json'), 0o600);
  await repo.write('CLAUDE.md', CLAUDE_MD);
  await repo.write('AGENTS.override.md', OVERRIDE);
  return { repo, worktrees: new GitWorktrees(repo.repo, { env: repo.env }) };
}

const CLAUDE_FILES = [...BUILTIN_CLIS.claude.worktreeFiles, 'AGENTS.override.md', 'GEMINI.md'];

async function committedFiles(repo: TempRepo, name: string): Promise<string[]> {
  const base = await repo.git('config', `branch.agentmux/${name}.agentmuxbase`);
  return (await repo.git('diff', '--name-only', base, `agentmux/${name}`)).split('\n').filter(Boolean);
}

describe('carry', () => {
  it('copies ignored, untracked and changed files as the main checkout has them, modes kept, and nothing else', async () => {
    const { repo, worktrees } = await agentSettingsRepo();
    const before = await repo.snapshot();
    const { path } = await worktrees.create({ name: 'claude-ui' });

    const result = await worktrees.carry('claude-ui', CLAUDE_FILES);
    expect(result).toEqual({ carried: ['.claude/settings.local.json', 'CLAUDE.md', 'AGENTS.override.md'], failures: [] });
    expect(await readFile(join(path, '.claude/settings.local.json'), 'utf8')).toBe(SETTINGS);
    expect((await stat(join(path, '.claude/settings.local.json'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(path, 'CLAUDE.md'), 'utf8')).toBe(CLAUDE_MD);
    expect(await readFile(join(path, 'AGENTS.override.md'), 'utf8')).toBe(OVERRIDE);
    expect(await readFile(join(path, 'GEMINI.md'), 'utf8')).toBe('gemini\n');
    expect(await repo.snapshot()).toEqual({ ...before, worktrees: [repo.repo, path], branches: ['agentmux/claude-ui', 'main'] });
  });

  it('carries a folder\'s files, a link inside the repository as a link, and refuses a link out of it in a few words', async () => {
    const { repo, worktrees } = await agentSettingsRepo();
    await repo.write('.codex/config.toml', 'model = "o4"\n');
    await writeFile(join(repo.root, 'outside.json'), '{"secret": true}\n');
    await symlink('../outside.json', join(repo.repo, '.mcp.json'));
    await symlink('AGENTS.override.md', join(repo.repo, 'CLAUDE.local.md'));
    const { path } = await worktrees.create({ name: 'links' });

    const result = await worktrees.carry('links', ['CLAUDE.local.md', '.mcp.json', '.codex', 'AGENTS.override.md']);
    expect(result).toEqual({
      carried: ['CLAUDE.local.md', '.codex/config.toml', 'AGENTS.override.md'],
      failures: [{ path: '.mcp.json', reason: 'a symbolic link out of the repository' }],
    });
    expect(await readlink(join(path, 'CLAUDE.local.md'))).toBe('AGENTS.override.md');
    expect(await readFile(join(path, '.codex/config.toml'), 'utf8')).toBe('model = "o4"\n');
    expect(await lstat(join(path, '.mcp.json')).catch(() => 'none')).toBe('none');
  });

  it('a file that cannot be written is one reason; the others are carried', async () => {
    const { worktrees } = await agentSettingsRepo();
    const { path } = await worktrees.create({ name: 'blocked' });
    // A file where the settings' folder would go.
    await writeFile(join(path, '.claude'), 'a file\n');

    const result = await worktrees.carry('blocked', CLAUDE_FILES);
    expect(result.carried).toEqual(['CLAUDE.md', 'AGENTS.override.md']);
    expect(result.failures).toEqual([{ path: '.claude/settings.local.json', reason: '.claude is not a folder in the worktree' }]);
    expect(await readFile(join(path, 'CLAUDE.md'), 'utf8')).toBe(CLAUDE_MD);
  });
});

describe('carried files the agent left alone', () => {
  it('are neither committed to its branch nor counted in its figures; changed ones are its work', async () => {
    const { repo, worktrees } = await agentSettingsRepo();
    const { path } = await worktrees.create({ name: 'claude-ui' });
    await worktrees.carry('claude-ui', CLAUDE_FILES);

    expect(await worktrees.status('claude-ui')).toMatchObject({ filesChanged: 0, insertions: 0, untracked: 0, uncommitted: false });
    expect(await worktrees.commitPending('claude-ui', 'Nothing yet')).toEqual({ committed: false, commit: undefined });
    expect((await worktrees.compare(['claude-ui'])).attempts[0]).toMatchObject({ uncommitted: false, files: [] });

    // The agent writes a file of its own and adds to the carried override: both are its work.
    await writeFile(join(path, 'work.txt'), 'work\n');
    await writeFile(join(path, 'AGENTS.override.md'), `${OVERRIDE}The agent's addition.\n`);
    expect(await worktrees.status('claude-ui')).toMatchObject({ filesChanged: 0, untracked: 2, uncommitted: true });
    expect((await worktrees.commitPending('claude-ui', 'Work')).committed).toBe(true);
    expect(await committedFiles(repo, 'claude-ui')).toEqual(['AGENTS.override.md', 'work.txt']);
    // The carried CLAUDE.md stays as it was carried: changed in the worktree, not staged, not committed.
    expect(await repo.gitIn(path, 'diff', '--name-only', 'HEAD')).toBe('CLAUDE.md');
    expect(await repo.gitIn(path, 'diff', '--cached', '--name-only')).toBe('');
    expect(await readFile(join(path, 'CLAUDE.md'), 'utf8')).toBe(CLAUDE_MD);

    // A changed tracked file changed further: the agent's version goes onto its branch.
    await writeFile(join(path, 'CLAUDE.md'), `${CLAUDE_MD}The agent's note.\n`);
    expect(await worktrees.status('claude-ui')).toMatchObject({ filesChanged: 3, uncommitted: true });
    expect((await worktrees.commitPending('claude-ui', 'Note')).committed).toBe(true);
    expect(await repo.git('show', 'agentmux/claude-ui:CLAUDE.md')).toBe(`${CLAUDE_MD}The agent's note.`);
    expect(await committedFiles(repo, 'claude-ui')).toEqual(['AGENTS.override.md', 'CLAUDE.md', 'work.txt']);
    expect(await repo.git('ls-tree', '-r', '--name-only', 'agentmux/claude-ui')).not.toContain('settings.local.json');
  });

  it('stay left out for another GitWorktrees (a restarted server): the record lives with the branch', async () => {
    const { repo, worktrees } = await agentSettingsRepo();
    const { path } = await worktrees.create({ name: 'claude-ui' });
    await worktrees.carry('claude-ui', CLAUDE_FILES);
    await writeFile(join(path, 'work.txt'), 'work\n');

    const later = new GitWorktrees(repo.repo, { env: repo.env });
    expect(await later.status('claude-ui')).toMatchObject({ filesChanged: 0, untracked: 1, uncommitted: true });
    expect((await later.commitPending('claude-ui', 'Work')).committed).toBe(true);
    expect(await committedFiles(repo, 'claude-ui')).toEqual(['work.txt']);
  });

  it('do not keep discard from removing the worktree, which leaves the main checkout\'s files alone', async () => {
    const { repo, worktrees } = await agentSettingsRepo();
    const { path } = await worktrees.create({ name: 'idle' });
    await worktrees.carry('idle', CLAUDE_FILES);

    expect(await worktrees.discard('idle')).toEqual({ name: 'idle', removedWorktree: path, deletedBranch: true });
    expect(await repo.worktreeList()).toEqual([repo.repo]);
    expect(await repo.git('config', '--get-regexp', 'agentmux').catch(() => 'none')).toBe('none');
    expect(await repo.read('CLAUDE.md')).toBe(CLAUDE_MD);
    expect(await repo.read('.claude/settings.local.json')).toBe(SETTINGS);
  });

  it('a changed carried file still needs --force to discard', async () => {
    const { worktrees } = await agentSettingsRepo();
    const { path } = await worktrees.create({ name: 'edited' });
    await worktrees.carry('edited', CLAUDE_FILES);
    await writeFile(join(path, 'CLAUDE.md'), 'rewritten\n');
    await expect(worktrees.discard('edited')).rejects.toThrow(/uncommitted changes/);
    expect((await worktrees.discard('edited', { force: true })).removedWorktree).toBe(path);
  });
});
