// The server keeps budgets on its own count: agents in a table with a fake runtime, whose reports the
// test makes, and whose pauses (a word to a worker, SIGSTOP for anything else) it records.
import { describe, expect, it } from 'vitest';
import type { AgentInfo, AgentLaunch } from '../../src/core/agent.js';
import type { Budget } from '../../src/core/budget.js';
import type { Flash } from '../../src/core/protocol.js';
import type { WorkerCommand, WorkerReport } from '../../src/core/report-channel.js';
import type { ModelPrice, Usage, UsageMeter } from '../../src/core/usage.js';
import { AgentTable, type AgentEntry } from '../../src/server/agent-table.js';
import { BudgetKeeper } from '../../src/server/budget-keeper.js';
import type { AgentEvents, AgentHandle, AgentRuntime } from '../../src/server/runtime.js';

const MODEL = 'claude-sonnet-5-5';
// $1 per million tokens of any kind: 10,000 tokens cost a cent.
const PRICE: ModelPrice = { input: 1, output: 1, cacheRead: 1, cacheWrite: 1, contextWindow: 100_000 };
const tokens = (input: number): Usage => ({ input, output: 0, cacheRead: 0, cacheWrite: 0 });
const meter = (input: number): UsageMeter => ({ model: MODEL, total: tokens(input), contextTokens: 10 });

interface Process {
  events: AgentEvents;
  told: WorkerCommand[];
  /** Each freeze (true) and continue (false), in order. */
  frozen: boolean[];
}

class FakeRuntime implements AgentRuntime {
  readonly processes = new Map<string, Process>();

  start(launch: AgentLaunch, events: AgentEvents): AgentHandle {
    const process: Process = { events, told: [], frozen: [] };
    this.processes.set(launch.name, process);
    return {
      writeKeys: () => undefined, paste: () => undefined, sendLine: async () => undefined, resize: () => undefined,
      outputText: async () => '', scroll: () => undefined, watch: () => undefined, kill: async () => [], dispose: () => undefined,
      freeze: (on) => process.frozen.push(on),
      tellWorker: (command) => process.told.push(command),
    };
  }

  replay(): AgentHandle {
    throw new Error('not used');
  }

  findProgram(): string | undefined {
    return undefined;
  }

  outputText(): never {
    throw new Error('not used');
  }
}

function setup(settings: { sessionUsd?: number; agentUsd?: number } = {}, mainSpent = 0) {
  const runtime = new FakeRuntime();
  const flashes: Flash[] = [];
  const said: string[] = [];
  const pausedAtBudget: string[] = [];
  const published: AgentInfo[] = [];
  let sessionChanges = 0;
  let main = mainSpent;
  // The table's hooks reach the keeper, which is made after the table.
  const late: { keeper?: BudgetKeeper } = {};
  const publish = (info: AgentInfo): void => {
    const entry = agents.get(info.name);
    if (entry) late.keeper?.agentChanged(entry);
    published.push(structuredClone(info));
  };
  const agents = new AgentTable(runtime, {
    publish,
    flash: (flash) => flashes.push(flash), ended: () => undefined, allEnded: () => undefined, stopped: () => undefined, output: () => undefined,
    refused: (entry, message) => said.push(`refused ${entry.info.name}: ${message}`), turnEnded: () => undefined, hooked: () => undefined,
    workerPaused: (entry, question) => late.keeper?.workerPaused(entry, question),
  }, () => 1000);
  const keeper = new BudgetKeeper({
    agents, settings, publish,
    flash: (flash) => flashes.push(flash),
    say: (role, text) => said.push(`${role}: ${text}`),
    pausedAtBudget: (entry) => pausedAtBudget.push(entry.info.name),
    mainSpentUsd: () => main,
    sessionChanged: () => {
      sessionChanges += 1;
    },
    cliMetered: (cli) => cli === 'claude',
    priceOf: (model) => (model === MODEL ? PRICE : undefined),
    now: () => 1000,
  });
  late.keeper = keeper;
  const worker = (name: string, budget?: Budget): { entry: AgentEntry; process: Process; report(report: WorkerReport): void } => {
    const entry = agents.start({
      kind: 'claude', task: 'a task', cwd: '/tmp', name, program: { file: 'worker', args: [] }, ...(budget ? { budget } : {}),
      worker: { credentials: { apiKey: 'k', baseURL: 'http://x' }, expect: { model: MODEL, priceOf: () => PRICE } },
    });
    if (typeof entry === 'string') throw new Error(entry);
    const process = runtime.processes.get(name);
    if (!process) throw new Error('not started');
    return { entry, process, report: (report) => process.events.onReport(report) };
  };
  const cli = (name: string, budget?: Budget): { entry: AgentEntry; process: Process } => {
    const entry = agents.start({ kind: 'cli', cli: 'claude', task: '', cwd: '/tmp', name, program: { file: 'claude', args: [] }, ...(budget ? { budget } : {}) });
    if (typeof entry === 'string') throw new Error(entry);
    const process = runtime.processes.get(name);
    if (!process) throw new Error('not started');
    return { entry, process };
  };
  return {
    agents, keeper, flashes, said, pausedAtBudget, published, worker, cli,
    get sessionChanges() {
      return sessionChanges;
    },
    spendMain(usd: number) {
      main += usd;
      keeper.mainSpent();
    },
  };
}

describe('an agent\'s own budget', () => {
  it('warns once at 80%, then pauses at 100%: the worker is told, shows waiting with the question, the main agent hears', () => {
    const { worker, flashes, pausedAtBudget } = setup();
    const w = worker('w', { usd: 0.01 });
    w.report({ type: 'usage', meter: meter(8_200) });
    w.report({ type: 'usage', meter: meter(8_900) });
    expect(flashes).toEqual([{ name: 'w', word: 'budget', durationMs: 0, summary: '82% of its $0.01 budget' }]);
    expect(w.entry.info.state).toBe('running');
    w.report({ type: 'usage', meter: meter(10_000) });
    expect(w.entry.info).toMatchObject({ state: 'waiting', question: 'budget reached ($0.01)' });
    expect(flashes.at(-1)).toEqual({ name: 'w', word: 'needs input', durationMs: 0, summary: 'budget reached ($0.01)' });
    expect(w.process.told).toEqual([{ type: 'pause', question: 'budget reached ($0.01)' }]);
    expect(w.process.frozen).toEqual([]);
    expect(pausedAtBudget).toEqual(['w']);
  });

  it('what a paused worker says meanwhile does not unpause it; a raise above what it spent lets it go on, told its budget first', () => {
    const { worker, keeper, said, pausedAtBudget } = setup();
    const w = worker('w', { usd: 0.01 });
    w.report({ type: 'usage', meter: meter(10_500) });
    w.report({ type: 'state', state: 'waiting', question: 'budget reached ($0.01)', pausedForBudget: true });
    w.report({ type: 'state', state: 'running' });
    expect(w.entry.info).toMatchObject({ state: 'waiting', question: 'budget reached ($0.01)' });

    expect(keeper.setBudget('w', { usd: 0.01 })).toBe('w has already spent $0.01 of its $0.01 budget (105%) · 11k tokens: give it a budget above what it has spent to let it go on');
    expect(w.entry.info.budget).toEqual({ usd: 0.01 });
    expect(keeper.setBudget('w', { usd: 0.05 })).toBeUndefined();
    expect(w.entry.info).toMatchObject({ state: 'running', budget: { usd: 0.05 } });
    expect(w.entry.info.question).toBeUndefined();
    expect(w.process.told).toEqual([
      { type: 'pause', question: 'budget reached ($0.01)' }, { type: 'budget', budget: { usd: 0.05 } }, { type: 'goOn' },
    ]);
    expect(said.at(-1)).toBe('system: w: spent $0.01 of its $0.05 budget (21%) · 11k tokens · it goes on');
    expect(pausedAtBudget).toEqual(['w']);
  });

  it('a worker that goes on spending after it said it stopped is stopped with SIGSTOP, and continued when the budget is raised', () => {
    const { worker, keeper, said } = setup();
    const w = worker('w', { usd: 0.01 });
    w.report({ type: 'usage', meter: meter(10_000) });
    // The rest of the reply it had in flight, then it says it stopped: all well so far.
    w.report({ type: 'usage', meter: meter(10_500) });
    w.report({ type: 'state', state: 'waiting', question: 'budget reached ($0.01)', pausedForBudget: true });
    expect(w.process.frozen).toEqual([]);
    w.report({ type: 'usage', meter: meter(10_501) });
    expect(w.process.frozen).toEqual([true]);
    expect(said).toContain('error: w went on spending after it was paused at its budget: stopped with SIGSTOP until the budget is raised');
    expect(w.entry.info.state).toBe('waiting');
    keeper.setBudget('w', { usd: 1 });
    expect(w.process.frozen).toEqual([true, false]);
    expect(w.entry.info.state).toBe('running');
  });

  it('one that never says it stopped may finish its request in flight, not more', () => {
    const { worker } = setup();
    const w = worker('w', { usd: 0.01 });
    w.report({ type: 'usage', meter: meter(10_000) });
    w.report({ type: 'usage', meter: meter(210_000) });
    expect(w.process.frozen).toEqual([]);
    w.report({ type: 'usage', meter: meter(210_001) });
    expect(w.process.frozen).toEqual([true]);
  });

  it('a worker that stops by its own count is shown paused, and goes on at a raise', () => {
    const { worker, keeper, pausedAtBudget } = setup();
    const w = worker('w', { usd: 0.01 });
    w.report({ type: 'state', state: 'waiting', question: 'budget reached ($0.01)', pausedForBudget: true });
    expect(w.entry.info).toMatchObject({ state: 'waiting', question: 'budget reached ($0.01)' });
    expect(pausedAtBudget).toEqual(['w']);
    keeper.setBudget('w', { usd: 0.02 });
    expect(w.process.told.at(-1)).toEqual({ type: 'goOn' });
  });

  it('a token budget pauses too', () => {
    const { worker } = setup();
    const w = worker('w', { tokens: 5000 });
    w.report({ type: 'usage', meter: meter(5000) });
    expect(w.entry.info).toMatchObject({ state: 'waiting', question: 'budget reached (5.0k tokens)' });
  });

  it('an agent CLI is stopped with SIGSTOP and continued, back in the state it was in', () => {
    const { cli, keeper, flashes } = setup();
    const c = cli('c', { usd: 0.01 });
    c.entry.info.state = 'idle';
    c.entry.info.usage = { ...meter(20_000), costUsd: 0.02 };
    keeper.agentChanged(c.entry);
    expect(c.process.frozen).toEqual([true]);
    expect(c.entry.info).toMatchObject({ state: 'waiting', question: 'budget reached ($0.01)' });
    expect(flashes.map((flash) => flash.word)).toEqual(['needs input']);
    keeper.setBudget('c', { usd: 0.05 });
    expect(c.process.frozen).toEqual([true, false]);
    expect(c.entry.info.state).toBe('idle');
  });

  it('refuses budgets it cannot keep, each in one line, and changes nothing', () => {
    const { agents, keeper, worker } = setup();
    const command = agents.start({ kind: 'command', task: 'sleep 9', cwd: '/tmp', name: 'sleeper', program: { shell: 'sleep 9' } });
    if (typeof command === 'string') throw new Error(command);
    expect(keeper.setBudget('sleeper', { usd: 1 })).toBe('sleeper is a command: it has no meter, so no budget can be kept for it');
    const codex = agents.start({ kind: 'cli', cli: 'codex', task: '', cwd: '/tmp', name: 'codex', program: { file: 'codex', args: [] } });
    if (typeof codex === 'string') throw new Error(codex);
    expect(keeper.setBudget('codex', { usd: 1 })).toBe('codex (codex) reports no token usage to agentmux: no budget can be kept for it');
    expect(keeper.setBudget('nobody', { usd: 1 })).toBe('no agent named nobody (/agents or agentmux ls lists them)');
    const w = worker('w');
    w.entry.info.usage = { model: 'mystery-model', total: tokens(1), contextTokens: 1 };
    expect(keeper.setBudget('w', { usd: 1 })).toBe('no price on file for mystery-model: add it under prices in config to use a budget');
    expect(w.entry.info.budget).toBeUndefined();
    expect(command.info.budget).toBeUndefined();

    expect(keeper.budgetForStart({ usd: 1 }, { label: 'a worker', metered: true, model: 'mystery-model' }))
      .toBe('no price on file for mystery-model: add it under prices in config to use a budget');
    expect(keeper.budgetForStart({ usd: 1 }, { label: 'codex', metered: false })).toBe('codex reports no token usage to agentmux: no budget can be kept for it');
    expect(keeper.budgetForStart({}, { label: 'codex', metered: false })).toEqual({});
  });

  it('the configured default applies to agents with a meter that were given none', () => {
    const { keeper } = setup({ agentUsd: 2 });
    expect(keeper.budgetForStart({}, { label: 'a worker', metered: true, model: MODEL })).toEqual({ budget: { usd: 2 } });
    expect(keeper.budgetForStart({ tokens: 10 }, { label: 'a worker', metered: true, model: MODEL })).toEqual({ budget: { usd: 2, tokens: 10 } });
    expect(keeper.budgetForStart({ usd: 5 }, { label: 'a worker', metered: true, model: MODEL })).toEqual({ budget: { usd: 5 } });
  });

  it('a CLI whose model turns out to have no price keeps its token budget and drops the USD one, saying so', () => {
    const { cli, keeper, said } = setup();
    const c = cli('c', { usd: 1, tokens: 100 });
    c.entry.info.usage = { model: 'mystery-model', total: tokens(1), contextTokens: 1 };
    keeper.agentChanged(c.entry);
    expect(c.entry.info.budget).toEqual({ tokens: 100 });
    expect(said).toEqual(['error: c: no price on file for mystery-model: add it under prices in config to use a budget; its $1.00 budget is not kept']);
  });
});

describe('the session\'s budget', () => {
  it('warns once at 80%; at 100% pauses every agent with a meter (not commands) and refuses the main agent\'s turns, until raised', () => {
    const s = setup({ sessionUsd: 0.05 });
    const w = s.worker('w');
    const c = s.cli('c');
    c.entry.info.state = 'running';
    const command = s.agents.start({ kind: 'command', task: 'sleep 9', cwd: '/tmp', name: 'sleeper', program: { shell: 'sleep 9' } });
    if (typeof command === 'string') throw new Error(command);
    s.spendMain(0.02);
    w.report({ type: 'usage', meter: meter(21_000) });
    expect(s.flashes).toEqual([{ name: 'this session', word: 'budget', durationMs: 0, summary: '82% of its $0.05 budget' }]);
    expect(s.keeper.mainTurnRefusal()).toBeUndefined();

    s.spendMain(0.01);
    expect(s.keeper.mainTurnRefusal()).toBe('the session budget of $0.05 is reached (spent $0.05): raise it with /budget --session USD');
    expect(w.entry.info).toMatchObject({ state: 'waiting', question: 'session budget reached ($0.05)' });
    expect(w.process.told).toEqual([{ type: 'pause', question: 'session budget reached ($0.05)' }]);
    expect(c.process.frozen).toEqual([true]);
    expect(command.info.state).toBe('running');
    // A session pause is the user's to see, not news for the main agent (which takes no turn meanwhile).
    expect(s.pausedAtBudget).toEqual([]);
    expect(s.keeper.budgetForStart({}, { label: 'a worker', metered: true, model: MODEL })).toBe(s.keeper.mainTurnRefusal());

    expect(s.keeper.setSessionBudget(0.04)).toBe('the session has spent $0.05: a budget above what it has spent lets its agents and the main agent go on');
    expect(s.keeper.setSessionBudget(1)).toBeUndefined();
    expect(s.keeper.mainTurnRefusal()).toBeUndefined();
    expect(w.entry.info.state).toBe('running');
    expect(w.process.told.at(-1)).toEqual({ type: 'goOn' });
    expect(c.process.frozen).toEqual([true, false]);
    expect(c.entry.info.state).toBe('running');
    expect(s.sessionChanges).toBeGreaterThanOrEqual(2);
  });

  it('an agent paused by both stays paused until both are raised, showing its own budget first', () => {
    const s = setup({ sessionUsd: 0.01 });
    const w = s.worker('w', { usd: 0.005 });
    w.report({ type: 'usage', meter: meter(10_000) });
    expect(w.entry.info.question).toBe('budget reached ($0.005)');
    expect(s.keeper.mainTurnRefusal()).toBeDefined();
    s.keeper.setSessionBudget(1);
    expect(w.entry.info).toMatchObject({ state: 'waiting', question: 'budget reached ($0.005)' });
    s.keeper.setBudget('w', { usd: 1 });
    expect(w.entry.info.state).toBe('running');
  });
});
