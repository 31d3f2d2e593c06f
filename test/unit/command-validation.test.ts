import { describe, expect, it } from 'vitest';
import { parseClientHello, parseClientMessage, sendableEnvironment } from '../../src/core/command-validation.js';
import type { ClientCommand, ClientHello } from '../../src/core/protocol.js';

/** One valid example of every command type, with its optional fields set. */
const EXAMPLES: { [T in ClientCommand['type']]: Extract<ClientCommand, { type: T }> } = {
  run: { type: 'run', command: 'npm test', name: 'tests', cwd: '/repo', worktree: { base: 'main' }, after: 'build' },
  kill: { type: 'kill', name: 'tests' },
  attach: { type: 'attach', name: 'tests' },
  detach: { type: 'detach' },
  input: { type: 'input', data: '\u001b[A\r\u0000' },
  paste: { type: 'paste', text: 'line one\nline two' },
  scroll: { type: 'scroll', lines: -20 },
  send: { type: 'send', name: 'tests', text: 'yes' },
  resize: { type: 'resize', cols: 120, rows: 40 },
  chat: { type: 'chat', text: 'fix the build' },
  spawn: {
    type: 'spawn', task: 'write docs', name: 'docs', budgetUsd: 0.5, budgetTokens: 200_000, cwd: '/repo/sub', worktree: {}, after: 'tests', agent: 'doc-writer',
  },
  profiles: { type: 'profiles' },
  new: {
    type: 'new', cli: 'claude', task: 'fix the login test', name: 'claude-login', cwd: '/repo', worktree: {}, after: 'tests', budgetUsd: 1, budgetTokens: 1000,
  },
  budget: { type: 'budget', name: 'docs', session: false, usd: 2.5, tokens: 500_000 },
  compare: { type: 'compare', names: ['a', 'b'] },
  fileDiff: { type: 'fileDiff', name: 'a', file: 'src/main.ts' },
  merge: { type: 'merge', name: 'a', into: 'release/1.0', squash: true },
  discard: { type: 'discard', names: ['a'], force: false },
  remove: { type: 'remove', names: ['a', 'b'] },
  interrupt: { type: 'interrupt' },
  background: { type: 'background' },
  logs: { type: 'logs', name: 'a', follow: true, raw: true },
  shutdown: { type: 'shutdown', force: true },
  fork: { type: 'fork' },
  compact: { type: 'compact', instructions: 'keep the test names' },
  draft: { type: 'draft', text: 'half of a message' },
  resume: { type: 'resume', session: '0f3a-9c' },
  spend: { type: 'spend' },
};

/** The commands with only their required fields. */
const MINIMAL: ClientCommand[] = [
  { type: 'run', command: 'ls', cwd: '/' },
  { type: 'spawn', task: 't', cwd: '/' },
  { type: 'new', cli: 'codex', cwd: '/' },
  { type: 'budget' },
  { type: 'merge', name: 'a' },
  { type: 'discard', names: ['a'] },
  { type: 'logs', name: 'a' },
  { type: 'shutdown' },
  { type: 'resume' },
  { type: 'compact' },
  { type: 'scroll', lines: 'live' },
];

function errorFor(value: unknown): string {
  const result = parseClientMessage(value);
  if (result.ok) throw new Error(`accepted ${JSON.stringify(value)}`);
  return result.error;
}

describe('parseClientMessage accepts', () => {
  it.each(Object.values(EXAMPLES))('$type', (command) => {
    const wire = JSON.parse(JSON.stringify(command)) as unknown;
    expect(parseClientMessage(wire)).toEqual({ ok: true, message: command });
    expect(parseClientMessage({ ...command, id: 7 })).toEqual({ ok: true, message: { ...command, id: 7 } });
  });

  it.each(MINIMAL)('$type with only its required fields', (command) => {
    expect(parseClientMessage(command)).toEqual({ ok: true, message: command });
  });

  it('returns a fresh object', () => {
    const command = { type: 'chat', text: 'hi' };
    const result = parseClientMessage(command);
    expect(result.ok && result.message).not.toBe(command);
  });

  it('the bounds themselves', () => {
    for (const value of [
      { type: 'resize', cols: 2, rows: 1000 },
      { type: 'scroll', lines: 1_000_000 },
      { type: 'scroll', lines: -1_000_000 },
      { type: 'scroll', lines: 0 },
      { type: 'kill', name: 'n'.repeat(64) },
      { type: 'chat', text: 'x'.repeat(64 * 1024) },
      { type: 'input', data: 'x'.repeat(256 * 1024) },
      { type: 'compare', names: Array.from({ length: 16 }, (_, i) => `a${i}`) },
      { type: 'merge', name: 'a', into: 'r'.repeat(256) },
      { type: 'fileDiff', name: 'a', file: 'f'.repeat(4096) },
      { type: 'run', command: 'ls', cwd: `/${'d'.repeat(4095)}` },
      { type: 'detach', id: 0 },
      { type: 'detach', id: Number.MAX_SAFE_INTEGER },
    ]) {
      expect(parseClientMessage(value).ok, JSON.stringify(value).slice(0, 80)).toBe(true);
    }
  });

  it('names the server judges itself (syntax is not checked here)', () => {
    for (const name of ['', 'Bad Name!', 'ünïcode', '../x']) expect(parseClientMessage({ type: 'kill', name }).ok).toBe(true);
  });

  it('an optional field set to undefined (in-process), as absent', () => {
    expect(parseClientMessage({ type: 'run', command: 'ls', cwd: '/', name: undefined })).toEqual({
      ok: true,
      message: { type: 'run', command: 'ls', cwd: '/' },
    });
  });
});

describe('parseClientMessage refuses', () => {
  it('what is not an object', () => {
    expect(errorFor(null)).toBe('a message must be an object, not null');
    expect(errorFor([{ type: 'detach' }])).toBe('a message must be an object, not an array');
    expect(errorFor('detach')).toBe('a message must be an object, not a string');
    expect(errorFor(3)).toBe('a message must be an object, not a number');
    expect(errorFor(undefined)).toBe('a message must be an object, not undefined');
  });

  it('a missing, mistyped or unknown type', () => {
    expect(errorFor({})).toBe('a message must have a type');
    expect(errorFor({ type: 3 })).toBe('type must be a string');
    expect(errorFor({ type: 'foo' })).toBe('unknown command type "foo"');
    expect(errorFor({ type: 'hello' })).toBe('unknown command type "hello"');
    expect(errorFor({ type: 'toString' })).toBe('unknown command type "toString"');
    expect(errorFor({ type: '__proto__' })).toBe('unknown command type "__proto__"');
  });

  it('an unknown type on one short line', () => {
    const error = errorFor({ type: `x\n${'y'.repeat(1000)}` });
    expect(error).not.toContain('\n');
    expect(error.length).toBeLessThan(80);
  });

  it('a missing field', () => {
    expect(errorFor({ type: 'run', cwd: '/' })).toBe('run.command is missing');
    expect(errorFor({ type: 'run', command: 'ls' })).toBe('run.cwd is missing');
    expect(errorFor({ type: 'resize', cols: 80 })).toBe('resize.rows is missing');
    expect(errorFor({ type: 'compare' })).toBe('compare.names is missing');
  });

  it('a field of the wrong type', () => {
    expect(errorFor({ type: 'run', command: 42, cwd: '/' })).toBe('run.command must be a string');
    expect(errorFor({ type: 'run', command: null, cwd: '/' })).toBe('run.command must be a string');
    expect(errorFor({ type: 'run', command: 'ls', cwd: '/', name: 1 })).toBe('run.name must be a string');
    expect(errorFor({ type: 'logs', name: 'a', follow: 'yes' })).toBe('logs.follow must be true or false');
    expect(errorFor({ type: 'chat', text: ['hi'] })).toBe('chat.text must be a string');
    expect(errorFor({ type: 'input', data: { 0: 'a' } })).toBe('input.data must be a string');
  });

  it('an unknown field', () => {
    expect(errorFor({ type: 'chat', text: 'hi', x: 1 })).toBe('chat has an unknown field "x"');
    expect(errorFor({ type: 'detach', name: 'a' })).toBe('detach has an unknown field "name"');
    expect(errorFor(JSON.parse('{"type":"chat","text":"hi","__proto__":{"x":1}}'))).toBe('chat has an unknown field "__proto__"');
    expect(errorFor({ type: 'run', command: 'ls', cwd: '/', worktree: { base: 'main', path: '/tmp' } })).toBe(
      'run.worktree has an unknown field "path"',
    );
  });

  it('oversized strings', () => {
    expect(errorFor({ type: 'kill', name: 'n'.repeat(65) })).toBe('kill.name must be at most 64 characters');
    expect(errorFor({ type: 'chat', text: 'x'.repeat(64 * 1024 + 1) })).toBe('chat.text must be at most 65536 characters');
    expect(errorFor({ type: 'spawn', task: 'x'.repeat(64 * 1024 + 1), cwd: '/' })).toBe('spawn.task must be at most 65536 characters');
    expect(errorFor({ type: 'input', data: 'x'.repeat(256 * 1024 + 1) })).toBe('input.data must be at most 262144 characters');
    expect(errorFor({ type: 'merge', name: 'a', into: 'r'.repeat(257) })).toBe('merge.into must be at most 256 characters');
    expect(errorFor({ type: 'run', command: 'ls', cwd: '/', worktree: { base: 'r'.repeat(257) } })).toBe(
      'run.worktree.base must be at most 256 characters',
    );
    expect(errorFor({ type: 'fileDiff', name: 'a', file: 'f'.repeat(4097) })).toBe('fileDiff.file must be at most 4096 characters');
    expect(errorFor({ type: 'run', command: 'ls', cwd: `/${'d'.repeat(4096)}` })).toBe('run.cwd must be at most 4096 characters');
  });

  it('NUL in names, paths and refs', () => {
    expect(errorFor({ type: 'kill', name: 'a\0b' })).toBe('kill.name must not contain a NUL character');
    expect(errorFor({ type: 'run', command: 'ls', cwd: '/a\0' })).toBe('run.cwd must not contain a NUL character');
    expect(errorFor({ type: 'fileDiff', name: 'a', file: 'x\0' })).toBe('fileDiff.file must not contain a NUL character');
    expect(errorFor({ type: 'merge', name: 'a', into: 'main\0' })).toBe('merge.into must not contain a NUL character');
    expect(errorFor({ type: 'compare', names: ['a', 'b\0'] })).toBe('compare.names[1] must not contain a NUL character');
    expect(errorFor({ type: 'run', command: 'ls\0', cwd: '/' })).toBe('run.command must not contain a NUL character');
  });

  it('a relative cwd', () => {
    expect(errorFor({ type: 'run', command: 'ls', cwd: 'repo' })).toBe('run.cwd must be an absolute path');
    expect(errorFor({ type: 'spawn', task: 't', cwd: '' })).toBe('spawn.cwd must be an absolute path');
  });

  it('a bad id', () => {
    for (const id of [-1, 1.5, '1', null, Number.MAX_SAFE_INTEGER + 1, Infinity, NaN, [1]]) {
      expect(errorFor({ type: 'detach', id }), String(id)).toBe('detach.id must be a non-negative integer');
    }
  });

  it('NaN and infinities', () => {
    expect(errorFor({ type: 'resize', cols: NaN, rows: 24 })).toBe('resize.cols must be an integer from 2 to 1000');
    expect(errorFor({ type: 'scroll', lines: Infinity })).toBe('scroll.lines must be an integer from -1000000 to 1000000 or "live"');
    expect(errorFor({ type: 'spawn', task: 't', cwd: '/', budgetUsd: NaN })).toBe('spawn.budgetUsd must be a number greater than 0');
    expect(errorFor({ type: 'spawn', task: 't', cwd: '/', budgetUsd: Infinity })).toBe('spawn.budgetUsd must be a number greater than 0');
  });

  it('a bad size', () => {
    for (const [cols, rows] of [[1, 24], [80, 1001], [80.5, 24], ['80', 24], [0, 0], [-80, 24]]) {
      const error = errorFor({ type: 'resize', cols, rows });
      expect(error).toMatch(/^resize\.(cols|rows) must be an integer from 2 to 1000$/);
    }
  });

  it('a bad scroll', () => {
    for (const lines of [1_000_001, -1_000_001, 0.5, 'up', '10', null]) {
      expect(errorFor({ type: 'scroll', lines })).toBe('scroll.lines must be an integer from -1000000 to 1000000 or "live"');
    }
  });

  it('a budget that is not positive, and tokens that are not a whole number above 0', () => {
    for (const budgetUsd of [0, -1, '5']) {
      expect(errorFor({ type: 'spawn', task: 't', cwd: '/', budgetUsd })).toBe('spawn.budgetUsd must be a number greater than 0');
    }
    for (const tokens of [0, -1, 1.5, '5', NaN, 2e12]) {
      expect(errorFor({ type: 'budget', name: 'a', tokens }), String(tokens)).toBe('budget.tokens must be an integer from 1 to 1000000000000');
    }
    expect(errorFor({ type: 'new', cli: 'claude', cwd: '/', budgetTokens: 0 })).toBe('new.budgetTokens must be an integer from 1 to 1000000000000');
    expect(errorFor({ type: 'budget', session: 'yes' })).toBe('budget.session must be true or false');
  });

  it('bad lists of names', () => {
    const rule = 'compare.names must be an array of 1 to 16 names';
    expect(errorFor({ type: 'compare', names: [] })).toBe(rule);
    expect(errorFor({ type: 'compare', names: Array.from({ length: 17 }, (_, i) => `a${i}`) })).toBe(rule);
    expect(errorFor({ type: 'compare', names: 'a' })).toBe(rule);
    expect(errorFor({ type: 'discard', names: ['a', 2] })).toBe('discard.names[1] must be a string');
    expect(errorFor({ type: 'discard', names: ['n'.repeat(65)] })).toBe('discard.names[0] must be at most 64 characters');
  });

  it('a worktree that is not an object', () => {
    expect(errorFor({ type: 'run', command: 'ls', cwd: '/', worktree: true })).toBe('run.worktree must be an object, not a boolean');
    expect(errorFor({ type: 'spawn', task: 't', cwd: '/', worktree: null })).toBe('spawn.worktree must be an object, not null');
    expect(errorFor({ type: 'spawn', task: 't', cwd: '/', worktree: ['main'] })).toBe('spawn.worktree must be an object, not an array');
  });

  it('a CLI that is not a CLI name', () => {
    const rule = 'new.cli must be a CLI name (^[a-z][a-z0-9-]{0,23}$)';
    for (const cli of ['', 'Claude', '../bin/sh', '-x', 'a'.repeat(25), 7]) expect(errorFor({ type: 'new', cli, cwd: '/' })).toBe(rule);
  });

  it('a bad session id', () => {
    const rule = 'resume.session must be 1 to 64 characters of 0-9, a-f and "-"';
    for (const session of ['', '../x', 'ABC', 'a'.repeat(65), 3]) expect(errorFor({ type: 'resume', session })).toBe(rule);
  });
});

const HELLO: ClientHello = {
  type: 'hello',
  version: 2,
  role: 'screen',
  cwd: '/home/me/repo',
  flags: { model: 'claude-sonnet-4.5:beta_1', permissionMode: 'edits', demo: false, agent: 'reviewer' },
  session: { kind: 'resume', id: '01234567-89ab-cdef', fork: true },
  env: { PATH: '/usr/bin:/bin', _private: '', LANG: 'C.UTF-8' },
  latest: true,
};

function helloError(value: unknown): string {
  const result = parseClientHello(value);
  if (result.ok) throw new Error(`accepted ${JSON.stringify(value)}`);
  return result.error;
}

describe('parseClientHello', () => {
  it('accepts a full hello', () => {
    expect(parseClientHello(JSON.parse(JSON.stringify(HELLO)))).toEqual({ ok: true, hello: HELLO });
  });

  it('accepts every session choice and empty flags', () => {
    for (const session of [{ kind: 'current' }, { kind: 'continue' }, { kind: 'continue', fork: false }, { kind: 'resume', id: 'abc' }] as const) {
      const hello = { ...HELLO, role: 'script' as const, flags: {}, session };
      expect(parseClientHello(hello)).toEqual({ ok: true, hello });
    }
  });

  it('refuses an environment that is not one', () => {
    expect(helloError({ ...HELLO, env: ['PATH=/bin'] })).toBe('hello.env must be an object, not an array');
    expect(helloError({ ...HELLO, env: { 'A=B': 'x' } })).toBe('hello.env has a variable name that is not one: "A=B"');
    expect(helloError({ ...HELLO, env: { '1X': 'x' } })).toBe('hello.env has a variable name that is not one: "1X"');
    expect(helloError({ ...HELLO, env: { PATH: 3 } })).toBe('hello.env.PATH must be a string without NUL');
    expect(helloError({ ...HELLO, env: { PATH: 'a\0b' } })).toBe('hello.env.PATH must be a string without NUL');
    expect(helloError({ ...HELLO, env: { BIG: 'x'.repeat(512 * 1024) } })).toBe('hello.env must be at most 524288 characters in all');
  });

  it('sends of a process environment what a hello can carry, and nothing when even that is too much', () => {
    expect(sendableEnvironment({ PATH: '/bin', 'odd.name': 'x', 'with-dash': 'y', UNSET: undefined, _ok: '' })).toEqual({ PATH: '/bin', _ok: '' });
    expect(sendableEnvironment({ BIG: 'x'.repeat(512 * 1024) })).toBeUndefined();
    expect(parseClientHello({ ...HELLO, env: sendableEnvironment({ ...process.env, 'odd.name': 'x' }) }).ok).toBe(true);
  });

  it('accepts another integer version (the caller answers it)', () => {
    expect(parseClientHello({ ...HELLO, version: 99 }).ok).toBe(true);
    expect(parseClientHello({ ...HELLO, version: 0 }).ok).toBe(true);
  });

  it('gives the version with the error when it could read it', () => {
    expect(parseClientHello({ ...HELLO, version: 3, extra: true })).toEqual({ ok: false, error: 'hello has an unknown field "extra"', version: 3 });
    expect(parseClientHello({ ...HELLO, version: '3' })).toEqual({ ok: false, error: 'hello.version must be an integer' });
  });

  it('refuses what is not a hello', () => {
    expect(helloError(null)).toBe('hello must be an object, not null');
    expect(helloError([HELLO])).toBe('hello must be an object, not an array');
    expect(helloError({ ...HELLO, type: 'chat' })).toBe('hello.type must be "hello"');
    expect(helloError({ type: 'detach' })).toBe('hello.type must be "hello"');
  });

  it('refuses bad fields', () => {
    expect(helloError({ ...HELLO, version: 2.5 })).toBe('hello.version must be an integer');
    expect(helloError({ ...HELLO, version: NaN })).toBe('hello.version must be an integer');
    expect(helloError({ ...HELLO, role: 'admin' })).toBe('hello.role must be "screen" or "script"');
    expect(helloError({ ...HELLO, cwd: 'repo' })).toBe('hello.cwd must be an absolute path');
    expect(helloError({ ...HELLO, cwd: '/a\0b' })).toBe('hello.cwd must not contain a NUL character');
    expect(helloError({ ...HELLO, cwd: `/${'x'.repeat(4096)}` })).toBe('hello.cwd must be at most 4096 characters');
    expect(helloError({ ...HELLO, flags: undefined })).toBe('hello.flags is missing');
    expect(helloError({ ...HELLO, flags: null })).toBe('hello.flags must be an object, not null');
    expect(helloError({ ...HELLO, flags: { colour: 'red' } })).toBe('hello.flags has an unknown field "colour"');
    expect(helloError({ ...HELLO, flags: { demo: 1 } })).toBe('hello.flags.demo must be true or false');
    expect(helloError({ ...HELLO, flags: { permissionMode: 'yolo' } })).toBe('hello.flags.permissionMode must be "ask", "edits" or "auto"');
  });

  it('refuses a bad model id', () => {
    for (const model of ['', '-model', 'a b', 'a/b', `m${'x'.repeat(100)}`, 'mødel', 7]) {
      expect(helloError({ ...HELLO, flags: { model } })).toMatch(/^hello\.flags\.model must be a model id/);
    }
    expect(parseClientHello({ ...HELLO, flags: { model: `m${'x'.repeat(99)}` } }).ok).toBe(true);
  });

  it('refuses a bad session', () => {
    expect(helloError({ ...HELLO, session: 'current' })).toBe('hello.session must be an object, not a string');
    expect(helloError({ ...HELLO, session: {} })).toBe('hello.session.kind must be "current", "continue" or "resume"');
    expect(helloError({ ...HELLO, session: { kind: 'latest' } })).toBe('hello.session.kind must be "current", "continue" or "resume"');
    expect(helloError({ ...HELLO, session: { kind: 'current', fork: true } })).toBe('hello.session has an unknown field "fork"');
    expect(helloError({ ...HELLO, session: { kind: 'continue', fork: 'no' } })).toBe('hello.session.fork must be true or false');
    expect(helloError({ ...HELLO, session: { kind: 'resume' } })).toBe('hello.session.id is missing');
    const idRule = 'hello.session.id must be 1 to 64 characters of 0-9, a-f and "-"';
    for (const id of ['', '../../etc', 'g', 'a'.repeat(65), 12]) expect(helloError({ ...HELLO, session: { kind: 'resume', id } })).toBe(idRule);
    expect(parseClientHello({ ...HELLO, session: { kind: 'resume', id: 'a'.repeat(64) } }).ok).toBe(true);
  });
});
