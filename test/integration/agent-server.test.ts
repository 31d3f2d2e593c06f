// AgentServer with the real pty runtime, driven through the protocol by two clients.
// Needs the emulator worker from dist/: run `npm run build` first.
import { PROTOCOL_VERSION } from '../../src/core/protocol.js';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/core/agent.js';
import { NAME_RULE } from '../../src/core/names.js';
import type { ClientCommand, Flash, ServerEvent } from '../../src/core/protocol.js';
import { applyFrame, type FrameLine } from '../../src/core/screen-frame.js';
import { EmulatorPool } from '../../src/pty/emulator-pool.js';
import { createPtyRuntime } from '../../src/pty/pty-runtime.js';
import { AgentServer, type ClientConnection } from '../../src/server/agent-server.js';

const KILL_GRACE_MS = 500;
const MODEL_HELP = 'Set ANTHROPIC_API_KEY to talk to the main agent.';

type EventOf<T extends ServerEvent['type']> = Extract<ServerEvent, { type: T }>;

/** Polls `probe` until it returns something other than undefined; on timeout, says what it last saw. */
async function waitFor<T>(what: string, probe: () => T | undefined, seen: () => unknown, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; saw: ${JSON.stringify(seen(), null, 1)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Every event any client received in this file, for the serialization check. */
const allEvents: ServerEvent[] = [];

class TestClient {
  readonly events: ServerEvent[] = [];
  readonly connection: ClientConnection;

  constructor(server: AgentServer, readonly label: string, env?: Record<string, string>) {
    this.connection = server.connect((event) => {
      this.events.push(event);
      allEvents.push(event);
    }, env);
  }

  send(command: ClientCommand): void {
    this.connection.handle(command);
  }

  of<T extends ServerEvent['type']>(type: T): Array<EventOf<T>> {
    return this.events.filter((event): event is EventOf<T> => event.type === type);
  }

  /** The latest state of an agent as this client heard it. */
  agent(name: string): AgentInfo | undefined {
    return this.of('agent').filter((event) => event.agent.name === name).pop()?.agent;
  }

  agentStates(name: string): string[] {
    return this.of('agent').filter((event) => event.agent.name === name).map((event) => event.agent.state);
  }

  flash(name: string): Flash | undefined {
    return this.of('flash').find((event) => event.flash.name === name)?.flash;
  }

  errors(): string[] {
    return this.of('error').map((event) => event.message);
  }

  /** The attached agent's screen, built from the frames this client received for `name`. */
  screen(name: string): string[] {
    let grid: FrameLine[] | undefined;
    for (const event of this.of('screen')) if (event.name === name) grid = applyFrame(grid, event.frame);
    return (grid ?? []).map((line) => line.runs.map((run) => run.text).join(''));
  }

  seen() {
    return {
      client: this.label,
      events: this.events.slice(-12).map((event) => (event.type === 'screen' ? { type: 'screen', name: event.name, lines: event.frame.lines.length } : event)),
    };
  }

  waitFor<T>(what: string, probe: () => T | undefined, timeoutMs?: number): Promise<T> {
    return waitFor(`${this.label}: ${what}`, probe, () => this.seen(), timeoutMs);
  }

  ended(name: string, timeoutMs?: number): Promise<Flash> {
    return this.waitFor(`the end of ${name}`, () => this.flash(name), timeoutMs);
  }

  lastLineIs(name: string, text: string): Promise<true> {
    return this.waitFor(`${name}'s last line to be ${JSON.stringify(text)}`, () => (this.agent(name)?.lastLine === text ? true : undefined));
  }

  screenShows(name: string, text: string): Promise<true> {
    return this.waitFor(`${name}'s screen to show ${JSON.stringify(text)}`, () => (this.screen(name).some((row) => row.includes(text)) ? true : undefined));
  }
}

let tmp: string;
let pool: EmulatorPool;
let server: AgentServer;
let a: TestClient;
let b: TestClient;

function run(client: TestClient, command: string, name?: string): void {
  client.send({ type: 'run', command, cwd: tmp, ...(name === undefined ? {} : { name }) });
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'agentmux-server-'));
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  pool = new EmulatorPool();
  const runtime = createPtyRuntime(pool, {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp, LC_ALL: 'C', TMUX: '/tmp/tmux-1/default,1,0', TMUX_PANE: '%1',
      TERM_PROGRAM: 'tmux', TERM_PROGRAM_VERSION: '3.3a', KITTY_WINDOW_ID: '1',
    },
    scrollback: 1000,
    killGraceMs: KILL_GRACE_MS,
  });
  server = new AgentServer({ runtime, model: { configured: false, help: MODEL_HELP }, cwd: tmp });
  a = new TestClient(server, 'A');
  b = new TestClient(server, 'B');
});

afterEach(async () => {
  server.dispose();
  await pool.dispose();
});

describe('connecting', () => {
  it('welcomes a client with the protocol version, agents, chat and model status', async () => {
    expect(a.events).toEqual([{ type: 'welcome', version: PROTOCOL_VERSION, serverVersion: 'dev', workspace: tmp, agents: [], chat: [], model: { configured: false, help: MODEL_HELP }, session: { busy: false } }]);
    run(a, 'echo hi', 'greeter');
    await a.ended('greeter');
    a.send({ type: 'chat', text: 'hello' });
    const late = new TestClient(server, 'C');
    const [welcome] = late.of('welcome');
    expect(welcome.agents.map((agent) => [agent.name, agent.state, agent.lastLine])).toEqual([['greeter', 'finished', 'hi']]);
    expect(welcome.chat.map((entry) => [entry.role, entry.text])).toEqual([
      ['event', expect.stringMatching(/^greeter finished · after \d+s · exit 0$/)],
      ['user', 'hello'],
      ['system', MODEL_HELP],
    ]);
  });

  it('starts each client\'s agents in its environment; without one, in the environment given for the model\'s', async () => {
    const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp };
    const venv = new TestClient(server, 'V', { ...base, STAGE: 'venv', TMUX: '/tmp/tmux-1/default,1,0' });
    run(venv, 'echo "stage=$STAGE tmux=${TMUX:-none}"', 'from-venv');
    server.inheritEnvironment({ ...base, STAGE: 'screen' });
    run(a, 'echo "stage=$STAGE"', 'from-a');
    await venv.ended('from-venv');
    await a.ended('from-a');
    expect(venv.agent('from-venv')?.lastLine).toBe('stage=venv tmux=none');
    expect(a.agent('from-a')?.lastLine).toBe('stage=screen');
  });

  it('hands the next screen to connect what the last one had typed and not sent', () => {
    a.send({ type: 'draft', text: 'half of a message' });
    expect(new TestClient(server, 'C').of('welcome')[0].draft).toBe('half of a message');
    b.send({ type: 'draft', text: '' });
    expect(new TestClient(server, 'D').of('welcome')[0]).not.toHaveProperty('draft');
    expect(a.errors()).toEqual([]);
  });
});

describe('run', () => {
  it('starts an agent that every client sees run and end, with a flash and a chat line', async () => {
    run(a, 'echo hello');
    expect(a.errors()).toEqual([]);
    for (const client of [a, b]) {
      expect(client.agent('echo-hello')).toMatchObject({ name: 'echo-hello', kind: 'command', task: 'echo hello', cwd: tmp, state: 'running', unread: false });
    }
    for (const client of [a, b]) {
      const flash = await client.ended('echo-hello');
      expect(flash).toMatchObject({ name: 'echo-hello', word: 'finished', exitCode: 0 });
      expect(flash.durationMs).toBeGreaterThanOrEqual(0);
      const info = client.agent('echo-hello')!;
      expect(info).toMatchObject({ state: 'finished', exitCode: 0, lastLine: 'hello', unread: true });
      expect(info.endedAt).toBeGreaterThanOrEqual(info.startedAt);
      expect(client.agentStates('echo-hello')[0]).toBe('running');
      expect(client.agentStates('echo-hello').filter((state) => state !== 'running')).toEqual(['finished']);
      const chat = client.of('chat').map((event) => event.entry);
      expect(chat).toHaveLength(1);
      expect(chat[0]).toMatchObject({ role: 'event', flash });
      expect(chat[0].text).toMatch(/^echo-hello finished · after \d+s · exit 0$/);
      expect(client.of('screen')).toEqual([]);
    }
  });

  it('reports a failing command with its exit code and last line', async () => {
    run(a, 'echo "something broke"; exit 7', 'breaks');
    const flash = await b.ended('breaks');
    expect(flash).toMatchObject({ word: 'failed', exitCode: 7, summary: 'something broke' });
    expect(b.agent('breaks')).toMatchObject({ state: 'failed', exitCode: 7, unread: true });
  });

  it('derives unique names from the command', async () => {
    run(a, 'sleep 30');
    run(a, 'sleep 30');
    run(b, 'sleep 30');
    expect(a.of('agent').map((event) => event.agent.name)).toEqual(['sleep', 'sleep-2', 'sleep-3']);
  });

  it('refuses duplicate and invalid names with an error to the sender only, and creates nothing', () => {
    run(a, 'sleep 30', 'dup');
    const agentEvents = a.of('agent').length;
    run(a, 'echo other', 'dup');
    expect(a.errors()).toEqual([expect.stringContaining('an agent named dup already exists')]);
    for (const bad of ['Bad', '../x', '-rf', '', 'x'.repeat(49), 'a b']) {
      run(a, 'echo nope', bad);
      expect(a.errors().pop()).toContain(NAME_RULE);
    }
    run(a, '   ', 'blank');
    expect(a.errors().pop()).toContain('nothing to run');
    expect(b.errors()).toEqual([]);
    expect(a.of('agent')).toHaveLength(agentEvents);
    expect(b.of('agent')).toHaveLength(agentEvents);
    const late = new TestClient(server, 'C');
    expect(late.of('welcome')[0].agents.map((agent) => agent.name)).toEqual(['dup']);
  });

  it('refuses a name taken by an agent that has ended', async () => {
    run(a, 'true', 'once');
    await a.ended('once');
    run(a, 'true', 'once');
    expect(a.errors()).toEqual([expect.stringContaining('already exists')]);
  });

  it('reports an agent whose working directory does not exist as failed, saying why', async () => {
    a.send({ type: 'run', command: 'echo hi', cwd: join(tmp, 'missing'), name: 'no-cwd' });
    const flash = await a.ended('no-cwd');
    expect(flash.word).toBe('failed');
    expect(flash.summary).toMatch(/No such file or directory/);
  });

  it('gives agents their name in the environment and hides the host multiplexer and terminal', async () => {
    run(a, 'echo "$AGENTMUX_AGENT $TERM tmux=${TMUX:-none} pane=${TMUX_PANE:-none} program=${TERM_PROGRAM:-none} ${TERM_PROGRAM_VERSION:-none} kitty=${KITTY_WINDOW_ID:-none}"', 'env-check');
    await a.ended('env-check');
    expect(a.agent('env-check')?.lastLine).toBe('env-check xterm-256color tmux=none pane=none program=none none kitty=none');
  });
});

describe('run --after', () => {
  it('queues an agent until the one it waits for finishes, then starts it', async () => {
    a.send({ type: 'run', name: 'first', command: 'read line; echo first done', cwd: tmp });
    a.send({ type: 'run', name: 'second', command: 'echo second ran', cwd: tmp, after: 'first' });
    await waitFor('second queued', () => (a.agent('second')?.state === 'queued' ? true : undefined), () => a.seen());
    expect(a.agent('second')?.lastLine).toBe('waits for first');
    a.send({ type: 'send', name: 'first', text: 'go' });
    await waitFor('second finished', () => (a.agent('second')?.state === 'finished' ? true : undefined), () => a.seen());
    expect(a.agent('second')?.lastLine).toBe('second ran');
    expect(a.agentStates('second')).toEqual(expect.arrayContaining(['queued', 'running', 'finished']));
    expect(a.errors()).toEqual([]);
  });

  it('ends a waiting agent as failed, without running it, when the one it waits for fails', async () => {
    a.send({ type: 'run', name: 'breaks', command: 'read line; exit 4', cwd: tmp });
    a.send({ type: 'run', name: 'never', command: `touch ${join(tmp, 'never-ran')}`, cwd: tmp, after: 'breaks' });
    await waitFor('never queued', () => (a.agent('never')?.state === 'queued' ? true : undefined), () => a.seen());
    a.send({ type: 'send', name: 'breaks', text: 'go' });
    await waitFor('never failed', () => (a.agent('never')?.state === 'failed' ? true : undefined), () => a.seen());
    expect(a.agent('never')?.lastLine).toBe('not started: breaks failed');
    expect(a.flash('never')).toMatchObject({ word: 'failed', summary: 'not started: breaks failed' });
    expect(existsSync(join(tmp, 'never-ran'))).toBe(false);
  });

  it('kills a waiting agent at once, and refuses to wait for an unknown or failed agent', async () => {
    a.send({ type: 'run', name: 'slow', command: 'sleep 30', cwd: tmp });
    a.send({ type: 'run', name: 'waiting', command: 'true', cwd: tmp, after: 'slow' });
    await waitFor('waiting queued', () => (a.agent('waiting')?.state === 'queued' ? true : undefined), () => a.seen());
    a.send({ type: 'kill', name: 'waiting' });
    expect(a.agent('waiting')?.state).toBe('killed');
    a.send({ type: 'run', name: 'orphan', command: 'true', cwd: tmp, after: 'nobody' });
    expect(a.errors().pop()).toBe('no agent named nobody to wait for (/agents or agentmux ls lists them)');
    a.send({ type: 'kill', name: 'slow' });
    await waitFor('slow killed', () => (a.agent('slow')?.state === 'killed' ? true : undefined), () => a.seen());
    a.send({ type: 'run', name: 'late', command: 'true', cwd: tmp, after: 'slow' });
    expect(a.errors().pop()).toBe('slow has ended (killed): it will not finish, so nothing would start after it');
    expect(a.agent('orphan')).toBeUndefined();
    expect(a.agent('late')).toBeUndefined();
  });
});

describe('attach, detach and input', () => {
  it('sends screen frames only to the attached client, and its keys to the agent', async () => {
    run(a, 'echo ready; read line; echo "got $line"', 'echoer');
    await b.lastLineIs('echoer', 'ready');
    a.send({ type: 'attach', name: 'echoer' });
    expect(a.of('attached')).toEqual([{ type: 'attached', name: 'echoer' }]);
    await a.screenShows('echoer', 'ready');
    b.send({ type: 'input', data: 'not-attached ' }); // B has attached nothing: goes nowhere
    a.send({ type: 'input', data: 'yes\r' });
    await a.ended('echoer');
    await b.ended('echoer');
    expect(a.agent('echoer')).toMatchObject({ state: 'finished', lastLine: 'got yes', unread: false });
    await a.screenShows('echoer', 'got yes');
    expect(b.of('screen')).toEqual([]);
    expect(b.of('attached')).toEqual([]);
    expect(a.errors()).toEqual([]);
  });

  it('stops frames on detach and tells the client', async () => {
    run(a, 'echo one; read x; echo two; read y; echo three', 'stages');
    a.send({ type: 'attach', name: 'stages' });
    await a.screenShows('stages', 'one');
    a.send({ type: 'detach' });
    expect(a.of('detached')).toEqual([{ type: 'detached', name: 'stages' }]);
    const framesAtDetach = a.of('screen').length;
    a.send({ type: 'send', name: 'stages', text: 'x' });
    await a.lastLineIs('stages', 'two');
    a.send({ type: 'send', name: 'stages', text: 'y' });
    await a.ended('stages');
    expect(a.of('screen')).toHaveLength(framesAtDetach);
    expect(a.agent('stages')?.unread).toBe(true);
  });

  it('moves a client from one agent to another when it attaches elsewhere', async () => {
    run(a, 'echo first; read x', 'first');
    run(a, 'echo second; read x', 'second');
    a.send({ type: 'attach', name: 'first' });
    await a.screenShows('first', 'first');
    a.send({ type: 'attach', name: 'second' });
    expect(a.events.filter((event) => event.type === 'attached' || event.type === 'detached').map((event) => event.type)).toEqual(['attached', 'detached', 'attached']);
    await a.screenShows('second', 'second');
    a.send({ type: 'input', data: 'go\r' });
    await a.ended('second');
    expect(a.agent('first')?.state).toBe('running');
  });

  it('shows the final screen of an ended agent and clears its unread mark for everyone', async () => {
    run(a, 'echo "the result"', 'result');
    await a.ended('result');
    expect(a.agent('result')?.unread).toBe(true);
    b.send({ type: 'attach', name: 'result' });
    expect(a.agent('result')?.unread).toBe(false);
    expect(b.agent('result')?.unread).toBe(false);
    await b.screenShows('result', 'the result');
    expect(a.of('screen')).toEqual([]);
  });

  it('refuses to attach to unknown or invalid names', () => {
    a.send({ type: 'attach', name: 'ghost' });
    a.send({ type: 'attach', name: 'BAD' });
    expect(a.errors()).toEqual([expect.stringContaining('no agent named ghost'), expect.stringContaining(NAME_RULE)]);
    expect(a.of('attached')).toEqual([]);
  });

  it('detaches a client that closes, and sends it nothing more', async () => {
    run(a, 'read x; echo done', 'waiter');
    a.send({ type: 'attach', name: 'waiter' });
    a.connection.close();
    const count = a.events.length;
    b.send({ type: 'send', name: 'waiter', text: 'go' });
    await b.ended('waiter');
    expect(a.events).toHaveLength(count);
    expect(b.agent('waiter')?.unread).toBe(true);
  });
});

describe('send', () => {
  it('types a line into an agent nobody is attached to', async () => {
    run(a, 'read line; echo "got $line"', 'reader');
    b.send({ type: 'send', name: 'reader', text: 'abc def' });
    await a.ended('reader');
    expect(a.agent('reader')?.lastLine).toBe('got abc def');
  });

  it('refuses ended, unknown and invalid agents', async () => {
    run(a, 'true', 'gone');
    await a.ended('gone');
    a.send({ type: 'send', name: 'gone', text: 'x' });
    a.send({ type: 'send', name: 'ghost', text: 'x' });
    a.send({ type: 'send', name: '../x', text: 'x' });
    expect(a.errors()).toEqual([
      expect.stringContaining('gone has ended'),
      expect.stringContaining('no agent named ghost'),
      expect.stringContaining(NAME_RULE),
    ]);
  });
});

describe('kill', () => {
  it('kills an agent: state killed, SIGTERM, not unread; a second kill is refused', async () => {
    run(a, 'echo started; sleep 30', 'sleeper');
    await a.lastLineIs('sleeper', 'started');
    b.send({ type: 'kill', name: 'sleeper' });
    expect(b.errors()).toEqual([]);
    const flash = await a.ended('sleeper');
    expect(flash).toMatchObject({ name: 'sleeper', word: 'killed', signal: 'SIGTERM' });
    expect(flash.exitCode).toBeUndefined();
    expect(a.agent('sleeper')).toMatchObject({ state: 'killed', signal: 'SIGTERM', unread: false });
    expect(a.of('chat').map((event) => event.entry.text)).toEqual([expect.stringMatching(/^sleeper killed · after \d+s · SIGTERM$/)]);
    b.send({ type: 'kill', name: 'sleeper' });
    expect(b.errors()).toEqual([expect.stringContaining('already ended (killed)')]);
  });

  it('escalates to SIGKILL for an agent that ignores SIGTERM', async () => {
    run(a, 'trap "" TERM; echo stubborn; sleep 30', 'stubborn');
    await a.lastLineIs('stubborn', 'stubborn');
    const killedAt = Date.now();
    a.send({ type: 'kill', name: 'stubborn' });
    const flash = await a.ended('stubborn');
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(KILL_GRACE_MS - 50);
    expect(flash).toMatchObject({ word: 'killed', signal: 'SIGKILL' });
  });

  it('refuses unknown and invalid names', () => {
    a.send({ type: 'kill', name: 'ghost' });
    a.send({ type: 'kill', name: 'Ghost' });
    expect(a.errors()).toEqual([expect.stringContaining('no agent named ghost'), expect.stringContaining(NAME_RULE)]);
  });
});

describe('resize', () => {
  it('gives an agent the size of the client that attached it last, live; new agents start at the latest size', async () => {
    run(a, 'while read x; do echo "$x $(stty size)"; done', 'sizer');
    run(a, 'while read x; do echo "$x $(stty size)"; done', 'loose');
    b.send({ type: 'resize', cols: 100, rows: 30 });
    expect(b.errors()).toEqual([]);
    run(a, 'stty size', 'later');
    await a.ended('later');
    expect(a.agent('later')?.lastLine).toBe('30 100');

    // In the background it keeps its size until someone attaches it.
    a.send({ type: 'send', name: 'sizer', text: 'one' });
    await a.lastLineIs('sizer', 'one 24 80');
    a.send({ type: 'resize', cols: 90, rows: 20 });
    a.send({ type: 'attach', name: 'sizer' });
    a.send({ type: 'send', name: 'sizer', text: 'two' });
    await a.lastLineIs('sizer', 'two 20 90');
    a.send({ type: 'resize', cols: 70, rows: 22 });
    a.send({ type: 'send', name: 'sizer', text: 'three' });
    await a.lastLineIs('sizer', 'three 22 70');
    // Another client attaching takes it over; the first one's resizes no longer reach it.
    b.send({ type: 'attach', name: 'sizer' });
    b.send({ type: 'send', name: 'sizer', text: 'four' });
    await a.lastLineIs('sizer', 'four 30 100');
    a.send({ type: 'resize', cols: 75, rows: 21 });
    a.send({ type: 'send', name: 'sizer', text: 'five' });
    await a.lastLineIs('sizer', 'five 30 100');
    // A screen that changes size (not one that just connected) takes the agents nobody attached along.
    a.send({ type: 'send', name: 'loose', text: 'six' });
    await a.lastLineIs('loose', 'six 21 75');
  });

  it('refuses sizes that are not sensible', () => {
    for (const [cols, rows] of [[0, 10], [10, 1], [1.5, 10], [2000, 50], [-1, -1], [Number.NaN, 10]]) {
      a.send({ type: 'resize', cols, rows });
      expect(a.errors().pop()).toContain('invalid size');
    }
  });
});

describe('without a model', () => {
  it('refuses /spawn with how to configure the model, and starts nothing', () => {
    a.send({ type: 'spawn', task: 'audit the auth module', cwd: tmp });
    a.send({ type: 'spawn', task: 'audit', name: 'audit', cwd: tmp });
    expect(a.errors()).toEqual([MODEL_HELP, MODEL_HELP]);
    expect(a.of('agent')).toEqual([]);
    expect(b.events.map((event) => event.type)).toEqual(['welcome']);
  });

  it('refuses an invalid budget before anything else', () => {
    for (const budgetUsd of [0, -1, Number.NaN, 1e9]) {
      a.send({ type: 'spawn', task: 'x', budgetUsd, cwd: tmp });
      expect(a.errors().pop()).toContain('invalid budget');
    }
  });

  it('has nothing to interrupt or send to the background', () => {
    a.send({ type: 'interrupt' });
    a.send({ type: 'background' });
    expect(a.errors()).toEqual(['nothing to interrupt', 'nothing runs in the foreground']);
  });
});

describe('chat', () => {
  it('shows the user\'s line to every client, then how to configure the model', () => {
    a.send({ type: 'chat', text: 'hello there' });
    for (const client of [a, b]) {
      expect(client.of('chat').map((event) => [event.entry.role, event.entry.text])).toEqual([['user', 'hello there'], ['system', MODEL_HELP]]);
    }
    const ids = a.of('chat').map((event) => event.entry.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('ignores a blank line', () => {
    const before = [a.events.length, b.events.length];
    a.send({ type: 'chat', text: '  \t ' });
    expect([a.events.length, b.events.length]).toEqual(before);
  });
});

describe('stopAll', () => {
  it('kills every running agent and resolves with how many once all have ended', async () => {
    run(a, 'true', 'already-done');
    await a.ended('already-done');
    run(a, 'sleep 30', 'one');
    run(a, 'trap "" TERM; echo ready; sleep 30', 'two');
    await a.lastLineIs('two', 'ready');
    expect(await server.stopAll()).toBe(2);
    expect(a.agent('one')?.state).toBe('killed');
    expect(a.agent('two')?.state).toBe('killed');
    expect(a.agent('already-done')?.state).toBe('finished');
    expect(b.flash('one')?.word).toBe('killed');
  });

  it('resolves at once when nothing runs', async () => {
    expect(await server.stopAll()).toBe(0);
  });
});

describe('events', () => {
  it('are plain data: every kind survives a JSON round trip unchanged', async () => {
    // A scenario that produces every kind of event, on top of what the other tests collected.
    run(a, 'echo ready; read x; exit 3', 'roundtrip');
    a.send({ type: 'attach', name: 'roundtrip' });
    await a.screenShows('roundtrip', 'ready');
    a.send({ type: 'input', data: '\r' });
    await a.ended('roundtrip');
    a.send({ type: 'detach' });
    a.send({ type: 'chat', text: 'hi' });
    a.send({ type: 'kill', name: 'ghost' });
    await a.waitFor('error', () => a.of('error')[0]);

    const kinds = new Set(allEvents.map((event) => event.type));
    expect([...kinds].sort()).toEqual(['agent', 'attached', 'chat', 'detached', 'error', 'flash', 'screen', 'welcome']);
    for (const event of allEvents) {
      expect(JSON.parse(JSON.stringify(event)), event.type).toStrictEqual(event);
    }
  });

  it('are snapshots: a client keeping an event does not see later changes', async () => {
    run(a, 'read x', 'snap');
    const first = a.agent('snap')!;
    a.send({ type: 'send', name: 'snap', text: '' });
    await a.ended('snap');
    expect(first.state).toBe('running');
    expect(a.agent('snap')?.state).toBe('finished');
  });
});
