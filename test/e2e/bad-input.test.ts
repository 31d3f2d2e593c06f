// Input a user gets wrong: bad agent names, unknown commands and flags, broken config and
// theme files. Each is refused with one clear line and nothing starts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  closeAll, configDir, errorEntries, escapeRegExp, eventually, launch, listRows, newHome, ready, submit, waitForState, writeFile, type ScreenHarness,
} from './helpers.js';

afterEach(closeAll);

// Tall enough that every refusal of a test stays in view.
const SIZE = { cols: 100, rows: 50 };

/** Submits `line` and waits until exactly one new "✖ " entry, `expected`, is at the bottom of the chat. */
async function expectRefusal(h: ScreenHarness, line: string, expected: string | RegExp): Promise<void> {
  const before = errorEntries(h).length;
  submit(h, line);
  await eventually(h, (s) => {
    const entries = errorEntries(s);
    expect(entries).toHaveLength(before + 1);
    if (typeof expected === 'string') expect(entries.at(-1)).toBe(expected);
    else expect(entries.at(-1)).toMatch(expected);
  }, { message: `the refusal of ${line}` });
}

const NAME_RULE = 'use lowercase letters, digits and "-", starting with a letter or digit, at most 48 characters';

describe('refused input in the chat', () => {
  it('refuses bad agent names with one line showing the rule, and starts nothing', async () => {
    const h = await launch(SIZE);
    await ready(h);
    const long = 'a'.repeat(200);
    const cases: Array<[string, string]> = [
      ['../x', 'invalid name "../x"'],
      ['-rf', 'invalid name "-rf"'],
      ['UPPER', 'invalid name "UPPER"'],
      [long, `invalid name "${'a'.repeat(57)}..."`],
    ];
    for (const [index, [name, shown]] of cases.entries()) {
      await expectRefusal(h, `/run --name ${name} -- touch ran-${index}`, new RegExp(`^${escapeRegExp(`${shown}: ${NAME_RULE} — usage: /run [--name NAME] `)}`));
    }
    // An empty name: `--` right after --name.
    await expectRefusal(h, '/run --name -- touch ran-4', /^--name needs an agent name — usage: \/run \[--name NAME\] /);
    await expectRefusal(h, '/run --name=Bad -- touch ran-eq', new RegExp(`^${escapeRegExp(`invalid name "Bad": ${NAME_RULE} — usage: /run `)}`));

    // The same rule guards every command that takes a name.
    await expectRefusal(h, '/fg ../x', `invalid name "../x": ${NAME_RULE} — usage: /fg NAME`);
    await expectRefusal(h, '/kill UPPER', `invalid name "UPPER": ${NAME_RULE} — usage: /kill NAME`);
    await expectRefusal(h, '/send -rf hello', `invalid name "-rf": ${NAME_RULE} — usage: /send NAME TEXT`);
    await expectRefusal(h, '/fg ghost', 'no agent named ghost (/agents or agentmux ls lists them)');

    // Nothing started: the list is empty and an agent started afterwards is the only one that ran.
    expect(listRows(h)[0]).toBe(' agents');
    submit(h, '/run --name check -- touch ran-check');
    await waitForState(h, 'check', 'finished');
    expect(listRows(h)[0]).toBe(' agents (1)');
    expect(existsSync(join(h.home, 'ran-check'))).toBe(true);
    for (const suffix of ['0', '1', '2', '3', '4', 'eq']) expect(existsSync(join(h.home, `ran-${suffix}`))).toBe(false);
    await eventually(h, (s) => expect(errorEntries(s)).toHaveLength(cases.length + 6)); // one line per refusal, no more
  });

  it('refuses a duplicate name and keeps the first agent', async () => {
    const h = await launch(SIZE);
    await ready(h);
    submit(h, '/run --name dup -- sleep 30');
    await waitForState(h, 'dup', 'running');
    await expectRefusal(h, '/run --name dup -- touch ran-dup', /^an agent named dup already exists: choose another/);
    expect(listRows(h)[0]).toBe(' agents (1)');
    await waitForState(h, 'dup', 'running');
    expect(existsSync(join(h.home, 'ran-dup'))).toBe(false);
  });

  it('refuses unknown commands and flags with one line and the usage', async () => {
    const h = await launch(SIZE);
    await ready(h);
    await expectRefusal(h, '/frobnicate', 'unknown command "/frobnicate" — usage: type /help for the list of commands');
    await expectRefusal(h, '/run --bogus -- touch ran-bogus', /^unknown option --bogus — usage: \/run \[--name NAME\] .*-- COMMAND…$/);
    await expectRefusal(h, '/run', /^\/run needs a command — usage: \/run \[--name NAME\] .*-- COMMAND…$/);
    await expectRefusal(h, '/run --name x --', /^\/run needs a command — usage: \/run \[--name NAME\] .*-- COMMAND…$/);
    await expectRefusal(h, '/fg', '/fg needs an agent name — usage: /fg NAME');
    await expectRefusal(h, '/agents now', '/agents takes only --profiles, not "now" — usage: /agents [--profiles]');
    expect(listRows(h)[0]).toBe(' agents');
    expect(existsSync(join(h.home, 'ran-bogus'))).toBe(false);
    await eventually(h, (s) => expect(errorEntries(s)).toHaveLength(6));
  });
});

/** Starts agentmux, which should refuse to start: returns its exit code and the one line it printed. */
async function startupError(options: Parameters<typeof launch>[0]): Promise<{ exitCode: number; output: string }> {
  const h = await launch({ ...SIZE, ...options });
  const { exitCode } = await h.waitForExit();
  const raw = h.rawText();
  expect(raw, 'the screen was never opened').not.toContain('\x1b[?1049h');
  return { exitCode, output: raw.replace(/\r?\n$/, '') };
}

function userConfig(home: string, text: string): void {
  writeFile(join(configDir(home), 'config.json'), text);
}

describe('broken files stop agentmux with one line naming the file and the key', () => {
  const USER_CONFIG = 'agentmux: ~/.config/agentmux/config.json: ';

  it.each([
    ['invalid JSON', '{"theme": "dark",}', 'invalid JSON at line 1, column 18: unexpected "}"'],
    ['an unknown key', '{"theme": "dark", "colour": "red"}', /^colour: unknown key \(known: theme, notifications, keys, [^\n]*\)$/],
    ['an unknown nested key', '{"notifications": {"beep": true}}', 'notifications.beep: unknown key (known: bell, osc9)'],
    ['a wrong value', '{"killGraceMs": "soon"}', /^killGraceMs: expected an integer from \d+ to \d+, got "soon"$/],
    ['a bad key binding', '{"keys": {"quit": "ctrl+q"}}', /^keys\.quit: "ctrl\+q" is not a key name \(use C-<letter>[^\n]*\)$/],
  ])('user config with %s', async (_, text, expected) => {
    const dir = newHome();
    userConfig(dir, text);
    const { exitCode, output } = await startupError({ home: dir, args: [] });
    expect(exitCode).not.toBe(0);
    expect(output.startsWith(USER_CONFIG), output).toBe(true);
    const message = output.slice(USER_CONFIG.length);
    if (typeof expected === 'string') expect(message).toBe(expected);
    else expect(message).toMatch(expected);
  });

  it('project config with an unknown key', async () => {
    const dir = newHome();
    writeFile(join(dir, 'proj', '.agentmux', 'config.json'), '{"flashMS": 100}');
    const { exitCode, output } = await startupError({ home: dir, cwd: join(dir, 'proj'), args: [] });
    expect(exitCode).not.toBe(0);
    expect(output).toMatch(/^agentmux: ~\/proj\/\.agentmux\/config\.json: flashMS: unknown key \(known: [^\n]*\)$/);
  });

  it.each([
    ['invalid JSON', '{"name": "bad", "roles": {', /^agentmux: ~\/\.config\/agentmux\/themes\/bad\.json: invalid JSON at line 1, column 27: unexpected end of file$/],
    ['a colour that is not one', '{"extends": "dark", "roles": {"status": {"bg": "reddish"}}}', /^agentmux: ~\/\.config\/agentmux\/themes\/bad\.json: roles\.status\.bg: "reddish" is not a colour \(use [^\n]*\)$/],
    ['an unknown role', '{"extends": "dark", "roles": {"status.bar": {"bg": "red"}}}', /^agentmux: ~\/\.config\/agentmux\/themes\/bad\.json: roles\.status\.bar: unknown role \(known: [^\n]*\)$/],
    ['missing roles', '{"roles": {"fg": {"fg": "red"}}}', /^agentmux: ~\/\.config\/agentmux\/themes\/bad\.json: roles: missing muted, [^\n]*$/],
  ])('user theme with %s, chosen with --theme', async (_, text, expected) => {
    const dir = newHome();
    writeFile(join(configDir(dir), 'themes', 'bad.json'), text);
    const { exitCode, output } = await startupError({ home: dir, args: ['--theme', 'bad'] });
    expect(exitCode).not.toBe(0);
    expect(output).toMatch(expected);
  });

  it('a theme that does not exist, and an unknown command-line option', async () => {
    const missing = await startupError({ args: ['--theme', 'nosuch'] });
    expect(missing.exitCode).not.toBe(0);
    expect(missing.output).toMatch(/^agentmux: theme "nosuch" not found \(looked for [^\n]*; available: dark, high-contrast, light\)$/);

    const option = await startupError({ args: ['--bogus'] });
    expect(option.exitCode).toBe(2);
    expect(option.output.split(/\r?\n/)).toEqual([
      'agentmux: unknown option --bogus',
      expect.stringMatching(/^usage: agentmux \[attach\] \[--theme dark\|light\|high-contrast\|auto\|NAME\] .*\[--help\] \[--version\]$/),
    ]);
  });
});
