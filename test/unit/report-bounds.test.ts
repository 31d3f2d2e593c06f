// What a worker's report may claim: the server believes no more than a worker could truthfully say.
import { describe, expect, it } from 'vitest';
import type { AgentInfo, AgentLaunch } from '../../src/core/agent.js';
import { acceptedMeter, MAX_QUESTION_CHARS } from '../../src/core/report-bounds.js';
import type { WorkerReport } from '../../src/core/report-channel.js';
import type { Flash } from '../../src/core/protocol.js';
import type { ModelPrice, Usage, UsageMeter } from '../../src/core/usage.js';
import { AgentTable } from '../../src/server/agent-table.js';
import type { AgentEvents, AgentHandle, AgentRuntime } from '../../src/server/runtime.js';

const PRICE: ModelPrice = { input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5, contextWindow: 1000 };
const MODEL = 'claude-sonnet-5-5';
const usage = (input: number, output: number): Usage => ({ input, output, cacheRead: 0, cacheWrite: 0 });
const meter = (total: Usage, extra: Partial<UsageMeter> = {}): UsageMeter => ({ model: MODEL, total, contextTokens: 10, ...extra });

describe('acceptedMeter', () => {
  const expected = { model: MODEL, priceOf: () => PRICE };

  it('takes the tokens, and sets the cost and the window from the price table whatever the worker says', () => {
    expect(acceptedMeter(meter(usage(100, 20), { costUsd: 999999, contextWindow: 5 }), {}, expected)).toEqual({
      model: MODEL, total: usage(100, 20), contextTokens: 10, costUsd: (100 * 2 + 20 * 10) / 1e6, contextWindow: 1000,
    });
  });

  it('refuses another model, token counts going down, more tokens at once than requests can use, a context over the window', () => {
    expect(acceptedMeter(meter(usage(1, 1), { model: 'claude-opus-5' }), {}, expected)).toBe('it reported model "claude-opus-5", but runs claude-sonnet-5-5');
    expect(acceptedMeter(meter(usage(90, 20)), { thisRun: usage(100, 20) }, expected)).toBe('its token counts went down');
    expect(acceptedMeter(meter(usage(1e15, 1e15)), { thisRun: usage(100, 20) }, expected)).toMatch(/^it claimed \d+ tokens at once/);
    expect(acceptedMeter(meter(usage(100, 20), { contextTokens: 1001 }), {}, expected)).toBe("it claimed a context of 1001 tokens, more than its model's 1000");
  });

  it('lets a continued worker start a little below its earlier run (a killed run may not have recorded its last request)', () => {
    expect(acceptedMeter(meter(usage(400, 50)), { earlier: usage(500, 60) }, expected)).toMatchObject({ total: usage(400, 50) });
    expect(acceptedMeter(meter(usage(390, 50)), { thisRun: usage(400, 50), earlier: usage(500, 60) }, expected)).toBe('its token counts went down');
  });

  it('for a run of a model it did not choose (a CLI\'s print run): the model it names, priced from the table, if it is a model id', () => {
    const any = { priceOf: (model: string) => (model === 'claude-x' ? PRICE : undefined) };
    expect(acceptedMeter(meter(usage(100, 20), { model: 'claude-x' }), {}, any)).toMatchObject({ model: 'claude-x', costUsd: 0.0004, contextWindow: 1000 });
    expect(acceptedMeter(meter(usage(100, 20), { model: 'other' }), {}, any)).toEqual({ model: 'other', total: usage(100, 20), contextTokens: 10 });
    expect(acceptedMeter(meter(usage(1, 1), { model: 'x\u001b[2J' }), {}, any)).toMatch(/which is not a model id$/);
  });

  it('without a price on file: no cost, no window, but still the model and counts that only grow', () => {
    const unpriced = { model: MODEL, priceOf: () => undefined };
    expect(acceptedMeter(meter(usage(5e6, 1)), {}, unpriced)).toEqual({ model: MODEL, total: usage(5e6, 1), contextTokens: 10 });
    expect(acceptedMeter(meter(usage(4e6, 1)), { thisRun: usage(5e6, 1) }, unpriced)).toBe('its token counts went down');
  });
});

/** A runtime whose agents report what the test says, and end when it says. */
class FakeRuntime implements AgentRuntime {
  readonly events = new Map<string, AgentEvents>();
  readonly launches: AgentLaunch[] = [];

  start(launch: AgentLaunch, events: AgentEvents): AgentHandle {
    this.launches.push(launch);
    this.events.set(launch.name, events);
    return {
      writeKeys: () => undefined, paste: () => undefined, sendLine: async () => undefined, resize: () => undefined,
      outputText: async () => '', scroll: () => undefined, watch: () => undefined, kill: async () => [], dispose: () => undefined,
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

function table() {
  const runtime = new FakeRuntime();
  const refusals: string[] = [];
  const flashes: Flash[] = [];
  const agents = new AgentTable(runtime, {
    publish: () => undefined, flash: (flash) => flashes.push(flash), ended: () => undefined, allEnded: () => undefined,
    stopped: () => undefined, output: () => undefined, refused: (entry, message) => refusals.push(`${entry.info.name}: ${message}`),
    turnEnded: () => undefined, hooked: () => undefined, workerPaused: () => undefined,
  }, () => 1000);
  const worker = (name: string): { info: AgentInfo; report(report: WorkerReport): void; end(code: number): void } => {
    const entry = agents.start({
      kind: 'claude', task: 'a task', cwd: '/tmp', name, program: { file: 'worker', args: [] },
      worker: { credentials: { apiKey: 'k', baseURL: 'http://x' }, expect: { model: MODEL, priceOf: () => PRICE } },
    });
    if (typeof entry === 'string') throw new Error(entry);
    const events = runtime.events.get(name);
    if (!events) throw new Error('not started');
    return { info: entry.info, report: (report) => events.onReport(report), end: (code) => events.onEnd({ exitCode: code }, '') };
  };
  return { agents, runtime, refusals, flashes, worker };
}

describe('AgentTable and worker reports', () => {
  it('starts a worker model-driven, with its credentials for the channel', () => {
    const { runtime, worker } = table();
    worker('w');
    expect(runtime.launches[0]).toMatchObject({ modelDriven: true, reports: { credentials: { apiKey: 'k', baseURL: 'http://x' } } });
  });

  it('keeps the meter a worker could truthfully report, and says what it refused', () => {
    const { refusals, worker } = table();
    const w = worker('w');
    w.report({ type: 'usage', meter: meter(usage(100, 20), { costUsd: 999999 }) });
    expect(w.info.usage).toMatchObject({ total: usage(100, 20), costUsd: 0.0004 });
    w.report({ type: 'usage', meter: meter(usage(1e15, 1e15), { costUsd: 999999 }) });
    w.report({ type: 'usage', meter: meter(usage(50, 20)) });
    expect(w.info.usage).toMatchObject({ total: usage(100, 20), costUsd: 0.0004 });
    expect(refusals).toEqual([
      expect.stringMatching(/^w: usage report refused: it claimed \d+ tokens at once/),
      'w: usage report refused: its token counts went down',
    ]);
  });

  it('shows a question as one bounded printable line, and the question ends when the worker does', () => {
    const { flashes, worker } = table();
    const w = worker('w');
    w.report({ type: 'state', state: 'waiting', question: `Allow\x1b[2J bash:\n\u202erm -rf x?${'!'.repeat(5000)}` });
    expect(w.info.state).toBe('waiting');
    expect(w.info.question?.startsWith('Allow [2J bash: ')).toBe(true);
    expect(w.info.question?.length).toBeLessThanOrEqual(MAX_QUESTION_CHARS);
    expect(w.info.question).not.toMatch(/[\x00-\x1f\x7f\u202e]/);
    expect(flashes[0]).toMatchObject({ name: 'w', word: 'needs input' });
    w.end(1);
    expect(w.info.state).toBe('failed');
    expect(w.info.question).toBeUndefined();
  });

  it('takes the first result only', () => {
    const { refusals, worker } = table();
    const w = worker('w');
    w.report({ type: 'result', outcome: 'finished', text: 'first' });
    w.report({ type: 'result', outcome: 'failed', text: 'second' });
    w.end(0);
    expect(w.info).toMatchObject({ state: 'finished', result: 'first' });
    expect(refusals).toEqual(['w: a second result refused: the first one stands']);
  });

  it('takes no report from an agent that is not a worker', () => {
    const { agents, runtime } = table();
    const entry = agents.start({ kind: 'command', task: 'echo', cwd: '/tmp', name: 'c', program: { shell: 'echo' } });
    if (typeof entry === 'string') throw new Error(entry);
    runtime.events.get('c')?.onReport({ type: 'state', state: 'waiting', question: 'q' });
    expect(entry.info.state).toBe('running');
    expect(runtime.launches[0].modelDriven).toBeUndefined();
  });
});
