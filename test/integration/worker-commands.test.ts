// agentmux's word to a worker over its private channel (budget, pause, go on): the real WorkerChannel
// and the worker's ChannelClient on a Unix socket. What either side sends is checked by the other.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChannelClient } from '../../src/agent/channel-client.js';
import { parseWorkerCommand, type WorkerCommand, type WorkerReport } from '../../src/core/report-channel.js';
import { WorkerChannel } from '../../src/pty/worker-channel.js';
import { waitUntil } from '../support/server-test-client.js';

let dir: string;
let channel: WorkerChannel;
const reports: WorkerReport[] = [];
const problems: string[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'amux-commands-'));
  reports.length = 0;
  problems.length = 0;
  channel = new WorkerChannel(dir, { apiKey: 'k', baseURL: 'http://127.0.0.1:1' }, {
    onReport: (report) => reports.push(report),
    onChannelProblem: (message) => problems.push(message),
  });
});

afterEach(() => {
  channel.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('commands to a worker', () => {
  it('reach it in order, those told before it connected right after its welcome; its pause report reaches agentmux', async () => {
    channel.tell({ type: 'pause', question: 'session budget reached ($1.00)' });
    const opened = await ChannelClient.open(channel.path);
    if ('error' in opened) throw new Error(opened.error);
    const heard: WorkerCommand[] = [];
    opened.channel.listen({ command: (command) => heard.push(command), problem: (message) => problems.push(message) });
    channel.tell({ type: 'budget', budget: { usd: 2, tokens: 1000 } });
    channel.tell({ type: 'goOn' });
    await waitUntil('three commands', () => heard.length === 3, () => JSON.stringify(heard));
    expect(heard).toEqual([
      { type: 'pause', question: 'session budget reached ($1.00)' }, { type: 'budget', budget: { usd: 2, tokens: 1000 } }, { type: 'goOn' },
    ]);
    opened.channel.report({ type: 'state', state: 'waiting', question: 'budget reached ($2.00)', pausedForBudget: true });
    await waitUntil('the report', () => reports.length === 1, () => JSON.stringify(reports));
    expect(reports).toEqual([{ type: 'state', state: 'waiting', question: 'budget reached ($2.00)', pausedForBudget: true }]);
    expect(problems).toEqual([]);
    await opened.channel.close();
  });
});

describe('parseWorkerCommand', () => {
  it('takes the three commands, and says what is wrong with anything else', () => {
    expect(parseWorkerCommand({ type: 'goOn' })).toEqual({ type: 'goOn' });
    expect(parseWorkerCommand({ type: 'budget', budget: {} })).toEqual({ type: 'budget', budget: {} });
    expect(parseWorkerCommand({ type: 'budget', budget: { usd: -1 } })).toEqual({ error: 'budget.usd: expected an amount in USD above 0 (at most 10000)' });
    expect(parseWorkerCommand({ type: 'budget', budget: { tokens: 0.5 } })).toEqual({ error: 'budget.tokens: expected a whole number of tokens above 0' });
    expect(parseWorkerCommand({ type: 'budget', budget: { usd: 1, more: 1 } })).toEqual({ error: 'the budget is not {usd?, tokens?}' });
    expect(parseWorkerCommand({ type: 'pause' })).toEqual({ error: 'a pause without its question' });
    expect(parseWorkerCommand({ type: 'result' })).toEqual({ error: 'not a command agentmux gives' });
    expect(parseWorkerCommand('goOn')).toEqual({ error: 'not an object' });
  });
});
