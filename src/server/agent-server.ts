// Owns every agent and the main conversation; speaks the protocol to any number of clients.
import { randomBytes } from 'node:crypto';
import { isEnded, type AgentInfo } from '../core/agent.js';
import { PROTOCOL_VERSION, describeFlash, type ClientCommand, type Flash, type ModelStatus, type ServerEvent, type SessionStatus } from '../core/protocol.js';
import { MODEL_PRICE_ENV, REPORT_SECRET_ENV } from '../core/report-channel.js';
import type { ModelPrice } from '../core/usage.js';
import type { ModelClient } from '../llm/types.js';
import { UsageTracker } from '../llm/usage-tracker.js';
import { AgentTable, type AgentEntry, type Watcher } from './agent-table.js';
import { ChatLog } from './chat-log.js';
import { MainAgent, type ForegroundOutcome } from './main-agent.js';
import { notificationFor } from './notifications.js';
import type { AgentRuntime } from './runtime.js';

export interface ModelAccess {
  client: ModelClient;
  model: string;
  /** Prices by model id from configuration, over the bundled table. */
  prices?: Record<string, ModelPrice>;
  /** Environment a worker needs to reach the model (key, base URL). */
  workerEnv: Record<string, string>;
}

export interface WorkerLauncher {
  /** The program that runs a built-in worker, with its arguments. */
  program(args: string[]): { file: string; args: string[] };
  permissionMode: 'ask' | 'edits' | 'auto';
}

export interface ServerOptions {
  runtime: AgentRuntime;
  model: ModelStatus;
  cwd: string;
  /** Absent when the model is not configured. */
  access?: ModelAccess;
  workers?: WorkerLauncher;
  now?: () => number;
}

export interface ClientConnection {
  handle(command: ClientCommand): void;
  close(): void;
}

interface Client extends Watcher {
  attached?: string;
}

const OUTPUT_LINES_FOR_NOTIFICATION = 40;
const MAX_BUDGET_USD = 10_000;

export class AgentServer {
  private readonly clients = new Set<Client>();
  private readonly chat: ChatLog;
  private readonly agents: AgentTable;
  private readonly main: MainAgent | undefined;
  private readonly now: () => number;
  private stopWaiters: Array<() => void> = [];
  private foreground: { entry: AgentEntry; moved(): void } | undefined;
  private question: { resolve(answer: boolean): void } | undefined;
  private allowAllBash = false;

  constructor(private readonly options: ServerOptions) {
    this.now = options.now ?? Date.now;
    this.chat = new ChatLog(this.now, (entry) => this.broadcast({ type: 'chat', entry: { ...entry } }));
    this.agents = new AgentTable(options.runtime, {
      publish: (info) => this.broadcast({ type: 'agent', agent: { ...info } }),
      flash: (flash) => this.flash(flash),
      ended: (entry) => void this.agentEnded(entry),
      allEnded: () => {
        for (const resolve of this.stopWaiters.splice(0)) resolve();
      },
    }, this.now);
    if (options.access) {
      const { access } = options;
      this.main = new MainAgent({
        client: access.client,
        model: access.model,
        cwd: options.cwd,
        chat: this.chat,
        tracker: new UsageTracker({ model: access.model, prices: access.prices }),
        host: {
          agents: () => this.agents.all().map((entry) => ({ ...entry.info })),
          spawnWorker: (task, name) => this.spawn(task, options.cwd, name),
          runForeground: (command, timeoutMs, signal) => this.runForeground(command, timeoutMs, signal),
          outputOf: (name, maxLines) => this.agents.get(name)?.handle?.outputText(maxLines) ?? Promise.resolve(''),
          approve: (question, signal) => this.approve(question, signal),
          sessionChanged: () => this.broadcast({ type: 'session', session: this.session() }),
        },
      });
    }
  }

  connect(send: (event: ServerEvent) => void): ClientConnection {
    const client: Client = { send };
    this.clients.add(client);
    send({
      type: 'welcome',
      version: PROTOCOL_VERSION,
      agents: this.agents.all().map((entry) => ({ ...entry.info })),
      chat: this.chat.all(),
      model: this.options.model,
      session: this.session(),
    });
    return {
      handle: (command) => this.handle(client, command),
      close: () => {
        this.detach(client);
        this.clients.delete(client);
      },
    };
  }

  private session(): SessionStatus {
    return {
      busy: this.main?.isBusy ?? false,
      ...(this.foreground ? { foreground: this.foreground.entry.info.name } : {}),
      ...(this.main ? { mainUsage: this.main.usage } : {}),
    };
  }

  private handle(client: Client, command: ClientCommand): void {
    const error = this.execute(client, command);
    if (error) client.send({ type: 'error', message: error });
  }

  /** Carries out a command; returns a one-line error when it is refused (nothing changed then). */
  private execute(client: Client, command: ClientCommand): string | undefined {
    switch (command.type) {
      case 'run': {
        const started = this.agents.start({ kind: 'command', task: command.command, cwd: command.cwd, program: { shell: command.command }, ...(command.name !== undefined ? { name: command.name } : {}) });
        return typeof started === 'string' ? started : undefined;
      }
      case 'spawn': {
        if (command.budgetUsd !== undefined && !(command.budgetUsd > 0 && command.budgetUsd <= MAX_BUDGET_USD)) {
          return `invalid budget ${command.budgetUsd}: give an amount in USD above 0`;
        }
        const started = this.spawn(command.task, command.cwd, command.name, command.budgetUsd);
        return typeof started === 'string' ? started : undefined;
      }
      case 'kill': return this.agents.kill(command.name);
      case 'attach': return this.attach(client, command.name);
      case 'detach':
        this.detach(client);
        return undefined;
      case 'input': {
        const entry = client.attached ? this.agents.get(client.attached) : undefined;
        entry?.handle?.writeKeys(command.data);
        return undefined;
      }
      case 'send': {
        const entry = this.agents.lookup(command.name);
        if (typeof entry === 'string') return entry;
        if (isEnded(entry.info.state)) return `${command.name} has ended (${entry.info.state}): nothing reads its input`;
        entry.handle?.sendLine(command.text);
        return undefined;
      }
      case 'resize': {
        const { cols, rows } = command;
        if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 2 || rows < 2 || cols > 1000 || rows > 1000) return `invalid size ${cols}x${rows}`;
        this.agents.resize(cols, rows);
        return undefined;
      }
      case 'chat': return this.chatMessage(command.text);
      case 'interrupt':
        if (this.question) this.answer(false);
        if (!this.main?.interrupt()) return 'nothing to interrupt';
        return undefined;
      case 'background': return this.toBackground();
      case 'stopAll':
        this.stopAll(client);
        return undefined;
    }
  }

  private broadcast(event: ServerEvent): void {
    for (const client of this.clients) client.send(event);
  }

  private flash(flash: Flash): void {
    this.broadcast({ type: 'flash', flash });
    this.chat.add('event', describeFlash(flash), { flash });
  }

  private spawn(task: string, cwd: string, name?: string, budgetUsd?: number): AgentInfo | string {
    const { access, workers } = this.options;
    if (!access || !workers) return this.options.model.help ?? 'The model is not configured.';
    const chosen = this.agents.chooseName('claude', task, name);
    if ('error' in chosen) return chosen.error;
    const secret = randomBytes(24).toString('hex');
    const args = ['worker', '--name', chosen.name, '--task', task, '--model', access.model, '--permission-mode', workers.permissionMode];
    if (budgetUsd !== undefined) args.push('--budget', String(budgetUsd));
    const price = access.prices?.[access.model];
    const started = this.agents.start({
      kind: 'claude', task, cwd, name: chosen.name, program: workers.program(args),
      env: { ...access.workerEnv, [REPORT_SECRET_ENV]: secret, ...(price ? { [MODEL_PRICE_ENV]: JSON.stringify(price) } : {}) },
      reportSecret: secret,
    });
    return typeof started === 'string' ? started : started.info;
  }

  private async agentEnded(entry: AgentEntry): Promise<void> {
    if (!this.main) return;
    const output = entry.info.kind === 'command' ? await entry.handle?.outputText(OUTPUT_LINES_FOR_NOTIFICATION) ?? '' : '';
    // The user stopped it and knows: the main agent hears of it at its next turn, without a turn of its own.
    this.main.notify(notificationFor(entry.info, output), { wake: !entry.killRequested });
  }

  private runForeground(command: string, timeoutMs: number, signal: AbortSignal): Promise<ForegroundOutcome | string> {
    const started = this.agents.start({ kind: 'command', task: command, cwd: this.options.cwd, program: { shell: command } });
    if (typeof started === 'string') return Promise.resolve(started);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.chat.add('notice', `${started.info.name} timed out after ${timeoutMs} ms; stopping it`);
        this.agents.kill(started.info.name);
      }, timeoutMs);
      const onAbort = () => this.agents.kill(started.info.name);
      signal.addEventListener('abort', onAbort, { once: true });
      const settle = (outcome: ForegroundOutcome) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.foreground = undefined;
        this.broadcast({ type: 'session', session: this.session() });
        resolve(outcome);
      };
      started.foreground = { resolve: (entry) => settle({ ended: { ...entry.info } }) };
      this.foreground = { entry: started, moved: () => settle({ movedTo: started.info.name }) };
      this.broadcast({ type: 'session', session: this.session() });
    });
  }

  /** Ctrl+B in the chat: the main agent stops waiting on its foreground run, which goes on in the background. */
  private toBackground(): string | undefined {
    const run = this.foreground;
    if (!run) return 'nothing runs in the foreground';
    run.entry.foreground = undefined;
    run.moved();
    return undefined;
  }

  private approve(question: string, signal: AbortSignal): Promise<boolean> {
    if (this.options.workers?.permissionMode === 'auto' || this.allowAllBash) return Promise.resolve(true);
    this.chat.add('notice', `${question}?  Answer y (yes), n (no) or a (always)`);
    return new Promise((resolve) => {
      this.question = { resolve };
      signal.addEventListener('abort', () => this.answer(false), { once: true });
      this.broadcast({ type: 'session', session: this.session() });
    });
  }

  private answer(allowed: boolean): void {
    const question = this.question;
    this.question = undefined;
    question?.resolve(allowed);
  }

  private chatMessage(text: string): string | undefined {
    if (!text.trim()) return undefined;
    if (this.question) {
      const word = text.trim().toLowerCase();
      this.chat.add('user', text);
      if (['y', 'yes'].includes(word)) this.answer(true);
      else if (['n', 'no'].includes(word)) this.answer(false);
      else if (['a', 'always'].includes(word)) {
        this.allowAllBash = true;
        this.answer(true);
      } else this.chat.add('notice', 'Answer y (yes), n (no) or a (always)');
      return undefined;
    }
    this.chat.add('user', text);
    if (!this.main) {
      this.chat.add('system', this.options.model.help ?? 'The model is not configured.');
      return undefined;
    }
    this.main.userMessage(text);
    return undefined;
  }

  private attach(client: Client, name: string): string | undefined {
    const entry = this.agents.lookup(name);
    if (typeof entry === 'string') return entry;
    this.detach(client);
    client.attached = name;
    this.agents.watch(entry, client);
    client.send({ type: 'attached', name });
    return undefined;
  }

  private detach(client: Client): void {
    const name = client.attached;
    if (!name) return;
    client.attached = undefined;
    this.agents.unwatch(name, client);
    client.send({ type: 'detached', name });
  }

  /** Stops every running agent; tells the client how many once they have all ended. */
  private stopAll(client: Client): void {
    this.main?.interrupt();
    const count = this.agents.killAll();
    const done = count === 0 ? Promise.resolve() : new Promise<void>((resolve) => this.stopWaiters.push(resolve));
    void done.then(() => client.send({ type: 'stopped', count }));
  }

  /** A line from agentmux itself (e.g. a library's warning) shown in the chat instead of over the screen. */
  notice(text: string): void {
    this.chat.add('notice', text);
  }

  dispose(): void {
    this.main?.interrupt();
    this.agents.dispose();
    this.clients.clear();
  }
}
