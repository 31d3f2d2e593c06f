// Owns every agent and the main conversation; speaks the protocol to any number of clients.
import { join } from 'node:path';
import { isEnded, type AgentInfo } from '../core/agent.js';
import { lastOutputLine } from '../core/last-output-line.js';
import { removedMessage } from '../core/removed-agents.js';
import {
  PROTOCOL_VERSION, describeFlash, type ClientMessage, type Flash, type ModelStatus, type ServerEvent, type SessionChoice, type SessionStatus,
} from '../core/protocol.js';
import type { AgentProfile } from '../core/agent-profile.js';
import { MAX_BUDGET_USD } from '../core/budget.js';
import { cliKinds, type CliKind } from '../core/cli-kinds.js';
import type { CompactionMarks } from '../core/compaction-settings.js';
import type { BudgetSettings } from '../core/config-schema.js';
import type { ModelPrice } from '../core/usage.js';
import type { Message, ModelClient } from '../llm/types.js';
import { priceFor } from '../llm/prices.js';
import { UsageTracker } from '../llm/usage-tracker.js';
import { SessionStore } from '../store/session-store.js';
import { AgentJournal } from './agent-journal.js';
import { AgentTable, firstLine, flashFor, type AgentEntry } from './agent-table.js';
import { BudgetKeeper } from './budget-keeper.js';
import { ChatLog } from './chat-log.js';
import { ClientScreens, type Client } from './client-screens.js';
import { ChatQuestion } from './chat-question.js';
import { ForegroundRuns } from './foreground-runs.js';
import { BUSY, MainAgent, type Suggester } from './main-agent.js';
import { LogFollowers } from './log-followers.js';
import { ConversationSwitch } from './conversation-switch.js';
import { MainSession } from './main-session.js';
import { PromptSuggester } from './prompt-suggester.js';
import { notificationFor, pausedNotification } from './notifications.js';
import { CliMeters } from './cli-meters.js';
import { CliStarts } from './cli-starts.js';
import { AgentStarts } from './agent-starts.js';
import { watchFile, type FileWatch } from '../store/file-watch.js';
import type { HostLinks } from './host-links.js';
import { SessionSpend } from './session-spend.js';
import { WorkerStarts, WORKTREES_UNAVAILABLE } from './worker-starts.js';
import { WorktreeOps, type WorktreeService } from './worktree-ops.js';
import { RemoteWorktreeOps, type RemoteWorktreeSetup } from './remote-worktree-ops.js';
import { NO_PROFILES, type ProfileSource } from './profile-source.js';
import type { AgentRuntime } from './runtime.js';

export interface ModelAccess {
  client: ModelClient;
  model: string;
  /** Prices by model id from configuration, over the bundled table. */
  prices?: Record<string, ModelPrice>;
  /** What a worker needs to reach the model, handed to it over its report channel. */
  workerCredentials: { apiKey: string; baseURL: string };
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
  /** Worktrees of agents on SSH hosts (`--worktree --host NAME`), fetched into `worktrees`' repository to compare and merge. */
  remoteWorktrees?: RemoteWorktreeSetup;
  /** The model that suggests the user's next message after a main-agent turn (config `suggestionModel`); none without it. */
  suggestionModel?: string;
  /** A command /compare runs in each attempt's worktree (config `compare.check`). */
  compareCheck?: string;
  /** Auto-compaction of the main agent's and workers' conversations (config `compaction`); absent: off. */
  compaction?: CompactionMarks;
  /** The agent CLIs `/new` starts (default: the built-in ones). */
  clis?: ReadonlyMap<string, CliKind>;
  /** Budgets from the config: each agent's default, the session's. */
  budgets?: BudgetSettings;
  /** The command that runs agentmux's hook runner for agent CLIs (cli/hook-main.ts); without it their state stays unknown. */
  hookCommand?: string[];
  /** Agent profiles (`/spawn --agent`, `spawn_agent {agent}`); without them none can be used. */
  profiles?: ProfileSource;
  /** The agent profile the main agent runs as (`agentmux --agent NAME`): its role joins its instructions, its model is the main agent's. */
  mainProfile?: AgentProfile;
  /** The program that renders an agent CLI's print run (`agentmux print-run -- PROGRAM ARGS…`). */
  printRun?: (program: string, args: string[]) => { file: string; args: string[] };
  /** Where this workspace's records, logs and transcripts are kept; nothing is kept without it. */
  stateDir?: string;
  /** Other hosts agents can run on (config `hosts`); without it `--host` is refused. */
  hosts?: HostLinks;
  /** The agentmux version serving (told to clients). */
  serverVersion?: string;
  /** Writes a line to the server's log. */
  log?: (line: string) => void;
  now?: () => number;
}

export interface ClientConnection {
  handle(message: ClientMessage): void;
  close(): void;
}

const OUTPUT_LINES_FOR_NOTIFICATION = 40;
const NO_SESSIONS = 'this server keeps no conversations';
/** How much of an agent's log is read for its last lines as text (a lost agent's, or one whose screen is gone). */
const LOG_TEXT_BYTES = 64 << 10;
/** How much of an ended agent's log is replayed to show its last screen and history. */
const REPLAY_BYTES = 4 << 20;

export class AgentServer {
  private readonly clients = new Set<Client>();
  private readonly chat: ChatLog;
  private readonly agents: AgentTable;
  private readonly main: MainAgent | undefined;
  private readonly suggester: PromptSuggester | undefined;
  /** The suggestion the screens show, until the conversation moves on: a screen that connects later shows it too. */
  private suggestion: string | undefined;
  private readonly now: () => number;
  private stopWaiters: Array<() => void> = [];
  private readonly foreground: ForegroundRuns;
  private readonly question: ChatQuestion;
  private allowAllBash = false;
  /** What a screen had typed and not sent, as it last told (kept in memory: a dropped connection loses no typing). */
  private draft = '';
  private readonly worktreeOps: WorktreeOps | undefined;
  private readonly journal: AgentJournal | undefined;
  private readonly mainSession: MainSession | undefined;
  private readonly conversations: ConversationSwitch | undefined;
  private readonly workerStarts: WorkerStarts | undefined;
  private readonly cliStarts: CliStarts;
  private readonly cliMeters: CliMeters;
  private readonly followers: LogFollowers;
  private readonly screens: ClientScreens;
  private readonly spend: SessionSpend;
  private readonly budgets: BudgetKeeper;
  private readonly kinds: ReadonlyMap<string, CliKind>;
  private readonly starts: AgentStarts;
  /** The transcripts of running CLI agents being followed, by agent name (see followTranscript). */
  private readonly transcriptWatches = new Map<string, { path: string; watch: FileWatch | null }>();

  constructor(private readonly options: ServerOptions) {
    this.now = options.now ?? Date.now;
    this.spend = new SessionSpend({
      main: () => this.main?.usage, suggestions: () => this.suggester?.usage, agents: () => this.agents.all().map((entry) => entry.info),
      priceOf: (model) => priceFor(model, options.access?.prices), now: this.now,
    });
    if (options.stateDir) {
      const key = options.access?.workerCredentials.apiKey;
      const secrets = key ? [key] : [];
      this.journal = new AgentJournal(options.stateDir, secrets);
      this.mainSession = new MainSession(new SessionStore(join(options.stateDir, 'sessions')), options.cwd, secrets);
    }
    this.followers = new LogFollowers(this.journal, (follow, onText) => options.runtime.outputText(this.agents.defaultSize, follow, onText));
    this.chat = new ChatLog(this.now, (entry) => {
      this.broadcast({ type: 'chat', entry: { ...entry } });
      if (!entry.open) this.mainSession?.recordChat(entry);
    });
    this.question = new ChatQuestion(this.chat, () => this.broadcast({ type: 'session', session: this.session() }));
    this.agents = new AgentTable(options.runtime, {
      publish: (info) => this.publish(info),
      output: (entry, data) => {
        if (this.journal) this.followers.output(entry.info.name, this.journal.output(entry.info.name, data));
      },
      flash: (flash) => this.flash(flash),
      refused: (entry, message) => this.chat.add('error', `${entry.info.name}: ${message}`),
      turnEnded: (entry, result) => void this.turnEnded(entry, result),
      hooked: (entry) => this.readCliMeter(entry),
      workerPaused: (entry, question) => this.budgets.workerPaused(entry, question),
      ended: (entry) => {
        this.worktreeOps?.checkEnded(entry.info.name, entry.info.state, entry.info.exitCode);
        void this.agentEnded(entry);
      },
      stopped: (entry) => {
        this.readCliMeter(entry);
        if (this.journal) this.followers.output(entry.info.name, this.journal.closeLog(entry.info.name));
        this.followers.ended(entry.info.name);
      },
      allEnded: () => {
        for (const resolve of this.stopWaiters.splice(0)) resolve();
      },
    }, this.now);
    this.kinds = options.clis ?? cliKinds();
    this.budgets = new BudgetKeeper({
      agents: this.agents,
      settings: options.budgets ?? {},
      publish: (info) => this.publish(info),
      flash: (flash) => this.flash(flash),
      say: (role, text) => this.chat.add(role, text),
      pausedAtBudget: (entry) => this.main?.notify(pausedNotification(entry.info, this.now()), { wake: true }),
      mainSpentUsd: () => (this.main?.usage.costUsd ?? 0) + (this.suggester?.usage?.costUsd ?? 0),
      sessionChanged: () => {
        this.broadcast({ type: 'session', session: this.session() });
        this.main?.mayGoOn();
      },
      cliMetered: (cli) => this.kinds.get(cli)?.signals === 'claude-hooks',
      priceOf: (model) => priceFor(model, options.access?.prices),
      now: this.now,
    });
    const journal = this.journal;
    this.screens = new ClientScreens({ agents: this.agents, ...(journal ? { logTail: (name: string) => journal.logTail(name, REPLAY_BYTES) } : {}) });
    this.foreground = new ForegroundRuns(this.agents, this.chat, () => this.broadcast({ type: 'session', session: this.session() }));
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
        ...(options.remoteWorktrees ? {
          remote: new RemoteWorktreeOps({
            ...options.remoteWorktrees, localRepo: options.cwd, local: options.worktrees, agents: this.agents, chat: this.chat,
            publish: (entry) => this.broadcast({ type: 'agent', agent: { ...entry.info } }),
          }),
        } : {}),
      });
    }
    if (options.access && options.suggestionModel) {
      const model = options.suggestionModel;
      this.suggester = new PromptSuggester({
        client: options.access.client,
        model,
        tracker: new UsageTracker({ model, prices: options.access.prices }),
        suggested: (text) => this.suggested(text),
        usageChanged: () => {
          this.broadcast({ type: 'session', session: this.session() });
          this.spend.changed();
          this.budgets.mainSpent();
        },
        ...(options.log ? { failed: options.log } : {}),
      });
    }
    if (options.access) {
      const { access, mainProfile } = options;
      const mainModel = mainProfile?.model ?? access.model;
      this.main = new MainAgent({
        client: access.client,
        model: mainModel,
        cwd: options.cwd,
        chat: this.chat,
        ...(options.hosts ? { hosts: Object.keys(options.hosts.hosts) } : {}),
        tracker: new UsageTracker({ model: mainModel, prices: access.prices }),
        ...(this.suggester ? { suggester: this.suggestionsFrom(this.suggester) } : {}),
        ...(mainProfile ? { role: { profile: mainProfile.name, prompt: mainProfile.prompt } } : {}),
        ...(this.mainSession ? {
          record: (message: Message) => this.mainSession?.recordMessage(message),
          compacted: (summary: string, kept: number) => this.mainSession?.recordCompaction(summary, kept),
        } : {}),
        turnRefusal: () => this.budgets.mainTurnRefusal(),
        ...(options.compaction ? { compaction: options.compaction } : {}),
        delivered: (names) => {
          for (const name of names) {
            const entry = this.agents.get(name);
            if (entry) this.journal?.notified(entry.info);
          }
        },
        host: {
          agents: () => this.agents.all().map((entry) => ({ ...entry.info })),
          spawnWorker: (task, how) => this.starts.forMainAgent(task, options.cwd, how),
          profiles: async () => (await options.profiles?.list() ?? []).flatMap((entry) => (entry.profile ? [entry.profile] : [])),
          spawnCli: (cli, task, how) => this.starts.forMainAgent(task, options.cwd, { ...how, cli }),
          runForeground: (command, timeoutMs, signal) => this.foreground.run(command, options.cwd, timeoutMs, signal),
          outputOf: (name, maxLines) => this.outputOf(name, maxLines),
          approve: (question, signal) => this.approve(question, signal),
          sessionChanged: () => {
            this.broadcast({ type: 'session', session: this.session() });
            this.spend.changed();
            this.budgets.mainSpent();
          },
        },
      });
    }
    this.cliMeters = new CliMeters(options.access?.prices);
    this.cliStarts = new CliStarts({
      agents: this.agents, runtime: options.runtime, kinds: this.kinds,
      ...(this.journal ? { logTail: (name: string) => this.journal?.logTail(name, REPLAY_BYTES) ?? new Uint8Array() } : {}),
      ...(options.hookCommand ? { hookCommand: options.hookCommand } : {}), ...(this.worktreeOps ? { worktrees: this.worktreeOps } : {}),
      ...(options.printRun ? { printRun: options.printRun } : {}), priceOf: (model) => priceFor(model, options.access?.prices),
    });
    if (options.access && options.workers) {
      this.workerStarts = new WorkerStarts({
        access: options.access, launcher: options.workers, agents: this.agents, chat: this.chat,
        ...(options.compaction ? { compaction: options.compaction } : {}),
        ...(this.journal ? { journal: this.journal } : {}), ...(this.worktreeOps ? { worktrees: this.worktreeOps } : {}),
        ...(options.profiles ? { profiles: options.profiles } : {}),
        budgetFor: (asked, model) => this.budgets.budgetForStart(asked, { label: 'a worker', metered: true, model }),
      });
    }
    this.starts = new AgentStarts({
      agents: this.agents, cliStarts: this.cliStarts, budgets: this.budgets, kinds: this.kinds,
      modelHelp: options.model.help ?? 'The model is not configured.',
      ...(this.workerStarts ? { workerStarts: this.workerStarts } : {}), ...(this.worktreeOps ? { worktreeOps: this.worktreeOps } : {}),
      ...(options.hosts ? { hosts: options.hosts } : {}),
    });
    if (this.mainSession) {
      this.conversations = new ConversationSwitch({
        sessions: this.mainSession, chat: this.chat, ...(this.main ? { main: this.main } : {}),
        shown: () => {
          this.broadcast({ type: 'chatReset', chat: this.chat.all() });
          this.broadcast({ type: 'session', session: this.session() });
        },
        fileNotice: (text) => this.fileNotice(text),
      });
    }
  }

  /**
   * Reads back what an earlier server of this workspace left: its agents (those that were still
   * going are `lost`: nobody saw them end) and their unread outcomes; says what was wrong with the
   * records file. Call once, before clients connect.
   */
  async restore(): Promise<void> {
    if (!this.journal) return;
    const { records, notices } = this.journal.load();
    for (const record of records) {
      const info = { ...record.info };
      const vanished = !isEnded(info.state);
      if (vanished) {
        info.state = 'lost';
        info.endedAt = this.now();
        info.unread = true;
        delete info.question;
      }
      this.agents.restore(info);
      if (vanished) {
        this.journal.changed(info);
        this.chat.add('event', describeFlash(flashFor(info)), { flash: flashFor(info) });
      }
      const told = this.journal.isNotified(info.name);
      if (!vanished && told) continue;
      const output = await this.lastOutput(info);
      const last = lastOutputLine(output.split('\n'));
      if (vanished && last && !info.lastLine) {
        info.lastLine = last;
        this.journal.changed(info);
      }
      if (!told) this.main?.notify(notificationFor(info, output), { wake: false });
    }
    for (const notice of notices) this.fileNotice(notice);
    this.spend.changed();
  }

  /** The end of a command agent's log as plain text: what it printed last. */
  private lastOutput(info: AgentInfo): Promise<string> {
    return info.kind === 'command' ? this.logText(info.name, OUTPUT_LINES_FOR_NOTIFICATION) : Promise.resolve('');
  }

  /** The last `maxLines` lines of an agent's log, as plain text read from an emulator's cells. */
  private async logText(name: string, maxLines: number): Promise<string> {
    if (!this.journal) return '';
    const parts: string[] = [];
    const text = this.options.runtime.outputText(this.agents.defaultSize, false, (part) => parts.push(part));
    try {
      text.write(this.journal.logTail(name, LOG_TEXT_BYTES));
      await text.end();
    } finally {
      text.dispose();
    }
    // Every line comes with its newline.
    return parts.join('').split('\n').slice(0, -1).slice(-maxLines).join('\n');
  }

  /** Switches the main conversation to the chosen session; returns why it cannot. */
  openSession(choice: SessionChoice): string | undefined {
    if (!this.conversations) return choice.kind === 'current' ? undefined : NO_SESSIONS;
    return this.conversations.open(choice);
  }

  /** A client connects; `env`: its environment, which the agents it starts inherit. */
  connect(send: (event: ServerEvent) => void, env?: Record<string, string>): ClientConnection {
    const client: Client = { send, ...(env ? { env } : {}) };
    this.clients.add(client);
    send({
      type: 'welcome',
      version: PROTOCOL_VERSION,
      serverVersion: this.options.serverVersion ?? 'dev',
      workspace: this.options.cwd,
      agents: this.agents.all().map((entry) => ({ ...entry.info })),
      chat: this.chat.all(),
      model: this.modelStatus(),
      session: this.session(),
      ...(this.draft ? { draft: this.draft } : {}),
      ...(this.suggestion && !this.question.open ? { suggestion: this.suggestion } : {}),
    });
    return {
      handle: (message) => this.handle(client, message),
      close: () => {
        this.screens.detach(client);
        this.followers.forget(client);
        this.clients.delete(client);
      },
    };
  }

  /** Agents the model starts from now on inherit this environment (the last screen's). */
  inheritEnvironment(env: Record<string, string>): void {
    this.agents.inheritEnvironment(env);
  }

  agentNames(): string[] {
    return this.agents.all().map((entry) => entry.info.name);
  }

  /** Agents still going. */
  get runningCount(): number {
    return this.agents.running().length;
  }

  /** The model as the screen shows it: the main agent's, and the profile it runs as. */
  private modelStatus(): ModelStatus {
    const { model, mainProfile } = this.options;
    if (!mainProfile) return model;
    return { ...model, profile: mainProfile.name, ...(model.configured && mainProfile.model ? { model: mainProfile.model } : {}) };
  }

  private session(): SessionStatus {
    return {
      ...(this.mainSession?.id ? { id: this.mainSession.id } : {}),
      busy: this.main?.isBusy ?? false,
      ...(this.foreground.name ? { foreground: this.foreground.name } : {}),
      ...(this.main ? { mainUsage: this.main.usage } : {}),
      ...(this.suggester?.usage ? { suggestionUsage: this.suggester.usage } : {}),
      ...(this.budgets.sessionBudget !== undefined ? { budgetUsd: this.budgets.sessionBudget } : {}),
    };
  }

  /** A prompt suggestion for the screens, unless the conversation has moved on (a turn, a question in the chat). */
  private suggested(text: string): void {
    if (this.main?.isBusy || this.question.open) return;
    this.suggestion = text;
    this.broadcast({ type: 'suggestion', text });
  }

  /** The suggester as the main agent uses it: whatever cancels the next suggestion makes the last one stale too. */
  private suggestionsFrom(suggester: PromptSuggester): Suggester {
    return {
      start: (conversation) => suggester.start(conversation),
      cancel: () => {
        this.suggestion = undefined;
        suggester.cancel();
      },
    };
  }

  private handle(client: Client, message: ClientMessage): void {
    const { id, ...command } = message;
    const outcome = this.execute(client, command as ClientMessage);
    if (outcome instanceof Promise) void outcome.then((result) => this.reply(client, result, id));
    else this.reply(client, outcome, id);
  }

  /**
   * Carries out a command; returns a one-line error when it is refused (nothing changed then),
   * or a promise of the outcome for a command that finishes later (with the agent it started).
   */
  private execute(client: Client, command: ClientMessage): Outcome | Promise<Outcome> {
    switch (command.type) {
      case 'run': return this.starts.run(command, client.env);
      case 'spawn': return this.starts.spawn(command, client.env);
      case 'new': return this.starts.newCli(command, client.env);
      case 'budget': return this.setBudget(command);
      case 'profiles': {
        const { profiles } = this.options;
        if (!profiles) return NO_PROFILES;
        return profiles.list().then((entries) => {
          client.send({ type: 'profiles', profiles: entries, searched: profiles.searched });
          return undefined;
        }, (error: Error) => `the agent profiles cannot be read: ${error.message}`);
      }
      case 'compare': return this.worktreeOps?.compare(command.names) ?? WORKTREES_UNAVAILABLE;
      case 'fileDiff': {
        const ops = this.worktreeOps;
        if (!ops) return WORKTREES_UNAVAILABLE;
        return ops.fileDiff(command.name, command.file).then((result) => {
          if (typeof result === 'string') return result;
          client.send({ type: 'fileDiff', name: command.name, file: command.file, diff: result.diff });
          return undefined;
        });
      }
      case 'merge': return this.worktreeOps?.merge(command.name, command.into, command.squash ?? false) ?? WORKTREES_UNAVAILABLE;
      case 'discard': return this.worktreeOps?.discard(command.names, command.force ?? false) ?? WORKTREES_UNAVAILABLE;
      case 'kill': return this.agents.kill(command.name);
      case 'remove': return this.remove(command.names);
      case 'attach': return this.screens.attach(client, command.name);
      case 'detach':
        this.screens.detach(client);
        return undefined;
      case 'input':
        this.screens.keys(client, command.data);
        return undefined;
      case 'paste':
        this.screens.paste(client, command.text);
        return undefined;
      case 'scroll': return this.screens.scroll(client, command.lines);
      case 'send': {
        const entry = this.agents.lookup(command.name);
        if (typeof entry === 'string') return entry;
        if (isEnded(entry.info.state)) return this.continueAgent(entry, command.text);
        this.agents.typed(entry, `${command.text}\r`);
        return entry.handle?.sendLine(command.text).then(() => undefined);
      }
      case 'resize': return this.screens.resize(client, command.cols, command.rows);
      case 'logs': {
        const entry = this.agents.lookup(command.name);
        if (typeof entry === 'string') return entry;
        return this.followers.start(client, entry.info.name, { follow: command.follow === true && !isEnded(entry.info.state), raw: command.raw === true });
      }
      case 'fork': return this.conversations ? this.conversations.fork() : NO_SESSIONS;
      case 'resume': {
        if (!this.conversations) return NO_SESSIONS;
        if (command.session !== undefined) return this.conversations.resume(command.session);
        client.send({ type: 'sessions', sessions: this.conversations.list() });
        return undefined;
      }
      case 'shutdown':
        // The host that runs the server handles it; a server on its own cannot stop itself.
        return 'this server cannot be stopped from here';
      case 'chat': return this.chatMessage(command.text);
      case 'draft':
        this.draft = command.text;
        return undefined;
      case 'compact':
        if (!this.main) return this.options.model.help ?? 'The model is not configured.';
        if (this.question.open) return BUSY;
        if (this.budgets.mainTurnRefusal()) return this.budgets.mainTurnRefusal();
        return this.main.compact(command.instructions);
      case 'interrupt':
        this.question.cancel();
        if (!this.main?.interrupt()) return 'nothing to interrupt';
        return undefined;
      case 'background': return this.foreground.toBackground();
      case 'spend':
        client.send({ type: 'spend', report: this.spend.report() });
        return undefined;
    }
  }

  /** Tells the client how its command went: `done` when it asked (gave an id), else only a refusal. */
  private reply(client: Client, outcome: Outcome, id: number | undefined): void {
    const error = typeof outcome === 'string' ? outcome : undefined;
    if (id !== undefined) {
      client.send({ type: 'done', id, ...(error ? { error } : {}), ...(outcome && typeof outcome === 'object' ? { name: outcome.name } : {}) });
    } else if (error) {
      client.send({ type: 'error', message: error });
    }
  }

  /** Forgets ended agents (all named, or none): gone from every screen's list and from the records, their names free again. */
  private remove(names: readonly string[]): string | undefined {
    const removed = this.agents.remove(names);
    if (typeof removed === 'string') return removed;
    for (const { info } of removed) {
      for (const client of this.clients) if (client.attached === info.name) this.screens.detach(client);
      this.worktreeOps?.forget(info.name);
      this.journal?.remove(info.name, this.now());
      this.broadcast({ type: 'removed', name: info.name });
      this.cliMeters.forget(info.name);
      this.budgets.forget(info.name);
    }
    this.chat.add('system', removedMessage(removed.map((entry) => entry.info)));
    this.spend.changed();
    return undefined;
  }

  /** Text sent to an ended agent: a built-in worker goes on with its conversation, an agent CLI resumes its session; a command reads nothing. */
  private continueAgent(entry: AgentEntry, text: string): string | undefined {
    const { name, state, kind, host } = entry.info;
    // Its session (or transcript) is on the host: resumed here, it would run on this machine.
    if (host !== undefined && kind !== 'command') return `${name} ran on ${host}: it cannot be resumed from here; start a new one there with --host ${host}`;
    if (kind === 'cli') return this.cliStarts.resume(entry, text);
    if (kind !== 'claude') return `${name} has ended (${state}): nothing reads its input`;
    if (!this.workerStarts) return this.options.model.help ?? 'The model is not configured.';
    return this.workerStarts.continue(entry, text);
  }

  /** Plain text of an agent's last lines: from its screen, or from its log when its screen is gone. */
  private async outputOf(name: string, maxLines: number): Promise<string> {
    const entry = this.agents.get(name);
    return entry?.handle ? entry.handle.outputText(maxLines) : this.logText(name, maxLines);
  }

  private broadcast(event: ServerEvent): void {
    for (const client of this.clients) client.send(event);
  }

  private flash(flash: Flash): void {
    this.broadcast({ type: 'flash', flash });
    this.chat.add('event', describeFlash(flash), { flash });
  }

  /**
   * While a CLI agent runs, its meter is read again whenever its transcript grows between turns: Claude
   * Code may write a reply's usage after the hook that ended the turn, and no later hook would read it.
   */
  private followTranscript(entry: AgentEntry, path: string): void {
    const { name } = entry.info;
    const current = this.transcriptWatches.get(name);
    if (isEnded(entry.info.state)) {
      current?.watch?.close();
      this.transcriptWatches.delete(name);
      return;
    }
    if (current?.path === path && current.watch) return;
    current?.watch?.close();
    // Between turns only: within one, its hooks read the meter (and a budget pause keeps what it was doing).
    this.transcriptWatches.set(name, { path, watch: watchFile(path, () => { if (entry.info.state !== 'running') this.readCliMeter(entry); }) });
  }

  /** `/budget NAME USD`, `/budget --session USD`. */
  private setBudget(command: Extract<ClientMessage, { type: 'budget' }>): string | undefined {
    const { name, session, usd, tokens } = command;
    if ((name === undefined) === (session !== true)) return 'give an agent\'s name or --session: /budget NAME USD, /budget --session USD';
    if (usd !== undefined && usd > MAX_BUDGET_USD) return `invalid budget ${usd}: give an amount in USD above 0 and at most ${MAX_BUDGET_USD}`;
    if (name !== undefined) {
      if (usd === undefined && tokens === undefined) return `give the budget: /budget ${name} USD, or /budget ${name} --max-tokens N`;
      return this.budgets.setBudget(name, { ...(usd !== undefined ? { usd } : {}), ...(tokens !== undefined ? { tokens } : {}) });
    }
    if (tokens !== undefined) return 'the session\'s budget is in USD: /budget --session USD';
    if (usd === undefined) return 'give the budget: /budget --session USD';
    return this.budgets.setSessionBudget(usd);
  }

  private async agentEnded(entry: AgentEntry): Promise<void> {
    if (!this.main) return;
    const output = entry.info.kind === 'command' ? await entry.handle?.outputText(OUTPUT_LINES_FOR_NOTIFICATION) ?? '' : '';
    // The user stopped it and knows: the main agent hears of it at its next turn, without a turn of its own.
    this.main.notify(notificationFor(entry.info, output), { wake: !entry.killRequested });
  }

  /** A Claude Code agent's meter, from its transcript as it is now. */
  private readCliMeter(entry: AgentEntry): void {
    if (!entry.transcript) return;
    this.followTranscript(entry, entry.transcript);
    const meter = this.cliMeters.meter(entry.info.name, entry.transcript);
    if (!meter || JSON.stringify(meter) === JSON.stringify(entry.info.usage)) return;
    entry.info.usage = meter;
    this.publish(entry.info);
  }

  /** Every screen and the records hear of an agent's change (after its budget had its say). */
  private publish(info: AgentInfo): void {
    const entry = this.agents.get(info.name);
    if (entry) this.budgets.agentChanged(entry);
    this.broadcast({ type: 'agent', agent: { ...info } });
    this.journal?.changed(info);
    this.spend.agentChanged(info);
    if (entry) this.worktreeOps?.scheduleRefresh(entry);
  }

  /** An agent CLI is idle after a turn: a flash, and the main agent hears the turn's result (its last message, else its screen's end). */
  private async turnEnded(entry: AgentEntry, result: string | undefined): Promise<void> {
    const { info } = entry;
    this.flash({ name: info.name, word: 'idle', durationMs: this.now() - info.startedAt, ...(result ? { summary: firstLine(result) } : {}) });
    if (!this.main) return;
    const text = result ?? await entry.handle?.outputText(OUTPUT_LINES_FOR_NOTIFICATION) ?? '';
    this.main.notify(notificationFor(info, text), { wake: true });
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
    const refused = this.main && this.budgets.mainTurnRefusal();
    if (refused) return refused;
    this.chat.add('user', text);
    if (!this.main) {
      this.chat.add('system', this.options.model.help ?? 'The model is not configured.');
      return undefined;
    }
    this.main.userMessage(text);
    return undefined;
  }

  /** Stops every running agent; resolves with how many once they have all ended. */
  async stopAll(): Promise<number> {
    this.main?.interrupt();
    const count = this.agents.killAll();
    if (count > 0) await new Promise<void>((resolve) => this.stopWaiters.push(resolve));
    return count;
  }

  /** Tells every client the server is going away. */
  goodbye(message: string): void {
    this.broadcast({ type: 'goodbye', message });
  }

  /** A line from agentmux itself (e.g. a library's warning) shown in the chat instead of over the screen. */
  notice(text: string): void {
    this.chat.add('notice', text);
  }

  /** What was wrong with a file on disk (and what was done about it): in the chat and the server log. */
  private fileNotice(text: string): void {
    this.chat.add('notice', text);
    this.options.log?.(text);
  }

  dispose(): void {
    this.worktreeOps?.dispose();
    this.suggester?.cancel();
    this.main?.dispose();
    this.agents.dispose();
    for (const { watch } of this.transcriptWatches.values()) watch?.close();
    this.transcriptWatches.clear();
    this.options.hosts?.dispose();
    this.journal?.dispose();
    this.clients.clear();
  }
}

/** A refusal (one line), the agent a command started, or nothing to say. */
type Outcome = string | { name: string } | undefined;
