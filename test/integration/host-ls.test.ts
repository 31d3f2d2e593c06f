// `agentmux host ls` (the built CLI): ssh hosts checked against a real sshd on loopback, docker
// hosts through the fake docker; no server runs, and none is started for it.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostRow } from '../../src/core/host-listing.js';
import { runCli, stopServer } from '../support/cli-runner.js';
import { fakeDocker, type FakeDocker } from '../support/fake-docker.js';
import { sshdMissing, startLoopbackSshd, type LoopbackSshd } from '../support/loopback-sshd.js';
import { serverPidsOf } from '../support/server-processes.js';

const missing = sshdMissing();

let sshd: LoopbackSshd;
let docker: FakeDocker;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  if (missing) return;
  dir = mkdtempSync(join(tmpdir(), 'amx-host-ls-'));
  sshd = await startLoopbackSshd();
  docker = fakeDocker({ images: ['node:20'], containers: { 'my-sandbox': { running: true }, stopped: { running: false, status: 'exited' } } });
  // What `remote-agent probe` answers.
  const probe = join(dir, 'probe-agentmux');
  writeFileSync(probe, '#!/bin/sh\n[ "$1 $2" = "remote-agent probe" ] && echo \'{"agentmux":"9.9.9","node":"v20.99.0"}\'\n');
  chmodSync(probe, 0o755);
  const home = join(dir, 'home');
  env = {
    ...docker.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_STATE_HOME: join(home, '.state'), XDG_RUNTIME_DIR: join(dir, 'run'),
  };
  mkdirSync(join(home, '.config', 'agentmux'), { recursive: true });
  mkdirSync(join(dir, 'run'), { mode: 0o700 });
  const ssh = { ssh: sshd.alias, sshArgs: ['-F', sshd.sshConfig] };
  writeFileSync(join(home, '.config', 'agentmux', 'config.json'), JSON.stringify({
    hosts: {
      loop: { ...ssh, agentmux: probe },
      bare: ssh,
      plain: { ...ssh, agentmux: false },
      down: { ssh: sshd.alias, sshArgs: ['-F', sshd.sshConfig, '-p', '1'] },
      box: { docker: 'my-sandbox' },
      idle: { docker: 'stopped' },
      sandbox: { docker: 'sandbox', image: 'node:20' },
      python: { docker: 'py', image: 'python:3' },
    },
  }));
});

afterAll(async () => {
  if (missing) return;
  await sshd.stop();
  docker.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(missing)('agentmux host ls', () => {
  it('shows each host, where it points, whether it answers and its agents', async () => {
    const result = await runCli(['host', 'ls'], { env, cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n').map((line) => line.replace(/ {2,}/g, ' | '));
    expect(lines).toEqual([
      'HOST | KIND | WHERE | STATUS | AGENTS',
      'loop | ssh | amx-loop | agentmux 9.9.9, Node v20.99.0 | 0',
      'bare | ssh | amx-loop | reachable, no agentmux (agentmux host install bare) | 0',
      'plain | ssh | amx-loop | reachable, plain ssh (no agentmux) | 0',
      expect.stringMatching(/^down \| ssh \| amx-loop \| amx-loop is unreachable \(ssh: connect to host 127\.0\.0\.1 port 1: Connection refused\) \| 0$/),
      'box | docker | container my-sandbox | running | 0',
      'idle | docker | container stopped | not running (exited): start it with docker start stopped | 0',
      'sandbox | docker | image node:20 | image node:20 is here | 0',
      'python | docker | image python:3 | image python:3 is not on this machine: get it with docker pull python:3 | 0',
    ]);
    expect(serverPidsOf(env)).toEqual([]);
  });

  it('gives the same as JSON', async () => {
    const result = await runCli(['host', 'ls', '--json'], { env, cwd: dir });
    const rows = JSON.parse(result.stdout) as HostRow[];
    expect(rows.map((row) => [row.name, row.kind, row.reachable])).toEqual([
      ['loop', 'ssh', true], ['bare', 'ssh', true], ['plain', 'ssh', true], ['down', 'ssh', false],
      ['box', 'docker', true], ['idle', 'docker', false], ['sandbox', 'docker', true], ['python', 'docker', false],
    ]);
    expect(rows[0]).toMatchObject({ where: 'amx-loop', agentmux: '9.9.9', node: 'v20.99.0', agents: [] });
  });

  it('shows the agents of a running server on their hosts', async () => {
    try {
      expect((await runCli(['run', '--host', 'plain', '--name', 'remote-sleep', '--', 'exec sleep 60'], { env, cwd: dir })).stdout).toBe('remote-sleep\n');
      expect((await runCli(['run', '--name', 'local-sleep', '--', 'exec sleep 60'], { env, cwd: dir })).stdout).toBe('local-sleep\n');
      const result = await runCli(['host', 'ls'], { env, cwd: dir });
      expect(result.stdout.split('\n').find((line) => line.startsWith('plain '))).toMatch(/ 1 \(remote-sleep running\)$/);
      expect(result.stdout.split('\n').find((line) => line.startsWith('loop '))).toMatch(/ 0$/);
    } finally {
      await stopServer(env, dir);
    }
  });

  it('says what is wrong with its own use', async () => {
    expect(await runCli(['host', 'ls', '--long'], { env, cwd: dir })).toEqual({
      code: 2, stdout: '', stderr: 'agentmux: host ls: unknown option --long\nusage: agentmux host ls [--json] | agentmux host install NAME\n',
    });
    expect((await runCli(['host'], { env, cwd: dir })).stderr).toBe('agentmux: host needs an action\nusage: agentmux host ls [--json] | agentmux host install NAME\n');
  });
});
