// `agentmux cost` against a real server process whose main agent and worker talk to the scripted
// Messages API server through the real SDK: the figures equal the bundled price table applied to the
// usage the model server sent, to the cent; after a server restart the agents' figures come back from
// their records. Run `npm run build` first.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SpendReport } from '../../src/core/spend.js';
import { startScriptedServer, type ScriptedServer } from '../../src/llm/scripted-server.js';
import { runCli, stopServer, type CliResult } from '../support/cli-runner.js';
import { mainRequests, planList, routedResponder } from '../support/model-scripts.js';
import { buildEnv } from '../support/screen-harness.js';
import { processesOf } from '../support/server-processes.js';

const WAIT_MS = 30_000;

let home: string;
let cwd: string;
let env: Record<string, string>;
let scripted: ScriptedServer;

beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), 'agentmux-cost-'));
  cwd = join(home, 'work');
  mkdirSync(cwd);
  scripted = await startScriptedServer({
    respond: routedResponder({
      // Woken by the worker's end: one reply.
      main: planList('main', [{ text: ['The audit is done: one issue.'], usage: { input: 12_000, output: 800, cacheRead: 50_000 } }]),
      worker: planList('worker', [{ text: ['Found one issue.'], usage: { input: 634_567, output: 20_000, cacheRead: 300_000, cacheWrite: 40_000 } }]),
    }),
  });
  env = buildEnv(home, { env: { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: scripted.url } });
  mkdirSync(env.XDG_RUNTIME_DIR, { mode: 0o700 });
});

afterEach(async () => {
  try {
    await stopServer(env, cwd);
  } finally {
    for (const { pid } of processesOf(env)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
    await scripted.close();
    rmSync(home, { recursive: true, force: true });
  }
});

async function cli(args: string[]): Promise<CliResult> {
  const result = await runCli(args, { env, cwd });
  expect(result, `agentmux ${args.join(' ')}`).toMatchObject({ code: 0 });
  return result;
}

async function costJson(): Promise<SpendReport> {
  return JSON.parse((await cli(['cost', '--json'])).stdout) as SpendReport;
}

/** Asks `agentmux cost --json` until `done` accepts the report. */
async function reportWhen(done: (report: SpendReport) => boolean, what: string): Promise<SpendReport> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const report = await costJson();
    if (done(report)) return report;
    if (Date.now() > deadline) throw new Error(`no report with ${what} within ${WAIT_MS} ms; the last:\n${JSON.stringify(report, null, 2)}`);
  }
}

describe('agentmux cost', () => {
  it('gives the price table applied to the usage the API reported, to the cent, per agent, per model and in all', { timeout: 90_000 }, async () => {
    expect((await cli(['spawn', '--name', 'audit', 'Audit the auth module'])).stdout).toBe('audit\n');
    expect((await cli(['wait', 'audit'])).stdout).toMatch(/^audit finished/);
    // The stream's last usage figure has all 800 output tokens (its first says 1, as the API's does).
    const report = await reportWhen((candidate) => candidate.agents.some((agent) => agent.kind === 'main' && agent.tokens.output === 800), 'the main agent\'s reply');
    expect(mainRequests(scripted.requests)).toHaveLength(1);

    // claude-sonnet-5-5, USD per million tokens: input 2, output 10, cache read 0.2, cache write 2.5.
    // Worker: 634,567 × 2 + 20,000 × 10 + 300,000 × 0.2 + 40,000 × 2.5 = 1.269134 + 0.2 + 0.06 + 0.1 = $1.629134.
    // Main agent: 12,000 × 2 + 800 × 10 + 50,000 × 0.2 = 0.024 + 0.008 + 0.01 = $0.042.
    expect(report.agents.map((agent) => [agent.name, agent.kind, agent.costUsd.toFixed(2), agent.tokens])).toEqual([
      ['audit', 'claude', '1.63', { input: 634_567, output: 20_000, cacheRead: 300_000, cacheWrite: 40_000 }],
      ['main agent', 'main', '0.04', { input: 12_000, output: 800, cacheRead: 50_000, cacheWrite: 0 }],
    ]);
    expect(report.agents[0].costUsd).toBeCloseTo(1.629134, 6);
    expect(report.agents[1].costUsd).toBeCloseTo(0.042, 6);
    expect(report.costUsd.toFixed(2)).toBe('1.67');
    expect(report.costUsd).toBeCloseTo(1.671134, 6);
    expect(report.unpriced).toBe(false);
    expect(report.models).toEqual([{
      model: 'claude-sonnet-5-5', costUsd: report.costUsd,
      tokens: { input: 646_567, output: 20_800, cacheRead: 350_000, cacheWrite: 40_000 }, cacheHitRatio: expect.any(Number),
    }]);
    expect(report.cacheHitRatio).toBeCloseTo(350_000 / (646_567 + 350_000 + 40_000), 4);
    expect(report.series.at(-1)?.costUsd).toBe(report.costUsd);

    const table = (await cli(['cost'])).stdout;
    expect(table).toMatch(/^audit +634567 +20000 +300000 +40000 +\d+% +\$1\.63$/m);
    expect(table).toMatch(/^total +646567 +20800 +350000 +40000 +34% +\$1\.67$/m);

    // A new server reads the agents' records back; the main agent's meter starts again, and so does the series.
    await stopServer(env, cwd);
    const restarted = await costJson();
    expect(restarted.agents.map((agent) => [agent.name, agent.costUsd])).toEqual([['audit', report.agents[0].costUsd]]);
    expect(restarted.series).toEqual([{ at: expect.any(Number), costUsd: report.agents[0].costUsd }]);
  });
});
