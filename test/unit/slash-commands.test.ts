import { describe, expect, it } from 'vitest';
import { NAME_RULE } from '../../src/core/names.js';
import { DESCRIPTIONS, USAGE, parseSlashCommand, type ParseResult, type SlashCommand } from '../../src/core/slash-commands.js';

function ok(line: string): SlashCommand {
  const result = parseSlashCommand(line);
  if (!result.ok) throw new Error(`${JSON.stringify(line)} was refused: ${result.error}`);
  return result.command;
}

function refused(line: string): Extract<ParseResult, { ok: false }> {
  const result = parseSlashCommand(line);
  if (result.ok) throw new Error(`${JSON.stringify(line)} was accepted as ${JSON.stringify(result.command)}`);
  expect(result.error).not.toContain('\n');
  expect(result.error.length).toBeGreaterThan(0);
  return result;
}

describe('/run', () => {
  it('takes the command after --', () => {
    expect(ok('/run -- echo hi')).toEqual({ kind: 'run', command: 'echo hi' });
    expect(ok('/run -- npm test -- --watch')).toEqual({ kind: 'run', command: 'npm test -- --watch' });
  });

  it('takes a command without -- when it does not start with "-"', () => {
    expect(ok('/run make build')).toEqual({ kind: 'run', command: 'make build' });
  });

  it('keeps the command text as typed, trimming only its ends', () => {
    expect(ok("/run --   printf '%s  %s'  a b   ")).toEqual({ kind: 'run', command: "printf '%s  %s'  a b" });
  });

  it('treats everything after -- as the command, flags included', () => {
    expect(ok('/run -- --name x')).toEqual({ kind: 'run', command: '--name x' });
  });

  it('takes --name NAME and --name=NAME', () => {
    expect(ok('/run --name build -- make')).toEqual({ kind: 'run', command: 'make', name: 'build' });
    expect(ok('/run --name=build -- make')).toEqual({ kind: 'run', command: 'make', name: 'build' });
    expect(ok('/run --name build make all')).toEqual({ kind: 'run', command: 'make all', name: 'build' });
  });

  it('does not set name when --name is absent', () => {
    expect('name' in ok('/run -- make')).toBe(false);
  });

  it('refuses a missing or invalid name, showing the rule and the usage', () => {
    for (const line of ['/run --name', '/run --name --', '/run --name=', '/run --name= -- make']) {
      const result = refused(line);
      expect(result.usage).toBe(USAGE.run);
    }
    expect(refused('/run --name').error).toContain('needs an agent name');
    for (const line of ['/run --name Build -- make', '/run --name=../x -- make', '/run --name -rf -- make']) {
      const result = refused(line);
      expect(result.error).toContain(NAME_RULE);
      expect(result.usage).toBe(USAGE.run);
    }
  });

  it('refuses a missing command', () => {
    for (const line of ['/run', '/run --', '/run -- ', '/run --name build', '/run --name build --   ']) {
      const result = refused(line);
      expect(result.error).toContain('needs a command');
      expect(result.usage).toBe(USAGE.run);
    }
  });

  it('refuses unknown flags', () => {
    for (const flag of ['--bogus', '-x', '--name-x', '-']) {
      const result = refused(`/run ${flag} -- make`);
      expect(result.error).toBe(`unknown option ${flag}`);
      expect(result.usage).toBe(USAGE.run);
    }
  });

  it('takes --worktree with an optional --base, and refuses --base alone', () => {
    expect(ok('/run --worktree --name ui-dark -- make')).toEqual({ kind: 'run', command: 'make', name: 'ui-dark', worktree: {} });
    expect(ok('/run --worktree --base v1.2 -- make')).toEqual({ kind: 'run', command: 'make', worktree: { base: 'v1.2' } });
    expect(refused('/run --base main -- make').error).toBe('--base goes with --worktree');
  });

  it('takes --after NAME, checked by the name rule', () => {
    expect(ok('/run --after build -- make test')).toEqual({ kind: 'run', command: 'make test', after: 'build' });
    expect(ok('/spawn --after build review the build')).toEqual({ kind: 'spawn', task: 'review the build', after: 'build' });
    expect(refused('/run --after ../x -- make').error).toContain('--after: invalid name');
  });
});

describe('/new', () => {
  it('takes the kind of CLI, flags, and an optional first prompt', () => {
    expect(ok('/new claude')).toEqual({ kind: 'new', cli: 'claude' });
    expect(ok('/new codex fix the flaky login test')).toEqual({ kind: 'new', cli: 'codex', task: 'fix the flaky login test' });
    expect(ok('/new claude --worktree --base main --name ui-dark --after build make it dark')).toEqual({
      kind: 'new', cli: 'claude', task: 'make it dark', name: 'ui-dark', worktree: { base: 'main' }, after: 'build',
    });
    expect(ok('/new gemini -- --not-a-flag')).toEqual({ kind: 'new', cli: 'gemini', task: '--not-a-flag' });
  });

  it('refuses no kind, a kind that is not a CLI name, bad flags — with the usage', () => {
    expect(refused('/new').error).toBe('/new needs the kind of CLI to start first: claude, codex, gemini, aider, or one from your config');
    expect(refused('/new --worktree claude').error).toMatch(/^\/new needs the kind of CLI/);
    expect(refused('/new Claude').error).toBe('"Claude" is not a CLI name: a lowercase word such as claude or codex');
    expect(refused('/new claude --name "Bad Name" x').error).toContain(NAME_RULE);
    expect(refused('/new claude --base main x').error).toBe('--base goes with --worktree');
    expect(refused('/new codex --budget nope x')).toMatchObject({ error: 'invalid budget "nope": give an amount in USD, e.g. --budget 2.50', usage: USAGE.new });
    expect(refused('/new claude --max-tokens 1.5 x')).toMatchObject({ error: 'invalid token budget "1.5": give a whole number of tokens, e.g. --max-tokens 200000' });
  });
});

describe('/budget', () => {
  it('shows or sets an agent\'s budget, in USD and tokens, or the session\'s', () => {
    expect(ok('/budget build')).toEqual({ kind: 'budget', name: 'build' });
    expect(ok('/budget build 2.50')).toEqual({ kind: 'budget', name: 'build', usd: 2.5 });
    expect(ok('/budget build --max-tokens 100000')).toEqual({ kind: 'budget', name: 'build', tokens: 100000 });
    expect(ok('/budget build 3 --max-tokens 100000')).toEqual({ kind: 'budget', name: 'build', usd: 3, tokens: 100000 });
    expect(ok('/budget --session')).toEqual({ kind: 'budget', session: true });
    expect(ok('/budget --session 20')).toEqual({ kind: 'budget', session: true, usd: 20 });
  });

  it('refuses a budget that is negative, zero or not a number, with the usage', () => {
    const cases: Array<[string, string]> = [
      ['/budget', '/budget needs an agent name'],
      ['/budget build -1', 'invalid budget "-1": give an amount in USD, e.g. /budget build 2.50'],
      ['/budget build 0', 'invalid budget "0": give an amount in USD, e.g. /budget build 2.50'],
      ['/budget build lots', 'invalid budget "lots": give an amount in USD, e.g. /budget build 2.50'],
      ['/budget build 2 3', 'unexpected "3"'],
      ['/budget build --max-tokens', '--max-tokens needs a value'],
      ['/budget build --max-tokens 0', 'invalid token budget "0": give a whole number of tokens, e.g. --max-tokens 200000'],
      ['/budget --session --max-tokens 5', 'unknown option --max-tokens'],
      ['/budget --session abc', 'invalid budget "abc": give an amount in USD, e.g. /budget --session 2.50'],
      ['/budget Build 2', NAME_RULE],
    ];
    for (const [line, message] of cases) {
      const result = refused(line);
      expect(result.error, line).toContain(message);
      expect(result.usage, line).toBe(USAGE.budget);
    }
  });
});

describe('/spawn', () => {
  it('takes the rest of the line as the task', () => {
    expect(ok('/spawn Run a security audit of the auth module')).toEqual({ kind: 'spawn', task: 'Run a security audit of the auth module' });
    expect(ok('/spawn -- --weird task')).toEqual({ kind: 'spawn', task: '--weird task' });
  });

  it('takes --name, --budget and --max-tokens, with or without "="', () => {
    expect(ok('/spawn --name audit --budget 2.50 check auth')).toEqual({ kind: 'spawn', task: 'check auth', name: 'audit', budgetUsd: 2.5 });
    expect(ok('/spawn --max-tokens=200000 check auth')).toEqual({ kind: 'spawn', task: 'check auth', budgetTokens: 200000 });
    expect(ok('/spawn --name=audit --budget=3 -- check auth')).toEqual({ kind: 'spawn', task: 'check auth', name: 'audit', budgetUsd: 3 });
    const plain = ok('/spawn check auth');
    expect('name' in plain || 'budgetUsd' in plain).toBe(false);
  });

  it('refuses a missing value, an invalid name or budget, and a missing task, with the usage', () => {
    const cases: Array<[string, string | RegExp]> = [
      ['/spawn --name', '--name needs an agent name'],
      ['/spawn --budget', '--budget needs a value'],
      ['/spawn --name= task', '--name needs an agent name'],
      ['/spawn --name Audit task', NAME_RULE],
      ['/spawn --budget 0 task', /invalid budget "0"/],
      ['/spawn --budget -1 task', /invalid budget "-1"/],
      ['/spawn --budget 1e3 task', /invalid budget "1e3"/],
      ['/spawn --budget $2 task', /invalid budget "\$2"/],
      ['/spawn --budget 20000 task', /invalid budget "20000"/],
      ['/spawn --max-tokens 0 task', /invalid token budget "0"/],
      ['/spawn --max-tokens lots task', /invalid token budget "lots"/],
      ['/spawn', '/spawn needs a task'],
      ['/spawn --name audit', '/spawn needs a task'],
      ['/spawn --name audit --   ', '/spawn needs a task'],
    ];
    for (const [line, message] of cases) {
      const result = refused(line);
      if (typeof message === 'string') expect(result.error, line).toContain(message);
      else expect(result.error, line).toMatch(message);
      expect(result.usage, line).toBe(USAGE.spawn);
    }
  });

  it('refuses unknown flags', () => {
    expect(refused('/spawn --fast task').error).toBe('unknown option --fast');
    expect(ok('/spawn --worktree --base main fix it')).toEqual({ kind: 'spawn', task: 'fix it', worktree: { base: 'main' } });
  });

  it('takes --agent PROFILE, a name by the agent name rule', () => {
    expect(ok('/spawn --agent reviewer --name audit check auth')).toEqual({ kind: 'spawn', task: 'check auth', name: 'audit', agent: 'reviewer' });
    expect(ok('/spawn --agent=reviewer check auth')).toEqual({ kind: 'spawn', task: 'check auth', agent: 'reviewer' });
    expect(refused('/spawn --agent Code_Reviewer check auth')).toEqual({
      ok: false, error: expect.stringMatching(/^--agent: invalid name "Code_Reviewer": use lowercase letters/), usage: USAGE.spawn,
    });
    expect(refused('/spawn --agent').error).toBe('--agent needs a value');
  });
});

describe('/fg and /kill', () => {
  for (const kind of ['fg', 'kill'] as const) {
    it(`/${kind} takes one name`, () => {
      expect(ok(`/${kind} build`)).toEqual({ kind, name: 'build' });
      expect(ok(`/${kind}   build  `)).toEqual({ kind, name: 'build' });
    });

    it(`/${kind} refuses a missing, invalid or extra argument with the usage`, () => {
      const missing = refused(`/${kind}`);
      expect(missing.error).toContain('needs an agent name');
      expect(missing.usage).toBe(USAGE[kind]);
      const invalid = refused(`/${kind} Build`);
      expect(invalid.error).toContain(NAME_RULE);
      expect(invalid.usage).toBe(USAGE[kind]);
      const extra = refused(`/${kind} build now`);
      expect(extra.error).toContain('"now"');
      expect(extra.usage).toBe(USAGE[kind]);
    });
  }
});

describe('/send', () => {
  it('takes a name and the rest of the line as text', () => {
    expect(ok('/send build hello world')).toEqual({ kind: 'send', name: 'build', text: 'hello world' });
    expect(ok('/send build   y  ')).toEqual({ kind: 'send', name: 'build', text: 'y  ' });
  });

  it('refuses a missing name, invalid name or missing text', () => {
    expect(refused('/send').error).toContain('needs an agent name');
    expect(refused('/send BAD hi').error).toContain(NAME_RULE);
    const noText = refused('/send build');
    expect(noText.error).toContain('needs the text');
    expect(noText.usage).toBe(USAGE.send);
    expect(refused('/send build    ').error).toContain('needs the text');
  });
});

describe('/theme', () => {
  it('takes one theme name', () => {
    expect(ok('/theme dark')).toEqual({ kind: 'theme', theme: 'dark' });
    expect(ok('/theme  high-contrast ')).toEqual({ kind: 'theme', theme: 'high-contrast' });
  });

  it('refuses none or several', () => {
    for (const line of ['/theme', '/theme ', '/theme dark light']) {
      const result = refused(line);
      expect(result.error).toContain('theme');
      expect(result.usage).toBe(USAGE.theme);
    }
  });
});

describe('commands without arguments', () => {
  for (const kind of ['help', 'quit'] as const) {
    it(`/${kind}`, () => {
      expect(ok(`/${kind}`)).toEqual({ kind });
      expect(ok(`  /${kind}  `)).toEqual({ kind });
      const result = refused(`/${kind} now`);
      expect(result.error).toContain('takes no arguments');
      expect(result.usage).toBe(USAGE[kind]);
    });
  }
});

describe('/agents', () => {
  it('lists agents, or with --profiles the agent profiles', () => {
    expect(ok('/agents')).toEqual({ kind: 'agents' });
    expect(ok(' /agents --profiles ')).toEqual({ kind: 'agents', profiles: true });
    expect(refused('/agents now')).toEqual({ ok: false, error: '/agents takes only --profiles, not "now"', usage: '/agents [--profiles]' });
  });
});

describe('other commands', () => {
  it('/cost takes no arguments', () => {
    expect(ok('/cost')).toEqual({ kind: 'cost' });
    expect(refused('/cost now').error).toBe('/cost takes no arguments');
  });

  it('/rm takes the names of agents', () => {
    expect(ok('/rm a b a')).toEqual({ kind: 'rm', names: ['a', 'b'] });
    expect(refused('/rm')).toEqual({ ok: false, error: '/rm needs the names of ended agents', usage: '/rm NAME…' });
    expect(refused('/rm ../x').error).toContain('invalid name');
    expect(refused('/rm a --force').error).toBe('unknown option --force');
  });

  it('/compare, /merge and /discard take names and their flags', () => {
    expect(ok('/compare ui-dark ui-light ui-dark')).toEqual({ kind: 'compare', names: ['ui-dark', 'ui-light'] });
    expect(ok('/merge ui-dark --squash --into release')).toEqual({ kind: 'merge', name: 'ui-dark', squash: true, into: 'release' });
    expect(ok('/discard --force a b')).toEqual({ kind: 'discard', names: ['a', 'b'], force: true });
    expect(refused('/compare').error).toBe('/compare needs the names of worktree agents');
    expect(refused('/merge a b').error).toBe('/merge takes one agent name');
    expect(refused('/merge a --into').error).toBe('--into needs a value');
    expect(refused('/discard ../x').error).toContain('invalid name');
    expect(refused('/discard a --hard').error).toBe('unknown option --hard');
  });

  it('parses /compact with and without instructions', () => {
    expect(parseSlashCommand('/compact')).toEqual({ ok: true, command: { kind: 'compact' } });
    expect(parseSlashCommand('/compact   keep the failing test names ')).toEqual({ ok: true, command: { kind: 'compact', instructions: 'keep the failing test names' } });
  });

  it('parses /fork and /resume [ID]', () => {
    expect(parseSlashCommand('/fork')).toEqual({ ok: true, command: { kind: 'fork' } });
    expect(parseSlashCommand('/resume')).toEqual({ ok: true, command: { kind: 'resume' } });
    expect(parseSlashCommand('/resume 1a2b3c4d')).toEqual({ ok: true, command: { kind: 'resume', session: '1a2b3c4d' } });
    expect(refused('/resume ../etc').error).toBe('"../etc" is not a session ID: /resume lists them');
    expect(refused('/fork now').error).toBe('/fork takes no arguments');
  });

  it('refuses unknown commands and points to /help', () => {
    for (const line of ['/bogus', '/RUN -- x', '/', '/ run', '/runn -- x', '/help/']) {
      const result = refused(line);
      expect(result.error).toMatch(/^unknown command /);
      expect(result.usage).toContain('/help');
    }
  });

  it('has usage and a description for every command kind', () => {
    expect(Object.keys(USAGE).sort()).toEqual(Object.keys(DESCRIPTIONS).sort());
    for (const [kind, usage] of Object.entries(USAGE)) {
      expect(usage.startsWith(`/${kind}`)).toBe(true);
      expect(DESCRIPTIONS[kind as SlashCommand['kind']].length).toBeGreaterThan(0);
    }
  });
});
