// Agents on docker hosts through the fake docker (no Docker engine runs here): the checks before an
// agent starts, the exact command lines, and how the agent's process ends in a real pty
// (the emulator pool's worker comes from dist/: run `npm run build` first).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endStateOf, type ProcessExit } from '../../src/core/agent.js';
import type { DockerHost } from '../../src/core/hosts.js';
import { runCommand } from '../../src/pty/command-runner.js';
import { AgentProcess } from '../../src/pty/agent-process.js';
import { EmulatorPool } from '../../src/pty/emulator-pool.js';
import { dockerProgram, dockerTargetAt, prepareDocker, type DockerTarget } from '../../src/server/docker-host.js';
import { fakeDocker, type FakeDocker } from '../support/fake-docker.js';

let docker: FakeDocker;
let work: string;
let pool: EmulatorPool;
const processes: AgentProcess[] = [];

beforeEach(() => {
  work = realpathSync(mkdtempSync(join(tmpdir(), 'amx-docker-work-')));
  mkdirSync(join(work, 'app'));
  docker = fakeDocker({
    images: ['node:20'],
    containers: {
      sandbox: { running: true, mounts: [{ Source: work, Destination: '/work' }] },
      idle: { running: false, status: 'exited' },
    },
  });
  pool = new EmulatorPool();
});

afterEach(async () => {
  for (const agent of processes.splice(0)) agent.dispose();
  await pool.dispose();
  docker.dispose();
  rmSync(work, { recursive: true, force: true });
});

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !['Z', 'X'].includes(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]);
  } catch {
    return false;
  }
}

/** Runs the agent's docker command in a real pty, as the server does. */
function startAgent(target: DockerTarget, argv: string[], env: Record<string, string> = {}) {
  const program = dockerProgram(target, { agentName: 'tests', argv, env, killGraceMs: 1000 });
  let end: ProcessExit | undefined;
  const agent = new AgentProcess(pool, {
    file: program.file, args: program.args, cwd: work, cols: 80, rows: 24, env: { ...process.env, ...docker.env } as Record<string, string>,
    scrollback: 100, killGraceMs: 1000,
  }, {
    onLastLine: () => undefined, onFrame: () => undefined, onReport: () => undefined, onHook: () => undefined,
    onChannelProblem: () => undefined, onOutput: () => undefined, onEnd: (exit) => { end = exit; },
  });
  processes.push(agent);
  return { program, agent, ended: () => waitFor('the agent to end', () => end) };
}

const box = (host: Partial<DockerHost> = {}): DockerHost => ({ docker: 'sandbox', ...host });

describe('prepareDocker: one line per fault, nothing started', () => {
  it('says the docker CLI is missing', async () => {
    const noDocker = (file: string, args: readonly string[]) => runCommand(file, args, { env: { PATH: join(work, 'empty') } });
    expect(await prepareDocker('box', box(), work, noDocker)).toBe("box: the docker command is not installed here: install Docker's CLI");
  });

  it('says there is no such container, or that it is not running', async () => {
    expect(await prepareDocker('box', box({ docker: 'nope' }), work, docker.run))
      .toBe('box: there is no container nope (docker ps -a lists them): create it, or fix "docker" in the config');
    expect(await prepareDocker('box', box({ docker: 'idle' }), work, docker.run))
      .toBe('box: container idle is not running (exited): start it with docker start idle');
  });

  it('says the daemon is not running', async () => {
    docker.setState({ daemon: false });
    expect(await prepareDocker('box', box(), work, docker.run)).toBe('box: the docker daemon is not running here: start Docker');
  });

  it('says an image is missing and how to pull it', async () => {
    expect(await prepareDocker('box', box({ image: 'python:3' }), work, docker.run))
      .toBe('box: image python:3 is not on this machine: get it with docker pull python:3');
  });

  it('says a directory outside the container\'s mounts must be mounted, or given a sandbox', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'amx-docker-outside-'));
    try {
      expect(await prepareDocker('box', box(), outside, docker.run)).toBe(
        `box: ${outside} is not mounted in container sandbox: mount it (docker run -v ${outside}:${outside} …), or give the host an "image" for a sandbox per agent`,
      );
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
    expect(docker.calls().every(([command]) => command === 'container' || command === 'image')).toBe(true);
  });

  it('finds the directory inside the container, or takes the host\'s cwd', async () => {
    const mounts = [{ source: work, destination: '/work' }];
    const target = await prepareDocker('box', box(), join(work, 'app'), docker.run);
    expect(target).toEqual({ host: 'box', container: 'sandbox', dir: '/work/app', mounts });
    // A worktree made later for the agent is found through the same mounts; one outside them is refused.
    expect(dockerTargetAt(target as DockerTarget, join(work, 'wt', 'ui'))).toEqual({ host: 'box', container: 'sandbox', dir: '/work/wt/ui', mounts });
    expect(dockerTargetAt(target as DockerTarget, '/srv/other')).toBe(
      'box: /srv/other is not mounted in container sandbox: mount it (docker run -v /srv/other:/srv/other …), or give the host an "image" for a sandbox per agent',
    );
    expect(await prepareDocker('box', box({ cwd: '/src' }), '/elsewhere', docker.run)).toEqual({ host: 'box', container: 'sandbox', dir: '/src' });
    expect(await prepareDocker('box', box({ cwd: '~/src' }), work, docker.run)).toMatch(/^box: cwd ~\/src is not a directory docker knows/);
    expect(await prepareDocker('box', box({ image: 'node:20' }), work, docker.run)).toEqual({ host: 'box', image: 'node:20', dir: work });
    expect(await prepareDocker('box', box({ image: 'node:20' }), '/srv/a:b', docker.run)).toBe(
      'box: /srv/a:b has a colon in its path, which docker run -v cannot mount: use a directory without one',
    );
  });
});

describe('an agent in a container', () => {
  it('execs the exact command line, in the mounted directory, with only its own variables', async () => {
    const target = await prepareDocker('box', box(), join(work, 'app'), docker.run) as DockerTarget;
    // What this machine's environment holds stays here: a container has its own.
    process.env.HOME_SECRET = 'must-not-cross';
    const { program, ended } = startAgent(target, ['sh', '-c', 'pwd > out.txt; echo "[$GREETING][$HOME_SECRET]" >> out.txt'], { GREETING: 'hi there' });
    delete process.env.HOME_SECRET;
    const exit = await ended();
    expect(exit.exitCode).toBe(0);
    expect(endStateOf(exit, false)).toBe('finished');
    expect(readFileSync(join(work, 'app', 'out.txt'), 'utf8')).toBe(`${join(work, 'app')}\n[hi there][]\n`);
    const pidFile = program.args[program.args.indexOf('sh') + 3];
    expect(pidFile).toMatch(/^\/tmp\/agentmux-tests-[0-9a-f]{8}\.pid$/);
    expect(docker.calls().at(-1)).toEqual([
      'exec', '-it', '-w', '/work/app', '-e', 'GREETING=hi there', 'sandbox', 'sh', '-c', program.args[program.args.indexOf('sh') + 2], pidFile,
      'sh', '-c', 'pwd > out.txt; echo "[$GREETING][$HOME_SECRET]" >> out.txt',
    ]);
    expect(existsSync(pidFile)).toBe(false);
  });

  it('ends failed with the program\'s exit code', async () => {
    const target = await prepareDocker('box', box(), work, docker.run) as DockerTarget;
    const exit = await startAgent(target, ['sh', '-c', 'exit 3']).ended();
    expect(exit.exitCode).toBe(3);
    expect(endStateOf(exit, false)).toBe('failed');
  });

  it('ends failed (137) when its container is stopped mid-run', async () => {
    const target = await prepareDocker('box', box(), work, docker.run) as DockerTarget;
    const { ended } = startAgent(target, ['sh', '-c', 'echo $$ > pid; exec sleep 60']);
    const pid = await waitFor('the program to start', () => (existsSync(join(work, 'pid')) ? Number(readFileSync(join(work, 'pid'), 'utf8')) || undefined : undefined));
    expect((await docker.run('docker', ['stop', 'sandbox'])).code).toBe(0);
    const exit = await ended();
    expect(exit.exitCode).toBe(137);
    expect(endStateOf(exit, false)).toBe('failed');
    expect(alive(pid)).toBe(false);
    expect(await prepareDocker('box', box(), work, docker.run)).toBe('box: container sandbox is not running (exited): start it with docker start sandbox');
  });

  it('is really stopped by a kill: its stop command ends what the docker client left running', async () => {
    const target = await prepareDocker('box', box(), work, docker.run) as DockerTarget;
    const { program, agent, ended } = startAgent(target, ['sh', '-c', 'echo $$ > pid; exec sleep 60']);
    const pid = await waitFor('the program to start', () => (existsSync(join(work, 'pid')) ? Number(readFileSync(join(work, 'pid'), 'utf8')) || undefined : undefined));
    await agent.kill();
    await ended();
    // The docker client is gone, the program in the container is not: the client passes no signal on.
    expect(alive(pid)).toBe(true);
    expect((await docker.run(program.stop.file, program.stop.args)).code).toBe(0);
    await waitFor('the program to end', () => (alive(pid) ? undefined : true));
  });
});

describe('an agent in a sandbox of its own', () => {
  it('runs the exact command line with only its directory mounted, and ends with the program', async () => {
    const target = await prepareDocker('box', box({ image: 'node:20' }), work, docker.run) as DockerTarget;
    const { program, ended } = startAgent(target, ['sh', '-c', 'pwd > out.txt; exit 3'], { K: 'v' });
    expect((await ended()).exitCode).toBe(3);
    const name = program.args[program.args.indexOf('--name') + 1];
    expect(name).toMatch(/^agentmux-tests-[0-9a-f]{8}$/);
    expect(docker.calls().at(-1)).toEqual(['run', '--rm', '-it', '--name', name, '-v', `${work}:${work}`, '-w', work, '-e', 'K=v', 'node:20', 'sh', '-c', 'pwd > out.txt; exit 3']);
    expect(readFileSync(join(work, 'out.txt'), 'utf8')).toBe(`${work}\n`);
    expect(program.stop.args).toEqual(['stop', '-t', '1', name]);
  });

  it('stops with its client on a kill (the client passes the signal on)', async () => {
    const target = await prepareDocker('box', box({ image: 'node:20' }), work, docker.run) as DockerTarget;
    const { agent, ended } = startAgent(target, ['sh', '-c', 'echo $$ > pid; exec sleep 60']);
    const pid = await waitFor('the program to start', () => (existsSync(join(work, 'pid')) ? Number(readFileSync(join(work, 'pid'), 'utf8')) || undefined : undefined));
    await agent.kill();
    await ended();
    await waitFor('the program to end', () => (alive(pid) ? undefined : true));
  });
});
