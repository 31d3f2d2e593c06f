// Agent profiles end to end in the server: profile files on disk (store/agent-profiles.ts), built-in
// workers started as a profile (`node dist/cli/main.js worker`, real processes in ptys), and the main
// agent, all through the real SDK against the scripted Messages API server, which records every request.
// Run `npm run build` first.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentProfile } from '../../src/core/agent-profile.js';
import { modelCatalog } from '../../src/llm/prices.js';
import { startScriptedServer, type MessagesRequestBody, type ScriptedServer } from '../../src/llm/scripted-server.js';
import { EmulatorPool } from '../../src/pty/emulator-pool.js';
import { createPtyRuntime } from '../../src/pty/pty-runtime.js';
import { AgentServer } from '../../src/server/agent-server.js';
import { AgentProfiles } from '../../src/store/agent-profiles.js';
import { lastToolResults, mainRequests, planList, routedResponder, systemText, workerRequests, type RoutedScripts } from '../support/model-scripts.js';
import { scriptedModel, builtWorkers } from '../support/scripted-model-access.js';
import { ServerTestClient } from '../support/server-test-client.js';

const API_KEY = 'test-key';
const MODEL = 'claude-sonnet-5-5';
const ROLE = 'You are a careful security reviewer. Report findings by severity.';

let tmp: string;
let workspace: string;
let home: string;
let pool: EmulatorPool;
let scripted: ScriptedServer | undefined;
let server: AgentServer | undefined;

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'amux-profiles-it-'));
  workspace = join(tmp, 'repo');
  home = join(tmp, 'home');
  mkdirSync(workspace, { recursive: true });
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

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function profileFile(name: string, fields: string, body = ROLE): string {
  return `---\nname: ${name}\n${fields}\n---\n${body}\n`;
}

function profiles(): AgentProfiles {
  return new AgentProfiles(workspace, { XDG_CONFIG_HOME: join(home, '.config') }, home, modelCatalog());
}

/** A server on the scripted model whose workers keep their transcripts (so they can be continued). */
async function setup(scripts: RoutedScripts, mainProfile?: AgentProfile): Promise<{ client: ServerTestClient; requests: MessagesRequestBody[] }> {
  scripted = await startScriptedServer({ respond: routedResponder(scripts), apiKey: API_KEY });
  const runtime = createPtyRuntime(pool, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LC_ALL: 'C' }, scrollback: 1000, killGraceMs: 500, channelDir: tmp });
  server = new AgentServer({
    runtime,
    ...scriptedModel(scripted, MODEL, API_KEY),
    cwd: workspace,
    workers: builtWorkers('auto'),
    profiles: profiles(),
    ...(mainProfile ? { mainProfile } : {}),
    stateDir: join(tmp, 'state'),
  });
  const model = scripted;
  return { client: new ServerTestClient(server, () => `requests: ${JSON.stringify(model.requests.map((request) => systemText(request).split('\n', 1)[0]))}`), requests: model.requests };
}

const toolNames = (request: MessagesRequestBody): string[] => (request.tools ?? []).map((tool) => tool.name);

describe('profile files on disk', () => {
  it('are found in .agentmux/agents over ~/.config/agentmux/agents over .claude/agents, malformed ones listed with their error', async () => {
    write(join(workspace, '.agentmux', 'agents', 'reviewer.md'), profileFile('reviewer', 'description: Project reviewer\ntools: Read'));
    write(join(home, '.config', 'agentmux', 'agents', 'reviewer.md'), profileFile('reviewer', 'description: User reviewer'));
    write(join(home, '.config', 'agentmux', 'agents', 'writer.md'), profileFile('writer', 'description: Writes docs\nmodel: haiku'));
    write(join(workspace, '.claude', 'agents', 'reviewer.md'), profileFile('reviewer', 'description: Claude reviewer'));
    write(join(workspace, '.claude', 'agents', 'fetcher.md'), profileFile('fetcher', 'description: Fetches\ntools: Read, WebFetch'));
    write(join(workspace, '.claude', 'agents', 'notes.txt'), 'not a profile');
    const source = profiles();

    const listed = await source.list();
    expect(listed.map((entry) => [entry.name, entry.scope, entry.source, entry.profile?.description ?? entry.error, entry.hidden])).toEqual([
      ['fetcher', 'claude', '.claude/agents/fetcher.md', expect.stringMatching(/^\.claude\/agents\/fetcher\.md: tools: unknown tool "WebFetch" \(known: /), undefined],
      ['reviewer', 'project', '.agentmux/agents/reviewer.md', 'Project reviewer', ['~/.config/agentmux/agents/reviewer.md', '.claude/agents/reviewer.md']],
      ['writer', 'user', '~/.config/agentmux/agents/writer.md', 'Writes docs', undefined],
    ]);
    expect(source.searched).toEqual(['.agentmux/agents', '~/.config/agentmux/agents', '.claude/agents']);

    expect(await source.find('reviewer')).toEqual({ name: 'reviewer', description: 'Project reviewer', tools: ['read_file'], prompt: ROLE });
    expect(await source.find('writer')).toMatchObject({ model: 'claude-haiku-4-5' });
    expect(await source.find('fetcher')).toMatch(/^\.claude\/agents\/fetcher\.md: tools: unknown tool "WebFetch"/);
    expect(await source.find('nope')).toBe(
      'no agent profile named nope (looked for nope.md in .agentmux/agents, ~/.config/agentmux/agents, .claude/agents; agentmux agents lists them)',
    );
    expect(await source.find('../x')).toMatch(/^no agent profile can be named so: invalid name "\.\.\/x"/);
  });
});

describe('a worker started as a profile', () => {
  it('gets the profile\'s role, model and only its tools; a call of another tool is refused and does not run', async () => {
    write(join(workspace, '.claude', 'agents', 'reviewer.md'), profileFile('reviewer', 'description: Reviews code\ntools: Read, Grep\nmodel: haiku'));
    const { client, requests } = await setup({
      worker: planList('worker', [
        { toolUses: [{ name: 'bash', input: { command: 'touch escaped' } }] },
        { text: ['No issues found.'] },
        { text: ['Still none.'] },
      ]),
    });
    const started = await client.request({ type: 'spawn', task: 'Review the auth module', name: 'audit', agent: 'reviewer', cwd: workspace });
    expect(started).toEqual({ name: 'audit' });
    expect(client.agent('audit')).toMatchObject({ kind: 'claude', profile: 'reviewer' });
    await client.waitFor('the audit to finish', () => client.flash('audit'), 20_000);
    expect(client.flash('audit')).toMatchObject({ word: 'finished', summary: 'No issues found.' });

    const [first, second] = workerRequests(requests);
    expect(first.model).toBe('claude-haiku-4-5');
    expect(toolNames(first)).toEqual(['read_file', 'grep']);
    expect(systemText(first)).toContain('agentmux-worker');
    expect(systemText(first)).toContain(`You work as the agent profile "reviewer". Its instructions:\n\n${ROLE}`);
    expect(lastToolResults(second)).toEqual([{ toolUseId: expect.any(String), isError: true, content: 'unknown tool "bash"; the tools are: read_file, grep' }]);
    expect(existsSync(join(workspace, 'escaped'))).toBe(false);

    // Continued, it is still the profile's worker.
    expect(await client.request({ type: 'send', name: 'audit', text: 'Look again' })).toEqual({});
    await client.waitFor('the continued audit to finish', () => client.flashes('audit').length === 2 || undefined, 20_000);
    const third = workerRequests(requests)[2];
    expect(third.model).toBe('claude-haiku-4-5');
    expect(toolNames(third)).toEqual(['read_file', 'grep']);
    expect(systemText(third)).toContain(ROLE);
  });

  it('is refused in one line, with nothing started, for a profile that does not exist or is malformed', async () => {
    write(join(workspace, '.claude', 'agents', 'broken.md'), '---\nname: broken\ndescription: Use it. Examples: user: "hi"\n---\nbody\n');
    const { client, requests } = await setup({});
    expect(await client.request({ type: 'spawn', task: 'Review it', agent: 'nope', cwd: workspace })).toEqual({
      error: 'no agent profile named nope (looked for nope.md in .agentmux/agents, ~/.config/agentmux/agents, .claude/agents; agentmux agents lists them)',
    });
    expect(await client.request({ type: 'spawn', task: 'Review it', agent: 'broken', cwd: workspace, worktree: {} })).toEqual({
      error: '.claude/agents/broken.md: front matter line 3: Nested mappings are not allowed in compact mappings (a value with ": " in it needs quotes)',
    });
    expect(client.agents()).toEqual([]);
    expect(requests).toEqual([]);
  });
});

describe('the main agent', () => {
  it('sees the profiles\' names and descriptions, and starts a worker as one with spawn_agent {agent}', async () => {
    write(join(workspace, '.agentmux', 'agents', 'reviewer.md'), profileFile('reviewer', 'description: Reviews code for security issues\ntools: Read'));
    write(join(workspace, '.claude', 'agents', 'broken.md'), profileFile('broken', 'description: Broken\ntools: WebFetch'));
    const { client, requests } = await setup({
      main: planList('main', [
        { toolUses: [{ name: 'spawn_agent', input: { task: 'Review auth', name: 'auth-review', agent: 'reviewer' } }] },
        { toolUses: [{ name: 'spawn_agent', input: { task: 'Review more', agent: 'nope' } }] },
        { text: ['Started.'] },
        { text: ['The review found nothing.'] },
      ]),
      worker: () => ({ text: ['Nothing found.'] }),
    });
    client.send({ type: 'chat', text: 'review auth in the background' });
    await client.waitForReply('The review found nothing.', 20_000);
    const main = mainRequests(requests);
    expect(systemText(main[0])).toContain('- reviewer: Reviews code for security issues');
    expect(systemText(main[0])).not.toContain('broken');
    expect(client.agent('auth-review')).toMatchObject({ profile: 'reviewer' });
    expect(toolNames(workerRequests(requests)[0])).toEqual(['read_file']);
    expect(lastToolResults(main[2])[0]).toMatchObject({ isError: true, content: expect.stringMatching(/^no agent profile named nope/) });
    expect(client.agents()).toEqual(['auth-review']);
  });

  it('runs as the profile given for the main chat: its role in the instructions, its model, its name on screen', async () => {
    const { client, requests } = await setup({ main: () => ({ text: ['Ready to review.'] }) }, {
      name: 'lead', description: 'Leads reviews', model: 'claude-opus-5-5', prompt: 'You lead code reviews.',
    });
    expect(client.welcome().model).toEqual({ configured: true, model: 'claude-opus-5-5', profile: 'lead' });
    client.send({ type: 'chat', text: 'hello' });
    await client.waitForReply('Ready to review.');
    const [request] = mainRequests(requests);
    expect(request.model).toBe('claude-opus-5-5');
    expect(systemText(request)).toContain('You work as the agent profile "lead". Its instructions:\n\nYou lead code reviews.');
    expect(client.session()?.mainUsage?.model).toBe('claude-opus-5-5');
  });
});

describe('listing', () => {
  it('answers a profiles command with every profile found and where it looked', async () => {
    write(join(workspace, '.claude', 'agents', 'reviewer.md'), profileFile('reviewer', 'description: Reviews'));
    const { client } = await setup({});
    expect(await client.request({ type: 'profiles' })).toEqual({});
    const [event] = client.of('profiles');
    expect(event.searched).toEqual(['.agentmux/agents', '~/.config/agentmux/agents', '.claude/agents']);
    expect(event.profiles).toEqual([{ name: 'reviewer', scope: 'claude', source: '.claude/agents/reviewer.md', profile: { name: 'reviewer', description: 'Reviews', prompt: ROLE } }]);
  });
});
