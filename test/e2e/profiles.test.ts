// Agent profiles as a user meets them: `agentmux agents`, `agentmux spawn --agent`, `/agents --profiles`,
// `/spawn --agent` and `agentmux --agent` with the built CLI, its server and a screen in a real pty.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/core/agent.js';
import { runCli, stopServer } from '../support/cli-runner.js';
import { buildEnv } from '../support/screen-harness.js';
import {
  chatLines, closeAll, configDir, errorEntries, eventually, headerLine, launch, listRows, newHome, statusLine, submit, writeFile, type ScreenHarness,
} from './helpers.js';

const SIZE = { cols: 120, rows: 40 };
const SEARCHED = '.agentmux/agents, ~/.config/agentmux/agents, .claude/agents';

const stops: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await closeAll();
});

/** A HOME holding a project reviewer, a user writer, and a malformed Claude Code agent in the project's .claude/agents. */
function homeWithProfiles(): string {
  const home = newHome();
  writeFile(join(home, '.agentmux', 'agents', 'reviewer.md'), '---\nname: reviewer\ndescription: Reviews code for security issues\ntools: Read, Grep\nmodel: haiku\n---\nYou review code.\n');
  writeFile(join(configDir(home), 'agents', 'writer.md'), '---\nname: writer\ndescription: Writes docs\n---\nYou write docs.\n');
  writeFile(join(home, '.claude', 'agents', 'fetcher.md'), '---\nname: fetcher\ndescription: Fetches pages\ntools: Read, WebFetch\n---\nYou fetch.\n');
  return home;
}

/** The first screen of a session with a model (its status bar has the main agent's meter). */
async function readyWithModel(h: ScreenHarness): Promise<void> {
  await h.waitFor((_, s) => / · dark$/.test(statusLine(s)) && headerLine(s).startsWith(' agentmux · chat'), { message: 'the first screen' });
}

const LISTING = [
  'fetcher ✖ .claude/agents/fetcher.md: tools: unknown tool "WebFetch" (known: Read, Write, Edit, MultiEdit, Glob, Grep, Bash, read_file, write_file, edit_file, list_files, grep, bash)',
  'reviewer · Reviews code for security issues',
  '  tools read_file, grep · model claude-haiku-4-5 · .agentmux/agents/reviewer.md',
  'writer · Writes docs',
  '  tools all · model configured · ~/.config/agentmux/agents/writer.md',
];

describe('scripting', () => {
  it('agentmux agents lists the profiles with their files, the malformed one with its error; spawn --agent nope starts nothing', async () => {
    const home = homeWithProfiles();
    // A key, so that spawn gets as far as the profile; nothing may reach the model.
    const env = buildEnv(home, { env: { ANTHROPIC_API_KEY: 'sk-ant-unused', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' } });
    mkdirSync(env.XDG_RUNTIME_DIR, { mode: 0o700 });
    stops.push(() => stopServer(env, home));
    const cli = (args: string[]) => runCli(args, { env, cwd: home });

    const listed = await cli(['agents']);
    expect(listed).toEqual({ code: 1, stdout: `${LISTING.join('\n')}\n`, stderr: '' });
    const json = await cli(['agents', '--json']);
    expect(JSON.parse(json.stdout)).toEqual([
      { name: 'fetcher', scope: 'claude', source: '.claude/agents/fetcher.md', error: expect.stringContaining('unknown tool "WebFetch"') },
      {
        name: 'reviewer', scope: 'project', source: '.agentmux/agents/reviewer.md',
        profile: { name: 'reviewer', description: 'Reviews code for security issues', tools: ['read_file', 'grep'], model: 'claude-haiku-4-5', prompt: 'You review code.' },
      },
      { name: 'writer', scope: 'user', source: '~/.config/agentmux/agents/writer.md', profile: { name: 'writer', description: 'Writes docs', prompt: 'You write docs.' } },
    ]);

    for (const agent of ['nope', 'fetcher']) {
      const spawned = await cli(['spawn', '--agent', agent, 'review', 'the', 'auth', 'module']);
      expect(spawned.code).toBe(1);
      expect(spawned.stdout).toBe('');
      expect(spawned.stderr.split('\n')).toEqual([
        agent === 'nope'
          ? `agentmux: no agent profile named nope (looked for nope.md in ${SEARCHED}; agentmux agents lists them)`
          : expect.stringMatching(/^agentmux: \.claude\/agents\/fetcher\.md: tools: unknown tool "WebFetch"/),
        '',
      ]);
    }
    expect(JSON.parse((await cli(['ls', '--json'])).stdout) as AgentInfo[]).toEqual([]);
  });
});

describe('the screen', () => {
  it('/agents --profiles lists them in the chat; /spawn --agent nope is refused in one line and starts nothing', async () => {
    const h = await launch({ ...SIZE, home: homeWithProfiles(), args: ['--theme', 'dark', '--demo'] });
    await readyWithModel(h);
    submit(h, '/agents --profiles');
    await eventually(h, (s) => {
      const lines = chatLines(s).map((line) => line.trim());
      const first = lines.findIndex((line) => line.startsWith('fetcher ✖ .claude/agents/fetcher.md: tools: unknown tool "WebFetch"'));
      expect(first).toBeGreaterThanOrEqual(0);
      // The fetcher's line wraps over three rows at this width.
      expect(lines.slice(first + 3, first + 7)).toEqual(LISTING.slice(1).map((line) => line.trim()));
    }, { message: 'the profiles in the chat' });

    submit(h, '/spawn --agent nope review the auth module');
    await eventually(h, (s) => expect(errorEntries(s).at(-1)).toBe(
      `no agent profile named nope (looked for nope.md in ${SEARCHED}; agentmux agents lists them)`,
    ), { message: 'the refusal' });
    submit(h, '/spawn --agent Bad review it');
    await eventually(h, (s) => expect(errorEntries(s).at(-1)).toMatch(/^--agent: invalid name "Bad": use lowercase letters.* — usage: \/spawn /));
    expect(errorEntries(h)).toHaveLength(2);
    expect(listRows(h)[0]).toBe(' agents');
  });

  it('agentmux --agent runs the main chat as the profile, shown in the header; a profile that does not exist stops it with one line', async () => {
    const missing = await launch({ ...SIZE, home: homeWithProfiles(), args: ['--theme', 'dark', '--agent', 'nope'] });
    const { exitCode } = await missing.waitForExit();
    expect(exitCode).toBe(1);
    expect(missing.rawText()).not.toContain('\x1b[?1049h');
    expect(missing.rawText().trim()).toBe(`agentmux: no agent profile named nope (looked for nope.md in ${SEARCHED}; agentmux agents lists them)`);

    const h = await launch({ ...SIZE, home: homeWithProfiles(), args: ['--theme', 'dark', '--demo', '--agent', 'reviewer'] });
    await readyWithModel(h);
    await eventually(h, (s) => expect(headerLine(s)).toMatch(/^ agentmux · chat {2}DEMO {2}· as reviewer · claude-haiku-4-5/));
  });
});
