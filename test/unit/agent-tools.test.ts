// The worker's tools against real temporary directories: happy paths, and every refusal as a tool error.
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { chmod, link, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHANNEL_ENV } from '../../src/core/report-channel.js';
import { resolveInside } from '../../src/agent/paths.js';
import { sanitize } from '../../src/agent/sanitize.js';
import { globToRegExp, staticPrefix } from '../../src/agent/tools/glob.js';
import { MAX_GREP_MATCHES } from '../../src/agent/tools/grep.js';
import { MAX_LISTED_FILES } from '../../src/agent/tools/list-files.js';
import { toolNamed, WORKER_TOOLS, type ToolContext, type ToolResult } from '../../src/agent/tools/index.js';

let root: string;
let cwd: string;
let outside: string;
let ctx: ToolContext;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'agentmux-tools-'));
  cwd = path.join(root, 'work');
  outside = path.join(root, 'outside');
  await mkdir(cwd);
  await mkdir(outside);
  await writeFile(path.join(outside, 'secret.txt'), 'top secret\n');
  ctx = { cwd };
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Validates and runs tool `name` like the worker does; a validation failure comes back as an error result. */
async function call(name: string, input: unknown, context: ToolContext = ctx): Promise<ToolResult> {
  const tool = toolNamed(name);
  if (!tool) throw new Error(`no tool ${name}`);
  const validation = tool.validate(input);
  if (!validation.ok) return { content: validation.error, isError: true };
  return tool.run(validation.value, context);
}

const file = (relative: string): string => path.join(cwd, relative);
const secretPath = (): string => path.join(outside, 'secret.txt');
const modeOf = async (absolute: string): Promise<number> => (await stat(absolute)).mode & 0o777;

/** Whether process `pid` still runs (a zombie left for a non-reaping init counts as gone). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (macOS): kill(0) succeeded, so it runs
  }
}

describe('tool declarations', () => {
  it('offers the contract names with object schemas', () => {
    expect(WORKER_TOOLS.map((tool) => tool.name)).toEqual(['read_file', 'write_file', 'edit_file', 'list_files', 'grep', 'bash']);
    for (const tool of WORKER_TOOLS) {
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.description.length).toBeGreaterThan(20);
    }
  });

  it('refuses inputs that are not objects, naming the expected fields', () => {
    expect(toolNamed('read_file')?.validate('src/a.ts')).toEqual({ ok: false, error: expect.stringMatching(/object with a "path" field/) });
    expect(toolNamed('bash')?.validate(null)).toMatchObject({ ok: false });
    expect(toolNamed('list_files')?.validate(undefined)).toEqual({ ok: true, value: {} });
  });
});

describe('paths', () => {
  it('resolves relative paths inside cwd', async () => {
    expect(await resolveInside(cwd, 'src/a.ts')).toEqual({ ok: true, absolute: file('src/a.ts'), relative: path.join('src', 'a.ts') });
    expect(await resolveInside(cwd, '.')).toMatchObject({ ok: true, relative: '.' });
    expect(await resolveInside(cwd, 'src/../b.ts')).toMatchObject({ ok: true, relative: 'b.ts' });
  });

  it('refuses absolute paths, .. escapes and symlinks that lead outside', async () => {
    expect(await resolveInside(cwd, '/etc/passwd')).toMatchObject({ ok: false, error: expect.stringMatching(/absolute paths are not allowed/) });
    expect(await resolveInside(cwd, '../outside/secret.txt')).toMatchObject({ ok: false, error: expect.stringMatching(/outside the working directory/) });
    await symlink(outside, file('link'));
    expect(await resolveInside(cwd, 'link/secret.txt')).toMatchObject({ ok: false, error: expect.stringMatching(/symbolic link that leads outside/) });
    expect(await resolveInside(cwd, 'link/new/deep.txt')).toMatchObject({ ok: false, error: expect.stringMatching(/symbolic link/) });
  });

  it('allows symlinks that stay inside', async () => {
    await mkdir(file('real'));
    await symlink(file('real'), file('alias'));
    expect(await resolveInside(cwd, 'alias/x.txt')).toMatchObject({ ok: true });
  });
});

describe('read_file', () => {
  it('returns the content of a text file', async () => {
    await mkdir(file('src'));
    await writeFile(file('src/a.ts'), 'export const a = 1;\n');
    expect(await call('read_file', { path: 'src/a.ts' })).toEqual({ content: 'export const a = 1;\n' });
    await writeFile(file('empty.txt'), '');
    expect((await call('read_file', { path: 'empty.txt' })).content).toMatch(/empty/);
  });

  it('refuses missing fields and wrong types, naming the field', async () => {
    expect(await call('read_file', {})).toEqual({ content: expect.stringMatching(/missing required field "path"/), isError: true });
    expect(await call('read_file', { path: 42 })).toEqual({ content: expect.stringMatching(/field "path" must be a string/), isError: true });
  });

  it('refuses escapes: .., absolute, symlink to outside', async () => {
    expect(await call('read_file', { path: '../outside/secret.txt' })).toMatchObject({ isError: true, content: expect.stringMatching(/outside the working directory/) });
    expect(await call('read_file', { path: path.join(outside, 'secret.txt') })).toMatchObject({ isError: true, content: expect.stringMatching(/absolute/) });
    await symlink(path.join(outside, 'secret.txt'), file('innocent.txt'));
    const viaLink = await call('read_file', { path: 'innocent.txt' });
    expect(viaLink).toMatchObject({ isError: true, content: expect.stringMatching(/symbolic link/) });
    expect(viaLink.content).not.toContain('top secret');
  });

  it('refuses a file with more than one hard link, in one line that says what to do', async () => {
    await link(secretPath(), file('hard.txt'));
    const result = await call('read_file', { path: 'hard.txt' });
    expect(result).toMatchObject({ isError: true, content: expect.stringMatching(/^hard\.txt has 2 hard links .*outside the working directory.*bash/) });
    expect(result.content).not.toContain('top secret');
    expect(result.content).not.toContain('\n');
  });

  it('refuses a named pipe without waiting for a writer', async () => {
    execFileSync('mkfifo', [file('pipe')]);
    expect(await call('read_file', { path: 'pipe' })).toMatchObject({ isError: true, content: expect.stringMatching(/not a regular file/) });
  });

  it('reports missing files, directories, binary files and files over 1 MB', async () => {
    expect(await call('read_file', { path: 'nope.txt' })).toMatchObject({ isError: true, content: expect.stringMatching(/file not found: nope\.txt/) });
    await mkdir(file('dir'));
    expect(await call('read_file', { path: 'dir' })).toMatchObject({ isError: true, content: expect.stringMatching(/is a directory/) });
    await writeFile(file('image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
    expect(await call('read_file', { path: 'image.png' })).toMatchObject({ isError: true, content: expect.stringMatching(/binary/) });
    await writeFile(file('big.txt'), 'x'.repeat(1024 * 1024 + 1));
    expect(await call('read_file', { path: 'big.txt' })).toMatchObject({ isError: true, content: expect.stringMatching(/1 MB/) });
  });
});

describe('write_file', () => {
  it('creates files (and parent directories) and overwrites them', async () => {
    expect(await call('write_file', { path: 'a/b/c.txt', content: 'one\ntwo\n' })).toEqual({ content: expect.stringMatching(/created .*c\.txt \(8 bytes, 2 lines\)/), wrote: 'a/b/c.txt' });
    expect(await readFile(file('a/b/c.txt'), 'utf8')).toBe('one\ntwo\n');
    expect(await call('write_file', { path: 'a/b/c.txt', content: '' })).toEqual({ content: expect.stringMatching(/overwrote/), wrote: 'a/b/c.txt' });
    expect(await readFile(file('a/b/c.txt'), 'utf8')).toBe('');
  });

  it('replaces a hard-linked file by a new one: its other names keep their content', async () => {
    await link(secretPath(), file('hard.txt'));
    expect(await call('write_file', { path: 'hard.txt', content: 'mine\n' })).toEqual({ content: expect.stringMatching(/^overwrote hard\.txt/), wrote: 'hard.txt' });
    expect(await readFile(file('hard.txt'), 'utf8')).toBe('mine\n');
    expect(await readFile(secretPath(), 'utf8')).toBe('top secret\n');
    expect((await stat(secretPath())).nlink).toBe(1);
  });

  it('keeps the mode of a file it replaces, gives a new file the default mode, and leaves no temporary file', async () => {
    await writeFile(file('run.sh'), 'echo old\n');
    await chmod(file('run.sh'), 0o750);
    expect(await call('write_file', { path: 'run.sh', content: 'echo new\n' })).toMatchObject({ content: expect.stringMatching(/overwrote/) });
    expect(await modeOf(file('run.sh'))).toBe(0o750);
    await writeFile(file('reference.txt'), '');
    expect(await call('write_file', { path: 'new.txt', content: 'x' })).toMatchObject({ content: expect.stringMatching(/created/) });
    expect(await modeOf(file('new.txt'))).toBe(await modeOf(file('reference.txt')));
    expect((await readdir(cwd)).sort()).toEqual(['new.txt', 'reference.txt', 'run.sh']);
  });

  it('writes through a symbolic link that stays inside to the file it names', async () => {
    await writeFile(file('real.txt'), 'old\n');
    await symlink('real.txt', file('alias.txt'));
    expect(await call('write_file', { path: 'alias.txt', content: 'new\n' })).toMatchObject({ content: expect.stringMatching(/overwrote alias\.txt/) });
    expect((await lstat(file('alias.txt'))).isSymbolicLink()).toBe(true);
    expect(await readFile(file('real.txt'), 'utf8')).toBe('new\n');
  });

  it('refuses escapes, directories and missing fields', async () => {
    expect(await call('write_file', { path: '../outside/x.txt', content: 'x' })).toMatchObject({ isError: true });
    expect(await call('write_file', { path: '/tmp/x.txt', content: 'x' })).toMatchObject({ isError: true });
    await symlink(outside, file('out'));
    expect(await call('write_file', { path: 'out/new.txt', content: 'x' })).toMatchObject({ isError: true, content: expect.stringMatching(/symbolic link/) });
    await symlink(path.join(outside, 'missing.txt'), file('dangling'));
    expect(await call('write_file', { path: 'dangling', content: 'x' })).toMatchObject({ isError: true, content: expect.stringMatching(/symbolic link/) });
    await expect(readFile(path.join(outside, 'missing.txt'))).rejects.toThrow();
    await mkdir(file('dir'));
    expect(await call('write_file', { path: 'dir', content: 'x' })).toMatchObject({ isError: true, content: expect.stringMatching(/is a directory/) });
    expect(await call('write_file', { path: 'x.txt' })).toEqual({ content: expect.stringMatching(/missing required field "content"/), isError: true });
    expect(await call('write_file', { content: 'x' })).toEqual({ content: expect.stringMatching(/missing required field "path"/), isError: true });
  });
});

describe("git's own files", () => {
  // In edits mode these writes need no approval, and git status (allowlisted) runs core.fsmonitor from .git/config.
  beforeEach(async () => {
    await mkdir(file('.git/hooks'), { recursive: true });
    await writeFile(file('.git/config'), '[core]\n');
  });

  it('write_file and edit_file refuse paths in .git, also through a symbolic link, and say why', async () => {
    const refusal = { isError: true, content: expect.stringMatching(/^path "[^"]+" is in git's own files \(\.git\).*run programs.*; use git commands/) };
    expect(await call('write_file', { path: '.git/config', content: '[core]\n\tfsmonitor = ./evil\n' })).toMatchObject(refusal);
    expect(await call('edit_file', { path: '.git/config', old_string: '[core]', new_string: '[core]\n\tfsmonitor = ./evil' })).toMatchObject(refusal);
    expect(await call('write_file', { path: '.git/hooks/post-index-change', content: 'evil' })).toMatchObject(refusal);
    expect(await call('write_file', { path: 'sub/.git/config', content: 'x' })).toMatchObject(refusal);
    expect(await call('write_file', { path: './src/../.git', content: 'gitdir: elsewhere\n' })).toMatchObject(refusal);
    await symlink('.git/config', file('cfg'));
    await symlink('.git', file('meta'));
    expect(await call('write_file', { path: 'cfg', content: 'x' })).toMatchObject(refusal);
    expect(await call('write_file', { path: 'meta/new-file', content: 'x' })).toMatchObject(refusal);
    expect(await readFile(file('.git/config'), 'utf8')).toBe('[core]\n');
    expect(await readdir(file('.git/hooks'))).toEqual([]);
  });

  it('still reads .git and writes names that only start with .git', async () => {
    expect(await call('read_file', { path: '.git/config' })).toEqual({ content: '[core]\n' });
    expect(await call('write_file', { path: '.gitignore', content: 'dist\n' })).toMatchObject({ content: expect.stringMatching(/created/) });
    expect(await call('write_file', { path: '.github/workflows/ci.yml', content: 'x\n' })).toMatchObject({ content: expect.stringMatching(/created/) });
  });
});

describe('edit_file', () => {
  beforeEach(async () => {
    await writeFile(file('code.ts'), 'const a = 1;\nconst b = 2;\nconst b2 = 2;\n');
  });

  it('replaces the one occurrence, keeping $ patterns literal', async () => {
    const result = await call('edit_file', { path: 'code.ts', old_string: 'const a = 1;', new_string: 'const a = "$&$1";' });
    expect(result).toEqual({ content: expect.stringMatching(/edited code\.ts/), wrote: 'code.ts' });
    expect(await readFile(file('code.ts'), 'utf8')).toBe('const a = "$&$1";\nconst b = 2;\nconst b2 = 2;\n');
  });

  it('says how many times old_string occurs when it is not unique, and when it is missing', async () => {
    expect(await call('edit_file', { path: 'code.ts', old_string: '= 2;', new_string: '= 3;' })).toMatchObject({ isError: true, content: expect.stringMatching(/occurs twice/) });
    expect(await call('edit_file', { path: 'code.ts', old_string: 'const', new_string: 'let' })).toMatchObject({ isError: true, content: expect.stringMatching(/occurs 3 times/) });
    expect(await call('edit_file', { path: 'code.ts', old_string: 'const c', new_string: 'x' })).toMatchObject({ isError: true, content: expect.stringMatching(/was not found/) });
    expect(await readFile(file('code.ts'), 'utf8')).toBe('const a = 1;\nconst b = 2;\nconst b2 = 2;\n');
  });

  it('refuses a hard-linked file and leaves its other names unchanged', async () => {
    await link(secretPath(), file('hard.txt'));
    const result = await call('edit_file', { path: 'hard.txt', old_string: 'top', new_string: 'no' });
    expect(result).toMatchObject({ isError: true, content: expect.stringMatching(/hard links/) });
    expect(result.content).not.toContain('top secret');
    expect(await readFile(secretPath(), 'utf8')).toBe('top secret\n');
  });

  it('keeps the mode of the file it edits', async () => {
    await chmod(file('code.ts'), 0o700);
    expect(await call('edit_file', { path: 'code.ts', old_string: 'const a = 1;', new_string: 'const a = 2;' })).toMatchObject({ content: expect.stringMatching(/edited/) });
    expect(await modeOf(file('code.ts'))).toBe(0o700);
    expect(await readdir(cwd)).toEqual(['code.ts']);
  });

  it('refuses bad input and escapes', async () => {
    expect(await call('edit_file', { path: 'code.ts', old_string: 'a', new_string: 'a' })).toMatchObject({ isError: true, content: expect.stringMatching(/the same/) });
    expect(await call('edit_file', { path: 'code.ts', old_string: '', new_string: 'a' })).toMatchObject({ isError: true, content: expect.stringMatching(/"old_string" must not be empty/) });
    expect(await call('edit_file', { path: 'code.ts', old_string: 'a' })).toMatchObject({ isError: true, content: expect.stringMatching(/missing required field "new_string"/) });
    expect(await call('edit_file', { path: '../outside/secret.txt', old_string: 'top', new_string: 'no' })).toMatchObject({ isError: true });
    expect(await readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('top secret\n');
    expect(await call('edit_file', { path: 'missing.ts', old_string: 'a', new_string: 'b' })).toMatchObject({ isError: true, content: expect.stringMatching(/not found/) });
  });
});

describe('glob', () => {
  it('matches *, **, ?, sets and alternatives', () => {
    const ts = globToRegExp('src/**/*.ts');
    expect(ts.test('src/a.ts')).toBe(true);
    expect(ts.test('src/deep/er/b.ts')).toBe(true);
    expect(ts.test('src/a.tsx')).toBe(false);
    expect(ts.test('lib/a.ts')).toBe(false);
    expect(globToRegExp('*.{json,md}').test('package.json')).toBe(true);
    expect(globToRegExp('*.{json,md}').test('docs/x.md')).toBe(false);
    expect(globToRegExp('file?.[ab]').test('file1.a')).toBe(true);
    expect(globToRegExp('file?.[!ab]').test('file1.a')).toBe(false);
    expect(globToRegExp('**').test('any/thing/at/all')).toBe(true);
    expect(globToRegExp('a+b(c).txt').test('a+b(c).txt')).toBe(true);
    expect(staticPrefix('src/lib/**/*.ts')).toBe('src/lib');
    expect(staticPrefix('*.ts')).toBe('');
  });
});

describe('list_files', () => {
  beforeEach(async () => {
    await mkdir(file('src/deep'), { recursive: true });
    await mkdir(file('node_modules/pkg'), { recursive: true });
    await mkdir(file('.git'), { recursive: true });
    await writeFile(file('src/a.ts'), '');
    await writeFile(file('src/deep/b.ts'), '');
    await writeFile(file('src/c.js'), '');
    await writeFile(file('README.md'), '');
    await writeFile(file('node_modules/pkg/index.ts'), '');
    await writeFile(file('.git/HEAD'), '');
  });

  it('lists files matching a glob, skipping .git and node_modules', async () => {
    expect(await call('list_files', { pattern: 'src/**/*.ts' })).toEqual({ content: 'src/a.ts\nsrc/deep/b.ts' });
    expect(await call('list_files', { pattern: '**/*.ts' })).toEqual({ content: 'src/a.ts\nsrc/deep/b.ts' });
    expect(await call('list_files', {})).toEqual({ content: 'README.md\nsrc/a.ts\nsrc/c.js\nsrc/deep/b.ts' });
    expect(await call('list_files', { pattern: 'src' })).toEqual({ content: 'src/a.ts\nsrc/c.js\nsrc/deep/b.ts' });
    expect(await call('list_files', { pattern: '*.md' })).toEqual({ content: 'README.md' });
    expect((await call('list_files', { pattern: '*.xyz' })).content).toMatch(/no files match/);
  });

  it('refuses patterns that leave cwd and symlinked bases outside', async () => {
    expect(await call('list_files', { pattern: '../outside/*' })).toMatchObject({ isError: true, content: expect.stringMatching(/outside/) });
    expect(await call('list_files', { pattern: `${outside}/*` })).toMatchObject({ isError: true, content: expect.stringMatching(/absolute/) });
    await symlink(outside, file('out'));
    expect(await call('list_files', { pattern: 'out/*' })).toMatchObject({ isError: true, content: expect.stringMatching(/symbolic link/) });
    expect(await call('list_files', { pattern: 7 })).toMatchObject({ isError: true, content: expect.stringMatching(/field "pattern" must be a string/) });
  });

  it('does not walk into a symbolic link that leads outside', async () => {
    await symlink(outside, file('src/out'));
    expect(await call('list_files', { pattern: 'src/**' })).toEqual({ content: 'src/a.ts\nsrc/c.js\nsrc/deep/b.ts\nsrc/out' });
  });

  it('caps the number of results with a note', async () => {
    await mkdir(file('many'));
    await Promise.all(Array.from({ length: MAX_LISTED_FILES + 20 }, (_, index) => writeFile(file(`many/f${index}.txt`), '')));
    const result = await call('list_files', { pattern: 'many/*.txt' });
    const lines = result.content.split('\n');
    expect(lines).toHaveLength(MAX_LISTED_FILES + 1);
    expect(lines.at(-1)).toMatch(/… 20 more files not shown/);
  });
});

describe('grep', () => {
  beforeEach(async () => {
    await mkdir(file('src'));
    await writeFile(file('src/auth.ts'), 'import x;\nfunction login(user) {\n  return check(user);\n}\n');
    await writeFile(file('src/other.ts'), 'const login = 1;\n');
    await writeFile(file('blob.bin'), Buffer.from([0x6c, 0x6f, 0x67, 0x69, 0x6e, 0x00, 0x01]));
    await mkdir(file('node_modules'));
    await writeFile(file('node_modules/x.js'), 'login\n');
  });

  it('returns file:line:text for matching lines, skipping binaries and node_modules', async () => {
    expect(await call('grep', { pattern: 'login' })).toEqual({ content: 'src/auth.ts:2:function login(user) {\nsrc/other.ts:1:const login = 1;' });
    expect(await call('grep', { pattern: 'function\\s+\\w+\\(', path: 'src/auth.ts' })).toEqual({ content: 'src/auth.ts:2:function login(user) {' });
    expect((await call('grep', { pattern: 'nothing-here' })).content).toMatch(/no matches/);
  });

  it('refuses bad regexes, missing fields and escapes', async () => {
    expect(await call('grep', { pattern: '(' })).toMatchObject({ isError: true, content: expect.stringMatching(/not a valid JavaScript regular expression/) });
    expect(await call('grep', {})).toMatchObject({ isError: true, content: expect.stringMatching(/missing required field "pattern"/) });
    expect(await call('grep', { pattern: 'secret', path: '../outside' })).toMatchObject({ isError: true });
    expect(await call('grep', { pattern: 'x', path: 'missing' })).toMatchObject({ isError: true, content: expect.stringMatching(/not found/) });
  });

  it('does not read through a symbolic link it meets while walking', async () => {
    await symlink(secretPath(), file('src/innocent.txt'));
    await symlink(outside, file('src/out'));
    expect(await call('grep', { pattern: 'secret' })).toEqual({ content: 'no matches for /secret/ in .' });
  });

  it('does not read a hard-linked file, and says so', async () => {
    await link(secretPath(), file('src/hard.txt'));
    const walked = await call('grep', { pattern: 'secret|login' });
    expect(walked.content).not.toContain('top secret');
    expect(walked.content).toMatch(/^src\/auth\.ts:2:.*\nsrc\/other\.ts:1:.*\n\[1 file with more than one hard link not searched: .*\]$/);
    const named = await call('grep', { pattern: 'secret', path: 'src/hard.txt' });
    expect(named.content).not.toContain('top secret');
    expect(named.content).toMatch(/1 file with more than one hard link not searched/);
  });

  it('caps the matches with a note', async () => {
    await writeFile(file('many.txt'), 'hit\n'.repeat(MAX_GREP_MATCHES + 50));
    const result = await call('grep', { pattern: '^hit$', path: 'many.txt' });
    const lines = result.content.split('\n');
    expect(lines).toHaveLength(MAX_GREP_MATCHES + 1);
    expect(lines.at(-1)).toMatch(/capped at 200/);
  });
});

describe('bash', () => {
  it('runs in cwd and reports the exit code', async () => {
    expect(await call('bash', { command: 'pwd; echo err >&2' })).toEqual({ content: `${realpathSync(cwd)}\nerr\n[exit code 0]` });
    expect(await call('bash', { command: 'exit 3' })).toEqual({ content: '(no output)\n[exit code 3]' });
  });

  it('times out: kills the whole process group and returns the output so far', async () => {
    const started = Date.now();
    const result = await call('bash', { command: 'echo before; sleep 30 & echo $! > child.pid; wait', timeout_ms: 300 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.isError).toBe(true);
    expect(result.content).toMatch(/^timed out after 300 ms/);
    expect(result.content).toContain('before');
    const pid = Number(await readFile(file('child.pid'), 'utf8'));
    expect(isAlive(pid)).toBe(false); // the background sleep is gone too
  });

  it('truncates huge output in the middle with a note', async () => {
    const result = await call('bash', { command: 'i=0; while [ $i -lt 20000 ]; do echo "line $i"; i=$((i+1)); done' });
    expect(result.content.length).toBeLessThan(31_000);
    expect(result.content).toMatch(/\[… \d+ characters truncated\]/);
    expect(result.content).toContain('line 0\n');
    expect(result.content).toContain('line 19999\n[exit code 0]');
  });

  it('passes commands no model credentials and not the report channel', async () => {
    const env = {
      ...process.env, ANTHROPIC_API_KEY: 'sk-ant-key-123', ANTHROPIC_AUTH_TOKEN: 'token-456', CLAUDE_CODE_OAUTH_TOKEN: 'oauth-789',
      OPENAI_API_KEY: 'sk-openai-1', GEMINI_API_KEY: 'gemini-2', [CHANNEL_ENV]: '/tmp/amx-x/channel', KEEP_ME: 'kept',
    };
    const result = await call('bash', { command: 'env' }, { cwd, env });
    for (const value of ['sk-ant-key-123', 'token-456', 'oauth-789', 'sk-openai-1', 'gemini-2', CHANNEL_ENV]) expect(result.content).not.toContain(value);
    expect(result.content).toContain('KEEP_ME=kept');
    expect(result.content).toContain('PATH=');
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    const running = call('bash', { command: 'sleep 30' }, { cwd, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    expect(await running).toMatchObject({ isError: true, content: expect.stringMatching(/interrupted/) });
  });

  it('validates command and timeout_ms', async () => {
    expect(await call('bash', {})).toMatchObject({ isError: true, content: expect.stringMatching(/missing required field "command"/) });
    expect(await call('bash', { command: '   ' })).toMatchObject({ isError: true, content: expect.stringMatching(/blank/) });
    expect(await call('bash', { command: 'ls', timeout_ms: 700_000 })).toMatchObject({ isError: true, content: expect.stringMatching(/"timeout_ms" must be between 1 and 600000/) });
    expect(await call('bash', { command: 'ls', timeout_ms: '5' })).toMatchObject({ isError: true, content: expect.stringMatching(/"timeout_ms" must be an integer/) });
  });
});

describe('sanitize', () => {
  it('removes escape sequences and control characters, keeping newlines and tabs', () => {
    expect(sanitize('a\x1b[31mred\x1b[0m\tb\nc')).toBe('ared\tb\nc');
    expect(sanitize('x\x1b]7717;secret;eyJ0eXBlIjoi\x07y')).toBe('xy');
    expect(sanitize('x\x1b]0;title\x1b\\y')).toBe('xy');
    expect(sanitize('bell\x07 back\b del\x7f c1\x9b31m done')).toBe('bell back del c1 done');
    expect(sanitize('crlf\r\nlone\rend')).toBe('crlf\nlone\nend');
    expect(sanitize('\x1bPdcs stuff\x1b\\ok \x1b7saved \x1b(B')).toBe('ok saved ');
    expect(sanitize('unicode ✓ stays')).toBe('unicode ✓ stays');
    for (const text of ['\x1b', '\x1b]7717;s;', '\x9d7717;s;x\x07']) expect(sanitize(text)).not.toMatch(/[\x1b\x07\x9d]/);
  });
});
