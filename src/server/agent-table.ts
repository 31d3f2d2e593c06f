// Every agent the server owns: starting them, following their processes and reports,
// stopping them, and who is watching which screen.
import { endStateOf, isEnded, type AgentInfo, type AgentLaunch, type EndState, type ProcessExit } from '../core/agent.js';
import type { Budget } from '../core/budget.js';
import { nameError, nameForCli, nameFromCommand, nameFromTask, uniqueName } from '../core/names.js';
import { interpretHook } from '../core/cli-signals.js';
import type { Flash, ServerEvent } from '../core/protocol.js';
import { acceptedMeter, shownReport, wrotePathError, type WorkerExpectation } from '../core/report-bounds.js';
import type { WorkerCredentials, WorkerReport } from '../core/report-channel.js';
import type { Usage } from '../core/usage.js';
import type { ScreenFrame } from '../core/screen-frame.js';
import type { WorktreeInfo } from '../core/worktree.js';
import type { CliSignals } from '../core/cli-kinds.js';
import { truncate } from '../core/format.js';
import { printable } from '../core/printable.js';
import { parseProgramStatus } from '../core/program-status.js';
import { applyBell, applyCliSignal, applyStatus, applyTyped, type CliStateEffects, type Typed } from './cli-state.js';
import type { AgentHandle, AgentRuntime } from './runtime.js';
import type { HostPlacement } from './host-links.js';
import { SharedFileWarnings } from './shared-file-warnings.js';

export interface Watcher {
  send(event: ServerEvent): void;
}

export interface AgentEntry {
  info: AgentInfo;
  handle?: AgentHandle;
  killRequested: boolean;
  reportedOutcome?: 'finished' | 'failed';
  /** A built-in worker: what its reports are checked against, and the usage this run has reported so far. */
  worker?: { expect: WorkerExpectation; usageThisRun?: Usage; usageBefore?: Usage };
  watchers: Set<Watcher>;
  /** Set while the main agent waits on this agent as one of its tool calls. */
  foreground?: { resolve(entry: AgentEntry): void };
  /** A CLI agent's transcript (Claude Code's), where its usage is read from. */
  transcript?: string;
  /** Where a CLI agent's state comes from. */
  cliSignals?: CliSignals;
  /** Paused at a budget (server/budget-keeper.ts). */
  budgetPause?: BudgetPause;
  /** What else ends it where it runs when it is killed (a program docker exec'd into a container). */
  stopThere?: () => Promise<void>;
  /** A remote agent's state when its link went down, taken up again when it is back. */
  stateBeforeLinkDown?: AgentInfo['state'];
}

/** Its own budget, or the session's. */
export type PauseReason = 'agent' | 'session';

export interface BudgetPause {
  /** The question shown for each reason it is paused for. */
  reasons: Map<PauseReason, string>;
  /** What it was doing (or has said since): shown again when it goes on. */
  before: Pick<AgentInfo, 'state' | 'question' | 'stateFrom'>;
  /** Its usage when it was paused, then when it (a worker) said it stopped; and whether it has said so. */
  spentAt: Usage;
  acknowledged: boolean;
  /** Stopped with SIGSTOP (an agent CLI; a worker that went on spending). */
  frozen: boolean;
}

export interface AgentTableHooks {
  publish(info: AgentInfo): void;
  flash(flash: Flash): void;
  /** An agent ended (not one the main agent was waiting on in the foreground). */
  ended(entry: AgentEntry): void;
  allEnded(): void;
  /** An agent ended, for whatever reason (its output is complete). */
  stopped(entry: AgentEntry): void;
  /** Raw output of a running agent, as its process wrote it. */
  output(entry: AgentEntry, data: Buffer): void;
  /** Something an agent did was refused (a report it may not make): one line to show. */
  refused(entry: AgentEntry, message: string): void;
  /** A CLI agent is done with a turn and waits for the next prompt (`result`: its last message, when it said it). */
  turnEnded(entry: AgentEntry, result: string | undefined): void;
  /** A CLI agent's hook spoke (after its signal was applied): its transcript may have grown. */
  hooked(entry: AgentEntry): void;
  /** A worker says it stopped for its budget (`question`: why), until agentmux lets it go on. */
  workerPaused(entry: AgentEntry, question: string): void;
}

/** What an agent is to do, as far as its name and its checks go. */
export interface AgentWork {
  kind: AgentInfo['kind'];
  /** The command of a command agent, the task of a claude agent, the first prompt of a CLI agent ('' for none). */
  task: string;
  /** A CLI agent's CLI (`claude`, `codex`, …). */
  cli?: string;
}

export interface StartRequest extends AgentWork {
  cwd: string;
  name?: string;
  program: AgentLaunch['program'];
  /** The environment to inherit: the requesting client's (default: the last screen's, see inheritEnvironment). */
  inherit?: Record<string, string>;
  env?: Record<string, string>;
  /** A model drives it (the main agent's bash, a worker): no model credentials in its environment. */
  modelDriven?: boolean;
  /** A built-in worker: what it is handed over its report channel, and what its reports are checked against. */
  worker?: { credentials?: WorkerCredentials; expect: WorkerExpectation };
  /** An agent CLI whose hooks report to agentmux, with the files they are set up with. */
  hooks?: boolean;
  hookFiles?: AgentLaunch['hookFiles'];
  /** Where a CLI agent's state comes from. */
  cliSignals?: CliSignals;
  worktree?: WorktreeInfo;
  /** Start only once this agent has finished (queued until then). */
  after?: string;
  /** What an earlier run of this agent printed (a continued worker). */
  history?: Uint8Array;
  /** A built-in worker's agent profile. */
  profile?: string;
  /** What it may spend. */
  budget?: Budget;
  /** The host it runs on (server/host-links.ts): its program and environment go there, its cwd is the host's. */
  host?: HostPlacement;
}

const MAX_TASK_LENGTH = 64 * 1024;
/** A window title is the program's own text: kept printable and short. */
const MAX_TITLE_CHARS = 160;

export class AgentTable {
  private readonly entries = new Map<string, AgentEntry>();
  private size = { cols: 80, rows: 24 };

  private readonly sharedFiles: SharedFileWarnings;

  constructor(private readonly runtime: AgentRuntime, private readonly hooks: AgentTableHooks, private readonly now: () => number) {
    this.sharedFiles = new SharedFileWarnings((flash) => hooks.flash(flash), now);
  }

  all(): AgentEntry[] {
    return [...this.entries.values()];
  }

  get(name: string): AgentEntry | undefined {
    return this.entries.get(name);
  }

  /** The entry, or a one-line reason it cannot be used. */
  lookup(name: string): AgentEntry | string {
    const error = nameError(name);
    if (error) return error;
    return this.entries.get(name) ?? `no agent named ${name} (/agents or agentmux ls lists them)`;
  }

  running(): AgentEntry[] {
    return this.all().filter((entry) => !isEnded(entry.info.state));
  }

  /** A free name: the requested one (validated), or one derived from the task. */
  chooseName(work: AgentWork, requested?: string): { name: string } | { error: string } {
    const taken = new Set([...this.entries.keys(), ...this.reserved]);
    if (requested !== undefined) {
      const error = nameError(requested);
      if (error) return { error };
      if (taken.has(requested)) return { error: `an agent named ${requested} already exists: choose another name` };
      return { name: requested };
    }
    const base = work.kind === 'command' ? nameFromCommand(work.task)
      : work.kind === 'cli' ? nameForCli(work.cli ?? 'cli', work.task || undefined) : nameFromTask(work.task);
    return { name: uniqueName(base, taken) };
  }

  /** `base`, or `base-2`, … whichever no agent has. */
  freeName(base: string): string {
    return uniqueName(base, new Set([...this.entries.keys(), ...this.reserved]));
  }

  /** Holds a name while its agent is being prepared (a worktree is made), so no other agent takes it. */
  reserve(name: string): void {
    this.reserved.add(name);
  }

  release(name: string): void {
    this.reserved.delete(name);
  }

  private readonly reserved = new Set<string>();
  private inheritedEnv: Record<string, string> | undefined;

  /** Agents started from now on without an environment of their own (the model's) inherit this one: the last screen's. */
  inheritEnvironment(env: Record<string, string>): void {
    this.inheritedEnv = env;
  }

  /** Starts an agent; returns it, or a one-line error (nothing started then). */
  start(request: StartRequest): AgentEntry | string {
    const error = taskError(request);
    if (error) return error;
    const dependency = request.after === undefined ? undefined : this.dependency(request.after);
    if (typeof dependency === 'string') return dependency;
    const chosen = this.chooseName(request, request.name);
    if ('error' in chosen) return chosen.error;
    const { name } = chosen;
    const entry: AgentEntry = {
      info: {
        name, kind: request.kind, task: request.task, cwd: request.host?.cwd ?? request.cwd, state: dependency ? 'queued' : startState(request.kind),
        startedAt: this.now(), ...(request.host ? { host: request.host.host, hostLink: request.host.link } : {}),
        lastLine: dependency ? `waits for ${dependency.info.name}` : '', unread: false,
        ...(request.worktree ? { worktree: request.worktree } : {}), ...(request.cli ? { cli: request.cli } : {}),
        ...(request.profile ? { profile: request.profile } : {}), ...(request.budget ? { budget: request.budget } : {}),
      },
      killRequested: false,
      watchers: new Set(),
      ...(request.cliSignals ? { cliSignals: request.cliSignals } : {}),
    };
    if (dependency) {
      this.queued.set(entry, { request, after: dependency });
    } else {
      const failed = this.launch(entry, request);
      if (failed) return failed;
    }
    this.entries.set(name, entry);
    this.hooks.publish(entry.info);
    return entry;
  }

  /** An agent an earlier server ran, read back from its record; it has ended. `handle` shows its last screen. */
  restore(info: AgentInfo, handle?: AgentHandle): AgentEntry {
    const entry: AgentEntry = { info, killRequested: false, watchers: new Set(), ...(handle ? { handle } : {}) };
    this.entries.set(info.name, entry);
    return entry;
  }

  /** Gives an ended agent without a screen one rebuilt from its output. */
  replay(entry: AgentEntry, output: Buffer): void {
    entry.handle = this.runtime.replay(output, this.size, { onFrame: (frame, view) => this.frame(entry, frame, view) });
  }

  /** Runs an ended agent again under its name (a worker continuing its conversation); returns why not. */
  restart(
    entry: AgentEntry, program: AgentLaunch['program'],
    options: Pick<StartRequest, 'env' | 'worker' | 'hooks' | 'hookFiles' | 'cliSignals' | 'history'> = {},
  ): string | undefined {
    const { env, worker, hooks, hookFiles, cliSignals, history } = options;
    const info = entry.info;
    if (!isEnded(info.state)) return `${info.name} is still ${info.state}`;
    entry.handle?.dispose();
    entry.killRequested = false;
    entry.reportedOutcome = undefined;
    for (const key of ['endedAt', 'exitCode', 'signal', 'result', 'question', 'stateFrom'] as const) delete info[key];
    info.state = startState(info.kind);
    info.startedAt = this.now();
    info.lastLine = '';
    info.unread = false;
    if (cliSignals) entry.cliSignals = cliSignals;
    const failed = this.launch(entry, {
      kind: info.kind, task: info.task, cwd: info.cwd, program, modelDriven: info.kind === 'claude',
      ...(env ? { env } : {}), ...(worker ? { worker } : {}), ...(hooks ? { hooks } : {}), ...(hookFiles ? { hookFiles } : {}),
      ...(history ? { history } : {}),
    });
    if (failed) {
      this.endUnstarted(entry, 'failed', failed);
      return failed;
    }
    for (const watcher of entry.watchers) entry.handle?.watch(this.viewOf(watcher), true);
    this.hooks.publish(info);
    return undefined;
  }

  /** The agent to wait for, or why it cannot be waited for; undefined when it has already finished. */
  private dependency(name: string): AgentEntry | string | undefined {
    const entry = this.lookup(name);
    if (typeof entry === 'string') return entry.startsWith('no agent') ? `no agent named ${name} to wait for (/agents or agentmux ls lists them)` : entry;
    if (entry.info.state === 'finished') return undefined;
    if (isEnded(entry.info.state)) return `${name} has ended (${entry.info.state}): it will not finish, so nothing would start after it`;
    return entry;
  }

  /** Starts the agent's process; returns why it could not. */
  private launch(entry: AgentEntry, request: StartRequest): string | undefined {
    const { name } = entry.info;
    const inherit = request.inherit ?? this.inheritedEnv;
    entry.worker = request.worker && { expect: request.worker.expect, ...(entry.info.usage ? { usageBefore: entry.info.usage.total } : {}) };
    const placed = request.host;
    // On another host the environment and the hooks are the remote side's; the local program is the link.
    const placedProgram = placed?.program({
      agentName: name, program: request.program, ...(request.env ? { env: request.env } : {}), ...(request.worker ? { worker: true } : {}),
    });
    const program = placedProgram ? { file: placedProgram.file, args: placedProgram.args } : request.program;
    if (placedProgram?.stopThere) entry.stopThere = placedProgram.stopThere;
    const local = placed ? {} : { env: request.env, hooks: request.hooks, hookFiles: request.hookFiles };
    try {
      entry.handle = this.runtime.start(
        {
          name, program, cwd: placed ? process.cwd() : request.cwd, cols: this.size.cols, rows: this.size.rows,
          ...(inherit ? { inherit } : {}),
          ...(local.env ? { env: local.env } : {}),
          ...(request.modelDriven || request.worker ? { modelDriven: true } : {}),
          ...(request.worker ? { reports: request.worker.credentials ? { credentials: request.worker.credentials } : {} } : {}),
          ...(!request.worker && placed?.link === 'agentmux' ? { reports: {} } : {}),
          ...(local.hooks ? { hooks: true } : {}),
          ...(local.hookFiles ? { hookFiles: local.hookFiles } : {}),
          ...(request.history ? { history: request.history } : {}),
        },
        {
          onLastLine: (text) => {
            // A worker's activity reports say more than its last printed line.
            if (entry.info.kind !== 'claude' || !entry.info.lastLine) entry.info.lastLine = text;
            if (entry.info.kind !== 'claude') this.hooks.publish(entry.info);
          },
          onFrame: (frame, view) => this.frame(entry, frame, view),
          onReport: (report) => this.report(entry, report),
          onChannelProblem: (message) => this.hooks.refused(entry, message),
          onHook: ({ source, event, payload }) => {
            const signal = interpretHook(source, event, payload, entry.info.cliSession);
            applyCliSignal(entry, signal, this.cliEffects(entry));
            if (signal.wrote && !isEnded(entry.info.state)) this.sharedFiles.wrote(entry.info, signal.wrote);
            this.hooks.hooked(entry);
          },
          onBell: () => applyBell(entry, this.cliEffects(entry)),
          onStatus: (data) => {
            const status = parseProgramStatus(data);
            if (status) applyStatus(entry, status, this.cliEffects(entry));
          },
          onTitle: (title) => {
            if (entry.info.kind !== 'cli' || isEnded(entry.info.state)) return;
            entry.info.windowTitle = truncate(printable(title), MAX_TITLE_CHARS);
            this.hooks.publish(entry.info);
          },
          onOutput: (data) => this.hooks.output(entry, data),
          onEnd: (exit, lastLine) => this.ended(entry, exit, lastLine),
        },
      );
      return undefined;
    } catch (error) {
      return `could not start ${name}: ${(error as Error).message}`;
    }
  }

  private cliEffects(entry: AgentEntry): CliStateEffects {
    return {
      publish: (info) => this.hooks.publish(info),
      flash: (flash) => this.hooks.flash(flash),
      turnEnded: (result) => this.hooks.turnEnded(entry, result),
      now: this.now,
    };
  }

  /** Something was typed into the agent (the keys, a line ending with Enter, or a paste): what a CLI agent's state makes of it. */
  typed(entry: AgentEntry, keys: Typed): void {
    applyTyped(entry, keys, this.cliEffects(entry));
  }

  /** Agents waiting for another to finish, with what starts them. */
  private readonly queued = new Map<AgentEntry, { request: StartRequest; after: AgentEntry }>();

  /** `ended` has ended: start the agents waiting for it, or end them when it did not finish. */
  private startDependents(ended: AgentEntry): void {
    for (const [entry, { request, after }] of this.queued) {
      if (after !== ended) continue;
      this.queued.delete(entry);
      if (ended.info.state !== 'finished') {
        this.endUnstarted(entry, 'failed', `not started: ${ended.info.name} ${ended.info.state}`);
        continue;
      }
      entry.info.state = startState(entry.info.kind);
      entry.info.startedAt = this.now();
      entry.info.lastLine = '';
      const failed = this.launch(entry, request);
      if (failed) this.endUnstarted(entry, 'failed', failed);
      else this.hooks.publish(entry.info);
    }
  }

  /** Ends an agent that never ran (its dependency did not finish, it was killed while queued, or it could not start). */
  private endUnstarted(entry: AgentEntry, state: 'failed' | 'killed', reason: string): void {
    this.queued.delete(entry);
    entry.info.lastLine = reason;
    this.finish(entry, state);
  }

  private frame(entry: AgentEntry, frame: ScreenFrame, view: number): void {
    for (const watcher of entry.watchers) {
      if (this.viewOf(watcher) === view) watcher.send({ type: 'screen', name: entry.info.name, frame });
    }
  }

  private report(entry: AgentEntry, claimed: WorkerReport): void {
    const info = entry.info;
    if (claimed.type === 'link') {
      this.linkChanged(entry, claimed.up);
      return;
    }
    const worker = entry.worker;
    if (isEnded(info.state) || !worker) return;
    if (claimed.type === 'usage') {
      const meter = acceptedMeter(claimed.meter, { thisRun: worker.usageThisRun, earlier: worker.usageBefore }, worker.expect);
      if (typeof meter === 'string') {
        this.hooks.refused(entry, `usage report refused: ${meter}`);
        return;
      }
      worker.usageThisRun = meter.total;
      info.usage = meter;
      this.hooks.publish(info);
      return;
    }
    if (claimed.type === 'wrote') {
      const error = wrotePathError(claimed.path);
      if (error) this.hooks.refused(entry, `a write report refused: ${error}`);
      else this.sharedFiles.wrote(info, claimed.path);
      return;
    }
    if (claimed.type === 'result' && entry.reportedOutcome) {
      this.hooks.refused(entry, 'a second result refused: the first one stands');
      return;
    }
    const report = shownReport(claimed);
    switch (report.type) {
      case 'state': {
        if (report.pausedForBudget) {
          this.hooks.workerPaused(entry, report.question ?? '');
          break;
        }
        const wasWaiting = info.state === 'waiting';
        info.state = report.state;
        if (report.state === 'waiting') {
          info.question = report.question;
          if (!wasWaiting) {
            this.hooks.flash({ name: info.name, word: 'needs input', durationMs: this.now() - info.startedAt, ...(report.question ? { summary: report.question } : {}) });
          }
        } else {
          delete info.question;
        }
        break;
      }
      case 'activity':
        info.lastLine = report.text;
        break;
      case 'result':
        entry.reportedOutcome = report.outcome;
        info.result = report.text;
        break;
      case 'link':
        break;
    }
    this.hooks.publish(info);
  }

  /** The link to a remote agent went down (its state is unknown until it is back) or came back. */
  private linkChanged(entry: AgentEntry, up: boolean): void {
    const info = entry.info;
    if (isEnded(info.state)) return;
    if (info.hostLink !== 'agentmux') {
      this.hooks.refused(entry, 'a link report refused: it is not an agent on another host');
      return;
    }
    if (!up && info.linkDownSince === undefined) {
      entry.stateBeforeLinkDown = info.state;
      info.linkDownSince = this.now();
      info.state = 'unknown';
    } else if (up && info.linkDownSince !== undefined) {
      delete info.linkDownSince;
      // Its reports since the drop, caught up, may have said more already.
      if (info.state === 'unknown') info.state = entry.stateBeforeLinkDown ?? 'running';
      delete entry.stateBeforeLinkDown;
    }
    this.hooks.publish(info);
  }

  private ended(entry: AgentEntry, exit: ProcessExit, lastLine: string): void {
    const info = entry.info;
    if (exit.signal) info.signal = signalName(exit.signal);
    else info.exitCode = exit.exitCode;
    if (info.kind !== 'claude') info.lastLine = lastLine;
    else if (info.result) info.lastLine = firstLine(info.result);
    this.finish(entry, endStateOf(exit, entry.killRequested, entry.reportedOutcome));
  }

  /** The agent has ended in `state`: everyone is told, and what waited for it goes on. */
  private finish(entry: AgentEntry, state: EndState): void {
    const info = entry.info;
    info.state = state;
    info.endedAt = this.now();
    delete info.question;
    this.sharedFiles.ended(info.name);
    this.hooks.stopped(entry);
    // Nobody needs telling about an agent they watched end or stopped themselves.
    info.unread = entry.watchers.size === 0 && !entry.killRequested && !entry.foreground;
    this.hooks.publish(info);
    const foreground = entry.foreground;
    if (foreground) {
      entry.foreground = undefined;
      foreground.resolve(entry);
    } else {
      this.hooks.flash(flashFor(info));
      this.hooks.ended(entry);
    }
    for (const resolve of this.endWaiters.get(entry) ?? []) resolve();
    this.endWaiters.delete(entry);
    this.startDependents(entry);
    if (this.running().length === 0) this.hooks.allEnded();
  }

  /** Resolves once the agent has ended (at once if it has). */
  whenEnded(entry: AgentEntry): Promise<void> {
    if (isEnded(entry.info.state)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiters = this.endWaiters.get(entry) ?? [];
      waiters.push(resolve);
      this.endWaiters.set(entry, waiters);
    });
  }

  private readonly endWaiters = new Map<AgentEntry, Array<() => void>>();

  /**
   * Stops an agent and every process of its run. A refusal comes at once; else the promise resolves
   * once they are gone, with one line naming any process that survived.
   */
  kill(name: string): string | Promise<string | undefined> {
    const entry = this.lookup(name);
    if (typeof entry === 'string') return entry;
    if (isEnded(entry.info.state)) return `${name} has already ended (${entry.info.state})`;
    entry.killRequested = true;
    if (this.queued.has(entry)) {
      this.endUnstarted(entry, 'killed', 'killed while it waited');
      return Promise.resolve(undefined);
    }
    const stoppedThere = entry.stopThere?.() ?? Promise.resolve();
    return Promise.all([entry.handle?.kill() ?? Promise.resolve([]), stoppedThere]).then(
      ([survivors]) => survivorsLine(name, survivors),
      (error: Error) => `${name}: could not look for its processes after the kill (${error.message}); check with ps`,
    );
  }

  /** Forgets ended agents — all those named, or none: returns them, or the one-line reason why not. Their names are free at once. */
  remove(names: readonly string[]): AgentEntry[] | string {
    const entries: AgentEntry[] = [];
    for (const name of new Set(names)) {
      const entry = this.lookup(name);
      if (typeof entry === 'string') return entry;
      if (!isEnded(entry.info.state)) return `${name} is still ${entry.info.state}: /kill it first (agentmux kill ${name})`;
      entries.push(entry);
    }
    for (const entry of entries) {
      entry.handle?.dispose();
      this.entries.delete(entry.info.name);
    }
    return entries;
  }

  killAll(): number {
    const running = this.running();
    for (const entry of running) void this.kill(entry.info.name);
    return running.length;
  }

  /** Each watcher has a view of its own of an agent's screen: its frames, its place in the history. */
  private viewOf(watcher: Watcher): number {
    let view = this.views.get(watcher);
    if (view === undefined) {
      view = this.nextView++;
      this.views.set(watcher, view);
    }
    return view;
  }

  private readonly views = new WeakMap<Watcher, number>();
  private nextView = 1;

  watch(entry: AgentEntry, watcher: Watcher): void {
    entry.watchers.add(watcher);
    entry.handle?.watch(this.viewOf(watcher), true);
    if (entry.info.unread) {
      entry.info.unread = false;
      this.hooks.publish(entry.info);
    }
  }

  unwatch(name: string, watcher: Watcher): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    entry.watchers.delete(watcher);
    entry.handle?.watch(this.viewOf(watcher), false);
  }

  /** `watcher`'s view of the agent's screen shows history `lines` further up (negative: down), or the live screen. */
  scroll(entry: AgentEntry, watcher: Watcher, lines: number | 'live'): void {
    entry.handle?.scroll(this.viewOf(watcher), lines);
  }

  /** The size new agents start with. */
  setDefaultSize(cols: number, rows: number): void {
    this.size = { cols, rows };
  }

  /** The size of the latest screen, which agents nobody attached take. */
  get defaultSize(): { cols: number; rows: number } {
    return { ...this.size };
  }

  dispose(): void {
    for (const entry of this.entries.values()) entry.handle?.dispose();
    this.entries.clear();
  }
}

/** A started process runs; what a CLI agent does is unknown until it signals it (its hooks). */
function startState(kind: AgentInfo['kind']): 'running' | 'unknown' {
  return kind === 'cli' ? 'unknown' : 'running';
}

/** Why a command or task cannot start an agent, or undefined when it can (a CLI agent may start without a task). */
export function taskError({ kind, task }: AgentWork): string | undefined {
  if (!task.trim() && kind !== 'cli') return kind === 'command' ? 'nothing to run: give a command after --' : 'nothing to do: give a task';
  if (task.length > MAX_TASK_LENGTH) return `too long (${task.length} characters, at most ${MAX_TASK_LENGTH})`;
  if (task.includes('\0')) return 'a command or task cannot contain a NUL character';
  return undefined;
}

/** The flash for an agent that ended: word, duration, exit code or signal, and a one-line summary. */
export function flashFor(info: AgentInfo): Flash {
  const summary = info.kind === 'claude' ? firstLine(info.result ?? '') : info.state === 'failed' ? info.lastLine : '';
  // A worker's result says more than its exit code; a command's (or a CLI's) exit code is its result.
  const showExit = info.exitCode !== undefined && (info.kind !== 'claude' || !summary);
  return {
    name: info.name,
    word: info.state as Flash['word'],
    durationMs: (info.endedAt ?? 0) - info.startedAt,
    ...(showExit ? { exitCode: info.exitCode } : {}),
    ...(info.signal ? { signal: info.signal } : {}),
    ...(summary ? { summary } : {}),
  };
}

/** What a kill says of processes that outlived it: nothing when none did. */
export function survivorsLine(name: string, survivors: ReadonlyArray<{ pid: number; name: string }>): string | undefined {
  if (survivors.length === 0) return undefined;
  const pids = survivors.map(({ pid }) => pid);
  const count = survivors.length === 1 ? '1 of its processes' : `${survivors.length} of its processes`;
  return `${name}: ${count} survived SIGKILL (${survivors.map((survivor) => `${survivor.pid} ${survivor.name}`).join(', ')}): see ps -o pid,stat,cmd -p ${pids.join(',')}`;
}

export function firstLine(text: string, max = 160): string {
  const line = text.split('\n').map((part) => part.trim()).find((part) => part.length > 0) ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

const SIGNAL_NAMES: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 6: 'SIGABRT', 9: 'SIGKILL', 11: 'SIGSEGV', 15: 'SIGTERM' };

function signalName(signal: number): string {
  return SIGNAL_NAMES[signal] ?? `signal ${signal}`;
}
