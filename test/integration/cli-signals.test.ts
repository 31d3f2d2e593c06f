// Where agent CLIs' states come from, through the AgentServer and the real pty runtime, with
// stand-ins started exactly as agentmux starts the real CLIs (the real ones cannot sign in here):
// Codex's notify program, Gemini CLI's hooks in a settings file of the agent's own, Aider's
// notifications command, and a CLI with only a window title and a bell. Needs `npm run build`
// (the emulator and the hook runner).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/core/agent.js';
import { cliKinds } from '../../src/core/cli-kinds.js';
import { EmulatorPool } from '../../src/pty/emulator-pool.js';
import { createPtyRuntime } from '../../src/pty/pty-runtime.js';
import { AgentServer } from '../../src/server/agent-server.js';
import { geminiReadsSystemSettingsIn } from '../../src/server/cli-signal-setup.js';
import { ServerTestClient } from '../support/server-test-client.js';

const HOOK_ENTRY = fileURLToPath(new URL('../../dist/cli/hook-main.js', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

let tmp: string;
let channels: string;
let pool: EmulatorPool;
let server: AgentServer | undefined;
let secure: string | undefined;

function serve(channelDir: string): void {
  server?.dispose();
  server = new AgentServer({
    runtime: createPtyRuntime(pool, { env: { PATH: '/usr/bin:/bin', HOME: tmp, LC_ALL: 'C' }, scrollback: 500, killGraceMs: 500, channelDir }),
    model: { configured: false, help: 'no model' },
    cwd: tmp,
    clis: cliKinds({
      codex: { program: fixture('fake-codex.mjs') },
      gemini: { program: fixture('fake-gemini.mjs') },
      aider: { program: fixture('fake-aider.mjs') },
      bellcli: { program: fixture('fake-bellcli.mjs') },
      statuscli: { program: fixture('fake-bellcli.mjs'), args: ['--status'] },
    }),
    hookCommand: [process.execPath, HOOK_ENTRY],
  });
}

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'amux-signals-'));
  channels = join(tmp, 'channels');
  mkdirSync(channels);
  pool = new EmulatorPool();
  serve(channels);
});

afterEach(async () => {
  server?.dispose();
  server = undefined;
  await pool.dispose();
  rmSync(tmp, { recursive: true, force: true });
  if (secure) rmSync(secure, { recursive: true, force: true });
  secure = undefined;
});

/**
 * A new directory in a place root owns all the way up, where Gemini CLI reads a system settings
 * file that this process writes: only when the tests run as root (as CI does), else undefined.
 */
function secureDir(): string | undefined {
  for (const base of [process.env.XDG_RUNTIME_DIR, homedir(), '/run']) {
    if (!base || !geminiReadsSystemSettingsIn(base)) continue;
    try {
      return mkdtempSync(join(base, 'amux-gemini-'));
    } catch {
      continue;
    }
  }
  return undefined;
}

function client(env: Record<string, string> = {}): ServerTestClient {
  if (!server) throw new Error('no server');
  return new ServerTestClient(server, () => '', { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, HOME: tmp, ...env });
}

/** The agent's states in order, each change once. */
function states(c: ServerTestClient, name: string): string[] {
  return c.agentVersions(name).map((info) => info.state).filter((state, index, all) => state !== all[index - 1]);
}

async function started(c: ServerTestClient, cli: string, task?: string): Promise<string> {
  const { name, error } = await c.request({ type: 'new', cli, cwd: tmp, ...(task !== undefined ? { task } : {}) });
  if (!name) throw new Error(error ?? 'not started');
  return name;
}

const when = (c: ServerTestClient, name: string, what: string, test: (info: AgentInfo) => boolean) =>
  c.waitFor(what, () => { const info = c.agent(name); return info && test(info) ? info : undefined; });

describe('Codex\'s notify program (a stand-in that runs it as Codex does)', () => {
  it('ends its turn with its last message and thread (not the turn that names the thread); its status report says it runs and waits, labelled so', async () => {
    const c = client();
    const name = await started(c, 'codex', 'make the file');
    const waiting = await when(c, name, 'the approval question', (info) => info.state === 'waiting');
    expect(waiting).toMatchObject({ stateFrom: 'status', question: 'asks for permission' });
    // Its window title says so too, but a title is no signal; and the turn that named its thread,
    // notified meanwhile (before this title), changed nothing.
    await when(c, name, 'its title', (info) => info.windowTitle === '[ ! ] Action Required | make the file');
    expect(c.agent(name)).toMatchObject({ state: 'waiting', stateFrom: 'status' });
    expect(c.agent(name)?.cliSession).toBeUndefined();
    expect(c.flashes(name)).toEqual([expect.objectContaining({ word: 'needs input', summary: 'asks for permission' })]);

    c.send({ type: 'send', name, text: 'y' });
    const idle = await when(c, name, 'the end of its turn', (info) => info.state === 'idle');
    expect(idle.stateFrom).toBeUndefined();
    expect(idle.cliSession).toMatch(/^[0-9a-f-]{36}$/);
    expect(c.flashes(name)[1]).toMatchObject({ word: 'idle', summary: 'Done: make the file' });
    expect(c.flashes(name)).toHaveLength(2);

    // Its next prompt: it runs (its own report), asks, and ends its turn again in the same thread.
    c.send({ type: 'send', name, text: 'and a test' });
    await when(c, name, 'its second question', (info) => info.state === 'waiting');
    c.send({ type: 'send', name, text: 'y' });
    await c.waitFor('the end of its second turn', () => c.flashes(name)[3]);
    expect(c.flashes(name).map((flash) => flash.word)).toEqual(['needs input', 'idle', 'needs input', 'idle']);
    expect(c.flashes(name)[3]).toMatchObject({ summary: 'Done: and a test' });
    expect(c.agent(name)).toMatchObject({ state: 'idle', cliSession: idle.cliSession });
    expect(states(c, name)).toEqual(expect.arrayContaining(['running', 'waiting', 'unknown', 'idle']));
    expect(states(c, name)[0]).toBe('unknown');
  });
});

describe('Gemini CLI\'s hooks (a stand-in that runs those of its system settings file as Gemini CLI does)', () => {
  it('give its states with the permission asked and its session, from a settings file of its own that keeps the settings in force', (context) => {
    secure = secureDir();
    if (!secure) return context.skip('Gemini CLI reads a system settings file only from directories root owns: run as root');
    return geminiTurn(secure);
  });

  it('are not set up where Gemini CLI would not read them (a server not run by root, or one whose directories are in /tmp): its state stays unknown', async () => {
    const c = client();
    const name = await started(c, 'gemini', 'make the file');
    await when(c, name, 'its question on its screen', (info) => info.lastLine === 'Allow execution of [Shell]? touch x (y/n)');
    expect(c.agent(name)?.state).toBe('unknown');
    expect(c.flashes(name)).toEqual([]);
    // Nothing was made for it: no settings file for Gemini CLI to skip with a warning on its screen.
    expect(readdirSync(channels)).toEqual([]);
  });
});

async function geminiTurn(dir: string): Promise<void> {
  const channelDir = join(dir, 'channels');
  mkdirSync(channelDir, { mode: 0o700 });
  serve(channelDir);
  const audit = join(tmp, 'audit.log');
  const system = join(dir, 'system-settings.json');
  const original = `${JSON.stringify({ hooks: { AfterAgent: [{ hooks: [{ type: 'command', command: `cat > /dev/null; echo after >> ${audit}` }] }] } })}\n`;
  writeFileSync(system, original, { mode: 0o644 });
  const c = client({ GEMINI_CLI_SYSTEM_SETTINGS_PATH: system });
  const name = await started(c, 'gemini', 'make the file');
  await when(c, name, 'the permission question', (info) => info.state === 'waiting');
  const question = 'Tool Confirm Shell Command requires execution: touch x';
  expect(c.agent(name)?.question).toBe(question);
  expect(c.agent(name)?.cliSession).toMatch(/^[0-9a-f-]{36}$/);
  expect(c.flashes(name)).toEqual([expect.objectContaining({ word: 'needs input', summary: question })]);

  c.send({ type: 'send', name, text: 'y' });
  await c.waitFor('the end of its turn', () => c.flashes(name)[1]);
  expect(c.flashes(name)[1]).toMatchObject({ word: 'idle', summary: 'Done: make the file' });
  expect(states(c, name)).toEqual(['unknown', 'idle', 'running', 'waiting', 'unknown', 'running', 'idle']);
  // The hooks already in force ran too, and their file is as it was.
  expect(readFileSync(audit, 'utf8')).toBe('after\n');
  expect(readFileSync(system, 'utf8')).toBe(original);

  c.send({ type: 'send', name, text: '/quit' });
  expect(await c.waitFor('its end', () => c.flashes(name)[2])).toMatchObject({ word: 'finished' });
  // Its own settings file went with it.
  await c.waitFor('its settings removed', () => readdirSync(channelDir).length === 0);
}

describe('Aider\'s notifications command (a stand-in that runs it as Aider does)', () => {
  it('says it waits after each reply; a line typed in (sent, or Enter while attached) makes its state unknown until then', async () => {
    const c = client();
    const name = await started(c, 'aider');
    await when(c, name, 'its prompt', (info) => info.lastLine === '1>');
    // Aider says nothing before its first reply.
    expect(c.agent(name)?.state).toBe('unknown');

    c.send({ type: 'send', name, text: 'add a test' });
    await when(c, name, 'the end of its turn', (info) => info.state === 'idle');
    expect(c.flashes(name)).toEqual([expect.objectContaining({ word: 'idle' })]);

    // The user types the next prompt while attached.
    await when(c, name, 'its next prompt', (info) => info.lastLine === '2>');
    c.send({ type: 'attach', name });
    c.send({ type: 'input', data: 'and run i' });
    c.send({ type: 'input', data: 't' });
    await when(c, name, 'the prompt typed', (info) => info.lastLine === '2> and run it');
    expect(c.agent(name)?.state).toBe('idle');
    c.send({ type: 'input', data: '\r' });
    await c.waitFor('the end of its second turn', () => c.flashes(name)[1]);
    expect(states(c, name)).toEqual(['unknown', 'idle', 'unknown', 'idle']);
  });
});

describe('a CLI with only its terminal', () => {
  it('waits when it rings the bell, labelled so, until something is typed; its title is kept but says nothing', async () => {
    const c = client();
    const name = await started(c, 'bellcli');
    await when(c, name, 'its title', (info) => info.windowTitle === 'bellcli: ready');
    expect(c.agent(name)?.state).toBe('unknown');

    c.send({ type: 'send', name, text: 'cleanup' });
    const waiting = await when(c, name, 'its bell', (info) => info.state === 'waiting');
    expect(waiting).toMatchObject({ stateFrom: 'bell', windowTitle: 'bellcli: working on cleanup' });
    expect(c.flashes(name)).toEqual([expect.objectContaining({ word: 'needs input', summary: 'it rang the bell' })]);

    c.send({ type: 'send', name, text: 'y' });
    const answered = await when(c, name, 'the answer', (info) => info.state === 'unknown');
    expect(answered.stateFrom).toBeUndefined();
    await when(c, name, 'its work', (info) => info.lastLine === 'did cleanup');
    expect(states(c, name)).toEqual(['unknown', 'waiting', 'unknown']);
    expect(c.flashes(name)).toHaveLength(1);
  });

  it('says what it does in its status report, labelled so: running, waiting with its question, idle when done', async () => {
    const c = client();
    const name = await started(c, 'statuscli');
    await when(c, name, 'its first report', (info) => info.state === 'idle');
    expect(c.agent(name)?.stateFrom).toBe('status');

    c.send({ type: 'send', name, text: 'cleanup' });
    const waiting = await when(c, name, 'its question', (info) => info.state === 'waiting');
    expect(waiting).toMatchObject({ stateFrom: 'status', question: 'Proceed with cleanup?' });
    expect(c.flashes(name)).toEqual([expect.objectContaining({ word: 'needs input', summary: 'Proceed with cleanup?' })]);

    c.send({ type: 'send', name, text: 'y' });
    await c.waitFor('the end of its turn', () => c.flashes(name)[1]);
    expect(c.flashes(name)[1]).toMatchObject({ word: 'idle', summary: 'did cleanup' });
    expect(c.agent(name)).toMatchObject({ state: 'idle', stateFrom: 'status' });
    expect(states(c, name)).toEqual(['unknown', 'idle', 'unknown', 'running', 'waiting', 'unknown', 'running', 'idle']);
  });
});
