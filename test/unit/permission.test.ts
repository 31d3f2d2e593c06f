// Permission modes × tools, the read-only command allowlist (which must stay inside the working
// directory, checked against real files, links and hard links), and "always" answers.
import { link, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isReadOnlyCommand, PermissionSession, type PermissionMode } from '../../src/agent/permission.js';
import { toolNamed } from '../../src/agent/tools/index.js';

let root: string;
/** The agent's working directory: src/a.ts inside; ../outside/secret.txt beside it. */
let cwd: string;
let outside: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'agentmux-permission-'));
  cwd = path.join(root, 'work');
  outside = path.join(root, 'outside');
  await mkdir(path.join(cwd, 'src'), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(cwd, 'src', 'a.ts'), 'export const foo = 1;\n');
  await writeFile(path.join(outside, 'secret.txt'), 'top secret\n');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The approval question tool `name` asks for `input` under `session`, or undefined when it may run. */
function question(session: PermissionSession, name: string, input: unknown): string | undefined {
  const tool = toolNamed(name);
  if (!tool) throw new Error(`no tool ${name}`);
  const validation = tool.validate(input);
  if (!validation.ok) throw new Error(validation.error);
  return tool.approval(validation.value, { permissions: session, cwd });
}

function always(session: PermissionSession, name: string, input: unknown): void {
  const tool = toolNamed(name);
  const validation = tool?.validate(input);
  if (!tool || !validation?.ok) throw new Error('bad call');
  tool.allowAlways(validation.value, { permissions: session, cwd });
}

const calls: Array<[string, unknown]> = [
  ['read_file', { path: 'a.ts' }],
  ['list_files', { pattern: '**/*.ts' }],
  ['grep', { pattern: 'x' }],
  ['write_file', { path: 'a.ts', content: 'x\n' }],
  ['edit_file', { path: 'a.ts', old_string: 'x', new_string: 'y' }],
  ['bash', { command: 'ls -la' }],
  ['bash', { command: 'npm test' }],
  ['bash', { command: 'rm -rf build' }],
];

/** Which of `calls` ask, per mode. */
const expected: Record<PermissionMode, boolean[]> = {
  ask: [false, false, false, true, true, false, true, true],
  edits: [false, false, false, false, false, false, true, true],
  auto: [false, false, false, false, false, false, false, false],
};

describe('permission modes', () => {
  for (const mode of ['ask', 'edits', 'auto'] as const) {
    it(`${mode}: asks exactly for the calls that need approval`, () => {
      const session = new PermissionSession(mode);
      expect(calls.map(([name, input]) => question(session, name, input) !== undefined)).toEqual(expected[mode]);
    });
  }

  it('phrases the questions with the tool and its argument', () => {
    const session = new PermissionSession('ask');
    expect(question(session, 'bash', { command: 'rm -rf build' })).toBe('Allow bash: rm -rf build?');
    expect(question(session, 'write_file', { path: 'src/a.ts', content: 'a\nb\n' })).toBe('Allow write_file: src/a.ts (2 lines)?');
    expect(question(session, 'edit_file', { path: 'src/a.ts', old_string: 'a', new_string: 'b' })).toBe('Allow edit_file: src/a.ts?');
  });
});

describe('read-only allowlist', () => {
  it('accepts single read-only commands', () => {
    for (const command of ['ls', 'ls -la src', 'cat a.txt', 'head -n 5 a', 'tail a', 'wc -l a', 'grep -rn foo src', 'rg foo', 'find . -name "*.ts"', 'pwd', 'echo hi', 'git status', 'git log --oneline -5', 'git log -- src/a.ts', 'git diff HEAD~1', 'git show HEAD', 'git branch', 'git branch -a']) {
      expect(isReadOnlyCommand(command, cwd), command).toBe(true);
    }
  });

  it('refuses other programs and risky options', () => {
    for (const command of ['rm a', 'npm test', 'find . -delete', 'find . -exec rm {} +', "find . -ok rm '{}' ;", 'find . -fprint out', 'git commit -m x', 'git push', 'git branch -D main', 'git branch new-branch', 'git diff --output=x', 'rg --pre sh foo', 'FOO=1 ls', '/bin/rm x', 'git', '']) {
      expect(isReadOnlyCommand(command, cwd), command).toBe(false);
    }
  });

  it('refuses any shell metacharacter', () => {
    for (const command of ['ls; rm -rf /', 'cat a | sh', 'ls && rm x', 'ls || rm x', 'echo x > a', 'cat < a', 'echo `rm x`', 'echo $(rm x)', 'echo $HOME', 'ls &', 'ls (x)', 'ls\nrm x']) {
      expect(isReadOnlyCommand(command, cwd), JSON.stringify(command)).toBe(false);
    }
  });
});

describe('read-only commands stay inside the working directory', () => {
  /** Whether bash asks for `command` in ask mode, and in edits mode (which must agree). */
  function asks(command: string): boolean {
    const inAsk = question(new PermissionSession('ask'), 'bash', { command });
    const inEdits = question(new PermissionSession('edits'), 'bash', { command });
    expect(inEdits, `edits mode: ${command}`).toBe(inAsk);
    return inAsk !== undefined;
  }

  it('still runs ordinary read-only commands inside without asking', async () => {
    await symlink(path.join(cwd, 'src', 'a.ts'), path.join(cwd, 'alias.ts')); // a link that stays inside
    for (const command of ['ls', 'ls -la src', 'cat src/a.ts', 'cat alias.ts', 'cat src/*.ts', 'head -n 5 src/a.ts', 'wc -l src/a.ts',
      'git status', 'git log --oneline -5', 'git log -- src/a.ts', 'git diff HEAD~1', 'git diff main..feature', 'git show HEAD:src/a.ts',
      'grep -rn foo src', 'grep -rn "foo bar" src', 'rg foo', 'find . -name "*.ts"', 'pwd', 'echo hi', 'ls ...']) {
      expect(asks(command), command).toBe(false);
    }
  });

  it('asks for absolute paths, ~ and .. (the model read the API key with cat /proc/self/environ)', () => {
    for (const command of ['cat /proc/self/environ', 'cat /etc/passwd', 'cat ../x', 'cat ../outside/secret.txt', 'cat src/../../outside/secret.txt',
      'ls ~', 'cat ~/.ssh/id_rsa', 'ls ..', 'grep -r x /', 'grep -rn secret ..', 'find / -name id_rsa', 'find .. -name "*.txt"',
      'git -C /tmp log', 'git diff --no-index /etc/passwd src/a.ts', 'git diff --no-index ../outside/secret.txt src/a.ts', 'git show HEAD:../x']) {
      expect(asks(command), command).toBe(true);
    }
  });

  it('asks for option values that reach outside: --opt=/x, -o /x, -o/x', () => {
    for (const command of ['grep -f /etc/shadow src', 'grep --file=/etc/shadow src', 'grep -f/etc/shadow src', 'grep --file=../x src',
      'grep -rnf../outside/secret.txt src', 'rg --ignore-file=/etc/x foo', 'rg --ignore-file ~/x foo', 'find . -newer /etc/passwd',
      'git diff -O/etc/passwd', 'git log --format=x:/etc/passwd', 'git log --since=~/x']) {
      expect(asks(command), command).toBe(true);
    }
  });

  it('sees through quoting: what the shell runs is checked, not how it is spelled', () => {
    for (const command of ["cat '/'etc/passwd", 'cat "/etc/passwd"', 'cat \\/etc/passwd', 'cat ".."/outside/secret.txt', "cat '.''.'/x",
      'cat "src/../../outside/secret.txt"', 'cat "~"/x', "cat 'unclosed", 'cat trailing\\']) {
      expect(asks(command), command).toBe(true);
    }
  });

  it('asks for a symbolic link inside that leads outside, and for a file with more than one hard link', async () => {
    await symlink(outside, path.join(cwd, 'out'));
    await symlink(path.join(outside, 'secret.txt'), path.join(cwd, 'innocent.txt'));
    await symlink(path.join(outside, 'missing.txt'), path.join(cwd, 'dangling'));
    await link(path.join(outside, 'secret.txt'), path.join(cwd, 'hard.txt'));
    for (const command of ['cat innocent.txt', 'cat out/secret.txt', 'ls out', 'ls out/', 'grep -r secret out', 'find out', 'rg secret out',
      'git diff --no-index innocent.txt src/a.ts', 'cat dangling', 'cat out/new/deeper', 'cat hard.txt', 'grep secret hard.txt',
      'grep -f hard.txt src', 'grep --file=innocent.txt src', 'head -c 100 ./src/../hard.txt']) {
      expect(asks(command), command).toBe(true);
    }
    expect(asks('cat src/a.ts'), 'an ordinary file beside them').toBe(false);
  });

  it('asks for globs that may match .. or a link out, and for braces', async () => {
    expect(asks('cat src/*.ts')).toBe(false);
    for (const command of ['cat .*/secret.txt', 'ls .?', 'ls .[.]', 'cat */secret.txt', 'ls src/*/x', 'cat {/etc/passwd,x}', 'cat {..,src}/x']) {
      expect(asks(command), command).toBe(true);
    }
    await symlink(path.join(outside, 'secret.txt'), path.join(cwd, 'src', 'b.ts'));
    expect(asks('cat src/*.ts'), 'the glob would match src/b.ts, a link out').toBe(true);
    expect(asks('grep -r secret src/*'), 'grep -r follows links named on its command line').toBe(true);
    expect(asks('cat "src/*.ts"'), 'a quoted * is a literal name').toBe(false);
  });

  it('asks for options that follow links while recursing or read names from a file', () => {
    for (const command of ['find -L .', 'find . -follow', 'rg --follow foo', 'rg -L foo', 'rg -nL foo', 'ls -L', 'ls -lL src', 'ls --dereference',
      'grep -R foo .', 'grep -rnR foo', 'grep --dereference-recursive foo', 'grep --dereference-rec foo', 'wc --files0-from=list',
      'wc --files0=list', 'find . -files0-from list', 'rg --hostname-bin=./x foo', 'git diff --ext', 'git log --outp=x']) {
      expect(asks(command), command).toBe(true);
    }
  });
});

describe("git's own files", () => {
  it('git commands ask when the directory itself could be a repository (a HEAD, no .git) whose config the file tools can write', async () => {
    const session = new PermissionSession('edits');
    expect(question(session, 'bash', { command: 'git status' })).toBeUndefined();
    await writeFile(path.join(cwd, 'HEAD'), 'ref: refs/heads/main\n');
    expect(question(session, 'bash', { command: 'git status' })).toBe('Allow bash: git status?');
    expect(question(session, 'bash', { command: 'cat HEAD' })).toBeUndefined();
    await mkdir(path.join(cwd, '.git'));
    expect(question(session, 'bash', { command: 'git status' }), 'git uses .git first').toBeUndefined();
  });
});

describe('always', () => {
  it('allows that write/edit tool for the session, not the other', () => {
    const session = new PermissionSession('ask');
    always(session, 'write_file', { path: 'a', content: '' });
    expect(question(session, 'write_file', { path: 'b', content: 'x' })).toBeUndefined();
    expect(question(session, 'edit_file', { path: 'b', old_string: 'x', new_string: 'y' })).toBeDefined();
  });

  it('allows the command prefix word for bash, but not with metacharacters', () => {
    const session = new PermissionSession('edits');
    always(session, 'bash', { command: 'npm test' });
    expect(question(session, 'bash', { command: 'npm test' })).toBeUndefined();
    expect(question(session, 'bash', { command: 'npm run build' })).toBeUndefined();
    expect(question(session, 'bash', { command: 'npm test; rm -rf ~' })).toBeDefined();
    expect(question(session, 'bash', { command: 'make' })).toBeDefined();
  });

  it('allows only that line for an allowlisted program that asked because of what it was given', () => {
    const session = new PermissionSession('ask');
    always(session, 'bash', { command: 'cat ../notes.txt' });
    expect(question(session, 'bash', { command: 'cat ../notes.txt' })).toBeUndefined();
    expect(question(session, 'bash', { command: 'cat /proc/self/environ' })).toBeDefined();
    always(session, 'bash', { command: 'git -C .. log' });
    expect(question(session, 'bash', { command: 'git -C / log' })).toBeDefined();
  });

  it('remembers an exact command line that has metacharacters', () => {
    const session = new PermissionSession('ask');
    always(session, 'bash', { command: 'npm test 2>&1 | tail -5' });
    expect(question(session, 'bash', { command: 'npm test 2>&1 | tail -5' })).toBeUndefined();
    expect(question(session, 'bash', { command: 'npm test 2>&1 | sh' })).toBeDefined();
  });
});
