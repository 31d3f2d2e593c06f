// Agents on an SSH host through the AgentServer, against a real OpenSSH server on loopback: the
// checks made before an agent starts there (unknown, unreachable, changed host key, no or an old
// agentmux there), and a plain `ssh -tt` agent whose exit status is its only signal.
// Needs the emulator worker from dist/: run `npm run build` first.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HostConfig } from '../../src/core/hosts.js';
import { cliKinds } from '../../src/core/cli-kinds.js';
import { runCommand } from '../../src/pty/command-runner.js';
import { EmulatorPool } from '../../src/pty/emulator-pool.js';
import { createPtyRuntime } from '../../src/pty/pty-runtime.js';
import { AgentServer } from '../../src/server/agent-server.js';
import { HostLinks } from '../../src/server/host-links.js';
import { GitWorktrees } from '../../src/git/index.js';
import { createTempRepo, THEME_SCRIPTS } from '../support/git-repo.js';
import { sshdMissing, startLoopbackSshd, type LoopbackSshd } from '../support/loopback-sshd.js';
import { ServerTestClient } from '../support/server-test-client.js';

const missing = sshdMissing();
if (missing) console.warn(`skipping the SSH host tests: ${missing}`);

let sshd: LoopbackSshd;
let tmp: string;
let pool: EmulatorPool;
let server: AgentServer | undefined;

/** A server with `hosts`; with `git`, in that repository with worktrees here and on the hosts. */
function newServer(hosts: Record<string, HostConfig>, git?: { repo: string; env: NodeJS.ProcessEnv; isolation: Record<string, string> }): AgentServer {
  const controlDir = join(tmp, 'ssh');
  mkdirSync(controlDir, { recursive: true, mode: 0o700 });
  return new AgentServer({
    runtime: createPtyRuntime(pool, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp, LC_ALL: 'C', ...git?.isolation }, scrollback: 500, killGraceMs: 500 }),
    model: { configured: false, help: 'no model' },
    cwd: git?.repo ?? tmp,
    hosts: new HostLinks({ hosts, controlDir, run: runCommand, linkProgram: (args) => ({ file: process.execPath, args }) }),
    clis: cliKinds({ shell: { program: 'sh', taskArgs: ['-c', '{task}'], resumeArgs: ['-c', 'echo resumed {session}'] } }),
    ...(git ? { worktrees: new GitWorktrees(git.repo, { env: git.env }), remoteWorktrees: { hosts, controlDir, env: git.env } } : {}),
    stateDir: join(tmp, 'state'),
  });
}

describe.skipIf(missing !== undefined)('agents on an SSH host', () => {
  const plain = (): HostConfig => ({ ssh: sshd.alias, sshArgs: ['-F', sshd.sshConfig], agentmux: false, cwd: sshd.remoteHome });

  beforeAll(async () => {
    sshd = await startLoopbackSshd();
  });

  afterAll(async () => {
    await sshd?.stop();
  });

  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'amux-hosts-'));
    pool = new EmulatorPool();
  });

  afterEach(async () => {
    server?.dispose();
    server = undefined;
    await pool.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('runs a command there under plain ssh: the list shows the host, the exit status is its end', async () => {
    server = newServer({ build: plain() });
    const client = new ServerTestClient(server);
    const answer = await client.request({ type: 'run', command: 'echo "on $HOME"; exit 3', cwd: tmp, host: 'build', name: 'remote-echo' });
    expect(answer).toEqual({ name: 'remote-echo' });
    const started = client.agent('remote-echo');
    expect(started).toMatchObject({ host: 'build', hostLink: 'plain', cwd: sshd.remoteHome });
    const flash = await client.waitFor('the end of remote-echo', () => client.flash('remote-echo'));
    expect(flash.word).toBe('failed');
    expect(client.agent('remote-echo')).toMatchObject({ state: 'failed', exitCode: 3, lastLine: `on ${sshd.remoteHome}` });
  });

  it('runs an agent CLI there, and does not resume it here once it ended', async () => {
    server = newServer({ build: plain() });
    const client = new ServerTestClient(server);
    expect(await client.request({ type: 'new', cli: 'shell', task: 'echo cli on $HOME', cwd: tmp, host: 'build', name: 'remote-cli' })).toEqual({ name: 'remote-cli' });
    await client.waitFor('remote-cli to end', () => client.flash('remote-cli'));
    expect(client.agent('remote-cli')).toMatchObject({ host: 'build', state: 'finished', lastLine: `cli on ${sshd.remoteHome}` });
    expect(await client.request({ type: 'send', name: 'remote-cli', text: 'go on' }))
      .toEqual({ error: 'remote-cli ran on build: it cannot be resumed from here; start a new one there with --host build' });
  });

  it('refuses an unknown host in one line, naming the hosts there are', async () => {
    server = newServer({ build: plain() });
    const client = new ServerTestClient(server);
    expect(await client.request({ type: 'run', command: 'true', cwd: tmp, host: 'gpu' }))
      .toEqual({ error: 'no host named gpu (hosts: build; agentmux host ls lists them)' });
    expect(client.agents()).toEqual([]);
  });

  it('refuses an unreachable host, and one whose key changed, in one line each; nothing starts', async () => {
    server = newServer({ build: plain() });
    const client = new ServerTestClient(server);
    await sshd.stopListening();
    try {
      const unreachable = await client.request({ type: 'run', command: 'true', cwd: tmp, host: 'build' });
      expect(unreachable.error).toMatch(/^build: amx-loop is unreachable \(.*Connection refused.*\)$/);
    } finally {
      await sshd.listen();
    }
    await sshd.changeHostKey();
    const changed = await client.request({ type: 'run', command: 'true', cwd: tmp, host: 'build' });
    expect(changed.error).toBe('build: the host key of amx-loop has changed: if that is expected, remove the old key (ssh-keygen -R) and connect once with ssh yourself');
    expect(client.agents()).toEqual([]);
    // The test's own known_hosts accepts the new key again for the tests after this one.
    rmSync(join(sshd.dir, 'known_hosts'), { force: true });
  });

  it('refuses a host without agentmux, and one whose Node is too old, saying what to do', async () => {
    // An agentmux there that runs on an old Node (it answers the probe with its version).
    const oldAgentmux = join(tmp, 'old-agentmux');
    writeFileSync(oldAgentmux, '#!/bin/sh\necho \'{"agentmux":"0.1.0","node":"v18.19.0"}\'\n');
    chmodSync(oldAgentmux, 0o755);
    server = newServer({
      bare: { ssh: sshd.alias, sshArgs: ['-F', sshd.sshConfig], agentmux: join(tmp, 'no-such-agentmux') },
      old: { ssh: sshd.alias, sshArgs: ['-F', sshd.sshConfig], agentmux: oldAgentmux },
    });
    const client = new ServerTestClient(server);
    expect(await client.request({ type: 'run', command: 'true', cwd: tmp, host: 'bare' }))
      .toEqual({ error: 'bare: agentmux is not installed there: run agentmux host install bare (or set "agentmux": false for plain ssh)' });
    const old = await client.request({ type: 'run', command: 'true', cwd: tmp, host: 'old' });
    expect(old.error).toBe('old: Node v18.19.0 is too old for agentmux there: install Node 20.19 or later on that host');
    expect(client.agents()).toEqual([]);
  });

  it('runs a --worktree agent in a worktree of the host\'s checkout, and /compare fetches its branch here', async () => {
    const repo = await createTempRepo();
    const checkout = join(sshd.remoteHome, 'app');
    try {
      await repo.gitIn(sshd.remoteHome, 'clone', '--quiet', repo.repo, checkout);
      await repo.gitIn(checkout, 'config', 'user.name', 'Remote User');
      await repo.gitIn(checkout, 'config', 'user.email', 'remote@example.invalid');
      const hosts: Record<string, HostConfig> = { build: { ...plain(), cwd: '~/app' } };
      server = newServer(hosts, { repo: repo.repo, env: repo.env, isolation: repo.isolation });
      const client = new ServerTestClient(server);
      const script = THEME_SCRIPTS['ui-dark'];
      expect(await client.request({ type: 'run', command: script, cwd: repo.repo, host: 'build', name: 'ui-dark', worktree: {} })).toEqual({ name: 'ui-dark' });
      const path = `${checkout}.agentmux-worktrees/ui-dark`;
      expect(client.agent('ui-dark')).toMatchObject({ host: 'build', cwd: path, worktree: { branch: 'agentmux/ui-dark', path } });
      await client.waitFor('ui-dark to finish', () => client.agent('ui-dark')?.state === 'finished');
      expect(await client.request({ type: 'compare', names: ['ui-dark'] })).toEqual({});
      const comparison = await client.waitFor('the comparison', () => client.of('comparison').pop()?.comparison);
      expect(comparison.attempts.map((attempt) => [attempt.name, attempt.ahead, attempt.files.map((file) => file.path)])).toEqual([['ui-dark', 1, ['dark.txt', 'theme.css']]]);
      // The branch was fetched into the local repository.
      expect((await repo.git('branch', '--list', 'agentmux/ui-dark')).trim()).toBe('agentmux/ui-dark');
    } finally {
      await repo.remove();
      rmSync(checkout, { recursive: true, force: true });
      rmSync(`${checkout}.agentmux-worktrees`, { recursive: true, force: true });
    }
  });

  it('shares one ssh connection between the checks and agents of a host', async () => {
    server = newServer({ build: plain() });
    const client = new ServerTestClient(server);
    await client.request({ type: 'run', command: 'true', cwd: tmp, host: 'build', name: 'first' });
    await client.waitFor('first to end', () => client.flash('first'));
    const sockets = readdirSync(join(tmp, 'ssh'));
    expect(sockets).toHaveLength(1);
    expect(existsSync(join(tmp, 'ssh', sockets[0]))).toBe(true);
  });
});
