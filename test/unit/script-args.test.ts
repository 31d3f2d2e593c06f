import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { parseScriptCommand } from '../../src/cli/script-args.js';
import { shellWord } from '../../src/core/shell-word.js';

describe('parseScriptCommand', () => {
  it('takes one word after -- as a command line, several as words quoted for sh -c', () => {
    expect(parseScriptCommand('run', ['--', 'make && make test'])).toEqual({ ok: true, command: { kind: 'run', json: false, command: 'make && make test' } });
    expect(parseScriptCommand('run', ['--name', 'greet', '--json', '--', 'echo', "it's", 'a b'])).toEqual({
      ok: true, command: { kind: 'run', json: true, name: 'greet', command: `echo 'it'\\''s' 'a b'` },
    });
  });

  it('reads agents [--json], and spawn --agent PROFILE', () => {
    expect(parseScriptCommand('agents', ['--json'])).toEqual({ ok: true, command: { kind: 'agents', json: true } });
    expect(parseScriptCommand('agents', [])).toEqual({ ok: true, command: { kind: 'agents', json: false } });
    expect(parseScriptCommand('agents', ['reviewer'])).toEqual({ ok: false, error: 'unexpected "reviewer"', usage: 'agentmux agents [--json]' });
    expect(parseScriptCommand('spawn', ['--agent', 'reviewer', 'audit', 'auth'])).toEqual({
      ok: true, command: { kind: 'spawn', json: false, task: 'audit auth', agent: 'reviewer' },
    });
  });

  it('reads worktree, base, after and budget flags', () => {
    expect(parseScriptCommand('run', ['--worktree', '--base', 'main', '--after', 'build', '--', 'npm', 'test'])).toEqual({
      ok: true, command: { kind: 'run', json: false, command: 'npm test', worktree: { base: 'main' }, after: 'build' },
    });
    expect(parseScriptCommand('spawn', ['--budget=2.5', '--max-tokens', '200000', 'audit', 'the', 'auth', 'module'])).toEqual({
      ok: true, command: { kind: 'spawn', json: false, task: 'audit the auth module', budgetUsd: 2.5, budgetTokens: 200000 },
    });
    expect(parseScriptCommand('new', ['claude', '--budget', '1', 'fix', 'it'])).toEqual({
      ok: true, command: { kind: 'new', json: false, cli: 'claude', task: 'fix it', budgetUsd: 1 },
    });
  });

  it('reads budget: an agent\'s or the session\'s, shown or set', () => {
    expect(parseScriptCommand('budget', ['build'])).toEqual({ ok: true, command: { kind: 'budget', name: 'build' } });
    expect(parseScriptCommand('budget', ['build', '2.50', '--max-tokens', '1000'])).toEqual({ ok: true, command: { kind: 'budget', name: 'build', usd: 2.5, tokens: 1000 } });
    expect(parseScriptCommand('budget', ['--session'])).toEqual({ ok: true, command: { kind: 'budget' } });
    expect(parseScriptCommand('budget', ['--session', '20'])).toEqual({ ok: true, command: { kind: 'budget', usd: 20 } });
  });

  it('refuses bad input with one line and the usage', () => {
    const refused = (kind: Parameters<typeof parseScriptCommand>[0], argv: string[]) => {
      const parsed = parseScriptCommand(kind, argv);
      if (parsed.ok) throw new Error(`accepted ${argv.join(' ')}`);
      return parsed.error;
    };
    expect(refused('run', ['echo', 'hi'])).toBe('put -- before the command: agentmux run [--name NAME] [--host HOST] [--worktree [--base REF]] [--after NAME] [--json] -- COMMAND…');
    expect(refused('run', ['--'])).toBe('nothing to run: give a command after --');
    expect(refused('run', ['--base', 'main', '--', 'true'])).toBe('--base goes with --worktree');
    expect(refused('spawn', ['--budget', 'lots', 'x'])).toBe('--budget must be an amount in USD above 0 (at most 10000), not "lots"');
    expect(refused('spawn', ['--max-tokens', '-5', 'x'])).toBe('--max-tokens must be a whole number of tokens above 0, not "-5"');
    expect(refused('spawn', ['--max-tokens', '2.5', 'x'])).toBe('--max-tokens must be a whole number of tokens above 0, not "2.5"');
    expect(refused('new', ['claude', '--budget', '0'])).toBe('--budget must be an amount in USD above 0 (at most 10000), not "0"');
    expect(refused('budget', [])).toBe('give an agent\'s name, or --session');
    expect(refused('budget', ['build', 'lots'])).toBe('the budget must be an amount in USD above 0 (at most 10000), not "lots"');
    expect(refused('budget', ['build', '2', '3'])).toBe('unexpected "3"');
    expect(refused('budget', ['--session', '--max-tokens', '5'])).toBe('the session\'s budget is in USD: agentmux budget --session USD');
    expect(refused('logs', [])).toBe('give the agent\'s name');
    expect(refused('logs', ['a', 'b'])).toBe('give one agent\'s name');
    expect(refused('wait', ['--nope', 'a'])).toBe('unknown option --nope');
    expect(refused('send', ['a'])).toBe('give an agent\'s name and the text to send');
    expect(refused('stop', ['now'])).toBe('unexpected "now"');
  });

  it('reads new: the kind first, then flags and an optional task', () => {
    expect(parseScriptCommand('new', ['claude'])).toEqual({ ok: true, command: { kind: 'new', json: false, cli: 'claude' } });
    expect(parseScriptCommand('new', ['codex', '--worktree', '--name', 'fixer', '--json', 'fix', 'the', 'test'])).toEqual({
      ok: true, command: { kind: 'new', json: true, cli: 'codex', task: 'fix the test', name: 'fixer', worktree: {} },
    });
    const parsed = parseScriptCommand('new', ['--name', 'x']);
    expect(parsed).toMatchObject({ ok: false, error: 'give the kind of CLI to start first: claude, codex, gemini, aider, or one from your config' });
  });

  it('reads logs, wait, send, kill and stop', () => {
    expect(parseScriptCommand('logs', ['build', '-f', '--raw'])).toEqual({ ok: true, command: { kind: 'logs', name: 'build', follow: true, raw: true } });
    expect(parseScriptCommand('wait', ['a', 'b', 'a', '--json'])).toEqual({ ok: true, command: { kind: 'wait', json: true, names: ['a', 'b'] } });
    expect(parseScriptCommand('send', ['build', 'yes', 'please'])).toEqual({ ok: true, command: { kind: 'send', name: 'build', text: 'yes please' } });
    expect(parseScriptCommand('kill', ['a', 'b'])).toEqual({ ok: true, command: { kind: 'kill', names: ['a', 'b'] } });
    expect(parseScriptCommand('rm', ['a', 'b'])).toEqual({ ok: true, command: { kind: 'rm', names: ['a', 'b'] } });
    expect(parseScriptCommand('rm', [])).toEqual({ ok: false, error: 'give the names of the ended agents to remove', usage: 'agentmux rm NAME…' });
    expect(parseScriptCommand('stop', ['--force'])).toEqual({ ok: true, command: { kind: 'stop', force: true } });
  });
});

describe('shellWord', () => {
  it('leaves plain words alone and single-quotes the rest', () => {
    expect(shellWord('src/a.ts')).toBe('src/a.ts');
    expect(shellWord('a b')).toBe(`'a b'`);
    expect(shellWord('$HOME')).toBe(`'$HOME'`);
    expect(shellWord('')).toBe(`''`);
  });
});

describe('parseArgs: sessions', () => {
  it('reads --continue, --resume with and without an ID, and --fork-session', () => {
    expect(parseArgs(['-c'])).toMatchObject({ ok: true, args: { session: { kind: 'continue' }, forkSession: false } });
    expect(parseArgs(['--resume'])).toMatchObject({ ok: true, args: { session: { kind: 'resume' } } });
    expect(parseArgs(['--resume', '1a2b3c4d', '--fork-session'])).toMatchObject({ ok: true, args: { session: { kind: 'resume', id: '1a2b3c4d' }, forkSession: true } });
    expect(parseArgs(['--resume', '--demo'])).toMatchObject({ ok: true, args: { session: { kind: 'resume' }, demo: true } });
  });

  it('refuses a bad ID, both at once, and --fork-session alone', () => {
    expect(parseArgs(['--resume=../x'])).toEqual({ ok: false, error: '--resume: "../x" is not a session ID (run agentmux --resume to choose one)' });
    expect(parseArgs(['--continue', '--resume'])).toEqual({ ok: false, error: 'give --continue or --resume once' });
    expect(parseArgs(['--fork-session'])).toEqual({ ok: false, error: '--fork-session goes with --continue or --resume' });
  });
});

describe('parseArgs: --agent', () => {
  it('takes the profile the main conversation runs as, a name by the agent name rule', () => {
    expect(parseArgs(['--agent', 'reviewer'])).toMatchObject({ ok: true, args: { agent: 'reviewer' } });
    expect(parseArgs(['--agent=reviewer', '--demo'])).toMatchObject({ ok: true, args: { agent: 'reviewer', demo: true } });
    expect(parseArgs(['--agent', '../x'])).toEqual({ ok: false, error: expect.stringMatching(/^--agent: invalid name "\.\.\/x": use lowercase letters/) });
    expect(parseArgs(['--agent'])).toEqual({ ok: false, error: '--agent needs a value' });
  });
});
