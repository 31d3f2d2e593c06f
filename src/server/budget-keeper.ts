// Budgets (core/budget.ts) kept on the server's own count: the meters it computes from what agents
// report, priced from its own table, so that no agent talks its way past one. At 80% of an agent's
// budget (or the session's) a flash says so, once; at 100% the agent pauses — a built-in worker is
// told over its channel to stop before its next model request (and is stopped with SIGSTOP if it goes
// on spending anyway), an agent CLI is stopped with SIGSTOP — and shows `waiting`, "budget reached",
// until its budget is raised. A session at 100% pauses every agent with a meter and refuses the main
// agent's turns. The main agent hears when one of its agents pauses at its own budget.
import { isEnded, type AgentInfo } from '../core/agent.js';
import {
  budgetShares, describeBudget, formatUsd, reachedQuestion, spendsWhilePaused, spentOf, warningText, WARNING_SHARE, type Budget,
} from '../core/budget.js';
import type { BudgetSettings } from '../core/config-schema.js';
import { formatCost } from '../core/format.js';
import type { Flash } from '../core/protocol.js';
import { ZERO_USAGE, type ModelPrice } from '../core/usage.js';
import type { AgentEntry, AgentTable, BudgetPause, PauseReason } from './agent-table.js';

export interface BudgetKeeperDeps {
  agents: AgentTable;
  settings: BudgetSettings;
  /** Every screen and the records hear of an agent's change. */
  publish(info: AgentInfo): void;
  flash(flash: Flash): void;
  /** A line in the chat. */
  say(role: 'system' | 'error' | 'notice', text: string): void;
  /** An agent paused at its own budget: the main agent hears of it. */
  pausedAtBudget(entry: AgentEntry): void;
  /** What the main agent has spent (undefined: its model has no price). */
  mainSpentUsd(): number | undefined;
  /** The session's budget, or whether it is reached, changed: screens hear, and the main agent may take its turn. */
  sessionChanged(): void;
  /** Whether agent CLI `cli` reports its token usage (Claude Code does; others do not). */
  cliMetered(cli: string): boolean;
  priceOf(model: string): ModelPrice | undefined;
  now(): number;
}

/** The name the session's flashes go by. */
export const SESSION_FLASH_NAME = 'this session';

export class BudgetKeeper {
  private sessionUsd: number | undefined;
  /** The session budget last warned of (at 80%). */
  private sessionWarned: number | undefined;
  private sessionReached = false;
  /** Per agent, the budget parts already warned of (`usd:2`, `tokens:100000`). */
  private readonly warned = new Map<string, Set<string>>();

  constructor(private readonly deps: BudgetKeeperDeps) {
    this.sessionUsd = deps.settings.sessionUsd;
  }

  get sessionBudget(): number | undefined {
    return this.sessionUsd;
  }

  /** Whether the agent has a meter a budget can be kept on. */
  metered(info: Pick<AgentInfo, 'kind' | 'cli'>): boolean {
    return info.kind === 'claude' || (info.kind === 'cli' && info.cli !== undefined && this.deps.cliMetered(info.cli));
  }

  /**
   * The budget an agent starts with: the one asked for, else the configured default (for an agent with a
   * meter); or the one-line reason it cannot start. `model`: the model it runs, when agentmux chooses it.
   */
  budgetForStart(requested: Budget, agent: { label: string; metered: boolean; model?: string }): { budget?: Budget } | string {
    const asked = requested.usd !== undefined || requested.tokens !== undefined;
    if (!agent.metered) return asked ? `${agent.label} reports no token usage to agentmux: no budget can be kept for it` : {};
    if (this.sessionReached) return this.sessionRefusal();
    const usd = requested.usd ?? this.deps.settings.agentUsd;
    const tokens = requested.tokens ?? this.deps.settings.agentTokens;
    if (usd !== undefined && agent.model !== undefined && !this.deps.priceOf(agent.model)) return noPrice(agent.model);
    if (usd === undefined && tokens === undefined) return {};
    return { budget: { ...(usd !== undefined ? { usd } : {}), ...(tokens !== undefined ? { tokens } : {}) } };
  }

  /** Why the main agent may not take a turn now (the session's budget is reached), or undefined. */
  mainTurnRefusal(): string | undefined {
    return this.sessionReached ? this.sessionRefusal() : undefined;
  }

  private sessionRefusal(): string {
    return `the session budget of ${formatUsd(this.sessionUsd ?? 0)} is reached (spent ${formatCost(this.sessionSpent())}): raise it with /budget --session USD`;
  }

  /**
   * An agent changed (its meter, its state) and is about to be published: warns of and pauses at its
   * budget and the session's, and keeps a paused agent shown paused whatever else it says meanwhile.
   */
  agentChanged(entry: AgentEntry): void {
    const { info } = entry;
    if (isEnded(info.state) || info.state === 'queued') {
      delete entry.budgetPause;
      return;
    }
    this.dropUnpricedUsd(entry);
    if (entry.budgetPause) this.holdPaused(entry, entry.budgetPause);
    this.checkOwn(entry);
    if (this.sessionReached && this.metered(info) && !entry.budgetPause?.reasons.has('session')) this.pause(entry, 'session', this.sessionQuestion());
    this.checkSession();
  }

  /** A worker says it has stopped for its budget (as it counts it), waiting for leave to go on. */
  workerPaused(entry: AgentEntry, question: string): void {
    if (!entry.budgetPause) this.pause(entry, 'agent', question || 'budget reached');
    const pause = entry.budgetPause;
    if (!pause) return;
    // What it spent finishing the request it had in flight is counted; from here on it spends nothing.
    pause.acknowledged = true;
    pause.spentAt = entry.info.usage?.total ?? ZERO_USAGE;
  }

  /** The main agent spent more: the session's budget may be reached. */
  mainSpent(): void {
    this.checkSession();
  }

  /** `/budget NAME USD`: sets (raises, lowers) an agent's budget; returns the one-line reason when it cannot. */
  setBudget(name: string, change: Budget): string | undefined {
    const entry = this.deps.agents.lookup(name);
    if (typeof entry === 'string') return entry;
    const { info } = entry;
    if (!this.metered(info)) {
      return info.kind === 'command'
        ? `${name} is a command: it has no meter, so no budget can be kept for it`
        : `${name} (${info.cli ?? 'cli'}) reports no token usage to agentmux: no budget can be kept for it`;
    }
    if (isEnded(info.state) && info.kind !== 'claude') return `${name} has ended (${info.state}): a budget is kept while an agent runs`;
    const model = info.usage?.model ?? entry.worker?.expect.model;
    if (change.usd !== undefined && model !== undefined && !this.deps.priceOf(model)) return noPrice(model);
    const budget: Budget = { ...info.budget, ...change };
    const spent = spentOf(info.usage);
    const pause = entry.budgetPause;
    if (pause?.reasons.has('agent') && budgetShares(spent, budget).some((share) => share.share >= 1)) {
      return `${name} has already ${describeBudget(spent, budget)}: give it a budget above what it has spent to let it go on`;
    }
    info.budget = budget;
    if (info.kind === 'claude' && !isEnded(info.state)) entry.handle?.tellWorker?.({ type: 'budget', budget });
    const goesOn = pause?.reasons.has('agent') === true && pause.reasons.size === 1;
    if (pause) this.resume(entry, 'agent');
    this.deps.publish(info);
    this.deps.say('system', `${name}: ${describeBudget(spent, budget)}${goesOn ? ' · it goes on' : ''}`);
    return undefined;
  }

  /** `/budget --session USD`: sets the session's budget; agents it paused go on when it is above what was spent. */
  setSessionBudget(usd: number): string | undefined {
    const spent = this.sessionSpent();
    if (this.sessionReached && spent >= usd) {
      return `the session has spent ${formatCost(spent)}: a budget above what it has spent lets its agents and the main agent go on`;
    }
    this.sessionUsd = usd;
    const freed = this.sessionReached;
    this.sessionReached = false;
    if (freed) {
      for (const entry of this.deps.agents.all()) {
        if (!entry.budgetPause?.reasons.has('session')) continue;
        this.resume(entry, 'session');
        this.deps.publish(entry.info);
      }
    }
    this.deps.say('system', `the session's budget: ${formatUsd(usd)} (spent ${formatCost(spent)})${freed ? ' · its agents go on' : ''}`);
    this.checkSession();
    this.deps.sessionChanged();
    return undefined;
  }

  forget(name: string): void {
    this.warned.delete(name);
  }

  /** The main agent's and every agent's cost, as far as prices are known. */
  private sessionSpent(): number {
    return this.deps.agents.all().reduce((sum, entry) => sum + (entry.info.usage?.costUsd ?? 0), this.deps.mainSpentUsd() ?? 0);
  }

  private sessionQuestion(): string {
    return reachedQuestion({ part: 'usd', limit: this.sessionUsd ?? 0 }, true);
  }

  private checkOwn(entry: AgentEntry): void {
    const { info } = entry;
    if (!info.budget) return;
    const shares = budgetShares(spentOf(info.usage), info.budget);
    const warned = this.warned.get(info.name) ?? new Set<string>();
    this.warned.set(info.name, warned);
    for (const share of shares) {
      const key = `${share.part}:${share.limit}`;
      if (share.share < WARNING_SHARE || share.share >= 1 || warned.has(key)) continue;
      warned.add(key);
      this.deps.flash({ name: info.name, word: 'budget', durationMs: this.deps.now() - info.startedAt, summary: warningText(share) });
    }
    const reached = shares.find((share) => share.share >= 1);
    if (reached && !entry.budgetPause?.reasons.has('agent')) this.pause(entry, 'agent', reachedQuestion(reached));
  }

  private checkSession(): void {
    const budget = this.sessionUsd;
    if (budget === undefined || this.sessionReached) return;
    const spent = this.sessionSpent();
    const share = spent / budget;
    if (share >= WARNING_SHARE && share < 1 && this.sessionWarned !== budget) {
      this.sessionWarned = budget;
      this.deps.flash({ name: SESSION_FLASH_NAME, word: 'budget', durationMs: 0, summary: warningText({ part: 'usd', limit: budget, share }) });
    }
    if (share < 1) return;
    this.sessionReached = true;
    this.deps.say('notice', `the session has spent ${formatCost(spent)} of its ${formatUsd(budget)} budget: its agents with a meter are paused, `
      + 'and the main agent takes no turn, until /budget --session USD raises it');
    for (const entry of this.deps.agents.all()) {
      if (isEnded(entry.info.state) || entry.info.state === 'queued' || !this.metered(entry.info) || entry.budgetPause?.reasons.has('session')) continue;
      this.pause(entry, 'session', this.sessionQuestion());
      this.deps.publish(entry.info);
    }
    this.deps.sessionChanged();
  }

  /** Pauses the agent for `reason` (shown as `question`): a worker is told, any other agent is stopped (SIGSTOP). */
  private pause(entry: AgentEntry, reason: PauseReason, question: string): void {
    const { info, handle } = entry;
    if (!handle) return;
    let pause = entry.budgetPause;
    const fresh = !pause;
    if (!pause) {
      pause = {
        reasons: new Map(), before: { state: info.state, ...(info.question !== undefined ? { question: info.question } : {}), ...(info.stateFrom ? { stateFrom: info.stateFrom } : {}) },
        spentAt: info.usage?.total ?? ZERO_USAGE, acknowledged: false, frozen: false,
      };
      entry.budgetPause = pause;
      if (info.kind === 'claude') {
        handle.tellWorker?.({ type: 'pause', question });
      } else {
        handle.freeze?.(true);
        pause.frozen = true;
      }
    }
    pause.reasons.set(reason, question);
    info.state = 'waiting';
    info.question = questionOf(pause);
    delete info.stateFrom;
    if (fresh || reason === 'agent') this.deps.flash({ name: info.name, word: 'needs input', durationMs: this.deps.now() - info.startedAt, summary: question });
    if (reason === 'agent') this.deps.pausedAtBudget(entry);
  }

  /** No longer paused for `reason`; with no reason left it goes on, doing what it did before. */
  private resume(entry: AgentEntry, reason: PauseReason): void {
    const { info } = entry;
    const pause = entry.budgetPause;
    if (!pause?.reasons.delete(reason)) return;
    if (pause.reasons.size > 0) {
      info.question = questionOf(pause);
      return;
    }
    delete entry.budgetPause;
    if (pause.frozen) entry.handle?.freeze?.(false);
    if (info.kind === 'claude') entry.handle?.tellWorker?.({ type: 'goOn' });
    for (const key of ['question', 'stateFrom'] as const) delete info[key];
    Object.assign(info, pause.before);
  }

  /**
   * What a paused agent says meanwhile is kept for when it goes on, and it stays shown paused. A worker
   * that spends on after it was paused (more than the request it had in flight) is stopped with SIGSTOP.
   */
  private holdPaused(entry: AgentEntry, pause: BudgetPause): void {
    const { info } = entry;
    const question = questionOf(pause);
    if (info.state !== 'waiting' || info.question !== question) {
      pause.before = { state: info.state, ...(info.question !== undefined ? { question: info.question } : {}), ...(info.stateFrom ? { stateFrom: info.stateFrom } : {}) };
      info.state = 'waiting';
      info.question = question;
      delete info.stateFrom;
    }
    if (pause.frozen || !info.usage || !spendsWhilePaused(pause.spentAt, info.usage.total, pause.acknowledged, info.usage.contextWindow)) return;
    entry.handle?.freeze?.(true);
    pause.frozen = true;
    this.deps.say('error', `${info.name} went on spending after it was paused at its budget: stopped with SIGSTOP until the budget is raised`);
  }

  /** A budget in USD cannot be kept on a model with no price: said once, and dropped. */
  private dropUnpricedUsd(entry: AgentEntry): void {
    const { info } = entry;
    if (info.budget?.usd === undefined || !info.usage || info.usage.costUsd !== undefined) return;
    this.deps.say('error', `${info.name}: ${noPrice(info.usage.model)}; its ${formatUsd(info.budget.usd)} budget is not kept`);
    if (info.budget.tokens === undefined) delete info.budget;
    else info.budget = { tokens: info.budget.tokens };
  }
}

function noPrice(model: string): string {
  return `no price on file for ${model}: add it under prices in config to use a budget`;
}

/** The question shown: its own budget's, else the session's. */
function questionOf(pause: BudgetPause): string {
  return pause.reasons.get('agent') ?? pause.reasons.get('session') ?? 'budget reached';
}
