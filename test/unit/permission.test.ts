// Permission modes × tools, the read-only command allowlist, and "always" answers.
import { describe, expect, it } from 'vitest';
import { isReadOnlyCommand, PermissionSession, type PermissionMode } from '../../src/agent/permission.js';
import { toolNamed } from '../../src/agent/tools/index.js';

/** The approval question tool `name` asks for `input` under `session`, or undefined when it may run. */
function question(session: PermissionSession, name: string, input: unknown): string | undefined {
  const tool = toolNamed(name);
  if (!tool) throw new Error(`no tool ${name}`);
  const validation = tool.validate(input);
  if (!validation.ok) throw new Error(validation.error);
  return tool.approval(validation.value, { permissions: session });
}

function always(session: PermissionSession, name: string, input: unknown): void {
  const tool = toolNamed(name);
  const validation = tool?.validate(input);
  if (!tool || !validation?.ok) throw new Error('bad call');
  tool.allowAlways(validation.value, { permissions: session });
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
    for (const command of ['ls', 'ls -la src', 'cat a.txt', 'head -n 5 a', 'tail a', 'wc -l a', 'grep -rn foo src', 'rg foo', 'find . -name "*.ts"', 'pwd', 'echo hi', 'git status', 'git log --oneline -5', 'git diff HEAD~1', 'git show HEAD', 'git branch', 'git branch -a']) {
      expect(isReadOnlyCommand(command), command).toBe(true);
    }
  });

  it('refuses other programs and risky options', () => {
    for (const command of ['rm a', 'npm test', 'find . -delete', 'find . -exec rm {} +', "find . -ok rm '{}' ;", 'find . -fprint out', 'git commit -m x', 'git push', 'git branch -D main', 'git branch new-branch', 'git diff --output=x', 'rg --pre sh foo', 'FOO=1 ls', '/bin/rm x', 'git', '']) {
      expect(isReadOnlyCommand(command), command).toBe(false);
    }
  });

  it('refuses any shell metacharacter', () => {
    for (const command of ['ls; rm -rf /', 'cat a | sh', 'ls && rm x', 'ls || rm x', 'echo x > a', 'cat < a', 'echo `rm x`', 'echo $(rm x)', 'echo $HOME', 'ls &', 'ls (x)', 'ls\nrm x']) {
      expect(isReadOnlyCommand(command), JSON.stringify(command)).toBe(false);
    }
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

  it('remembers an exact command line that has metacharacters', () => {
    const session = new PermissionSession('ask');
    always(session, 'bash', { command: 'npm test 2>&1 | tail -5' });
    expect(question(session, 'bash', { command: 'npm test 2>&1 | tail -5' })).toBeUndefined();
    expect(question(session, 'bash', { command: 'npm test 2>&1 | sh' })).toBeDefined();
  });
});
