// Budgets through the AgentServer with the real pty runtime: built-in workers (`node dist/cli/main.js
// worker`) and the main agent talk to the scripted Messages API server through the real SDK; an agent
// CLI is the Claude Code stand-in, whose meter comes from its transcript. Run `npm run build` first.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BudgetSettings } from '../../src/core/config-schema.js';
import { cliKinds } from '../../src/core/cli-kinds.js';
import { startScriptedServer, type ScriptedServer } from '../../src/llm/scripted-server.js';
import { EmulatorPool } from '../../src/pty/emulator-pool.js';
import { createPtyRuntime } from '../../src/pty/pty-runtime.js';
import { AgentServer } from '../../src/server/agent-server.js';
import {
  Gate, lastMessageText, mainRequests, notificationOpening, planList, routedResponder, userMessagesContaining, workerRequests, type RoutedScripts,
} from '../support/model-scripts.js';
import { scriptedModel, builtWorkers } from '../support/scripted-model-access.js';
import { ServerTestClient } from '../support/server-test-client.js';

const HOOK_ENTRY = fileURLToPath(new URL('../../dist/cli/hook-main.js', import.meta.url));
const FAKE_CLAUDE = fileURLToPath(new URL('../fixtures/fake-claude.mjs', import.meta.url));
const API_KEY = 'test-key';
// $2 per million input tokens, $10 per million output tokens.
const MODEL = 'claude-sonnet-5-5';

let tmp: string;
let pool: EmulatorPool;
let scripted: ScriptedServer | undefined;
let server: AgentServer | undefined;

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'amux-budgets-'));
  pool = new EmulatorPool();
});

afterEach(async () => {
  server?.dispose();
  server = undefined;
  await pool.dispose();
  await scripted?.close();
  scripted = undefined;
  rmSync(tmp, { recursive: true, force: true });
});

/** A server whose model is the scripted one (running `model`), with a connected test client. */
async function setup(scripts: RoutedScripts, budgets: BudgetSettings = {}, model = MODEL): Promise<{ client: ServerTestClient; requests: ScriptedServer['requests'] }> {
  scripted = await startScriptedServer({ respond: routedResponder(scripts), apiKey: API_KEY });
  server = new AgentServer({
    runtime: createPtyRuntime(pool, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp, LC_ALL: 'C' }, scrollback: 1000, killGraceMs: 500, channelDir: tmp }),
    ...scriptedModel(scripted, model, API_KEY),
    cwd: tmp,
    workers: builtWorkers('auto'),
    clis: cliKinds({ claude: { program: FAKE_CLAUDE } }),
    hookCommand: [process.execPath, HOOK_ENTRY],
    budgets,
  });
  const { requests } = scripted;
  const client = new ServerTestClient(server, () => `requests: ${JSON.stringify(requests.map((request) => lastMessageText(request).slice(0, 100)), null, 1)}`);
  return { client, requests };
}

/** The states an agent went through, repeats dropped. */
function statesOf(client: ServerTestClient, name: string): string[] {
  return client.agentVersions(name).map((info) => info.state).filter((state, index, all) => state !== all[index - 1]);
}

describe('an agent\'s budget', () => {
  it('at 80% a flash says so; at 100% the worker pauses before its next model request, waiting "budget reached"; the main agent hears once; a raise lets it finish', async () => {
    writeFileSync(join(tmp, 'auth.ts'), 'export const x = 1;\n');
    const task = 'Audit the auth module';
    const { client, requests } = await setup({
      main: planList('main', [
        { text: ['Starting an audit.'], toolUses: [{ name: 'spawn_agent', input: { task, name: 'audit', budget_usd: 0.01 } }] },
        { text: ['Started audit.'] },
        { text: ['audit paused at its budget of $0.01.'] },
        { text: ['audit is done.'] },
      ]),
      worker: planList('worker', [
        // $0.008 as it starts (its input; the API counts one output token then): 80% of $0.01.
        { text: ['Looking.'], toolUses: [{ name: 'list_files', input: {} }], usage: { input: 4000, output: 20 } },
        // $0.002 + $0.0002 more: past the budget; the read it asks for waits.
        { text: ['Reading.'], toolUses: [{ name: 'read_file', input: { path: 'auth.ts' } }], usage: { input: 1000, output: 20 } },
        { text: ['Audit done: nothing found.'], usage: { input: 1200, output: 30 } },
      ]),
    });
    client.send({ type: 'chat', text: 'audit the auth module in the background, within a cent' });

    await client.waitFor('the pause', () => client.agent('audit')?.state === 'waiting', 20_000);
    expect(client.agent('audit')).toMatchObject({ state: 'waiting', question: 'budget reached ($0.01)', budget: { usd: 0.01 } });
    expect(client.flashes('audit')).toEqual([
      expect.objectContaining({ word: 'budget', summary: '80% of its $0.01 budget' }),
      expect.objectContaining({ word: 'needs input', summary: 'budget reached ($0.01)' }),
    ]);
    expect(client.chat().filter((entry) => entry.role === 'event').map((entry) => entry.text)).toEqual([
      'audit: 80% of its $0.01 budget', expect.stringMatching(/^audit needs input · after \d+s · budget reached \(\$0\.01\)$/),
    ]);
    // It has stopped before its next request: its screen says so, and the model heard from it twice.
    client.send({ type: 'attach', name: 'audit' });
    await client.waitFor('its screen to say it paused', () => client.screen('audit').some((row) => row.includes('paused: budget reached ($0.01)')));
    expect(workerRequests(requests)).toHaveLength(2);
    await client.waitForReply('audit paused at its budget of $0.01.');
    await client.waitForIdle();
    client.send({ type: 'detach' });

    expect(await client.request({ type: 'budget', name: 'audit', usd: 0.01 })).toEqual({
      error: 'audit has already spent $0.01 of its $0.01 budget (104%) · 5.0k tokens: give it a budget above what it has spent to let it go on',
    });
    expect(await client.request({ type: 'budget', name: 'audit', usd: 1 })).toEqual({});
    await client.waitFor('the end of audit', () => client.agent('audit')?.state === 'finished', 20_000);
    await client.waitForReply('audit is done.');
    await client.waitForIdle();

    expect(statesOf(client, 'audit')).toEqual(['running', 'waiting', 'running', 'finished']);
    expect(client.agent('audit')).toMatchObject({ budget: { usd: 1 }, usage: { costUsd: (6200 * 2 + 70 * 10) / 1e6 } });
    expect(client.chat().some((entry) => entry.role === 'system' && entry.text === 'audit: spent $0.01 of its $1.00 budget (1%) · 5.0k tokens · it goes on')).toBe(true);
    // It kept to its pause: nothing had to stop it.
    expect(client.entries('error')).toEqual([]);
    // The read ran after the raise, and its result went to the model.
    expect(lastMessageText(workerRequests(requests)[2])).toContain('export const x = 1;');

    // The main agent heard of the pause once, and of the end once.
    const main = mainRequests(requests);
    expect(main).toHaveLength(4);
    const paused = notificationOpening('audit', 'waiting');
    expect(main.map((request) => lastMessageText(request).includes(paused))).toEqual([false, false, true, false]);
    expect(lastMessageText(main[2])).toContain('paused: budget reached ($0.01); spent $0.01 of its $0.01 budget');
    expect(userMessagesContaining(main[3], paused)).toBe(1);
    expect(lastMessageText(main[3])).toContain(notificationOpening('audit', 'finished'));
  });

  it('a token budget: /spawn --max-tokens pauses it there too', async () => {
    const { client, requests } = await setup({
      worker: planList('worker', [
        { text: ['Looking.'], toolUses: [{ name: 'list_files', input: {} }], usage: { input: 900, output: 100 } },
        { text: ['Done.'], usage: { input: 100, output: 10 } },
      ]),
    });
    expect(await client.request({ type: 'spawn', task: 'count files', name: 'counter', budgetTokens: 1000, cwd: tmp })).toEqual({ name: 'counter' });
    await client.waitFor('the pause', () => client.agent('counter')?.state === 'waiting', 20_000);
    expect(client.agent('counter')?.question).toBe('budget reached (1.0k tokens)');
    client.send({ type: 'attach', name: 'counter' });
    await client.waitFor('its screen to say it paused', () => client.screen('counter').some((row) => row.includes('paused: budget reached (1.0k tokens)')));
    expect(workerRequests(requests)).toHaveLength(1);
    expect(await client.request({ type: 'budget', name: 'counter', tokens: 5000 })).toEqual({});
    await client.waitFor('its end', () => client.agent('counter')?.state === 'finished', 20_000);
  });

  it('refuses a budget it cannot keep in one line, and starts or changes nothing', async () => {
    const { client } = await setup({}, {}, 'claude-unpriced-9');
    expect(await client.request({ type: 'spawn', task: 'audit', budgetUsd: 2, cwd: tmp })).toEqual({
      error: 'no price on file for claude-unpriced-9: add it under prices in config to use a budget',
    });
    expect(await client.request({ type: 'new', cli: 'codex', task: 'x', budgetUsd: 2, cwd: tmp })).toEqual({
      error: 'codex reports no token usage to agentmux: no budget can be kept for it',
    });
    expect(await client.request({ type: 'spawn', task: 'audit', budgetUsd: 0, cwd: tmp })).toEqual({ error: 'invalid budget 0: give an amount in USD above 0' });
    expect(client.agents()).toEqual([]);
    expect(await client.request({ type: 'run', command: 'sleep 30', name: 'sleeper', cwd: tmp })).toEqual({ name: 'sleeper' });
    expect(await client.request({ type: 'budget', name: 'sleeper', usd: 1 })).toEqual({ error: 'sleeper is a command: it has no meter, so no budget can be kept for it' });
    expect(await client.request({ type: 'budget', name: 'sleeper' })).toEqual({ error: 'give the budget: /budget sleeper USD, or /budget sleeper --max-tokens N' });
    expect(await client.request({ type: 'budget', name: 'ghost', usd: 1 })).toEqual({ error: 'no agent named ghost (/agents or agentmux ls lists them)' });
    expect(await client.request({ type: 'budget', session: true, tokens: 5 })).toEqual({ error: 'the session\'s budget is in USD: /budget --session USD' });
    expect(client.agent('sleeper')?.budget).toBeUndefined();
    expect(await client.request({ type: 'kill', name: 'sleeper' })).toEqual({});
  });
});

describe('the session\'s budget', () => {
  it('at 80% a flash; at 100% agents with a meter pause and the main agent\'s turns are refused; a raise lets everything go on', async () => {
    const workerMayFinishItsReply = new Gate();
    const { client, requests } = await setup({
      main: planList('main', [
        // $0.014 + $0.0001, with the worker's $0.002: 81% of $0.02.
        { text: ['One.'], usage: { input: 7000, output: 10 } },
        // $0.004 more: past it.
        { text: ['Two.'], usage: { input: 2000, output: 10 } },
        { text: ['Four.'], usage: { input: 10, output: 10 } },
      ]),
      worker: planList('worker', [
        { text: ['Working', ' on it.'], toolUses: [{ name: 'list_files', input: {} }], usage: { input: 1000, output: 10 }, pause: { afterChunks: 1, until: workerMayFinishItsReply.opened } },
        { text: ['Done.'], usage: { input: 10, output: 10 } },
      ]),
    }, { sessionUsd: 0.02 });
    expect(await client.request({ type: 'spawn', task: 'a long job', name: 'job', cwd: tmp })).toEqual({ name: 'job' });
    await client.waitFor('the worker\'s reply under way, its input counted', () => (client.agent('job')?.usage?.costUsd ?? 0) > 0, 20_000);
    expect(client.session()?.budgetUsd).toBe(0.02);

    client.send({ type: 'chat', text: 'one' });
    await client.waitForReply('One.');
    await client.waitForIdle();
    expect(client.flashes('this session')).toEqual([expect.objectContaining({ word: 'budget', summary: expect.stringMatching(/^8\d% of its \$0\.02 budget$/) })]);

    client.send({ type: 'chat', text: 'two' });
    await client.waitForReply('Two.');
    await client.waitForIdle();
    await client.waitFor('the worker paused by the session', () => client.agent('job')?.state === 'waiting');
    expect(client.agent('job')?.question).toBe('session budget reached ($0.02)');
    expect(client.chat().some((entry) => entry.role === 'notice' && entry.text.startsWith('the session has spent $0.02 of its $0.02 budget: its agents with a meter are paused'))).toBe(true);

    const refusal = 'the session budget of $0.02 is reached (spent $0.02): raise it with /budget --session USD';
    expect(await client.request({ type: 'chat', text: 'three' })).toEqual({ error: refusal });
    expect(client.entries('user').map((entry) => entry.text)).toEqual(['one', 'two']);
    expect(await client.request({ type: 'spawn', task: 'another job', cwd: tmp })).toEqual({ error: refusal });

    // The worker finishes the reply it had in flight, then stops before its tools and its next request.
    workerMayFinishItsReply.open();
    client.send({ type: 'attach', name: 'job' });
    await client.waitFor('its screen to say it paused', () => client.screen('job').some((row) => row.includes('paused: session budget reached ($0.02)')));
    expect(workerRequests(requests)).toHaveLength(1);
    expect(mainRequests(requests)).toHaveLength(2);

    expect(await client.request({ type: 'budget', session: true, usd: 1 })).toEqual({});
    await client.waitFor('the worker\'s end', () => client.agent('job')?.state === 'finished', 20_000);
    expect(statesOf(client, 'job')).toEqual(['running', 'waiting', 'running', 'finished']);
    expect(client.entries('error')).toEqual([]);
    client.send({ type: 'chat', text: 'four' });
    await client.waitForReply('Four.');
    expect(client.session()?.budgetUsd).toBe(1);
  });
});

/** The states (R, S, T…) of the processes of agent `name`'s run, found by the name in their environment. */
function processStates(name: string): string[] {
  const states: string[] = [];
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`AGENTMUX_AGENT=${name}`)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      states.push(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]);
    } catch {
      // Gone meanwhile, or not ours to read: not one of the agent's.
    }
  }
  return states;
}

describe('an agent CLI\'s budget (the Claude Code stand-in: its meter comes from its transcript)', () => {
  it('warns at 80%; at 100% its process group is stopped (SIGSTOP), waiting "budget reached"; a raise continues it (SIGCONT) as it was', async () => {
    const { client } = await setup({});
    // Its turns cost $0.00075 then $0.0012 (claude-sonnet-4-5: $3 in, $15 out, $0.30 cache read).
    const { name } = await client.request({ type: 'new', cli: 'claude', task: 'make the file', budgetUsd: 0.0009, cwd: tmp });
    if (!name) throw new Error('not started');
    await client.waitFor('its permission question', () => client.agent(name)?.state === 'waiting');
    client.send({ type: 'send', name, text: 'y' });
    await client.waitFor('the warning', () => client.flashes(name).find((flash) => flash.word === 'budget'));
    expect(client.flashes(name).find((flash) => flash.word === 'budget')?.summary).toBe('83% of its $0.0009 budget');
    await client.waitFor('the end of its turn', () => client.agent(name)?.state === 'idle');

    client.send({ type: 'send', name, text: 'and another' });
    await client.waitFor('its second question', () => client.agent(name)?.state === 'waiting' && client.agent(name)?.question !== 'budget reached ($0.0009)');
    client.send({ type: 'send', name, text: 'y' });
    await client.waitFor('the pause', () => client.agent(name)?.question === 'budget reached ($0.0009)');
    expect(client.agent(name)?.state).toBe('waiting');
    await client.waitFor('its processes stopped', () => {
      const states = processStates(name);
      return states.length > 0 && states.every((state) => state === 'T');
    });

    expect(await client.request({ type: 'budget', name, usd: 0.01 })).toEqual({});
    await client.waitFor('its processes continued', () => {
      const states = processStates(name);
      return states.length > 0 && states.every((state) => state !== 'T');
    });
    expect(client.agent(name)).toMatchObject({ state: 'idle', budget: { usd: 0.01 } });
    // It goes on as before: a third turn.
    client.send({ type: 'send', name, text: 'a third' });
    await client.waitFor('its third question', () => client.agent(name)?.state === 'waiting' && client.agent(name)?.question?.startsWith('Allow'));
    expect(await client.request({ type: 'kill', name })).toEqual({});
  });
});
