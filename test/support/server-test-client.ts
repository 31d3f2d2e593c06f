// A client of an in-process AgentServer for integration tests: it keeps every event and reads
// the chat, the agents and the session back the way a screen would show them.
import type { AgentInfo } from '../../src/core/agent.js';
import type { ChatEntry, ClientCommand, Flash, ServerEvent, SessionStatus } from '../../src/core/protocol.js';
import { applyFrame, type FrameLine } from '../../src/core/screen-frame.js';
import type { AgentServer, ClientConnection } from '../../src/server/agent-server.js';

type EventOf<T extends ServerEvent['type']> = Extract<ServerEvent, { type: T }>;

export class ServerTestClient {
  readonly events: ServerEvent[] = [];
  readonly connection: ClientConnection;

  private nextId = 1;

  /** `context` adds to what a failed wait prints (e.g. the model requests made); `env`: the client's environment. */
  constructor(server: AgentServer, private readonly context: () => string = () => '', env?: Record<string, string>, private readonly waitMs = 10_000) {
    this.connection = server.connect((event) => this.events.push(structuredClone(event)), env);
  }

  send(command: ClientCommand): void {
    this.connection.handle(command);
  }

  /** Sends a command and resolves with the server's answer to it: the agent it started, or why not. */
  async request(command: ClientCommand): Promise<{ name?: string; error?: string }> {
    const id = this.nextId++;
    this.connection.handle({ ...command, id });
    const done = await this.waitFor(`the answer to ${command.type}`, () => this.of('done').find((event) => event.id === id));
    return { ...(done.name !== undefined ? { name: done.name } : {}), ...(done.error !== undefined ? { error: done.error } : {}) };
  }

  /** The names of the agents this client has heard of. */
  agents(): string[] {
    const names = new Set<string>();
    for (const event of this.events) {
      if (event.type === 'welcome') for (const agent of event.agents) names.add(agent.name);
      if (event.type === 'agent') names.add(event.agent.name);
    }
    return [...names];
  }

  of<T extends ServerEvent['type']>(type: T): Array<EventOf<T>> {
    return this.events.filter((event): event is EventOf<T> => event.type === type);
  }

  welcome(): EventOf<'welcome'> {
    const welcome = this.of('welcome')[0];
    if (!welcome) throw new Error('no welcome event');
    return welcome;
  }

  /**
   * The chat as the client shows it: the welcome's lines (or the last chatReset's), then entries in
   * order of arrival, each in its latest version.
   */
  chat(): ChatEntry[] {
    const latest = new Map<number, ChatEntry>();
    for (const event of this.events) {
      if (event.type === 'welcome' || event.type === 'chatReset') {
        latest.clear();
        for (const entry of event.chat) latest.set(entry.id, entry);
      } else if (event.type === 'chat') {
        latest.set(event.entry.id, event.entry);
      }
    }
    return [...latest.values()];
  }

  entries(role: ChatEntry['role']): ChatEntry[] {
    return this.chat().filter((entry) => entry.role === role);
  }

  /** A closed assistant entry with exactly this text. */
  reply(text: string): ChatEntry | undefined {
    return this.chat().find((entry) => entry.role === 'assistant' && !entry.open && entry.text === text);
  }

  session(): SessionStatus | undefined {
    return this.of('session').at(-1)?.session ?? this.of('welcome').at(-1)?.session;
  }

  /** The agent as the client knows it: its last `agent` event, else the welcome's. */
  agent(name: string): AgentInfo | undefined {
    return this.agentVersions(name).at(-1);
  }

  agentVersions(name: string): AgentInfo[] {
    const versions: AgentInfo[] = [];
    for (const event of this.events) {
      if (event.type === 'welcome') versions.push(...event.agents.filter((agent) => agent.name === name));
      else if (event.type === 'agent' && event.agent.name === name) versions.push(event.agent);
    }
    return versions;
  }

  /** Every version of one chat entry, in order. */
  versions(id: number): ChatEntry[] {
    return this.of('chat').map((event) => event.entry).filter((entry) => entry.id === id);
  }

  flash(name: string): Flash | undefined {
    return this.flashes(name)[0];
  }

  flashes(name: string): Flash[] {
    return this.of('flash').filter((event) => event.flash.name === name).map((event) => event.flash);
  }

  errors(): string[] {
    return this.of('error').map((event) => event.message);
  }

  /** The rows of an agent's screen this client attached, built from the frames it received. */
  screen(name: string): string[] {
    let grid: FrameLine[] | undefined;
    for (const event of this.of('screen')) if (event.name === name) grid = applyFrame(grid, event.frame);
    return (grid ?? []).map((line) => line.runs.map((run) => run.text).join(''));
  }

  describe(): string {
    const chat = this.chat().map((entry) => `${entry.id} ${entry.role}${entry.open ? ' (open)' : ''}: ${entry.text}`);
    const agents = this.agents().map((name) => {
      const info = this.agent(name);
      return `${name}: ${info?.state} exit=${info?.exitCode} unread=${info?.unread} result=${JSON.stringify(info?.result)}`;
    });
    return [`chat:\n  ${chat.join('\n  ')}`, `agents:\n  ${agents.join('\n  ')}`, `session: ${JSON.stringify(this.session())}`,
      `errors: ${JSON.stringify(this.errors())}`].join('\n');
  }

  /** Polls `probe` until it returns something other than undefined/false. */
  waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = this.waitMs): Promise<T> {
    return waitUntil(what, probe, () => `${this.describe()}\n${this.context()}`, timeoutMs);
  }

  waitForReply(text: string, timeoutMs?: number): Promise<ChatEntry> {
    return this.waitFor(`the reply ${JSON.stringify(text)}`, () => this.reply(text), timeoutMs);
  }

  /** Waits until the main agent has no turn running (and none about to start). */
  waitForIdle(timeoutMs?: number): Promise<true> {
    return this.waitFor('the main agent to be idle', () => this.session()?.busy === false && this.chat().every((entry) => !entry.open), timeoutMs);
  }
}

/** Polls `probe` until it returns something other than undefined/false; fails with what `seen()` says. */
export async function waitUntil<T>(what: string, probe: () => T | undefined | false, seen: () => string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${seen()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

