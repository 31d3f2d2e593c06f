// The real Claude Code CLI (its pinned native build) run as agentmux runs an agent: in a real pty through
// AgentProcess, its screen read from the emulator, its model the scripted Messages API server on loopback.
// The first run on a machine downloads Claude Code from the npm registry (see claude-code-install.ts).
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startScriptedServer, type ReplyPlan, type ScriptedServer } from '../../src/llm/scripted-server.js';
import { EmulatorPool } from '../../src/pty/emulator-pool.js';
import { AgentScreen } from '../support/agent-screen.js';
import { CLAUDE_TEST_API_KEY, claudeEnv, claudeHome, installClaudeCode } from '../support/claude-code.js';
import { claudeCodeResponder, isClaudeMainRequest, latestPrompt, latestToolResults, type ClaudeCodeResponder } from '../support/claude-code-scripts.js';

/** npm's own limit and a little more: a first install downloads 186 MB (some 10 s on the development machine). */
const INSTALL_TIMEOUT_MS = 300_000;
/** Claude Code starts in 1–3 s; a machine busy with the rest of the suite may take several times that. */
const START_TIMEOUT_MS = 30_000;
const STEP_TIMEOUT_MS = 15_000;
const TEST_TIMEOUT_MS = 90_000;
const KILL_GRACE_MS = 3_000;

const TOUCH_X: ReplyPlan = {
  text: ['I will create the file x.'],
  toolUses: [{ name: 'Bash', input: { command: 'touch x', description: 'Create file x' } }],
  usage: { input: 2900, output: 30, cacheRead: 100, cacheWrite: 50 },
};

let claude: string;
let pool: EmulatorPool;
let server: ScriptedServer | undefined;
let agent: AgentScreen | undefined;
let dirs: string[] = [];

beforeAll(async () => {
  claude = await installClaudeCode();
}, INSTALL_TIMEOUT_MS);

beforeEach(() => {
  pool = new EmulatorPool();
});

afterEach(async () => {
  await agent?.stop(KILL_GRACE_MS + 5_000);
  agent = undefined;
  await pool.dispose();
  await server?.close();
  server = undefined;
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** Claude Code started with `args` in a new directory, its requests answered by `responder`. */
async function startClaude(responder: ClaudeCodeResponder, args: string[]): Promise<{ agent: AgentScreen; server: ScriptedServer; cwd: string }> {
  server = await startScriptedServer({ respond: responder.respond, apiKey: CLAUDE_TEST_API_KEY });
  const cwd = realpathSync(mkdtempSync(join(tmpdir(), 'agentmux-claude-cwd-')));
  const home = claudeHome({ apiKey: CLAUDE_TEST_API_KEY, cwd });
  dirs.push(cwd, home);
  agent = new AgentScreen(pool, {
    file: claude,
    args,
    cwd,
    cols: 100,
    rows: 30,
    env: claudeEnv(home, server.url, CLAUDE_TEST_API_KEY),
    scrollback: 1000,
    killGraceMs: KILL_GRACE_MS,
  });
  return { agent, server, cwd };
}

/** Claude Code's question before it runs the command, with its first answer selected. */
function asksPermission(screen: AgentScreen): boolean {
  return screen.shows('Do you want to proceed?') && screen.rows().some((row) => /❯ 1\. Yes\b/.test(row));
}

describe('the real Claude Code in an agent pty', () => {
  it('asks before it runs a command, runs it when Enter accepts, and shows its answer', async () => {
    const responder = claudeCodeResponder({
      main: (request, index) => {
        if (index === 0) return TOUCH_X;
        const results = latestToolResults(request);
        if (results.length !== 1 || results[0].isError) throw new Error(`expected the result of touch x, got ${JSON.stringify(results)}`);
        return { text: ['Created the file x.'], usage: { input: 3000, output: 12 } };
      },
    });
    const { agent, server, cwd } = await startClaude(responder, ['create the file x']);

    await agent.waitFor('the permission prompt', asksPermission, START_TIMEOUT_MS);
    expect(agent.shows('touch x')).toBe(true);
    expect(existsSync(join(cwd, 'x'))).toBe(false);

    agent.process.writeKeys('\r');
    await agent.waitFor('the answer', (screen) => screen.shows('Created the file x.'), STEP_TIMEOUT_MS);
    expect(existsSync(join(cwd, 'x'))).toBe(true);
    const main = server.requests.filter(isClaudeMainRequest);
    expect(main.map(latestPrompt)).toEqual(['create the file x', 'create the file x']);
    expect(latestToolResults(main[1])).toEqual([{ toolUseId: expect.any(String), content: expect.any(String), isError: false }]);
  }, TEST_TIMEOUT_MS);

  it('runs nothing when Esc rejects the command', async () => {
    const responder = claudeCodeResponder({
      main: (_request, index) => {
        if (index === 0) return TOUCH_X;
        throw new Error('Claude Code asked the model again after the command was rejected');
      },
    });
    const { agent, server, cwd } = await startClaude(responder, ['create the file x']);

    await agent.waitFor('the permission prompt', asksPermission, START_TIMEOUT_MS);
    agent.process.writeKeys('\x1b');
    await agent.waitFor('the rejection', (screen) => screen.shows('Interrupted') && !asksPermission(screen), STEP_TIMEOUT_MS);
    expect(existsSync(join(cwd, 'x'))).toBe(false);
    expect(server.requests.filter(isClaudeMainRequest)).toHaveLength(1);
  }, TEST_TIMEOUT_MS);
});
