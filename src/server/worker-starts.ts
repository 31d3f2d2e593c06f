// Starting built-in workers (`agentmux worker` in a pty, handed the model's credentials over its
// report channel, never in its environment), and continuing a finished one from its transcript.
// A worker started as an agent profile runs on the profile's model, with its tools and its role.
import type { AgentInfo } from '../core/agent.js';
import type { AgentProfile } from '../core/agent-profile.js';
import type { Budget } from '../core/budget.js';
import { compactionFlag, type CompactionMarks } from '../core/compaction-settings.js';
import type { WorktreeInfo } from '../core/worktree.js';
import { priceFor } from '../llm/prices.js';
import type { AgentJournal, WorkerSettings } from './agent-journal.js';
import { taskError, type AgentEntry, type AgentTable, type StartRequest } from './agent-table.js';
import type { ChatLog } from './chat-log.js';
import type { ModelAccess, WorkerLauncher } from './agent-server.js';
import { NO_PROFILES, type ProfileSource } from './profile-source.js';
import type { WorktreeOps } from './worktree-ops.js';
import type { HostPlacement } from './host-links.js';

export interface SpawnOptions {
  name?: string;
  /** The budget asked for (the configured one applies without it). */
  budget?: Budget;
  worktree?: { base?: string };
  /** Start once this agent has finished. */
  after?: string;
  /** The environment of the client that asked for it. */
  inherit?: Record<string, string>;
  /** The agent profile to run as. */
  agent?: string;
  /** The host it runs on (checked already). */
  host?: HostPlacement;
}

export interface WorkerStartsDeps {
  access: ModelAccess;
  launcher: WorkerLauncher;
  agents: AgentTable;
  chat: ChatLog;
  /** Keeps workers' transcripts, so that they can be continued; absent: they cannot. */
  journal?: AgentJournal;
  worktrees?: WorktreeOps;
  profiles?: ProfileSource;
  /** Auto-compaction's marks for workers' conversations; absent: off. */
  compaction?: CompactionMarks;
  /** The budget a worker on `model` starts with (the one asked for, else the configured one), or why it cannot start. */
  budgetFor(asked: Budget, model: string): { budget?: Budget } | string;
}

/** How much of a continued worker's earlier output its new screen starts with. */
const HISTORY_BYTES = 4 << 20;

export const WORKTREES_UNAVAILABLE = 'worktrees are not available in this session';

export class WorkerStarts {
  constructor(private readonly deps: WorkerStartsDeps) {}

  /** Starts a worker on `task`; resolves with its info, or a one-line refusal. */
  async spawn(task: string, cwd: string, how: SpawnOptions): Promise<AgentInfo | string> {
    const { agents, worktrees, profiles } = this.deps;
    let profile: AgentProfile | undefined;
    if (how.agent !== undefined) {
      const found = profiles ? await profiles.find(how.agent) : NO_PROFILES;
      if (typeof found === 'string') return found;
      profile = found;
    }
    const budget = this.deps.budgetFor(how.budget ?? {}, profile?.model ?? this.deps.access.model);
    if (typeof budget === 'string') return budget;
    if (how.host && !how.host.agentmux) {
      return how.host.link === 'docker'
        ? `${how.host.host}: built-in workers run on ssh hosts with agentmux; in a container, run a command (/run) or an agent CLI (/new)`
        : `${how.host.host}: built-in workers need agentmux on the host: run agentmux host install ${how.host.host}`;
    }
    if (how.worktree) {
      if (!worktrees) return WORKTREES_UNAVAILABLE;
      let started: AgentEntry | undefined;
      const error = await worktrees.startFor(how.host, { kind: 'claude', task }, how.name, how.worktree.base, (name, info, host) => {
        const result = this.start(task, name, info.path, { ...how, ...(host ? { host } : {}) }, profile, budget.budget, info);
        if (typeof result !== 'string') started = result;
        return result;
      });
      return error ?? (started ? started.info : 'the agent did not start');
    }
    const chosen = agents.chooseName({ kind: 'claude', task }, how.name);
    if ('error' in chosen) return chosen.error;
    const started = this.start(task, chosen.name, cwd, how, profile, budget.budget);
    return typeof started === 'string' ? started : started.info;
  }

  /** A finished worker goes on with its conversation, with `text` as the user's next message. */
  continue(entry: AgentEntry, text: string): string | undefined {
    const { journal, launcher, agents, chat } = this.deps;
    const { name } = entry.info;
    const settings = journal?.worker(name);
    if (!settings || !journal) return `${name} cannot be continued: its conversation was not kept`;
    const refused = taskError({ kind: 'claude', task: text });
    if (refused) return refused;
    const args = ['worker', '--name', name, '--task', text, '--model', settings.model, '--permission-mode', settings.permissionMode,
      '--transcript', journal.transcriptPath(name), '--resume'];
    if (settings.profile) args.push(...profileArgs(settings.profile));
    args.push(...this.compactionArgs());
    // Records of an earlier version kept the budget with the worker's settings.
    args.push(...budgetArgs(entry.info.budget ?? (settings.budgetUsd !== undefined ? { usd: settings.budgetUsd } : undefined)));
    chat.add('event', `${name} continues: ${text}`);
    // Its screen goes on below what it showed before, as if it had never stopped.
    const history = journal.logTail(name, HISTORY_BYTES);
    return agents.restart(entry, launcher.program(args), { worker: this.worker(settings.model), history });
  }

  private start(
    task: string, name: string, cwd: string, how: SpawnOptions, profile: AgentProfile | undefined, budget: Budget | undefined, worktree?: WorktreeInfo,
  ): AgentEntry | string {
    const { access, launcher, journal, agents } = this.deps;
    const model = profile?.model ?? access.model;
    const settings: WorkerSettings = {
      model, permissionMode: launcher.permissionMode,
      ...(profile ? { profile: { name: profile.name, prompt: profile.prompt, ...(profile.tools ? { tools: profile.tools } : {}) } } : {}),
    };
    const args = ['worker', '--name', name, '--task', task, '--model', model, '--permission-mode', launcher.permissionMode, ...budgetArgs(budget)];
    if (settings.profile) args.push(...profileArgs(settings.profile));
    args.push(...this.compactionArgs());
    // A worker on another host keeps its transcript there: it is not continued from here.
    if (journal && !how.host) {
      args.push('--transcript', journal.transcriptPath(name));
      journal.setWorker(name, settings);
    }
    const remote = how.host?.agentmux;
    return agents.start({
      kind: 'claude', task, cwd, name, program: remote ? { file: remote[0], args: [...remote.slice(1), ...args] } : launcher.program(args),
      worker: this.worker(model), ...(budget ? { budget } : {}), ...(how.host ? { host: how.host } : {}),
      ...(worktree ? { worktree } : {}), ...(how.after !== undefined ? { after: how.after } : {}), ...(how.inherit ? { inherit: how.inherit } : {}),
      ...(profile ? { profile: profile.name } : {}),
    });
  }

  private compactionArgs(): string[] {
    const { compaction } = this.deps;
    return compaction ? ['--compaction', compactionFlag(compaction)] : [];
  }

  /** What a worker running `model` is handed over its channel (the price only when configuration sets one), and what its reports are checked against. */
  private worker(model: string): NonNullable<StartRequest['worker']> {
    const { access } = this.deps;
    const configured = access.prices && Object.hasOwn(access.prices, model) ? access.prices[model] : undefined;
    const price = priceFor(model, access.prices);
    return {
      credentials: { ...access.workerCredentials, ...(configured ? { price: configured } : {}) },
      expect: { model, priceOf: () => price },
    };
  }
}

/** The worker's flags for its budget. */
function budgetArgs(budget: Budget | undefined): string[] {
  return [
    ...(budget?.usd !== undefined ? ['--budget', String(budget.usd)] : []),
    ...(budget?.tokens !== undefined ? ['--budget-tokens', String(budget.tokens)] : []),
  ];
}

/** A profile's worker flags: its name, its tools when it names them, its role when it has one. */
function profileArgs(profile: NonNullable<WorkerSettings['profile']>): string[] {
  return [
    '--profile', profile.name, ...(profile.tools ? ['--tools', profile.tools.join(',')] : []), ...(profile.prompt ? ['--role', profile.prompt] : []),
  ];
}
