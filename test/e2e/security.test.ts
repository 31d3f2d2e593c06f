// The key out of the model's reach, through the built CLI and a real server: the server and a worker
// hold no model key in their environments (what /proc/PID/environ shows every process of the user), a
// worker's command finds none up its ancestry, and the model is still reached with the key the client had.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../../src/llm/scripted-server.js';
import { planList, routedResponder, workerRequests } from '../support/model-scripts.js';
import { runCli, stopServer } from '../support/cli-runner.js';
import { serverPidsOf } from '../support/server-processes.js';
import { buildEnv } from '../support/screen-harness.js';

const KEY = 'sk-ant-e2e-security-0123456789';
const TEST_MS = 60_000;

let home: string;
let cwd: string;
let env: Record<string, string>;
let model: ScriptedServer | undefined;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'agentmux-security-'));
  cwd = join(home, 'work');
  mkdirSync(join(cwd, '.agentmux'), { recursive: true });
  writeFileSync(join(cwd, '.agentmux', 'config.json'), JSON.stringify({ permissionMode: 'auto' }));
});

afterEach(async () => {
  try {
    await stopServer(env, cwd);
  } finally {
    await model?.close();
    model = undefined;
    rmSync(home, { recursive: true, force: true });
  }
});

/** What a process had in its environment when it started, as any process of the user can read it. */
const environOf = (pid: number): string => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').join('\n');

describe('the model key', () => {
  it('is in no environment a worker\'s command can read: not its own, its worker\'s nor the server\'s; the model still gets it', async () => {
    // The worker's command writes out its own environment and those of its parent (the worker) and grandparent (the server).
    const probe = [
      'env > own-env.txt',
      'tr "\\0" "\\n" < /proc/$PPID/environ > worker-env.txt',
      'server=$(cut -d" " -f4 /proc/$PPID/stat)',
      'tr "\\0" "\\n" < /proc/$server/environ > server-env.txt',
      'echo "server $server"',
    ].join('; ');
    model = await startScriptedServer({
      apiKey: KEY,
      respond: routedResponder({
        worker: planList('worker', [{ toolUses: [{ name: 'bash', input: { command: probe } }] }, { text: ['Looked.'] }]),
        main: () => ({ text: ['The probe finished.'] }),
      }),
    });
    env = buildEnv(home, { env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: model.url } });

    const spawned = await runCli(['spawn', '--name', 'probe', 'Look at the environments'], { env, cwd });
    expect(spawned, spawned.stderr).toMatchObject({ code: 0 });
    const waited = await runCli(['wait', 'probe'], { env, cwd, timeoutMs: 30_000 });
    expect(waited, waited.stdout + waited.stderr).toMatchObject({ code: 0 });

    // The scripted server refuses any other key: the worker's requests came with the client's.
    const worker = workerRequests(model.requests);
    expect(worker).toHaveLength(2);
    const [server] = serverPidsOf(env);
    expect(server).toBeGreaterThan(0);
    expect(JSON.stringify(worker[1].messages)).toContain(`server ${server}`);
    for (const file of ['own-env.txt', 'worker-env.txt', 'server-env.txt']) {
      const text = readFileSync(join(cwd, file), 'utf8');
      expect(text, file).toContain('XDG_RUNTIME_DIR=');
      expect(text, file).not.toContain(KEY);
      expect(text, file).not.toMatch(/ANTHROPIC_API_KEY|AGENTMUX_REPORT_SECRET/);
    }
    expect(environOf(server)).not.toContain(KEY);
  }, TEST_MS);
});
