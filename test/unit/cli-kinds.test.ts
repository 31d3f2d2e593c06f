// Agent CLIs as declared data: the built-in kinds, configured ones over them, and their arguments.
import { describe, expect, it } from 'vitest';
import { BUILTIN_CLIS, cliArguments, cliKinds } from '../../src/core/cli-kinds.js';
import { DEFAULT_CONFIG, mergeConfig, validateConfigFile } from '../../src/core/config-schema.js';
import { nameForCli } from '../../src/core/names.js';

describe('cli kinds', () => {
  it('builds in Claude Code, Codex, Gemini CLI and Aider, each with how to install it', () => {
    expect(Object.keys(BUILTIN_CLIS)).toEqual(['claude', 'codex', 'gemini', 'aider']);
    for (const kind of Object.values(BUILTIN_CLIS)) expect(kind.install).toMatch(/install/);
  });

  it('starts a kind on a first prompt, bare, or resuming a session (with a next prompt)', () => {
    const { claude, codex } = BUILTIN_CLIS;
    expect(cliArguments(claude, { task: 'fix the login test' })).toEqual(['fix the login test']);
    expect(cliArguments(claude, {})).toEqual([]);
    expect(cliArguments(claude, { session: '5b1e' })).toEqual(['--resume', '5b1e']);
    expect(cliArguments(claude, { session: '5b1e', task: 'go on' })).toEqual(['--resume', '5b1e', 'go on']);
    expect(cliArguments(codex, { session: '77aa' })).toEqual(['resume', '77aa']);
    // A task that looks like a placeholder or a flag is a word like any other.
    expect(cliArguments(claude, { task: '{session}' })).toEqual(['{session}']);
  });

  it('adds configured kinds and changes built-in ones key by key', () => {
    const kinds = cliKinds({ claude: { program: '/opt/claude/bin/claude' }, mycli: { program: 'mycli', taskArgs: ['--ask', '{task}'] } });
    expect(kinds.get('claude')).toEqual({ ...BUILTIN_CLIS.claude, program: '/opt/claude/bin/claude' });
    expect(kinds.get('mycli')).toMatchObject({ name: 'mycli', program: 'mycli', taskArgs: ['--ask', '{task}'], signals: 'title-bell', resumeArgs: [] });
    expect(cliArguments(kinds.get('mycli')!, { task: 'go' })).toEqual(['--ask', 'go']);
  });

  it('validates "clis" in a config file, naming the file and the key', () => {
    const error = (clis: unknown) => {
      const result = validateConfigFile({ clis }, '/home/me/.config/agentmux/config.json');
      return result.ok ? undefined : result.error;
    };
    expect(error({ claude: { program: 'claude' }, mine: { program: 'x', signals: 'none' } })).toBeUndefined();
    expect(error([])).toMatch(/^\/home\/me\/\.config\/agentmux\/config\.json: clis: expected an object/);
    expect(error({ Mine: { program: 'x' } })).toMatch(/clis\.Mine: a CLI name is a lowercase word/);
    expect(error({ mine: {} })).toMatch(/clis\.mine\.program: a CLI that is not built in needs its program$/);
    expect(error({ claude: { programme: 'x' } })).toMatch(/clis\.claude\.programme: unknown key \(known: program, install/);
    expect(error({ claude: { args: 'x' } })).toMatch(/clis\.claude\.args: expected a list of strings$/);
    expect(error({ claude: { signals: 'telepathy' } })).toMatch(/clis\.claude\.signals: expected one of claude-hooks, /);
    expect(error({ claude: { worktreeFiles: ['../secrets'] } })).toMatch(/clis\.claude\.worktreeFiles: "\.\.\/secrets" is not a path inside the repository$/);
  });

  it('merges a repository\'s clis over the user\'s, key by key', () => {
    const config = mergeConfig(DEFAULT_CONFIG, { clis: { mine: { program: 'a', args: ['--x'] } } }, { clis: { mine: { program: 'b' } } });
    expect(config.clis).toEqual({ mine: { program: 'b', args: ['--x'] } });
  });

  it('names an agent CLI by its kind and its task', () => {
    expect(nameForCli('claude', undefined)).toBe('claude');
    expect(nameForCli('codex', 'Fix the flaky login test please')).toBe('codex-fix-flaky-login');
  });
});
