// The spend view asks the server for the report when it opens, then again when a meter changes: one
// question at a time, and nothing once it is closed.
import { describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/core/agent.js';
import type { SpendReport } from '../../src/core/spend.js';
import { ClientModel } from '../../src/tui/client-model.js';
import { SpendWatch } from '../../src/tui/spend-watch.js';

const agent = (input: number, lastLine = ''): AgentInfo => ({
  name: 'audit', kind: 'claude', task: 't', cwd: '/', state: 'running', startedAt: 0, lastLine, unread: false,
  usage: { model: 'm', total: { input, output: 0, cacheRead: 0, cacheWrite: 0 }, contextTokens: 0 },
});
const report = { at: 0, costUsd: 0, unpriced: false, tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, cacheHitRatio: null, agents: [], models: [], series: [] } satisfies SpendReport;

function setup(): { watch: SpendWatch; model: ClientModel; asked: () => number; event: (event: Parameters<ClientModel['apply']>[0]) => void } {
  let count = 0;
  const model = new ClientModel(1000);
  const watch = new SpendWatch(() => count++);
  return {
    watch, model, asked: () => count,
    event: (event) => {
      model.apply(event);
      watch.seen(event, model);
    },
  };
}

describe('SpendWatch', () => {
  it('asks once on opening, again when a meter changes, not when only other things do', () => {
    const { watch, model, asked, event } = setup();
    event({ type: 'agent', agent: agent(10) });
    watch.start(model);
    expect(asked()).toBe(1);
    event({ type: 'spend', report });
    event({ type: 'agent', agent: agent(10, 'a new line of output') });
    expect(asked()).toBe(1);
    event({ type: 'agent', agent: agent(20) });
    expect(asked()).toBe(2);
  });

  it('asks one question at a time: changes while one is out make one more after its answer', () => {
    const { watch, model, asked, event } = setup();
    watch.start(model);
    event({ type: 'agent', agent: agent(1) });
    event({ type: 'agent', agent: agent(2) });
    event({ type: 'session', session: { busy: true, mainUsage: { model: 'm', total: { input: 5, output: 1, cacheRead: 0, cacheWrite: 0 }, contextTokens: 6 } } });
    expect(asked()).toBe(1);
    event({ type: 'spend', report });
    expect(asked()).toBe(2);
    event({ type: 'spend', report });
    expect(asked()).toBe(2);
  });

  it('asks nothing once closed', () => {
    const { watch, model, asked, event } = setup();
    watch.start(model);
    event({ type: 'agent', agent: agent(1) });
    watch.stop();
    event({ type: 'spend', report });
    event({ type: 'agent', agent: agent(2) });
    expect(asked()).toBe(1);
    expect(watch.open).toBe(false);
  });
});
