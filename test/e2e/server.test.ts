// The per-user server as a user and a script meet it: private socket and state directories,
// version refusal, clients that send garbage (told why and dropped; nobody else notices),
// `agentmux wait` exit codes, `logs` plain and raw and followed, a server killed with SIGKILL
// (its agents come back as records: the running ones lost; clients name the server's log),
// `server stop` with and without --force, and one server per state: a removed socket comes
// back, a second server is refused in one line. Each test has its own HOME and thus its own server.
import { execFile, spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/core/agent.js';
import { MAX_CLIENT_MESSAGE_BYTES, PROTOCOL_VERSION, type ServerEvent } from '../../src/core/protocol.js';
import { runCli, stopServer, type CliResult } from '../support/cli-runner.js';
import { processesOf, serverPidsOf, type ProcInfo } from '../support/server-processes.js';
import { buildEnv, CLI_ENTRY, startScreen } from '../support/screen-harness.js';
import { processAlive, ready } from './helpers.js';

const WAIT_MS = 20_000;
const TEST_MS = 180_000;

interface Context {
  home: string;
  env: Record<string, string>;
  /** The directory every command runs in: a plain directory, its own workspace. */
  cwd: string;
  runtimeDir: string;
  socket: string;
  stateRoot: string;
  /** Environments of other shells this test used: whatever they left running is ended too. */
  otherEnvs: Array<Record<string, string>>;
}

let ctx: Context;
const rawClients: RawClient[] = [];

beforeEach(() => {
  const home = mkdtempSync(join(tmpdir(), 'agentmux-server-'));
  const env = buildEnv(home);
  const cwd = join(home, 'work');
  mkdirSync(cwd);
  // As a login session provides it: the user's own, private runtime directory.
  mkdirSync(env.XDG_RUNTIME_DIR, { mode: 0o700 });
  const runtimeDir = join(env.XDG_RUNTIME_DIR, 'agentmux');
  ctx = { home, env, cwd, runtimeDir, socket: join(runtimeDir, 'server.sock'), stateRoot: join(env.XDG_STATE_HOME, 'agentmux'), otherEnvs: [] };
});

afterEach(async () => {
  for (const client of rawClients.splice(0)) client.socket.destroy();
  try {
    await stopServer(ctx.env, ctx.cwd);
  } finally {
    // Whatever of this test's is left (an agent orphaned by a killed server): ended by its pid.
    for (const { pid } of [...processesOfThisTest(), ...ctx.otherEnvs.flatMap((env) => processesOf(env))]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
    rmSync(ctx.home, { recursive: true, force: true });
  }
});

// ---- helpers ---------------------------------------------------------------------------------

function cli(args: string[], options: { input?: string } = {}): Promise<CliResult> {
  return runCli(args, { env: ctx.env, cwd: ctx.cwd, ...options });
}

/** Runs a CLI command that must succeed; its output is shown when it does not. */
async function ok(args: string[]): Promise<CliResult> {
  const result = await cli(args);
  expect(result, `agentmux ${args.join(' ')}`).toMatchObject({ code: 0 });
  return result;
}

async function agents(): Promise<AgentInfo[]> {
  const result = await ok(['ls', '--json']);
  return JSON.parse(result.stdout) as AgentInfo[];
}

async function agentNamed(name: string): Promise<AgentInfo> {
  const list = await agents();
  const agent = list.find((a) => a.name === name);
  if (!agent) throw new Error(`no agent ${name} in agentmux ls --json: ${JSON.stringify(list)}`);
  return agent;
}

/** Polls `check` (which returns a value when satisfied) until it does, or fails with what it last saw. */
async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let seen: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
      seen = 'nothing yet';
    } catch (error) {
      seen = error instanceof Error ? error.message : error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${String(seen)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function processesOfThisTest(): ProcInfo[] {
  return processesOf(ctx.env);
}

function serverPids(): number[] {
  return serverPidsOf(ctx.env);
}

/** The workspace state directories under the state root (this test uses one workspace). */
function workspaceDirs(): string[] {
  const repos = join(ctx.stateRoot, 'repos');
  return existsSync(repos) ? readdirSync(repos).map((entry) => join(repos, entry)) : [];
}

/** A protocol client on a bare socket: records every event, unparsable lines included. */
class RawClient {
  readonly events: Array<ServerEvent | { type: 'unparsable'; line: string }> = [];
  closed = false;
  readonly errors: string[] = [];
  private text = '';
  private readonly decoder = new StringDecoder('utf8');
  private readonly listeners = new Set<() => void>();

  private constructor(readonly socket: Socket, readonly label: string) {
    socket.on('data', (chunk: Buffer) => {
      this.text += this.decoder.write(chunk);
      let end: number;
      while ((end = this.text.indexOf('\n')) !== -1) {
        const line = this.text.slice(0, end);
        this.text = this.text.slice(end + 1);
        try {
          this.events.push(JSON.parse(line) as ServerEvent);
        } catch {
          this.events.push({ type: 'unparsable', line: line.slice(0, 200) });
        }
      }
      this.notify();
    });
    // A write into a connection the server already dropped: expected for garbage senders.
    socket.on('error', (error) => {
      this.errors.push(error.message);
    });
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
  }

  static open(label: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(ctx.socket);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        const client = new RawClient(socket, label);
        rawClients.push(client);
        resolve(client);
      });
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  send(message: unknown): void {
    this.write(`${JSON.stringify(message)}\n`);
  }

  hello(version = PROTOCOL_VERSION): void {
    this.send({ type: 'hello', version, role: 'script', cwd: ctx.cwd, flags: {}, session: { kind: 'current' } });
  }

  /** Says hello and resolves with the welcome. */
  async welcome(): Promise<Extract<ServerEvent, { type: 'welcome' }>> {
    this.hello();
    return this.waitFor('a welcome', (events) => events.find((e): e is Extract<ServerEvent, { type: 'welcome' }> => e.type === 'welcome'));
  }

  /** Waits until `find` returns something from the events so far. */
  waitFor<T>(what: string, find: (events: RawClient['events']) => T | undefined, timeoutMs = WAIT_MS): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = find(this.events);
        if (found === undefined) return false;
        done();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.label}: timed out after ${timeoutMs} ms waiting for ${what}; closed: ${this.closed}; `
          + `socket errors: ${JSON.stringify(this.errors)}; events: ${this.describe()}`));
      }, timeoutMs);
      const listener = () => void check();
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
      check();
    });
  }

  waitClosed(timeoutMs = WAIT_MS): Promise<void> {
    return this.waitFor('the server to close the connection', () => (this.closed ? true : undefined), timeoutMs).then(() => undefined);
  }

  /** The events so far, each cut short. */
  describe(): string {
    return `[${this.events.map((e) => JSON.stringify(e).slice(0, 300)).join(', ')}]`;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** The `done` answer to the command with this id. */
function doneWith(id: number): (events: RawClient['events']) => Extract<ServerEvent, { type: 'done' }> | undefined {
  return (events) => events.find((e): e is Extract<ServerEvent, { type: 'done' }> => e.type === 'done' && e.id === id);
}

// ---- tests -----------------------------------------------------------------------------------

describe('agentmux server', () => {
  it('keeps its socket and state private: runtime and state directories 0700, socket 0600, all the user\'s', { timeout: TEST_MS }, async () => {
    // The most permissive umask: whatever is private is so because the server made it so.
    const umask = process.umask(0);
    let result: CliResult;
    try {
      result = await cli(['ls']);
    } finally {
      process.umask(umask);
    }
    expect(result).toEqual({ code: 0, stdout: 'no agents\n', stderr: '' });

    const uid = process.getuid?.();
    const runtime = lstatSync(ctx.runtimeDir);
    expect(runtime.isDirectory()).toBe(true);
    expect((runtime.mode & 0o777).toString(8)).toBe('700');
    expect(runtime.uid).toBe(uid);

    const socket = lstatSync(ctx.socket);
    expect(socket.isSocket()).toBe(true);
    expect((socket.mode & 0o777).toString(8)).toBe('600');
    expect(socket.uid).toBe(uid);

    const state = lstatSync(ctx.stateRoot);
    expect(state.isDirectory()).toBe(true);
    expect((state.mode & 0o777).toString(8)).toBe('700');
    expect(state.uid).toBe(uid);

    // The server's own log (it holds paths and commands) is the user's alone too.
    expect((statSync(join(ctx.stateRoot, 'server.log')).mode & 0o777).toString(8)).toBe('600');
  });

  it('refuses a client of another protocol version with one `refused` line, closes it, and serves others on', { timeout: TEST_MS }, async () => {
    await ok(['ls']);
    const client = await RawClient.open('other-version client');
    client.hello(PROTOCOL_VERSION + 1);
    await client.waitClosed();
    expect(client.events, client.describe()).toHaveLength(1);
    const [refused] = client.events;
    expect(refused).toMatchObject({ type: 'refused', version: PROTOCOL_VERSION });
    expect((refused as Extract<ServerEvent, { type: 'refused' }>).message).toContain('agentmux server stop');
    expect((refused as Extract<ServerEvent, { type: 'refused' }>).message).toContain(`protocol ${PROTOCOL_VERSION + 1}`);

    expect(await cli(['ls'])).toEqual({ code: 0, stdout: 'no agents\n', stderr: '' });
  });

  it('drops clients that send garbage, each told why, while a well-behaved client and the agents go on', { timeout: TEST_MS }, async () => {
    expect(await ok(['run', '--name', 'steady', '--', 'sleep 300'])).toMatchObject({ stdout: 'steady\n' });

    // A well-behaved client, connected through all that follows.
    const watcher = await RawClient.open('watcher');
    const welcome = await watcher.welcome();
    expect(welcome.agents.map((a) => [a.name, a.state])).toEqual([['steady', 'running']]);
    watcher.send({ type: 'resize', cols: 80, rows: 24, id: 1 });
    expect(await watcher.waitFor('the answer to resize', doneWith(1))).toEqual({ type: 'done', id: 1 });

    // (a) Not JSON, before any hello.
    const notJson = await RawClient.open('not-JSON client');
    notJson.write('GET / HTTP/1.1\n');
    await notJson.waitClosed();
    expect(notJson.events, notJson.describe()).toEqual([{ type: 'goodbye', message: 'malformed message: invalid JSON' }]);

    // (b) A proper hello, then a command with a field of the wrong type.
    const badField = await RawClient.open('bad-field client');
    await badField.welcome();
    badField.write('{"type":"resize","cols":"x","rows":2}\n');
    const goodbye = await badField.waitFor('a goodbye', (events) => events.find((e) => e.type === 'goodbye'));
    expect(goodbye).toMatchObject({ type: 'goodbye', message: expect.stringMatching(/^malformed command: .*\bcols\b/) });
    await badField.waitClosed();
    expect(badField.events.filter((e) => e.type === 'goodbye')).toHaveLength(1);

    // (c) A line past the limit, never finished: the goodbye comes without its newline ever being sent.
    const tooLarge = await RawClient.open('too-large client');
    await tooLarge.welcome();
    tooLarge.write(`{"type":"chat","text":"${'x'.repeat(MAX_CLIENT_MESSAGE_BYTES + 64 * 1024)}`);
    const tooLargeBye = await tooLarge.waitFor('a goodbye', (events) => events.find((e) => e.type === 'goodbye'));
    expect(tooLargeBye).toEqual({ type: 'goodbye', message: `message too large: more than ${MAX_CLIENT_MESSAGE_BYTES} bytes` });
    await tooLarge.waitClosed();

    // (d) The watcher noticed nothing, and still gets news of an agent started now.
    expect(watcher.closed).toBe(false);
    expect(watcher.events.filter((e) => e.type === 'goodbye' || e.type === 'error' || e.type === 'unparsable'), watcher.describe()).toEqual([]);
    expect(await ok(['run', '--name', 'late', '--', 'echo late-output'])).toMatchObject({ stdout: 'late\n' });
    await watcher.waitFor('late to finish', (events) => events.find((e) => e.type === 'agent' && e.agent.name === 'late' && e.agent.state === 'finished'));
    watcher.send({ type: 'logs', name: 'late', id: 2 });
    expect(await watcher.waitFor('the answer to logs', doneWith(2))).toEqual({ type: 'done', id: 2 });
    await watcher.waitFor('the end of late\'s log', (events) => events.find((e) => e.type === 'logEnd' && e.name === 'late'));
    const logged = watcher.events.filter((e): e is Extract<ServerEvent, { type: 'log' }> => e.type === 'log' && e.name === 'late').map((e) => e.data).join('');
    // Plain text, read from the emulator's cells (the bytes as written come with `raw`).
    expect(logged).toBe('late-output\n');
    watcher.send({ type: 'attach', name: 'steady', id: 3 });
    expect(await watcher.waitFor('the answer to attach', doneWith(3))).toEqual({ type: 'done', id: 3 });
    await watcher.waitFor('attached steady', (events) => events.find((e) => e.type === 'attached' && e.name === 'steady'));
    await watcher.waitFor('a screen of steady', (events) => events.find((e) => e.type === 'screen' && e.name === 'steady'));

    // The server is there for everyone, and the agent started before the garbage still runs.
    const list = await agents();
    expect(list.map((a) => [a.name, a.state])).toEqual([['steady', 'running'], ['late', 'finished']]);
    expect(serverPids()).toHaveLength(1);
  });

  it('`agentmux wait` exits with the worst outcome: 0 finished, 1 failed, 3 killed, 2 for an unknown agent', { timeout: TEST_MS }, async () => {
    await ok(['run', '--name', 'ok', '--', 'true']);
    await ok(['run', '--name', 'bad', '--', 'exit 3']);
    await ok(['run', '--name', 'sleeper', '--', 'sleep 30']);

    expect(await cli(['wait', 'ok'])).toEqual({ code: 0, stdout: 'ok finished · exit 0\n', stderr: '' });
    expect(await cli(['wait', 'bad'])).toEqual({ code: 1, stdout: 'bad failed · exit 3\n', stderr: '' });

    // Waiting on a running agent until it is killed.
    const waiting = cli(['wait', 'sleeper']);
    expect(await agentNamed('sleeper')).toMatchObject({ state: 'running' });
    expect(await cli(['kill', 'sleeper'])).toEqual({ code: 0, stdout: '', stderr: '' });
    const killed = await waiting;
    expect(killed.code).toBe(3);
    expect(killed.stdout).toMatch(/^sleeper killed\b/);

    expect(await cli(['wait', 'ok', 'bad'])).toEqual({ code: 1, stdout: 'ok finished · exit 0\nbad failed · exit 3\n', stderr: '' });
    expect((await cli(['wait', 'ok', 'sleeper', 'bad'])).code).toBe(3);
    expect(await cli(['wait', 'nosuch'])).toEqual({ code: 2, stdout: '', stderr: 'agentmux: no agent named nosuch (agentmux ls lists them)\n' });
    expect(await cli(['wait', 'ok', 'nosuch'])).toMatchObject({ code: 2, stdout: '' });

    const json = await cli(['wait', 'ok', 'bad', '--json']);
    expect(json.code).toBe(1);
    const states = JSON.parse(json.stdout) as AgentInfo[];
    expect(states.map((a) => ({ name: a.name, state: a.state, exitCode: a.exitCode }))).toEqual([
      { name: 'ok', state: 'finished', exitCode: 0 },
      { name: 'bad', state: 'failed', exitCode: 3 },
    ]);
  });

  it('run from a directory that has been removed, says so in one line and starts nothing', { timeout: TEST_MS }, async () => {
    const script = `mkdir gone && cd gone && rmdir ../gone && exec "${process.execPath}" "${CLI_ENTRY}" ls`;
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile('sh', ['-c', script], { cwd: ctx.cwd, env: ctx.env }, (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }));
    });
    expect(result).toEqual({ code: 1, stderr: 'agentmux: the current directory has been removed: cd into one that exists and run agentmux again\n' });
    expect(existsSync(ctx.socket)).toBe(false);
  });

  it('keeps one earlier server log when the log has grown past 1 MB', { timeout: TEST_MS }, async () => {
    mkdirSync(ctx.stateRoot, { recursive: true, mode: 0o700 });
    const old = 'an old line\n'.repeat(100_000);
    writeFileSync(join(ctx.stateRoot, 'server.log'), old, { mode: 0o600 });
    await ok(['ls']);
    expect(readFileSync(join(ctx.stateRoot, 'server.log.1'), 'utf8')).toBe(old);
    expect(readFileSync(join(ctx.stateRoot, 'server.log'), 'utf8')).toMatch(/^\S+ agentmux server \S+ \(pid \d+\) listening on /);
  });

  it('starts agents in the environment of the command that started them, not the one that started the server', { timeout: TEST_MS }, async () => {
    const inShell = (variables: Record<string, string>, args: string[]) => runCli(args, { env: { ...ctx.env, ...variables }, cwd: ctx.cwd });
    // A variable no shell could set (a program may) does not keep the command from connecting.
    expect(await inShell({ PROJECT_STAGE: 'first', 'odd.name': 'x' }, ['run', '--name', 'one', '--', 'echo "stage=$PROJECT_STAGE"'])).toMatchObject({ code: 0 });
    expect(await cli(['wait', 'one'])).toMatchObject({ code: 0 });
    // Another shell, say after `nvm use` or in a virtualenv: its own variables and PATH.
    const bin = join(ctx.cwd, 'venv-bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'project-tool'), '#!/bin/sh\necho tool from the venv\n', { mode: 0o755 });
    const venv = { PROJECT_STAGE: 'second', PATH: `${bin}:${ctx.env.PATH}`, TMUX: '/tmp/tmux-1/default,1,0' };
    expect(await inShell(venv, ['run', '--name', 'two', '--', 'echo "stage=$PROJECT_STAGE tmux=${TMUX:-none}"; project-tool'])).toMatchObject({ code: 0 });
    expect(await cli(['wait', 'two'])).toMatchObject({ code: 0 });
    expect((await cli(['logs', 'one'])).stdout).toBe('stage=first\n');
    // The user's multiplexer's variables stay out, as they always have.
    expect((await cli(['logs', 'two'])).stdout).toBe('stage=second tmux=none\ntool from the venv\n');
  });

  it('`agentmux logs` prints an agent\'s output as plain text, --raw as written, and -f follows it to its end', { timeout: TEST_MS }, async () => {
    expect(await ok(['run', '--name', 'hello', '--', 'printf "\\033[31mred\\033[0m\\nplain\\n"'])).toMatchObject({ stdout: 'hello\n' });
    expect(await cli(['wait', 'hello'])).toMatchObject({ code: 0 });
    expect(await cli(['logs', 'hello'])).toEqual({ code: 0, stdout: 'red\nplain\n', stderr: '' });
    const raw = await cli(['logs', 'hello', '--raw']);
    expect(raw.code).toBe(0);
    expect(raw.stdout).toContain('\x1b[31mred\x1b[0m');
    expect(raw.stdout).toContain('plain');

    const listed = await agentNamed('hello');
    expect(listed).toMatchObject({ name: 'hello', kind: 'command', state: 'finished', exitCode: 0, task: 'printf "\\033[31mred\\033[0m\\nplain\\n"' });

    // A ticker that prints three lines, then waits for the test to let it print two more and end:
    // so `logs -f` has surely joined while the agent runs.
    const release = join(ctx.cwd, 'release');
    await ok(['run', '--name', 'ticker', '--', 'for i in 1 2 3; do echo tick-$i; sleep 0.2; done; while [ ! -e release ]; do sleep 0.1; done; echo tick-4; sleep 0.2; echo tick-5']);
    const follower = spawn(process.execPath, [CLI_ENTRY, 'logs', 'ticker', '-f'], { env: ctx.env, cwd: ctx.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    follower.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    follower.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => follower.on('close', (code) => resolve(code)));
    try {
      await until('logs -f to print tick-3', () => {
        if (!out.includes('tick-3\n')) throw new Error(`stdout ${JSON.stringify(out)}, stderr ${JSON.stringify(err)}`);
        return true;
      });
      expect(await agentNamed('ticker')).toMatchObject({ state: 'running' });
      writeFileSync(release, '');
      const code = await Promise.race([exited, new Promise<never>((_, reject) => setTimeout(
        () => reject(new Error(`logs -f did not exit within ${WAIT_MS} ms; stdout ${JSON.stringify(out)}, stderr ${JSON.stringify(err)}`)), WAIT_MS,
      ).unref())]);
      expect({ code, out, err }).toEqual({ code: 0, out: 'tick-1\ntick-2\ntick-3\ntick-4\ntick-5\n', err: '' });
    } finally {
      if (follower.exitCode === null && follower.pid !== undefined) follower.kill('SIGKILL');
    }
    expect(await agentNamed('ticker')).toMatchObject({ state: 'finished', exitCode: 0 });
  });

  it('`agentmux logs` and `ls` print none of the bidirectional formatting characters an agent wrote (U+202E, U+2066…); --raw keeps them', { timeout: TEST_MS }, async () => {
    // U+202E, U+2066 and U+2069 as printf writes them (UTF-8 in octal); a U+2067 in the command line itself.
    const command = "echo 'x\u2067y'; printf 'invoice\\342\\200\\256fdp.exe \\342\\201\\246isolated\\342\\201\\251\\n'";
    await ok(['run', '--name', 'bidi', '--', command]);
    expect(await cli(['wait', 'bidi'])).toMatchObject({ code: 0 });
    expect(await cli(['logs', 'bidi'])).toEqual({ code: 0, stdout: 'xy\ninvoicefdp.exe isolated\n', stderr: '' });
    const raw = await cli(['logs', 'bidi', '--raw']);
    expect(raw.stdout).toContain('invoice\u202efdp.exe \u2066isolated\u2069');
    const listed = await cli(['ls']);
    expect(listed.stdout).toContain("echo 'xy'; printf");
    expect(listed.stdout).not.toMatch(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
  });

  it('a new server moves unreadable lines of agents.jsonl to agents.jsonl.bad and says so once, in server.log', { timeout: TEST_MS }, async () => {
    await ok(['run', '--name', 'first', '--', 'true']);
    expect(await cli(['wait', 'first'])).toMatchObject({ code: 0 });
    await stopServer(ctx.env, ctx.cwd);
    const [dir] = workspaceDirs();
    const records = join(dir, 'agents.jsonl');
    const kept = readFileSync(records, 'utf8');
    const lines = kept.split('\n').filter(Boolean);
    // Damage in the middle: two lines that are not records, before the last good one.
    writeFileSync(records, `${lines.slice(0, -1).map((line) => `${line}\n`).join('')}garbage{\n{"v":1}\n${lines.at(-1)}\n`);

    expect((await agents()).map((agent) => agent.name)).toEqual(['first']);
    const said = `${records}: 2 unreadable lines skipped (lines ${lines.length}–${lines.length + 1}), kept in agents.jsonl.bad`;
    const log = (): string => readFileSync(join(ctx.stateRoot, 'server.log'), 'utf8');
    expect(log()).toMatch(new RegExp(`^\\S+ ${said.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    expect(readFileSync(`${records}.bad`, 'utf8')).toBe('garbage{\n{"v":1}\n');
    expect(readFileSync(records, 'utf8')).toBe(kept);

    await stopServer(ctx.env, ctx.cwd);
    expect((await agents()).map((agent) => agent.name)).toEqual(['first']);
    expect(log().split(said)).toHaveLength(2);
  });

  it('after the server is killed with SIGKILL, a new one shows its running agents as lost and its ended ones as they ended', { timeout: TEST_MS }, async () => {
    await ok(['run', '--name', 'sleeper', '--', 'echo started; sleep 300']);
    await ok(['run', '--name', 'done', '--', 'echo finished-line']);
    expect(await cli(['wait', 'done'])).toMatchObject({ code: 0 });
    // Its output has reached the log before the server dies.
    await until('sleeper\'s log to hold "started"', async () => {
      const logs = await cli(['logs', 'sleeper']);
      if (logs.stdout !== 'started\n') throw new Error(JSON.stringify(logs));
      return true;
    });

    const pids = serverPids();
    expect(pids, JSON.stringify(processesOfThisTest())).toHaveLength(1);
    const [pid] = pids;
    expect(processesOfThisTest().some(({ argv }) => argv.join(' ') === 'sleep 300')).toBe(true);
    // Cross-check with what the server wrote in its own log.
    expect(readFileSync(join(ctx.stateRoot, 'server.log'), 'utf8')).toContain(`(pid ${pid})`);
    process.kill(pid, 'SIGKILL');
    // The server goes, and its agents with it (their terminal hung up): a lost agent is not a stray process.
    await until(`server ${pid} and its agents to be gone`, () => {
      const left = processesOfThisTest();
      if (left.length > 0) throw new Error(JSON.stringify(left));
      return true;
    });
    // It had no chance to clean up: its socket file is left behind.
    expect(existsSync(ctx.socket)).toBe(true);

    // `ls` starts a new server, which reads back the records.
    const list = await agents();
    expect(list.map((a) => ({ name: a.name, state: a.state, exitCode: a.exitCode }))).toEqual([
      { name: 'sleeper', state: 'lost', exitCode: undefined },
      { name: 'done', state: 'finished', exitCode: 0 },
    ]);
    // What it printed last, read back from its log.
    expect(list[0].lastLine).toBe('started');
    const newPids = serverPids();
    expect(newPids).toHaveLength(1);
    expect(newPids[0]).not.toBe(pid);
    expect(await cli(['logs', 'sleeper'])).toEqual({ code: 0, stdout: 'started\n', stderr: '' });
    expect(await cli(['logs', 'done'])).toEqual({ code: 0, stdout: 'finished-line\n', stderr: '' });
    expect(await cli(['wait', 'sleeper'])).toMatchObject({ code: 4, stdout: expect.stringMatching(/^sleeper lost\b/) });

    const dirs = workspaceDirs();
    expect(dirs).toHaveLength(1);
    const records = join(dirs[0], 'agents.jsonl');
    expect(existsSync(records)).toBe(true);
    // One line per change, the last line of an agent wins.
    const lines = readFileSync(records, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { record?: { info?: AgentInfo } });
    const last = (name: string) => lines.filter((line) => line.record?.info?.name === name).at(-1)?.record?.info;
    expect(last('sleeper')).toMatchObject({ state: 'lost' });
    expect(last('done')).toMatchObject({ state: 'finished', exitCode: 0 });
  });

  it('`server stop` refuses while an agent runs and stops nothing; --force stops it and removes the socket', { timeout: TEST_MS }, async () => {
    await ok(['run', '--name', 'busy', '--', 'sleep 300']);
    const pids = serverPids();
    expect(pids).toHaveLength(1);
    // The agent's process is there (it has the server's environment).
    expect(processesOfThisTest().some(({ argv }) => argv.includes('sleep 300') || argv.join(' ') === 'sleep 300')).toBe(true);

    // stdin is a pipe, not a terminal: no question, a refusal.
    const refused = await cli(['server', 'stop']);
    expect(refused).toEqual({ code: 1, stdout: '', stderr: 'agentmux: 1 agent is running: `agentmux server stop --force` stops them too\n' });
    expect(existsSync(ctx.socket)).toBe(true);
    expect(serverPids()).toEqual(pids);
    expect(await agentNamed('busy')).toMatchObject({ state: 'running' });

    const forced = await cli(['server', 'stop', '--force']);
    expect(forced).toEqual({ code: 0, stdout: '', stderr: 'agentmux: server stopped (1 agent stopped)\n' });
    expect(existsSync(ctx.socket)).toBe(false);
    // The server and its agent are gone, not left behind.
    await until('the server and its agent to end', () => {
      const left = processesOfThisTest();
      if (left.length > 0) throw new Error(JSON.stringify(left));
      return true;
    });
    // Nothing runs now: a plain stop says so and starts nothing.
    expect(await cli(['server', 'stop'])).toEqual({ code: 0, stdout: '', stderr: 'agentmux: no server is running\n' });
    expect(existsSync(ctx.socket)).toBe(false);
  });
  it('a removed socket, or its removed directory, is made again by the running server: its agents stay running and can be killed', { timeout: TEST_MS }, async () => {
    await ok(['run', '--name', 'steady', '--', 'sleep 300']);
    const pids = serverPids();
    expect(pids).toHaveLength(1);

    rmSync(ctx.socket);
    // The next command reaches the same server, which still runs its agent.
    expect(await agentNamed('steady')).toMatchObject({ state: 'running' });
    expect(await ok(['run', '--name', 'late', '--', 'sleep 300'])).toMatchObject({ stdout: 'late\n' });

    // Moved away whole, then removed: `rm -r` alone may find the socket made again before its rmdir.
    const removed = join(ctx.home, '.run-removed');
    renameSync(ctx.runtimeDir, removed);
    rmSync(removed, { recursive: true });
    expect((await agents()).map((a) => [a.name, a.state])).toEqual([['steady', 'running'], ['late', 'running']]);
    // Made again as private as before.
    expect((lstatSync(ctx.runtimeDir).mode & 0o777).toString(8)).toBe('700');
    expect((lstatSync(ctx.socket).mode & 0o777).toString(8)).toBe('600');

    expect(await cli(['kill', 'steady', 'late'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await cli(['wait', 'steady', 'late'])).toMatchObject({ code: 3, stdout: expect.stringMatching(/^steady killed.*\nlate killed/) });
    await until('the first server alone to run', () => {
      if (JSON.stringify(serverPids()) !== JSON.stringify(pids)) throw new Error(JSON.stringify(processesOfThisTest()));
      return true;
    });
    expect(readFileSync(join(ctx.stateRoot, 'server.log'), 'utf8')).toContain(`the socket ${ctx.socket} was removed: listening on it again`);
  });

  it('a second shell with another XDG_RUNTIME_DIR is told which server uses the state and how to reach it, and changes nothing', { timeout: TEST_MS }, async () => {
    await ok(['run', '--name', 'steady', '--', 'sleep 300']);
    const [pid] = serverPids();
    const records = join(workspaceDirs()[0], 'agents.jsonl');
    const before = readFileSync(records);

    const otherRuntime = join(ctx.home, '.run-other');
    mkdirSync(otherRuntime, { mode: 0o700 });
    const other = { ...ctx.env, XDG_RUNTIME_DIR: otherRuntime };
    ctx.otherEnvs.push(other);
    const line = `agentmux: another agentmux server (pid ${pid}) uses this state (${ctx.stateRoot}): it listens on ${ctx.socket} `
      + `— reach it with XDG_RUNTIME_DIR=${ctx.env.XDG_RUNTIME_DIR}, or stop it with kill ${pid}\n`;
    expect(await runCli(['ls'], { env: other, cwd: ctx.cwd })).toEqual({ code: 1, stdout: '', stderr: line });
    expect(await runCli(['run', '--name', 'second', '--', 'true'], { env: other, cwd: ctx.cwd })).toEqual({ code: 1, stdout: '', stderr: line });

    expect(readFileSync(records).equals(before)).toBe(true);
    expect(existsSync(join(otherRuntime, 'agentmux', 'server.sock'))).toBe(false);
    await until('the refused servers to end', () => {
      const left = processesOf(other);
      if (left.length > 0) throw new Error(JSON.stringify(left));
      return true;
    });
    // The first server and its agent go on, as the first shell sees them.
    expect(serverPids()).toEqual([pid]);
    expect(await agentNamed('steady')).toMatchObject({ state: 'running' });
    expect(await cli(['kill', 'steady'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await cli(['wait', 'steady'])).toMatchObject({ code: 3 });
  });

  it('after the server is killed with SIGKILL, a new one takes the state at once, though an agent of the old one outlived it', { timeout: TEST_MS }, async () => {
    // An agent that ignores the hang-up outlives its server: it must not hold the lock.
    await ok(['run', '--name', 'stubborn', '--', 'trap "" HUP; exec sleep 300']);
    const agent = await until('stubborn to run', () => processesOfThisTest().find(({ argv }) => argv.join(' ') === 'sleep 300'));
    const [pid] = serverPids();
    const lockFile = join(ctx.stateRoot, 'server.lock');
    const holdsLockFile = (holder: number) => readdirSync(`/proc/${holder}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${holder}/fd/${fd}`) === lockFile;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
    });
    expect(holdsLockFile(pid)).toBe(true);
    expect(holdsLockFile(agent.pid)).toBe(false);
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toEqual({ pid, socket: ctx.socket, startedAt: expect.any(String) });

    process.kill(pid, 'SIGKILL');
    await until(`server ${pid} to be gone`, () => {
      if (serverPids().length > 0) throw new Error(JSON.stringify(processesOfThisTest()));
      return true;
    });
    expect(processAlive(agent.pid)).toBe(true);

    expect((await agents()).map((a) => [a.name, a.state])).toEqual([['stubborn', 'lost']]);
    const newPids = serverPids();
    expect(newPids).toHaveLength(1);
    expect(newPids[0]).not.toBe(pid);
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toEqual({ pid: newPids[0], socket: ctx.socket, startedAt: expect.any(String) });
    expect(holdsLockFile(newPids[0])).toBe(true);
  });

  it('says in one line that flock(1) is missing, and starts nothing', { timeout: TEST_MS }, async () => {
    const bin = join(ctx.home, 'bin-without-flock');
    mkdirSync(bin);
    expect(await runCli(['ls'], { env: { ...ctx.env, PATH: bin }, cwd: ctx.cwd })).toEqual({
      code: 1,
      stdout: '',
      stderr: `agentmux: flock(1) is missing: install util-linux, which agentmux needs to run one server per state directory (${ctx.stateRoot})\n`,
    });
    expect(existsSync(ctx.socket)).toBe(false);
  });

  it('a screen and a script whose server is killed name the server\'s log in their last words', { timeout: TEST_MS }, async () => {
    const log = join(ctx.stateRoot, 'server.log');
    const h = await startScreen({ home: ctx.home, cwd: ctx.cwd, cols: 240, rows: 30, args: ['--theme', 'dark'] });
    try {
      await ready(h);
      await ok(['run', '--name', 'ticker', '--', 'echo started; sleep 300']);
      const follower = spawn(process.execPath, [CLI_ENTRY, 'logs', 'ticker', '-f'], { env: ctx.env, cwd: ctx.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      follower.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      follower.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
      });
      const exited = new Promise<number | null>((resolve) => follower.on('close', (code) => resolve(code)));
      try {
        await until('logs -f to print started', () => {
          if (out !== 'started\n') throw new Error(`stdout ${JSON.stringify(out)}, stderr ${JSON.stringify(err)}`);
          return true;
        });
        const [pid] = serverPids();
        process.kill(pid, 'SIGKILL');

        await expect(h.waitForExit()).resolves.toMatchObject({ exitCode: 1 });
        expect(h.lines().filter(Boolean).at(-1), h.formatScreen()).toBe(
          `agentmux: lost the connection to the agentmux server (its log: ${log}): agentmux attach reconnects (and starts a new server if it has gone)`,
        );
        expect({ code: await exited, err }).toEqual({ code: 1, err: `agentmux: the agentmux server closed the connection (its log: ${log})\n` });
      } finally {
        if (follower.exitCode === null) follower.kill('SIGKILL');
      }
    } finally {
      await h.close();
    }
  });
});
