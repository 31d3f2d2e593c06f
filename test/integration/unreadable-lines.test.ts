// Unreadable lines in the middle of agents.jsonl or a session file, read back by a new server as the
// real ServerHost opens a workspace: moved to <file>.bad, said once in the server log and on the
// screens that open the repository, and never again.
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/core/agent.js';
import { PROTOCOL_VERSION, type ChatEntry, type ServerEvent, type SessionChoice } from '../../src/core/protocol.js';
import { AgentServer } from '../../src/server/agent-server.js';
import type { AgentRuntime } from '../../src/server/runtime.js';
import { ServerHost } from '../../src/server/server-host.js';

const SESSION_ID = '0123abcd-0000-4000-8000-000000000000';

let tmp: string;
let root: string;
let stateDir: string;
let servers: AgentServer[];

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'amux-unreadable-'));
  root = join(tmp, 'repo');
  stateDir = join(tmp, 'state');
  mkdirSync(root);
  servers = [];
});

afterEach(() => {
  for (const server of servers) server.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

/** Nothing runs in these tests: only what is on disk is read back. */
const runtime: AgentRuntime = {
  findProgram: () => undefined,
  start: () => {
    throw new Error('no agent runs in this test');
  },
  replay: () => {
    throw new Error('no agent is replayed in this test');
  },
  // Logs are read back as text; these agents printed nothing.
  outputText: () => ({ write: () => undefined, end: async () => undefined, dispose: () => undefined }),
};

interface Opened {
  /** The lines the server wrote to its log. */
  logged: string[];
  /** What the first screen received. */
  events: ServerEvent[];
}

/** A new server process (a host with no workspace open yet) and a screen that opens the repository with `session`. */
async function openRepository(session: SessionChoice = { kind: 'current' }): Promise<Opened> {
  const logged: string[] = [];
  const host = new ServerHost({
    workspaceOf: async (cwd) => ({ root: cwd, repository: true }),
    open: async () => {
      const server = new AgentServer({ runtime, model: { configured: false }, cwd: root, stateDir, log: (line) => logged.push(line) });
      servers.push(server);
      return { server, flags: {}, dispose: async () => server.dispose() };
    },
    stopped: () => undefined,
  });
  const events: ServerEvent[] = [];
  const connection = await host.connect(
    { type: 'hello', version: PROTOCOL_VERSION, role: 'screen', cwd: root, flags: {}, session },
    (event) => events.push(structuredClone(event)),
  );
  if (typeof connection === 'string') throw new Error(`the screen was refused: ${connection}`);
  return { logged, events };
}

/** The chat as the screen shows it: the welcome's lines, then each entry in its latest version. */
function chatOf(events: readonly ServerEvent[]): ChatEntry[] {
  const latest = new Map<number, ChatEntry>();
  for (const event of events) {
    if (event.type === 'welcome' || event.type === 'chatReset') {
      latest.clear();
      for (const entry of event.chat) latest.set(entry.id, entry);
    } else if (event.type === 'chat') {
      latest.set(event.entry.id, event.entry);
    }
  }
  return [...latest.values()];
}

const noticesOf = (events: readonly ServerEvent[]): string[] => chatOf(events).filter((entry) => entry.role === 'notice').map((entry) => entry.text);

function agentsOf(events: readonly ServerEvent[]): string[] {
  const welcome = events.find((event) => event.type === 'welcome');
  return welcome?.type === 'welcome' ? welcome.agents.map((agent) => agent.name) : [];
}

function agentLine(name: string): string {
  const info: AgentInfo = {
    name, kind: 'command', task: 'make', cwd: root, state: 'finished', startedAt: 1000, endedAt: 2000, exitCode: 0, lastLine: 'done', unread: false,
  };
  return `${JSON.stringify({ v: 1, record: { info, notified: true, log: `logs/${name}.log` } })}\n`;
}

describe('agents.jsonl', () => {
  const file = (): string => join(stateDir, 'agents.jsonl');

  it('moves unreadable lines in the middle to agents.jsonl.bad and says so once, in the server log and on the screen', async () => {
    mkdirSync(stateDir, { recursive: true });
    const invalid = JSON.stringify({ v: 1, record: { info: { name: 'Not A Name' } } });
    writeFileSync(file(), `${agentLine('build')}{"v":1,"rec\ngarbage\n${agentLine('lint')}${invalid}\n${agentLine('test')}`);

    const first = await openRepository();
    const said = `${file()}: 3 unreadable lines skipped (lines 2–3, 5), kept in agents.jsonl.bad`;
    expect(first.logged).toEqual([said]);
    expect(noticesOf(first.events)).toEqual([said]);
    expect(agentsOf(first.events)).toEqual(['build', 'lint', 'test']);
    expect(readFileSync(`${file()}.bad`, 'utf8')).toBe(`{"v":1,"rec\ngarbage\n${invalid}\n`);
    expect(readFileSync(file(), 'utf8')).toBe(agentLine('build') + agentLine('lint') + agentLine('test'));

    const second = await openRepository();
    expect(second.logged).toEqual([]);
    expect(noticesOf(second.events)).toEqual([]);
    expect(agentsOf(second.events)).toEqual(['build', 'lint', 'test']);
  });

  it('says that a torn last line was cut off, once', async () => {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(file(), `${agentLine('build')}{"v":1,"record":{"inf`);

    const first = await openRepository();
    const said = `${file()}: the last line (line 2) was cut off by a crash while it was written, skipped`;
    expect(first.logged).toEqual([said]);
    expect(noticesOf(first.events)).toEqual([said]);
    expect(readFileSync(file(), 'utf8')).toBe(agentLine('build'));
    expect(existsSync(`${file()}.bad`)).toBe(false);

    const second = await openRepository();
    expect(second.logged).toEqual([]);
    expect(noticesOf(second.events)).toEqual([]);
  });
});

describe('a session file', () => {
  const sessionsDir = (): string => join(stateDir, 'sessions');
  const file = (): string => join(sessionsDir(), `${SESSION_ID}.jsonl`);
  const chatLine = (id: number, role: ChatEntry['role'], text: string): string => `${JSON.stringify({ type: 'chat', entry: { id, at: 5, role, text } })}\n`;
  const messageLine = (role: 'user' | 'assistant', content: string): string => `${JSON.stringify({ type: 'message', message: { role, content } })}\n`;

  it('moves unreadable lines in the middle to <id>.jsonl.bad when the session is loaded (--continue), and says so once', async () => {
    mkdirSync(sessionsDir(), { recursive: true });
    const header = `${JSON.stringify({ type: 'session', v: 1, id: SESSION_ID, createdAt: 1000, cwd: root })}\n`;
    const good = [chatLine(1, 'user', 'hello'), messageLine('user', 'hello'), messageLine('assistant', 'Hi.'), chatLine(2, 'assistant', 'Hi.')];
    const notMessage = `${JSON.stringify({ type: 'message', message: { role: 'robot', content: 'x' } })}\n`;
    writeFileSync(file(), `${header}${good[0]}not json\n${good[1]}${notMessage}{"type":"chat"}\n${good[2]}${good[3]}`);

    const first = await openRepository({ kind: 'continue' });
    const said = `${file()}: 3 unreadable lines skipped (lines 3, 5–6), kept in ${SESSION_ID}.jsonl.bad`;
    expect(first.logged).toEqual([said]);
    expect(chatOf(first.events).map((entry) => [entry.role, entry.text])).toEqual([['user', 'hello'], ['assistant', 'Hi.'], ['notice', said]]);
    expect(readFileSync(`${file()}.bad`, 'utf8')).toBe(`not json\n${notMessage}{"type":"chat"}\n`);
    // The file keeps its readable lines in order; the notice the screen was shown joins them as a chat line.
    const kept = readFileSync(file(), 'utf8');
    expect(kept.startsWith(`${header}${good.join('')}`)).toBe(true);
    expect(kept.slice(header.length + good.join('').length).split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { entry: ChatEntry }).entry))
      .toEqual([expect.objectContaining({ role: 'notice', text: said })]);

    const second = await openRepository({ kind: 'continue' });
    expect(second.logged).toEqual([]);
    expect(noticesOf(second.events)).toEqual([said]); // the line kept in the chat, not said again
  });

  it('says that a torn last line was cut off, once', async () => {
    mkdirSync(sessionsDir(), { recursive: true });
    const header = `${JSON.stringify({ type: 'session', v: 1, id: SESSION_ID, createdAt: 1000, cwd: root })}\n`;
    writeFileSync(file(), `${header}${chatLine(1, 'user', 'hello')}`);
    appendFileSync(file(), '{"type":"chat","entry":{"id":2,');

    const first = await openRepository({ kind: 'resume', id: SESSION_ID });
    const said = `${file()}: the last line (line 3) was cut off by a crash while it was written, skipped`;
    expect(first.logged).toEqual([said]);
    expect(noticesOf(first.events)).toEqual([said]);

    const second = await openRepository({ kind: 'resume', id: SESSION_ID });
    expect(second.logged).toEqual([]);
  });
});
