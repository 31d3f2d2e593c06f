// Housekeeping through the built CLI, as a script meets it: `logs` and the last line read from
// an emulator's cells (words placed by cursor moves keep their spaces; an agent CLI's input box
// is not a last line); `send` to a program that reads in raw mode; `kill` of a whole process
// tree, daemons included; `rm` of ended agents (and /rm in a screen), `gc` of their logs. Each
// test has its own HOME and thus its own server.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/core/agent.js';
import { runCli, stopServer, type CliResult } from '../support/cli-runner.js';
import { processesOf, serverPidsOf } from '../support/server-processes.js';
import { buildEnv, CLI_ENTRY } from '../support/screen-harness.js';
import { agentEntry, chatLines, closeAll, errorEntries, eventually, launch, processAlive, ready, submit, waitForState } from './helpers.js';

const WAIT_MS = 20_000;
const RAW_READER = fileURLToPath(new URL('../support/raw-reader.cjs', import.meta.url));
const TEST_MS = 120_000;

interface Context {
  home: string;
  env: Record<string, string>;
  cwd: string;
}

let ctx: Context;

beforeEach(() => {
  const home = mkdtempSync(join(tmpdir(), 'agentmux-house-'));
  const env = buildEnv(home);
  const cwd = join(home, 'work');
  mkdirSync(cwd);
  mkdirSync(env.XDG_RUNTIME_DIR, { mode: 0o700 });
  ctx = { home, env, cwd };
});

afterEach(async () => {
  await closeAll();
  try {
    await stopServer(ctx.env, ctx.cwd);
  } finally {
    for (const { pid } of processesOf(ctx.env)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
    rmSync(ctx.home, { recursive: true, force: true });
  }
});

function cli(args: string[], input?: string): Promise<CliResult> {
  return runCli(args, { env: ctx.env, cwd: ctx.cwd, ...(input !== undefined ? { input } : {}) });
}

async function ok(args: string[]): Promise<CliResult> {
  const result = await cli(args);
  expect(result, `agentmux ${args.join(' ')}`).toMatchObject({ code: 0 });
  return result;
}

async function agentNamed(name: string): Promise<AgentInfo> {
  const list = JSON.parse((await ok(['ls', '--json'])).stdout) as AgentInfo[];
  const agent = list.find((a) => a.name === name);
  if (!agent) throw new Error(`no agent ${name} in agentmux ls --json: ${JSON.stringify(list)}`);
  return agent;
}

/** Polls `check` until it returns a value, or fails with what it last saw. */
async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let seen: unknown = 'nothing yet';
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      seen = error instanceof Error ? error.message : error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${String(seen)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `agentmux logs NAME -f` running in the background; `done` resolves with its exit code and output. */
function follow(name: string): { out: () => string; done: Promise<{ code: number | null; out: string; err: string }>; stop: () => void } {
  const child = spawn(process.execPath, [CLI_ENTRY, 'logs', name, '-f'], { env: ctx.env, cwd: ctx.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on('close', (code) => resolve({ code, out, err })));
  return { out: () => out, done, stop: () => child.exitCode === null && child.kill('SIGKILL') };
}

// What Claude Code v2 draws: a title whose words are placed by cursor moves, output, and its input
// area (rules around `❯`, a hint under them) with the cursor left in it.
const CLI_SCREEN = "printf '\\033[2J\\033[1;1HWelcome\\033[1;9Hto\\033[1;12HClaude\\033[3;1H⏺ Ready when you are.\\033[5;1H────────────\\033[6;1H❯ \\033[7;1H────────────\\033[8;3H? for shortcuts\\033[6;3H'";

describe('plain text from the emulator\'s cells', () => {
  it('`agentmux logs` keeps the spaces between words placed by cursor moves, following or not', { timeout: TEST_MS }, async () => {
    const release = join(ctx.cwd, 'release');
    const placed = "printf '\\033[3;1HWelcome\\033[3;9Hto\\033[3;12HClaude\\n'";
    await ok(['run', '--name', 'title', '--', `echo waiting; while [ ! -e release ]; do sleep 0.1; done; ${placed}`]);
    const follower = follow('title');
    try {
      await until('logs -f to print the first line', () => (follower.out().includes('waiting') ? true : undefined));
      writeFileSync(release, '');
      expect(await follower.done).toEqual({ code: 0, out: 'waiting\n\nWelcome to Claude\n', err: '' });
    } finally {
      follower.stop();
    }
    expect(await cli(['logs', 'title'])).toEqual({ code: 0, stdout: 'waiting\n\nWelcome to Claude\n', stderr: '' });
  });

  it('an agent CLI\'s last line is its output above the input box, while it runs and when it is lost with a server killed', { timeout: TEST_MS }, async () => {
    await ok(['run', '--name', 'cli', '--', `${CLI_SCREEN}; sleep 300`]);
    await until('the last line of cli', async () => {
      const { lastLine } = await agentNamed('cli');
      if (lastLine !== '⏺ Ready when you are.') throw new Error(`last line ${JSON.stringify(lastLine)}`);
      return true;
    });
    expect((await cli(['logs', 'cli'])).stdout).toBe('Welcome to Claude\n\n⏺ Ready when you are.\n\n────────────\n❯\n────────────\n  ? for shortcuts\n');

    const [pid] = serverPidsOf(ctx.env);
    process.kill(pid, 'SIGKILL');
    await until('the server and its agents to be gone', () => (processesOf(ctx.env).length === 0 ? true : undefined));
    // A new server reads its log back from the cells.
    expect(await agentNamed('cli')).toMatchObject({ state: 'lost', lastLine: '⏺ Ready when you are.' });
  });
});

describe('agentmux send', () => {
  it('types the text into a program reading in raw mode, then Enter in a read of its own: the line is submitted', { timeout: TEST_MS }, async () => {
    await ok(['run', '--name', 'reader', '--', `exec '${process.execPath}' '${RAW_READER}' bracketed`]);
    await until('the reader to be ready', async () => ((await cli(['logs', 'reader'])).stdout === 'ready\n' ? true : undefined));
    expect(await cli(['send', 'reader', 'fix', 'the', 'tests'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await cli(['wait', 'reader'])).toMatchObject({ code: 0 });
    expect((await cli(['logs', 'reader'])).stdout).toBe('ready\n> fix the tests\nsubmitted ["\\u001b[200~fix the tests\\u001b[201~","\\r"]\n');
  });
});

describe('agentmux kill', () => {
  /** The pid a daemon wrote to `file` in the work directory, once it is alive. */
  const daemonPid = (file: string) => until(`a live pid in ${file}`, () => {
    const pid = Number(readFileSafe(join(ctx.cwd, file)));
    return pid > 0 && processAlive(pid) ? pid : undefined;
  });

  it('ends the agent\'s whole process tree, a daemon that left its session by a double fork included', { timeout: TEST_MS }, async () => {
    await ok(['run', '--name', 'spawner', '--', `(setsid sh -c 'echo $$ > daemon.pid; exec sleep 300' &); exec sleep 300`]);
    const daemon = await daemonPid('daemon.pid');
    // It leads a session of its own: a signal to the agent's process group does not reach it.
    const session = Number(readFileSafe(`/proc/${daemon}/stat`).replace(/^.*\) /s, '').split(' ')[3]);
    expect(session).toBe(daemon);

    expect(await cli(['kill', 'spawner'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(processAlive(daemon)).toBe(false);
    await until('spawner to be killed', async () => ((await agentNamed('spawner')).state === 'killed' ? true : undefined));
  });

  it('sends SIGKILL after the grace period to a daemon that ignores SIGTERM', { timeout: TEST_MS }, async () => {
    mkdirSync(join(ctx.env.XDG_CONFIG_HOME, 'agentmux'), { recursive: true });
    writeFileSync(join(ctx.env.XDG_CONFIG_HOME, 'agentmux', 'config.json'), JSON.stringify({ killGraceMs: 500 }));
    await ok(['run', '--name', 'stubborn', '--', `(setsid sh -c 'trap "" TERM; echo $$ > daemon.pid; while :; do sleep 1; done' &); exec sleep 300`]);
    const daemon = await daemonPid('daemon.pid');

    const started = Date.now();
    expect(await cli(['kill', 'stubborn'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(processAlive(daemon)).toBe(false);
    expect(processesOf(ctx.env).filter(({ argv }) => argv[0] === 'sleep')).toEqual([]);
  });
});

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

describe('agentmux rm and /rm', () => {
  const records = () => readFileSync(join(workspaceDir(), 'agents.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown);
  const logFiles = () => readdirSync(join(workspaceDir(), 'logs')).sort();

  it('removes ended agents only, all named or none: its record says so, its log is set aside, its name is free at once', { timeout: TEST_MS }, async () => {
    await ok(['run', '--name', 'done', '--', 'echo first run']);
    await ok(['run', '--name', 'long', '--', 'echo running; sleep 300']);
    expect(await cli(['wait', 'done'])).toMatchObject({ code: 0 });
    await until('long to have printed', async () => ((await cli(['logs', 'long'])).stdout === 'running\n' ? true : undefined));

    expect(await cli(['rm', 'done', 'long'])).toEqual({ code: 1, stdout: '', stderr: 'agentmux: long is still running: /kill it first (agentmux kill long)\n' });
    expect(await cli(['rm', 'done', 'nosuch'])).toEqual({ code: 1, stdout: '', stderr: 'agentmux: no agent named nosuch (/agents or agentmux ls lists them)\n' });
    expect((await agents()).map((agent) => agent.name)).toEqual(['done', 'long']);

    expect(await cli(['rm', 'done'])).toEqual({ code: 0, stdout: 'Removed done: its name is free again; its log stays until agentmux gc.\n', stderr: '' });
    expect((await agents()).map((agent) => agent.name)).toEqual(['long']);
    expect(records().at(-1)).toEqual({ v: 1, removed: 'done' });
    expect(logFiles()).toEqual([expect.stringMatching(/^done\.removed-\d+\.log$/), 'long.log']);
    expect(await cli(['logs', 'done'])).toMatchObject({ code: 1, stderr: 'agentmux: no agent named done (/agents or agentmux ls lists them)\n' });

    // The name is free: a new agent takes it, with a log of its own.
    await ok(['run', '--name', 'done', '--', 'echo second run']);
    expect(await cli(['wait', 'done'])).toMatchObject({ code: 0 });
    expect((await cli(['logs', 'done'])).stdout).toBe('second run\n');

    // A new server reads the records back: the removed agent stays removed.
    await ok(['kill', 'long']);
    await stopServer(ctx.env, ctx.cwd);
    expect((await agents()).map((agent) => [agent.name, agent.state])).toEqual([['long', 'killed'], ['done', 'finished']]);
    expect((await cli(['logs', 'done'])).stdout).toBe('second run\n');
  });

  it('agentmux gc removes the logs the records no longer name, once asked', { timeout: TEST_MS }, async () => {
    await ok(['run', '--name', 'old', '--', 'echo old']);
    await ok(['run', '--name', 'kept', '--', 'echo kept']);
    expect(await cli(['wait', 'old', 'kept'])).toMatchObject({ code: 0 });
    await ok(['rm', 'old']);

    const declined = await cli(['gc'], 'n\n');
    expect(declined).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Remove the log of old \(removed \d{4}-\d\d-\d\d \d\d:\d\d, 0\.0 MB\)\? \[y\/N\] $/) });
    expect(logFiles()).toHaveLength(2);

    expect(await cli(['gc', '--yes'])).toEqual({ code: 0, stdout: 'removed the log of old\n', stderr: '' });
    expect(logFiles()).toEqual(['kept.log']);
    expect(await cli(['gc'])).toEqual({ code: 0, stdout: 'Nothing to clean up: no agentmux worktrees, branches or logs of removed agents.\n', stderr: '' });
    expect((await cli(['logs', 'kept'])).stdout).toBe('kept\n');
  });

  it('/rm takes an ended agent out of every screen\'s list and says so; a running one is refused in one line', { timeout: TEST_MS }, async () => {
    const h = await launch({ home: ctx.home, cwd: ctx.cwd });
    await ready(h);
    submit(h, '/run --name done -- echo bye');
    submit(h, '/run --name long -- sleep 300');
    await waitForState(h, 'done', 'finished');
    await waitForState(h, 'long', 'running');

    submit(h, '/rm long');
    await eventually(h, (s) => expect(errorEntries(s)).toContain('long is still running: /kill it first (agentmux kill long)'));
    submit(h, '/rm done');
    await eventually(h, (s) => {
      expect(agentEntry(s, 'done')).toBeUndefined();
      expect(chatLines(s).map((line) => line.trim()).join(' ')).toContain('Removed done: its name is free again; its log stays until agentmux gc.');
    });

    // Removed by a script: gone from this screen too.
    await ok(['run', '--name', 'other', '--', 'true']);
    await waitForState(h, 'other', 'finished');
    await ok(['rm', 'other']);
    await eventually(h, (s) => expect(agentEntry(s, 'other')).toBeUndefined());
    expect(agentEntry(h, 'long')).toBeDefined();
  });
});

async function agents(): Promise<AgentInfo[]> {
  return JSON.parse((await ok(['ls', '--json'])).stdout) as AgentInfo[];
}

/** The state directory of the test's one workspace. */
function workspaceDir(): string {
  const repos = join(ctx.env.XDG_STATE_HOME, 'agentmux', 'repos');
  const [dir] = readdirSync(repos);
  return join(repos, dir);
}
