import { createHash } from 'node:crypto';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { preparePrivateDir, runtimeDir, stateRoot, workspaceStateDir } from '../../src/store/state-paths.js';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'agentmux-paths-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const modeOf = (path: string): number => lstatSync(path).mode & 0o777;
const hash12 = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 12);

describe('stateRoot and runtimeDir', () => {
  it('use an absolute XDG variable, else the fallback', () => {
    expect(stateRoot({ XDG_STATE_HOME: '/xdg/state' }, '/home/u')).toBe('/xdg/state/agentmux');
    expect(stateRoot({}, '/home/u')).toBe('/home/u/.local/state/agentmux');
    expect(stateRoot({ XDG_STATE_HOME: 'relative' }, '/home/u')).toBe('/home/u/.local/state/agentmux');
    expect(runtimeDir({ XDG_RUNTIME_DIR: '/run/user/1000' }, 1000, '/tmp')).toBe('/run/user/1000/agentmux');
    expect(runtimeDir({}, 1000, '/tmp')).toBe('/tmp/agentmux-1000');
    expect(runtimeDir({ XDG_RUNTIME_DIR: 'run' }, 1000, '/tmp')).toBe('/tmp/agentmux-1000');
  });
});

describe('workspaceStateDir', () => {
  it('is a slug of the folder name plus a hash of the whole path', () => {
    expect(workspaceStateDir('/s', '/home/u/My Project!')).toBe(`/s/repos/my-project-${hash12('/home/u/My Project!')}`);
    expect(workspaceStateDir('/s', '/')).toBe(`/s/repos/root-${hash12('/')}`);
    expect(workspaceStateDir('/s', '/w/__ü__')).toBe(`/s/repos/root-${hash12('/w/__ü__')}`);
  });

  it('keeps the slug within 32 characters without a trailing "-"', () => {
    const name = `${'a'.repeat(31)} b`;
    expect(workspaceStateDir('/s', `/w/${name}`)).toBe(`/s/repos/${'a'.repeat(31)}-${hash12(`/w/${name}`)}`);
  });

  it('tells apart two repositories with the same folder name', () => {
    expect(workspaceStateDir('/s', '/a/app')).not.toBe(workspaceStateDir('/s', '/b/app'));
  });
});

describe('preparePrivateDir', () => {
  it('creates the directory and its parents with mode 0700', () => {
    const dir = join(root, 'state', 'agentmux');
    preparePrivateDir(dir);
    expect(lstatSync(dir).isDirectory()).toBe(true);
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(join(root, 'state'))).toBe(0o700);
  });

  it('accepts an existing private directory unchanged', () => {
    const dir = join(root, 'private');
    mkdirSync(dir, { mode: 0o700 });
    writeFileSync(join(dir, 'kept'), 'x');
    preparePrivateDir(dir);
    expect(modeOf(dir)).toBe(0o700);
    expect(lstatSync(join(dir, 'kept')).isFile()).toBe(true);
  });

  it('refuses a directory others can read, and says how to fix it', () => {
    const dir = join(root, 'open');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    expect(() => preparePrivateDir(dir)).toThrow(`${dir} is not private (mode 0755): run chmod 700 ${dir}`);
    expect(modeOf(dir)).toBe(0o755);
  });

  it('refuses a symbolic link, even to a private directory', () => {
    const target = join(root, 'target');
    mkdirSync(target, { mode: 0o700 });
    const link = join(root, 'link');
    symlinkSync(target, link);
    expect(() => preparePrivateDir(link)).toThrow(`${link} is a symbolic link, not a directory: remove it`);
    const dangling = join(root, 'dangling');
    symlinkSync(join(root, 'nowhere'), dangling);
    expect(() => preparePrivateDir(dangling)).toThrow(`${dangling} is a symbolic link, not a directory: remove it`);
  });

  it('refuses a file in its place', () => {
    const file = join(root, 'file');
    writeFileSync(file, '');
    expect(() => preparePrivateDir(file)).toThrow(/not a directory/);
  });

  it.runIf(process.getuid?.() === 0)('refuses a directory owned by another user', () => {
    const dir = join(root, 'theirs');
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, 1000, 1000);
    expect(() => preparePrivateDir(dir)).toThrow(`${dir} is owned by uid 1000, not you (uid 0): remove it or use another directory (XDG_RUNTIME_DIR, XDG_STATE_HOME)`);
  });
});
