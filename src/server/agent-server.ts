// Owns every agent and the main conversation; speaks the protocol to any number of clients.
import { endStateOf, isEnded, type AgentInfo, type ProcessExit } from '../core/agent.js';
import { nameError, nameFromCommand, uniqueName } from '../core/names.js';
import {
  PROTOCOL_VERSION, describeFlash, type ClientCommand, type Flash, type ModelStatus, type ServerEvent,
} from '../core/protocol.js';
import type { ScreenFrame } from '../core/screen-frame.js';
import { ChatLog } from './chat-log.js';
import type { AgentHandle, AgentRuntime } from './runtime.js';

export interface ServerOptions {
  runtime: AgentRuntime;
  model: ModelStatus;
  now?: () => number;
  /** pty size until a client tells its own. */
  initialSize?: { cols: number; rows: number };
}

export interface ClientConnection {
  handle(command: ClientCommand): void;
  close(): void;
}

interface Client {
  send(event: ServerEvent): void;
  attached?: string;
}

interface AgentEntry {
  info: AgentInfo;
  handle?: AgentHandle;
  killRequested: boolean;
  /** Clients showing this agent's screen. */
  watchers: Set<Client>;
}

const MAX_COMMAND_LENGTH = 64 * 1024;

export class AgentServer {
  private readonly agents = new Map<string, AgentEntry>();
  private readonly clients = new Set<Client>();
  private readonly chat: ChatLog;
  private readonly now: () => number;
  private size: { cols: number; rows: number };
  private stopWaiters: Array<() => void> = [];

  constructor(private readonly options: ServerOptions) {
    this.now = options.now ?? Date.now;
    this.chat = new ChatLog(this.now);
    this.size = options.initialSize ?? { cols: 80, rows: 24 };
  }

  connect(send: (event: ServerEvent) => void): ClientConnection {
    const client: Client = { send };
    this.clients.add(client);
    send({
      type: 'welcome',
      version: PROTOCOL_VERSION,
      agents: [...this.agents.values()].map((entry) => ({ ...entry.info })),
      chat: this.chat.all(),
      model: this.options.model,
    });
    return {
      handle: (command) => this.handle(client, command),
      close: () => {
        this.detach(client);
        this.clients.delete(client);
      },
    };
  }

  private handle(client: Client, command: ClientCommand): void {
    const error = this.execute(client, command);
    if (error) client.send({ type: 'error', message: error });
  }

  /** Carries out a command; returns a one-line error when it is refused (nothing changed then). */
  private execute(client: Client, command: ClientCommand): string | undefined {
    switch (command.type) {
      case 'run': return this.run(command.command, command.cwd, command.name);
      case 'kill': return this.kill(command.name);
      case 'attach': return this.attach(client, command.name);
      case 'detach':
        this.detach(client);
        return undefined;
      case 'input': {
        const entry = client.attached ? this.agents.get(client.attached) : undefined;
        entry?.handle?.writeKeys(command.data);
        return undefined;
      }
      case 'send': return this.sendLine(command.name, command.text);
      case 'resize': return this.resize(command.cols, command.rows);
      case 'chat': return this.chatMessage(command.text);
      case 'stopAll':
        this.stopAll(client);
        return undefined;
    }
  }

  private broadcast(event: ServerEvent): void {
    for (const client of this.clients) client.send(event);
  }

  private publish(entry: AgentEntry): void {
    this.broadcast({ type: 'agent', agent: { ...entry.info } });
  }

  private lookup(name: string): AgentEntry | string {
    const error = nameError(name);
    if (error) return error;
    return this.agents.get(name) ?? `no agent named ${name} (see /agents)`;
  }

  private run(command: string, cwd: string, requestedName?: string): string | undefined {
    if (!command.trim()) return 'nothing to run: give a command after --';
    if (command.length > MAX_COMMAND_LENGTH) return `command too long (${command.length} characters, at most ${MAX_COMMAND_LENGTH})`;
    let name: string;
    if (requestedName !== undefined) {
      const error = nameError(requestedName);
      if (error) return error;
      if (this.agents.has(requestedName)) return `an agent named ${requestedName} already exists: choose another --name`;
      name = requestedName;
    } else {
      name = uniqueName(nameFromCommand(command), new Set(this.agents.keys()));
    }
    const entry: AgentEntry = {
      info: {
        name, kind: 'command', task: command, cwd, state: 'running', startedAt: this.now(), lastLine: '', unread: false,
      },
      killRequested: false,
      watchers: new Set(),
    };
    try {
      entry.handle = this.options.runtime.start(
        { name, command, cwd, cols: this.size.cols, rows: this.size.rows },
        {
          onLastLine: (text) => {
            entry.info.lastLine = text;
            this.publish(entry);
          },
          onFrame: (frame) => this.frame(entry, frame),
          onEnd: (exit, lastLine) => this.ended(entry, exit, lastLine),
        },
      );
    } catch (error) {
      return `could not start ${name}: ${(error as Error).message}`;
    }
    this.agents.set(name, entry);
    this.publish(entry);
    return undefined;
  }

  private frame(entry: AgentEntry, frame: ScreenFrame): void {
    for (const client of entry.watchers) client.send({ type: 'screen', name: entry.info.name, frame });
  }

  private ended(entry: AgentEntry, exit: ProcessExit, lastLine: string): void {
    const state = endStateOf(exit, entry.killRequested);
    const info = entry.info;
    info.state = state;
    info.endedAt = this.now();
    if (exit.signal) info.signal = signalName(exit.signal);
    else info.exitCode = exit.exitCode;
    info.lastLine = lastLine;
    // Nobody needs telling about an agent they watched end or stopped themselves.
    info.unread = entry.watchers.size === 0 && !entry.killRequested;
    this.publish(entry);
    const flash: Flash = {
      name: info.name,
      word: state,
      durationMs: info.endedAt - info.startedAt,
      ...(info.exitCode !== undefined ? { exitCode: info.exitCode } : {}),
      ...(info.signal ? { signal: info.signal } : {}),
      ...(state === 'failed' && lastLine ? { summary: lastLine } : {}),
    };
    this.broadcast({ type: 'flash', flash });
    this.broadcast({ type: 'chat', entry: this.chat.add('event', describeFlash(flash), flash) });
    if (![...this.agents.values()].some((other) => !isEnded(other.info.state))) {
      for (const resolve of this.stopWaiters.splice(0)) resolve();
    }
  }

  private kill(name: string): string | undefined {
    const entry = this.lookup(name);
    if (typeof entry === 'string') return entry;
    if (isEnded(entry.info.state)) return `${name} has already ended (${entry.info.state})`;
    entry.killRequested = true;
    entry.handle?.kill();
    return undefined;
  }

  private attach(client: Client, name: string): string | undefined {
    const entry = this.lookup(name);
    if (typeof entry === 'string') return entry;
    this.detach(client);
    client.attached = name;
    entry.watchers.add(client);
    entry.handle?.watch(true);
    if (entry.info.unread) {
      entry.info.unread = false;
      this.publish(entry);
    }
    client.send({ type: 'attached', name });
    return undefined;
  }

  private detach(client: Client): void {
    const name = client.attached;
    if (!name) return;
    client.attached = undefined;
    const entry = this.agents.get(name);
    if (!entry) return;
    entry.watchers.delete(client);
    if (entry.watchers.size === 0) entry.handle?.watch(false);
    client.send({ type: 'detached', name });
  }

  private sendLine(name: string, text: string): string | undefined {
    const entry = this.lookup(name);
    if (typeof entry === 'string') return entry;
    if (isEnded(entry.info.state)) return `${name} has ended (${entry.info.state}): nothing reads its input`;
    entry.handle?.sendLine(text);
    return undefined;
  }

  private resize(cols: number, rows: number): string | undefined {
    if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 2 || rows < 2 || cols > 1000 || rows > 1000) {
      return `invalid size ${cols}x${rows}`;
    }
    this.size = { cols, rows };
    for (const entry of this.agents.values()) {
      if (!isEnded(entry.info.state)) entry.handle?.resize(cols, rows);
    }
    return undefined;
  }

  private chatMessage(text: string): string | undefined {
    if (!text.trim()) return undefined;
    this.broadcast({ type: 'chat', entry: this.chat.add('user', text) });
    if (!this.options.model.configured) {
      this.broadcast({ type: 'chat', entry: this.chat.add('system', this.options.model.help ?? 'The model is not configured.') });
    }
    return undefined;
  }

  private running(): AgentEntry[] {
    return [...this.agents.values()].filter((entry) => !isEnded(entry.info.state));
  }

  /** Stops every running agent; tells the client how many once they have all ended. */
  private stopAll(client: Client): void {
    const running = this.running();
    const done = new Promise<void>((resolve) => {
      if (running.length === 0) resolve();
      else this.stopWaiters.push(resolve);
    });
    for (const entry of running) {
      entry.killRequested = true;
      entry.handle?.kill();
    }
    void done.then(() => client.send({ type: 'stopped', count: running.length }));
  }

  dispose(): void {
    for (const entry of this.agents.values()) entry.handle?.dispose();
    this.agents.clear();
    this.clients.clear();
  }
}

const SIGNAL_NAMES: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 9: 'SIGKILL', 15: 'SIGTERM', 6: 'SIGABRT', 11: 'SIGSEGV' };

function signalName(signal: number): string {
  return SIGNAL_NAMES[signal] ?? `signal ${signal}`;
}
