import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/core/config-schema.js';
import { configPaths, displayPath, findProjectRoot, loadConfig, userConfigDir } from '../../src/store/config-files.js';

let root: string;
let home: string;
let repo: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'agentmux-config-'));
  home = join(root, 'home');
  repo = join(root, 'repo');
  await mkdir(join(repo, '.git'), { recursive: true });
  await mkdir(join(repo, 'src', 'deep'), { recursive: true });
  await mkdir(home, { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function writeJson(path: string, content: unknown): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
}

const userConfig = () => join(home, '.config', 'agentmux', 'config.json');
const projectConfig = () => join(repo, '.agentmux', 'config.json');

describe('userConfigDir', () => {
  it('uses an absolute XDG_CONFIG_HOME, else ~/.config', () => {
    expect(userConfigDir({ XDG_CONFIG_HOME: '/xdg' }, '/home/u')).toBe('/xdg/agentmux');
    expect(userConfigDir({}, '/home/u')).toBe('/home/u/.config/agentmux');
    expect(userConfigDir({ XDG_CONFIG_HOME: '' }, '/home/u')).toBe('/home/u/.config/agentmux');
    expect(userConfigDir({ XDG_CONFIG_HOME: 'relative' }, '/home/u')).toBe('/home/u/.config/agentmux');
  });
});

describe('displayPath', () => {
  it('shows the home directory as ~', () => {
    expect(displayPath('/home/u/.config/agentmux/config.json', '/home/u')).toBe('~/.config/agentmux/config.json');
    expect(displayPath('/home/u', '/home/u')).toBe('~');
    expect(displayPath('/home/user2/x', '/home/u')).toBe('/home/user2/x');
  });
});

describe('findProjectRoot', () => {
  it('finds the git work tree root, or keeps cwd outside one', async () => {
    expect(await findProjectRoot(join(repo, 'src', 'deep'))).toBe(repo);
    expect(await findProjectRoot(repo)).toBe(repo);
    expect(await findProjectRoot(home)).toBe(home);
  });

  it('accepts a .git file (worktrees, submodules)', async () => {
    const worktree = join(root, 'worktree');
    await mkdir(join(worktree, 'sub'), { recursive: true });
    await writeFile(join(worktree, '.git'), 'gitdir: /elsewhere\n');
    expect(await findProjectRoot(join(worktree, 'sub'))).toBe(worktree);
  });
});

describe('loadConfig', () => {
  it('gives the defaults when there are no files', async () => {
    expect(await loadConfig({ cwd: repo, env: {}, homeDir: home })).toEqual({ ok: true, config: DEFAULT_CONFIG, sources: [] });
  });

  it('merges the user file and then the project file at the repo root', async () => {
    await writeJson(userConfig(), { theme: 'light', notifications: { bell: false }, keys: { quit: 'C-x' }, flashMs: 1000 });
    await writeJson(projectConfig(), { theme: 'high-contrast', keys: { background: 'C-g' } });
    const result = await loadConfig({ cwd: join(repo, 'src', 'deep'), env: {}, homeDir: home });
    expect(result).toEqual({
      ok: true,
      config: {
        ...DEFAULT_CONFIG,
        theme: 'high-contrast',
        notifications: { bell: false, osc9: true },
        keys: { ...DEFAULT_CONFIG.keys, quit: 'C-x', background: 'C-g' },
        flashMs: 1000,
      },
      sources: [userConfig(), projectConfig()],
    });
  });

  it('reads the user file from XDG_CONFIG_HOME', async () => {
    const xdg = join(root, 'xdg');
    await writeJson(join(xdg, 'agentmux', 'config.json'), { scrollback: 10 });
    await writeJson(userConfig(), { scrollback: 20 });
    const result = await loadConfig({ cwd: repo, env: { XDG_CONFIG_HOME: xdg }, homeDir: home });
    expect(result.ok && result.config.scrollback).toBe(10);
    expect(await configPaths({ cwd: repo, env: { XDG_CONFIG_HOME: xdg }, homeDir: home })).toEqual([
      join(xdg, 'agentmux', 'config.json'),
      projectConfig(),
    ]);
  });

  it('uses cwd for the project file outside a repository', async () => {
    const plain = join(root, 'plain');
    await writeJson(join(plain, '.agentmux', 'config.json'), { killGraceMs: 500 });
    const result = await loadConfig({ cwd: plain, env: {}, homeDir: home });
    expect(result.ok && result.config.killGraceMs).toBe(500);
  });

  it('names the file, with ~ for home, in validation errors', async () => {
    await writeJson(userConfig(), { notifications: { sound: true } });
    expect(await loadConfig({ cwd: repo, env: {}, homeDir: home })).toEqual({
      ok: false,
      error: '~/.config/agentmux/config.json: notifications.sound: unknown key (known: bell, osc9)',
    });
  });

  it('names the file and position of a JSON syntax error', async () => {
    await writeJson(projectConfig(), '{\n  "theme": "dark"\n  "flashMs": 600\n}\n');
    expect(await loadConfig({ cwd: repo, env: {}, homeDir: home })).toEqual({
      ok: false,
      error: `${projectConfig()}: invalid JSON at line 3, column 3: unexpected "\\""`,
    });
  });

  it('rejects a summary prepared no earlier than it is swapped in, after merging', async () => {
    await writeJson(userConfig(), { compaction: { prepareAt: 70 } });
    await writeJson(projectConfig(), { compaction: { swapAt: 70 } });
    expect(await loadConfig({ cwd: repo, env: {}, homeDir: home })).toEqual({
      ok: false,
      error: `~/.config/agentmux/config.json, ${projectConfig()}: compaction.prepareAt (70) must be below compaction.swapAt (70)`,
    });
  });

  it('rejects two actions on one key after merging', async () => {
    await writeJson(projectConfig(), { keys: { quit: 'C-c' } });
    expect(await loadConfig({ cwd: repo, env: {}, homeDir: home })).toEqual({
      ok: false,
      error: `${projectConfig()}: keys.quit and keys.interrupt are both "C-c"`,
    });
  });
});
