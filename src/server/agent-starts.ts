// Starting agents as the user (`/run`, `/spawn`, `/new`, and the same scripting commands) and the main
// agent (`spawn_agent`) ask: on the host asked for, checked first (server/host-links.ts), in a worktree
// of their own when asked, with the budget asked for or the configured one.
import type { AgentInfo } from '../core/agent.js';
import { MAX_BUDGET_USD, type Budget } from '../core/budget.js';
import type { CliKind } from '../core/cli-kinds.js';
import type { ClientMessage } from '../core/protocol.js';
import type { WorktreeInfo } from '../core/worktree.js';
import type { AgentTable } from './agent-table.js';
import type { BudgetKeeper } from './budget-keeper.js';
import type { CliStart, CliStarts } from './cli-starts.js';
import type { HostLinks, HostPlacement } from './host-links.js';
import type { SpawnHow } from './main-agent.js';
import { WORKTREES_UNAVAILABLE, type SpawnOptions, type WorkerStarts } from './worker-starts.js';
import type { WorktreeOps } from './worktree-ops.js';

export interface AgentStartsDeps {
  agents: AgentTable;
  cliStarts: CliStarts;
  /** Absent when the model is not configured: workers are refused with `modelHelp`. */
  workerStarts?: WorkerStarts;
  worktreeOps?: WorktreeOps;
  hosts?: HostLinks;
  budgets: BudgetKeeper;
  kinds: ReadonlyMap<string, CliKind>;
  modelHelp: string;
}

/** The agent started, or a one-line refusal (nothing started then). */
export type StartOutcome = string | { name: string };

type Command<T extends 'run' | 'spawn' | 'new'> = Extract<ClientMessage, { type: T }>;

export class AgentStarts {
  constructor(private readonly deps: AgentStartsDeps) {}

  /** `/run`; `inherit`: the environment of the client that asked. */
  run(command: Command<'run'>, inherit?: Record<string, string>): StartOutcome | Promise<StartOutcome> {
    if (command.host === undefined) return this.runCommand(command, inherit);
    return this.placeOn(command.host, command.cwd).then((placed) => (typeof placed === 'string' ? placed : this.runCommand(command, inherit, placed.host)));
  }

  /** `/spawn`: a built-in worker. A bad budget, or no model, is refused at once. */
  spawn(command: Command<'spawn'>, inherit?: Record<string, string>): StartOutcome | Promise<StartOutcome> {
    if (command.budgetUsd !== undefined && !(command.budgetUsd > 0 && command.budgetUsd <= MAX_BUDGET_USD)) {
      return `invalid budget ${command.budgetUsd}: give an amount in USD above 0`;
    }
    if (!this.deps.workerStarts) return this.deps.modelHelp;
    return this.placeOn(command.host, command.cwd).then(async (placed) => {
      if (typeof placed === 'string') return placed;
      const started = await this.startWorker(command.task, command.cwd, {
        name: command.name, worktree: command.worktree, after: command.after, ...(inherit ? { inherit } : {}),
        ...(command.agent !== undefined ? { agent: command.agent } : {}), ...placed,
      }, requestedBudget(command));
      return typeof started === 'string' ? started : { name: started.name };
    });
  }

  /** `/new`: an agent CLI. */
  async newCli(command: Command<'new'>, inherit?: Record<string, string>): Promise<StartOutcome> {
    const { cli, task, name, cwd, worktree, after, print } = command;
    const placed = await this.placeOn(command.host, cwd);
    if (typeof placed === 'string') return placed;
    const started = await this.startCli(cli, {
      cwd, ...(task !== undefined ? { task } : {}), ...(name !== undefined ? { name } : {}), ...(worktree ? { worktree } : {}),
      ...(after !== undefined ? { after } : {}), ...(inherit ? { inherit } : {}), ...(print ? { print } : {}), ...placed,
    }, requestedBudget(command));
    return typeof started === 'string' ? started : { name: started.name };
  }

  /** The main agent's `spawn_agent`, working in `cwd`: a worker, or agent CLI `how.cli`. */
  async forMainAgent(task: string, cwd: string, how: SpawnHow & { cli?: string }): Promise<AgentInfo | string> {
    const placed = await this.placeOn(how.host, cwd);
    if (typeof placed === 'string') return placed;
    if (how.cli !== undefined) {
      return this.startCli(how.cli, {
        task, cwd, ...(how.name !== undefined ? { name: how.name } : {}), ...(how.worktree ? { worktree: {} } : {}),
        ...(how.after !== undefined ? { after: how.after } : {}), ...placed,
      }, requestedBudget(how));
    }
    return this.startWorker(task, cwd, {
      name: how.name, worktree: how.worktree ? {} : undefined, after: how.after, ...(how.agent !== undefined ? { agent: how.agent } : {}), ...placed,
    }, requestedBudget(how));
  }

  /** The host an agent is asked to run on, checked (`{}`: this machine), or why it cannot run there. */
  private async placeOn(host: string | undefined, cwd: string): Promise<{ host?: HostPlacement } | string> {
    if (host === undefined) return {};
    const { hosts } = this.deps;
    if (!hosts) return `no host named ${host}: this session has no hosts`;
    const placed = await hosts.place(host, cwd);
    return typeof placed === 'string' ? placed : { host: placed };
  }

  /** A command agent, here or on `host`, in a worktree of its own when asked. */
  private runCommand(command: Command<'run'>, inherit: Record<string, string> | undefined, host?: HostPlacement): StartOutcome | Promise<StartOutcome> {
    const { agents, worktreeOps, cliStarts } = this.deps;
    const { command: shell, cwd, name, worktree, after } = command;
    const run = (where: string, agentName?: string, info?: WorktreeInfo, placed = host) => agents.start({
      kind: 'command', task: shell, cwd: where, program: { shell }, ...(inherit ? { inherit } : {}), ...(placed ? { host: placed } : {}),
      ...(agentName !== undefined ? { name: agentName } : {}), ...(info ? { worktree: info } : {}), ...(after !== undefined ? { after } : {}),
    });
    if (!worktree) {
      const started = run(cwd, name);
      return typeof started === 'string' ? started : { name: started.info.name };
    }
    if (!worktreeOps) return WORKTREES_UNAVAILABLE;
    let startedName = '';
    return worktreeOps.startFor(host, { kind: 'command', task: shell }, name, worktree.base, (agentName, info, placed) => {
      startedName = agentName;
      return run(info.path, agentName, info, placed);
    }, cliStarts.commandFiles(shell)).then((error) => error ?? { name: startedName });
  }

  /** A worker with the budget asked for (or the configured one); refused when it cannot be kept. */
  private startWorker(task: string, cwd: string, how: Omit<SpawnOptions, 'budget'>, requested: Budget): Promise<AgentInfo | string> {
    const { workerStarts, modelHelp } = this.deps;
    if (!workerStarts) return Promise.resolve(modelHelp);
    return workerStarts.spawn(task, cwd, { ...how, budget: requested });
  }

  /** Agent CLI `cli` with the budget asked for (or the configured one, for a CLI whose meter agentmux reads). */
  private startCli(cli: string, how: Omit<CliStart, 'budget'>, requested: Budget): Promise<AgentInfo | string> {
    const { cliStarts, budgets, kinds } = this.deps;
    // An unknown CLI is refused as such.
    if (!kinds.has(cli)) return cliStarts.start(cli, how);
    const budget = budgets.budgetForStart(requested, { label: cli, metered: budgets.metered({ kind: 'cli', cli }) });
    if (typeof budget === 'string') return Promise.resolve(budget);
    return cliStarts.start(cli, { ...how, ...budget });
  }
}

/** The budget a command or tool call asks for. */
function requestedBudget(how: Pick<SpawnHow, 'budgetUsd' | 'budgetTokens'>): Budget {
  return { ...(how.budgetUsd !== undefined ? { usd: how.budgetUsd } : {}), ...(how.budgetTokens !== undefined ? { tokens: how.budgetTokens } : {}) };
}
