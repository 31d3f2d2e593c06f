// The real Claude Code as an agent of the AgentServer (`new claude TASK`), with agentmux's hooks installed
// for its run: its permission prompt makes it waiting (one flash), the answer lets it run, the end of its
// turn makes it idle (one flash) and wakes the main agent exactly once with the turn's result; its meter is
// the usage the scripted server sent. Claude Code talks to one scripted server, the main agent to another.
// Needs `npm run build` (the emulator and the hook runner); the first run downloads Claude Code.
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliKinds } from '../../src/core/cli-kinds.js';
import { addUsage, ZERO_USAGE } from '../../src/core/usage.js';
import { createModelClient } from '../../src/llm/anthropic-client.js';
import { startScriptedServer, type ScriptedServer } from '../../src/llm/scripted-server.js';
import { EmulatorPool } from '../../src/pty/emulator-pool.js';
import { createPtyRuntime } from '../../src/pty/pty-runtime.js';
import { AgentServer } from '../../src/server/agent-server.js';
import { CLAUDE_TEST_API_KEY, claudeEnv, claudeHome, installClaudeCode } from '../support/claude-code.js';
import { claudeCodeResponder, latestToolResults } from '../support/claude-code-scripts.js';
import { lastMessageText, mainRequests, notificationOpening, routedResponder, userMessagesContaining } from '../support/model-scripts.js';
import { ServerTestClient } from '../support/server-test-client.js';

const HOOK_ENTRY = fileURLToPath(new URL('../../dist/cli/hook-main.js', import.meta.url));
const INSTALL_TIMEOUT_MS = 300_000;
const STEP_MS = 30_000;
const MAIN_KEY = 'sk-ant-main-agent-key-0123';
const MODEL = 'claude-sonnet-5-5';

let claude: string;
let pool: EmulatorPool | undefined;
let server: AgentServer | undefined;
const scriptedServers: ScriptedServer[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  claude = await installClaudeCode();
}, INSTALL_TIMEOUT_MS);

afterEach(async () => {
  server?.dispose();
  server = undefined;
  await pool?.dispose();
  for (const scripted of scriptedServers.splice(0)) await scripted.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the real Claude Code as an agent', () => {
  it('waits at its permission prompt, runs when answered, goes idle, wakes the main agent once; its meter is the usage served', async () => {
    const claudeModel = claudeCodeResponder({
      main: (request, index) => {
        if (index === 0) return { text: ['I will create the file x.'], toolUses: [{ name: 'Bash', input: { command: 'touch x', description: 'Create file x' } }], usage: { input: 2900, output: 30, cacheRead: 100, cacheWrite: 50 } };
        if (latestToolResults(request).length !== 1) throw new Error('expected the result of touch x');
        return { text: ['Created the file x.'], usage: { input: 3000, output: 12 } };
      },
    });
    const forClaude = await startScriptedServer({ respond: claudeModel.respond, apiKey: CLAUDE_TEST_API_KEY });
    const forMain = await startScriptedServer({ respond: routedResponder({ main: () => ({ text: ['Claude Code made the file.'] }) }), apiKey: MAIN_KEY });
    scriptedServers.push(forClaude, forMain);
    const cwd = realpathSync(mkdtempSync(join(tmpdir(), 'amux-cc-agent-')));
    const home = claudeHome({ apiKey: CLAUDE_TEST_API_KEY, cwd });
    dirs.push(cwd, home);

    pool = new EmulatorPool();
    server = new AgentServer({
      runtime: createPtyRuntime(pool, { env: { PATH: '/usr/bin:/bin' }, scrollback: 1000, killGraceMs: 3000 }),
      model: { configured: true, model: MODEL },
      cwd,
      access: { client: createModelClient({ apiKey: MAIN_KEY, baseURL: forMain.url }), model: MODEL, workerCredentials: { apiKey: MAIN_KEY, baseURL: forMain.url } },
      clis: cliKinds({ claude: { program: claude } }),
      hookCommand: [process.execPath, HOOK_ENTRY],
    });
    // The screen's environment, which the agent inherits: Claude Code's key, HOME and offline settings.
    const client = new ServerTestClient(server, () => `claude requests: ${forClaude.requests.length}`, claudeEnv(home, forClaude.url, CLAUDE_TEST_API_KEY), STEP_MS);

    const { name } = await client.request({ type: 'new', cli: 'claude', task: 'create the file x', cwd });
    if (!name) throw new Error('not started');
    await client.waitFor('the permission prompt', () => (client.agent(name)?.state === 'waiting' ? true : undefined));
    expect(client.agent(name)?.question).toBe('Allow Bash touch x?');
    expect(client.flashes(name)).toEqual([expect.objectContaining({ word: 'needs input' })]);
    expect(existsSync(join(cwd, 'x'))).toBe(false);

    client.send({ type: 'attach', name });
    client.send({ type: 'input', data: '\r' });
    client.send({ type: 'detach' });
    await client.waitFor('the end of its turn', () => (client.agent(name)?.state === 'idle' && client.flashes(name).length === 2 ? true : undefined));
    expect(existsSync(join(cwd, 'x'))).toBe(true);
    expect(client.flashes(name)[1]).toMatchObject({ word: 'idle', summary: 'Created the file x.' });

    // The main agent is woken once, with the turn's result.
    await client.waitForReply('Claude Code made the file.');
    await client.waitForIdle();
    const main = mainRequests(forMain.requests);
    expect(main).toHaveLength(1);
    const opening = notificationOpening(name, 'idle');
    expect(userMessagesContaining(main[0], opening)).toBe(1);
    expect(lastMessageText(main[0])).toContain('Created the file x.');

    // Its meter: the usage of the conversation's replies Claude Code got (its transcript's), priced only if known.
    const served = claudeModel.served.filter((reply) => reply.kind === 'main').reduce((sum, reply) => addUsage(sum, reply.usage), { ...ZERO_USAGE });
    await client.waitFor('the meter of both replies', () => (JSON.stringify(client.agent(name)?.usage?.total) === JSON.stringify(served) ? true : undefined));
    expect(client.agent(name)?.usage?.total).toEqual(served);
  }, INSTALL_TIMEOUT_MS);
});
