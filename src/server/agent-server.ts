// Owns every agent and the main conversation; speaks the protocol to any number of clients.
import { randomBytes } from 'node:crypto';
import { isEnded, type AgentInfo } from '../core/agent.js';
import { PROTOCOL_VERSION, describeFlash, type ClientCommand, type Flash, type ModelStatus, type ServerEvent, type SessionStatus } from '../core/protocol.js';
import { MODEL_PRICE_ENV, REPORT_SECRET_ENV } from '../core/report-channel.js';
import type { ModelPrice } from '../core/usage.js';
import type { WorktreeInfo } from '../core/worktree.js';
import type { ModelClient } from '../llm/types.js';
import { UsageTracker } from '../llm/usage-tracker.js';
import { AgentTable, taskError, type AgentEntry, type Watcher } from './agent-table.js';
import { ChatLog } from './chat-log.js';
import { ChatQuestion } from './chat-question.js';
import { MainAgent, type ForegroundOutcome } from './main-agent.js';
import { notificationFor } from './notifications.js';
import { WorktreeOps, type WorktreeService } from './worktree-ops.js';
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
  /** Git worktrees for `--worktree` agents; absent when none can be made (refused with the reason). */
  worktrees?: WorktreeService;
  /** A command /compare runs in each attempt's worktree (config `compare.check`). */
  compareCheck?: string;
  now?: () => number;
}

export interface ClientConnection {
  handle(command: ClientCommand): void;
  close(): void;
}

interface Client extends Watcher {
  attached?: string;
}

interface SpawnOptions {
  name?: string;
  budgetUsd?: number;
  worktree?: { base?: string };
  /** Start once this agent has finished. */
  after?: string;
}

const OUTPUT_LINES_FOR_NOTIFICATION = 40;
const WORKTREES_UNAVAILABLE = 'worktrees are not available in this session';
const MAX_BUDGET_USD = 10_000;

export class AgentServer {
  private readonly clients = new Set<Client>();
  private readonly chat: ChatLog;
  private readonly agents: AgentTable;
  private readonly main: MainAgent | undefined;
  private readonly now: () => number;
  private stopWaiters: Array<() => void> = [];
  private foreground: { entry: AgentEntry; moved(): void } | undefined;
  private readonly question: ChatQuestion;
  private allowAllBash = false;
  private readonly worktreeOps: WorktreeOps | undefined;

  constructor(private readonly options: ServerOptions) {
    this.now = options.now ?? Date.now;
    this.chat = new ChatLog(this.now, (entry) => this.broadcast({ type: 'chat', entry: { ...entry } }));
    this.question = new ChatQuestion(this.chat, () => this.broadcast({ type: 'session', session: this.session() }));
    this.agents = new AgentTable(options.runtime, {
      publish: (info) => {
        this.broadcast({ type: 'agent', agent: { ...info } });
        const entry = this.agents.get(info.name);
        if (entry) this.worktreeOps?.scheduleRefresh(entry);
      },
      flash: (flash) => this.flash(flash),
      ended: (entry) => {
        this.worktreeOps?.checkEnded(entry.info.name, entry.info.state, entry.info.exitCode);
        void this.agentEnded(entry);
      },
      allEnded: () => {
        for (const resolve of this.stopWaiters.splice(0)) resolve();
      },
    }, this.now);
    if (options.worktrees) {
      this.worktreeOps = new WorktreeOps({
        git: options.worktrees,
        agents: this.agents,
        chat: this.chat,
        publish: (entry) => this.broadcast({ type: 'agent', agent: { ...entry.info } }),
        showComparison: (comparison) => this.broadcast({ type: 'comparison', comparison }),
        confirm: async (question) => (await this.question.ask(question, false)) !== 'no',
        runCheck: (attempt, command, cwd) => {
          const started = this.agents.start({ kind: 'command', task: command, cwd, name: this.agents.freeName(`${attempt}-check`.slice(0, 42)), program: { shell: command } });
          return typeof started === 'string' ? { error: started } : { name: started.info.name };
        },
        ...(options.compareCheck ? { checkCommand: options.compareCheck } : {}),
      });
    }
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
          spawnWorker: (task, spawnOptions) => this.spawn(task, options.cwd, { ...spawnOptions, worktree: spawnOptions.worktree ? {} : undefined }),
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
    this.reply(client, this.execute(client, command));
  }

  /** Carries out a command; returns a one-line error when it is refused (nothing changed then). */
  private execute(client: Client, command: ClientCommand): string | undefined {
    switch (command.type) {
      case 'run': {
        const { command: shell, cwd, name, worktree, after } = command;
        const run = (where: string, agentName?: string, info?: WorktreeInfo) => this.agents.start({
          kind: 'command', task: shell, cwd: where, program: { shell },
          ...(agentName !== undefined ? { name: agentName } : {}), ...(info ? { worktree: info } : {}), ...(after !== undefined ? { after } : {}),
        });
        if (!worktree) {
          const started = run(cwd, name);
          return typeof started === 'string' ? started : undefined;
        }
        void this.inWorktree('command', shell, name, worktree.base, (agentName, info) => run(info.path, agentName, info)).then((error) => this.reply(client, error));
        return undefined;
      }
      case 'spawn': {
        if (command.budgetUsd !== undefined && !(command.budgetUsd > 0 && command.budgetUsd <= MAX_BUDGET_USD)) {
          return `invalid budget ${command.budgetUsd}: give an amount in USD above 0`;
        }
        if (!this.options.access) return this.options.model.help ?? 'The model is not configured.';
        void this.spawn(command.task, command.cwd, { name: command.name, budgetUsd: command.budgetUsd, worktree: command.worktree, after: command.after })
          .then((started) => this.reply(client, typeof started === 'string' ? started : undefined));
        return undefined;
      }
      case 'compare': return this.later(client, this.worktreeOps?.compare(command.names));
      case 'fileDiff': {
        const ops = this.worktreeOps;
        if (!ops) return WORKTREES_UNAVAILABLE;
        void ops.fileDiff(command.name, command.file).then((result) => {
          if (typeof result === 'string') this.reply(client, result);
          else client.send({ type: 'fileDiff', name: command.name, file: command.file, diff: result.diff });
        });
        return undefined;
      }
      case 'merge': return this.later(client, this.worktreeOps?.merge(command.name, command.into, command.squash ?? false));
      case 'discard': return this.later(client, this.worktreeOps?.discard(command.names, command.force ?? false));
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
      case 'scroll': {
        const entry = client.attached ? this.agents.get(client.attached) : undefined;
        if (!entry) return 'no agent is in front to scroll';
        if (command.lines !== 'live' && !Number.isInteger(command.lines)) return `invalid scroll ${String(command.lines)}`;
        entry.handle?.scroll(command.lines);
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
        this.question.cancel();
        if (!this.main?.interrupt()) return 'nothing to interrupt';
        return undefined;
      case 'background': return this.toBackground();
      case 'stopAll':
        this.stopAll(client);
        return undefined;
    }
  }

  private reply(client: Client, error: string | undefined): void {
    if (error) client.send({ type: 'error', message: error });
  }

  /** A command that finishes later: its refusal, if any, reaches the client when known. */
  private later(client: Client, work: Promise<string | undefined> | undefined): string | undefined {
    if (!work) return WORKTREES_UNAVAILABLE;
    void work.then((error) => this.reply(client, error));
    return undefined;
  }

  /** Makes a worktree for a new agent, then starts it there; the name is held meanwhile. */
  private async inWorktree(
    kind: AgentInfo['kind'], task: string, requested: string | undefined, base: string | undefined,
    start: (name: string, worktree: WorktreeInfo) => AgentEntry | string,
  ): Promise<string | undefined> {
    const ops = this.worktreeOps;
    if (!ops) return WORKTREES_UNAVAILABLE;
    const refused = taskError(kind, task);
    if (refused) return refused;
    const chosen = this.agents.chooseName(kind, task, requested);
    if ('error' in chosen) return chosen.error;
    this.agents.reserve(chosen.name);
    try {
      const worktree = await ops.create(chosen.name, base);
      // Nothing runs between here and the start: the name cannot be taken meanwhile.
      this.agents.release(chosen.name);
      const started = start(chosen.name, worktree);
      if (typeof started === 'string') await ops.removeUnused(chosen.name);
      return typeof started === 'string' ? started : undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      this.agents.release(chosen.name);
    }
  }

  private broadcast(event: ServerEvent): void {
    for (const client of this.clients) client.send(event);
  }

  private flash(flash: Flash): void {
    this.broadcast({ type: 'flash', flash });
    this.chat.add('event', describeFlash(flash), { flash });
  }

  private async spawn(task: string, cwd: string, how: SpawnOptions): Promise<AgentInfo | string> {
    const { name, budgetUsd, worktree, after } = how;
    const { access, workers } = this.options;
    if (!access || !workers) return this.options.model.help ?? 'The model is not configured.';
    const start = (agentName: string, where: string, info?: WorktreeInfo): AgentEntry | string => {
      const secret = randomBytes(24).toString('hex');
      const args = ['worker', '--name', agentName, '--task', task, '--model', access.model, '--permission-mode', workers.permissionMode];
      if (budgetUsd !== undefined) args.push('--budget', String(budgetUsd));
      const price = access.prices?.[access.model];
      return this.agents.start({
        kind: 'claude', task, cwd: where, name: agentName, program: workers.program(args),
        env: { ...access.workerEnv, [REPORT_SECRET_ENV]: secret, ...(price ? { [MODEL_PRICE_ENV]: JSON.stringify(price) } : {}) },
        reportSecret: secret,
        ...(info ? { worktree: info } : {}), ...(after !== undefined ? { after } : {}),
      });
    };
    if (worktree) {
      let started: AgentEntry | undefined;
      const error = await this.inWorktree('claude', task, name, worktree.base, (agentName, info) => {
        const result = start(agentName, info.path, info);
        if (typeof result !== 'string') started = result;
        return result;
      });
      return error ?? (started ? started.info : 'the agent did not start');
    }
    const chosen = this.agents.chooseName('claude', task, name);
    if ('error' in chosen) return chosen.error;
    const started = start(chosen.name, cwd);
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

  private async approve(question: string, signal: AbortSignal): Promise<boolean> {
    if (this.options.workers?.permissionMode === 'auto' || this.allowAllBash) return true;
    const answer = await this.question.ask(question, true, signal);
    if (answer === 'always') this.allowAllBash = true;
    return answer !== 'no';
  }

  private chatMessage(text: string): string | undefined {
    if (!text.trim()) return undefined;
    if (this.question.open) {
      this.question.take(text);
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
    this.worktreeOps?.dispose();
    this.main?.interrupt();
    this.agents.dispose();
    this.clients.clear();
  }
}
