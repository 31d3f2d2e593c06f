// Agent CLIs started with `new` through the AgentServer and the real pty runtime: a CLI found in the
// PATH of the client that asked starts on its first prompt in an unknown state (until it signals one);
// a missing CLI or an unknown kind is one line, and nothing starts. Needs `npm run build` (the emulator).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliKinds } from '../../src/core/cli-kinds.js';
import { EmulatorPool } from '../../src/pty/emulator-pool.js';
import { createPtyRuntime } from '../../src/pty/pty-runtime.js';
import { AgentServer } from '../../src/server/agent-server.js';
import { ServerTestClient } from '../support/server-test-client.js';

const HOOK_ENTRY = fileURLToPath(new URL('../../dist/cli/hook-main.js', import.meta.url));
const FAKE_CLAUDE = fileURLToPath(new URL('../fixtures/fake-claude.mjs', import.meta.url));
const CLI_ENTRY = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

let tmp: string;
let bin: string;
let pool: EmulatorPool;
let server: AgentServer | undefined;

/** A server on this test's state, as the server process makes one. */
function newServer(): AgentServer {
  return new AgentServer({
    runtime: createPtyRuntime(pool, { env: { PATH: '/usr/bin:/bin', HOME: tmp, LC_ALL: 'C' }, scrollback: 500, killGraceMs: 500 }),
    model: { configured: false, help: 'no model' },
    cwd: tmp,
    clis: cliKinds({ fake: { program: 'fakecli', taskArgs: ['--prompt', '{task}'] }, bare: { program: 'fakecli', taskArgs: [] }, claude: { program: FAKE_CLAUDE } }),
    hookCommand: [process.execPath, HOOK_ENTRY],
    printRun: (program, args) => ({ file: process.execPath, args: [CLI_ENTRY, 'print-run', '--', program, ...args] }),
    stateDir: join(tmp, 'state'),
  });
}

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'amux-cli-'));
  bin = join(tmp, 'bin');
  mkdirSync(bin);
  // A stand-in agent CLI: says how it was started, then waits for a line and exits with its length.
  writeFileSync(join(bin, 'fakecli'), '#!/bin/sh\nprintf "fakecli started with:"; for a in "$@"; do printf " [%s]" "$a"; done; echo\nread line; exit ${#line}\n');
  chmodSync(join(bin, 'fakecli'), 0o755);
  pool = new EmulatorPool();
  server = newServer();
});

afterEach(async () => {
  server?.dispose();
  server = undefined;
  await pool.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

function client(): ServerTestClient {
  if (!server) throw new Error('no server');
  return new ServerTestClient(server, () => '', { PATH: `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`, HOME: tmp });
}

describe('new', () => {
  it('starts the CLI found in the client\'s PATH on its first prompt, in an unknown state until it signals one', async () => {
    const c = client();
    const answer = await c.request({ type: 'new', cli: 'fake', task: 'fix the flaky login test', cwd: tmp });
    expect(answer).toEqual({ name: 'fake-fix-flaky-login' });
    const name = 'fake-fix-flaky-login';
    expect(c.agent(name)).toMatchObject({ kind: 'cli', cli: 'fake', task: 'fix the flaky login test', state: 'unknown' });
    await c.waitFor('its first line', () => (c.agent(name)?.lastLine === 'fakecli started with: [--prompt] [fix the flaky login test]' ? true : undefined));
    c.send({ type: 'send', name, text: 'abc' });
    const flash = await c.waitFor('its end', () => c.flash(name));
    expect(flash).toMatchObject({ word: 'failed', exitCode: 3 });
  });

  it('starts a CLI without a first prompt under its own name, made unique', async () => {
    const c = client();
    expect(await c.request({ type: 'new', cli: 'fake', cwd: tmp })).toEqual({ name: 'fake' });
    expect(await c.request({ type: 'new', cli: 'fake', cwd: tmp })).toEqual({ name: 'fake-2' });
    await c.waitFor('its first line', () => (c.agent('fake-2')?.lastLine === 'fakecli started with:' ? true : undefined));
  });

  it('refuses a CLI that is not installed with how to install it, and an unknown kind with the known ones', async () => {
    const c = client();
    expect(await c.request({ type: 'new', cli: 'codex', task: 'x', cwd: tmp })).toEqual({
      error: 'codex is not installed (not found in PATH): npm install -g @openai/codex',
    });
    expect(await c.request({ type: 'new', cli: 'nope', cwd: tmp })).toEqual({
      error: 'no CLI named nope: /new takes claude, codex, gemini, aider, fake, bare, or one you add under "clis" in the config',
    });
    // A CLI that takes no first prompt in its arguments (as Aider): it is started bare, and sent the task.
    expect(await c.request({ type: 'new', cli: 'bare', task: 'add a test', cwd: tmp })).toEqual({
      error: 'bare takes no first prompt in its arguments: start it with /new bare, then /send NAME TASK once it waits for input',
    });
    expect(c.agents()).toEqual([]);
  });
});

describe('Claude Code\'s hooks (a stand-in that runs them as Claude Code does)', () => {
  it('give its states: idle at start, running, waiting with the question (one flash), idle when its turn ends (one flash), with its session', async () => {
    const c = client();
    const { name } = await c.request({ type: 'new', cli: 'claude', task: 'make the file', cwd: tmp });
    if (!name) throw new Error('not started');
    await c.waitFor('the permission question', () => (c.agent(name)?.state === 'waiting' ? true : undefined));
    // The question is the tool call's (PermissionRequest); the vaguer permission Notification after it says nothing.
    expect(c.agent(name)).toMatchObject({ state: 'waiting', question: 'Allow Bash touch x?', cliSession: 'fake-session-1' });
    expect(c.flashes(name)).toEqual([expect.objectContaining({ word: 'needs input', summary: 'Allow Bash touch x?' })]);

    c.send({ type: 'send', name, text: 'y' });
    await c.waitFor('the end of its turn', () => (c.agent(name)?.state === 'idle' && c.flashes(name).length === 2 ? true : undefined));
    expect(c.flashes(name)[1]).toMatchObject({ word: 'idle', summary: 'Done: make the file' });
    const states = c.agentVersions(name).map((info) => info.state).filter((state, index, all) => state !== all[index - 1]);
    // Its answer ('y' and Enter) ends the question; what it does then, its next hook says.
    expect(states).toEqual(['unknown', 'idle', 'running', 'waiting', 'unknown', 'running', 'idle']);
    expect(c.agent(name)?.question).toBeUndefined();
    // The meter: the usage of its transcript, once per response, priced from the table (claude-sonnet-4-5: $3 in, $15 out, $0.30 cache read).
    expect(c.agent(name)?.usage).toEqual({
      model: 'claude-sonnet-4-5', total: { input: 100, output: 10, cacheRead: 1000, cacheWrite: 0 }, contextTokens: 1110,
      costUsd: (100 * 3 + 10 * 15 + 1000 * 0.3) / 1e6, contextWindow: 200000,
    });

    // A second turn: one flash and one meter more.
    c.send({ type: 'send', name, text: 'and another' });
    await c.waitFor('its second question', () => (c.flashes(name).length === 3 ? true : undefined));
    c.send({ type: 'send', name, text: 'y' });
    await c.waitFor('the end of its second turn', () => (c.flashes(name).length === 4 ? true : undefined));
    expect(c.flashes(name).map((flash) => flash.word)).toEqual(['needs input', 'idle', 'needs input', 'idle']);
    expect(c.agent(name)?.usage?.total).toEqual({ input: 300, output: 30, cacheRead: 2000, cacheWrite: 0 });

    c.send({ type: 'send', name, text: '/exit' });
    expect(await c.waitFor('its end', () => c.flashes(name)[4])).toMatchObject({ word: 'finished', exitCode: 0 });

    // Sent a line once it has ended, it resumes its own session with that line as the next prompt.
    expect(await c.request({ type: 'send', name, text: 'pick it up again' })).toEqual({});
    await c.waitFor('the resumed session\'s question', () => (c.flashes(name).length === 6 ? true : undefined));
    expect(c.agent(name)).toMatchObject({ state: 'waiting', cliSession: 'fake-session-1' });
    c.send({ type: 'send', name, text: 'y' });
    await c.waitFor('the resumed turn\'s end', () => (c.flashes(name).length === 7 ? true : undefined));
    expect(c.flashes(name)[6]).toMatchObject({ word: 'idle', summary: 'Done: pick it up again' });
    // Its usage goes on in the same transcript.
    expect(c.agent(name)?.usage?.total).toEqual({ input: 400, output: 40, cacheRead: 3000, cacheWrite: 0 });
  });

  it('resumes one lost to a server that went away, with one command, from its record', async () => {
    const c = client();
    const { name } = await c.request({ type: 'new', cli: 'claude', task: 'make the file', cwd: tmp });
    if (!name) throw new Error('not started');
    await c.waitFor('its question', () => (c.agent(name)?.state === 'waiting' ? true : undefined));
    // The server goes; a new one reads its records back: the agent is lost, its session kept.
    server?.dispose();
    server = newServer();
    server.restore();
    const after = client();
    expect(after.agent(name)).toMatchObject({ state: 'lost', cliSession: 'fake-session-1' });
    expect(await after.request({ type: 'send', name, text: 'go on' })).toEqual({});
    await after.waitFor('the resumed session\'s question', () => (after.agent(name)?.state === 'waiting' ? true : undefined));
    after.send({ type: 'send', name, text: 'y' });
    await after.waitFor('the end of its turn', () => (after.flashes(name).some((flash) => flash.word === 'idle') ? true : undefined));
    expect(after.flashes(name).find((flash) => flash.word === 'idle')).toMatchObject({ summary: 'Done: go on' });
  });

  it('cannot resume a CLI that ended before it said its session', async () => {
    const c = client();
    const { name } = await c.request({ type: 'new', cli: 'fake', cwd: tmp });
    if (!name) throw new Error('not started');
    c.send({ type: 'send', name, text: 'x' });
    await c.waitFor('its end', () => c.flash(name));
    expect(await c.request({ type: 'send', name, text: 'again' })).toEqual({ error: `${name} cannot be resumed: fake has no way to resume a session` });
  });
});

describe('a print run (--print)', () => {
  it('shows the stream as a worker\'s work, not JSON, reports its result and meter, and ends finished', async () => {
    const c = client();
    const { name } = await c.request({ type: 'new', cli: 'claude', task: 'count the files', cwd: tmp, print: true });
    if (!name) throw new Error('not started');
    const flash = await c.waitFor('its end', () => c.flash(name));
    expect(flash).toMatchObject({ word: 'finished', exitCode: 0 });
    expect(c.agent(name)).toMatchObject({ state: 'finished', result: 'There are three files.' });
    expect(c.agent(name)?.usage).toEqual({
      model: 'claude-sonnet-4-5', total: { input: 500, output: 30, cacheRead: 0, cacheWrite: 0 }, contextTokens: 310,
      costUsd: (500 * 3 + 30 * 15) / 1e6, contextWindow: 200000,
    });
    c.send({ type: 'logs', name });
    await c.waitFor('its log', () => c.of('logEnd').find((event) => event.name === name));
    const text = c.of('log').filter((event) => event.name === name).map((event) => event.data).join('');
    expect(text).toContain('Looking at: count the files');
    expect(text).toContain('● Bash ls -la');
    expect(text).toContain('⎿ a.txt');
    expect(text).toContain('There are three files.');
    expect(text).toContain('── finished ──');
    expect(text).not.toContain('"type"');
    expect(text).not.toContain('evil title');
  });

  it('needs a task', async () => {
    const c = client();
    expect(await c.request({ type: 'new', cli: 'fake', task: 'x', cwd: tmp, print: true })).toEqual({ error: 'fake has no way to run once on a task (no printArgs in its kind)' });
  });
});
