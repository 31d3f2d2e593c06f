// Agents on an SSH host with a remote agentmux, as a user meets them: the built CLI and its server,
// a real OpenSSH server on loopback as the host, this repository's built CLI as agentmux there.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli, stopServer } from '../support/cli-runner.js';
import { sshdMissing, startLoopbackSshd, type LoopbackSshd } from '../support/loopback-sshd.js';
import { buildEnv, CLI_ENTRY } from '../support/screen-harness.js';
import { closeAll, configDir, newHome, processAlive, writeFile } from './helpers.js';

const missing = sshdMissing();
const stops: Array<() => Promise<void>> = [];
let sshd: LoopbackSshd;

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await closeAll();
});

/** The CLI in a HOME whose config names the loopback server as host `far`, with agentmux there. */
function farHost(): (args: string[]) => ReturnType<typeof runCli> {
  const home = newHome();
  const host = { ssh: sshd.alias, sshArgs: ['-F', sshd.sshConfig], cwd: sshd.remoteHome, agentmux: `${process.execPath} ${CLI_ENTRY}` };
  writeFile(join(configDir(home), 'config.json'), JSON.stringify({ hosts: { far: host } }));
  const env = buildEnv(home);
  mkdirSync(env.XDG_RUNTIME_DIR, { mode: 0o700 });
  stops.push(() => stopServer(env, home));
  return (args) => runCli(args, { env, cwd: home });
}

async function agent(cli: ReturnType<typeof farHost>, name: string): Promise<Record<string, unknown> | undefined> {
  const listed = JSON.parse((await cli(['ls', '--json'])).stdout) as Array<Record<string, unknown>>;
  return listed.find((entry) => entry.name === name);
}

/** Polls `probe` until it gives something; fails after `timeoutMs` saying what it waited for. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(missing !== undefined)(`agents on an SSH host with agentmux there${missing ? ` (skipped: ${missing})` : ''}`, () => {
  beforeAll(async () => {
    sshd = await startLoopbackSshd();
  });

  afterAll(async () => {
    await sshd?.stop();
  });

  it('shows a dropped link as unknown, catches up when it is back, and ends with the agent\'s exit status', async () => {
    const cli = farHost();
    const script = 'i=0; while [ $i -lt 40 ]; do i=$((i+1)); echo "n-$i"; sleep 0.05; done; exit 4';
    expect((await cli(['run', '--host', 'far', '--name', 'far-count', '--', script])).code).toBe(0);
    await eventually('its first lines', async () => ((await cli(['logs', 'far-count'])).stdout.includes('n-3') ? true : undefined));
    sshd.dropConnections();
    await sshd.stopListening();
    const down = await eventually('the link down', async () => {
      const listed = (await cli(['ls'])).stdout;
      return /unknown \(link down since \d\d:\d\d\)/.test(listed) ? listed : undefined;
    });
    expect(down).toMatch(/^far-count@far {2}unknown \(link down since \d\d:\d\d\)/);
    await sshd.listen();
    const ended = await eventually('its end', async () => {
      const entry = await agent(cli, 'far-count');
      return entry?.state === 'failed' ? entry : undefined;
    });
    expect(ended).toMatchObject({ state: 'failed', exitCode: 4 });
    const lines = (await cli(['logs', 'far-count'])).stdout.split('\n').filter((line) => /^n-\d+$/.test(line));
    expect(lines).toEqual(Array.from({ length: 40 }, (_, at) => `n-${at + 1}`));
  }, 90_000);

  it('agentmux kill stops the agent\'s processes there', async () => {
    const cli = farHost();
    expect((await cli(['run', '--host', 'far', '--name', 'far-sleep', '--', 'sleep 300 & echo "child-$!"; wait'])).code).toBe(0);
    const child = await eventually('the child\'s pid', async () => {
      const match = /child-(\d+)/.exec((await cli(['logs', 'far-sleep'])).stdout);
      return match ? Number(match[1]) : undefined;
    });
    expect(processAlive(child)).toBe(true);
    expect((await cli(['kill', 'far-sleep'])).code).toBe(0);
    expect((await agent(cli, 'far-sleep'))?.state).toBe('killed');
    await eventually('the remote child to end', async () => (processAlive(child) ? undefined : true));
  }, 60_000);
});
