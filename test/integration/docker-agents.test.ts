// Agents on a docker host through the AgentServer, with the fake `docker` (no Docker engine runs
// here): `/run --host box` execs into the running container, its exit status is its end, /kill also
// ends the program inside (which `docker exec` alone would leave running), and a stopped container
// is refused in one line. Needs the emulator worker from dist/: run `npm run build` first.
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmulatorPool } from '../../src/pty/emulator-pool.js';
import { createPtyRuntime } from '../../src/pty/pty-runtime.js';
import { AgentServer } from '../../src/server/agent-server.js';
import { HostLinks } from '../../src/server/host-links.js';
import { fakeDocker, type FakeDocker } from '../support/fake-docker.js';
import { ServerTestClient } from '../support/server-test-client.js';

let tmp: string;
let work: string;
let docker: FakeDocker;
let pool: EmulatorPool;
let server: AgentServer | undefined;

beforeEach(() => {
  tmp = realpathSync(mkdtempSync(join(tmpdir(), 'amux-docker-agents-')));
  work = join(tmp, 'work');
  mkdirSync(work);
  docker = fakeDocker({ containers: { sandbox: { running: true, mounts: [{ Source: work, Destination: '/work' }] } } });
  pool = new EmulatorPool();
  const env = { ...docker.env, HOME: tmp, LC_ALL: 'C' };
  server = new AgentServer({
    runtime: createPtyRuntime(pool, { env, scrollback: 200, killGraceMs: 500 }),
    model: { configured: false, help: 'no model' },
    cwd: work,
    hosts: new HostLinks({ hosts: { box: { docker: 'sandbox' } }, controlDir: join(tmp, 'ssh'), run: docker.run, killGraceMs: 500, linkProgram: (args) => ({ file: process.execPath, args }) }),
  });
});

afterEach(async () => {
  server?.dispose();
  server = undefined;
  await pool.dispose();
  docker.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

describe('agents in a docker container', () => {
  it('runs a command in the container, where the directory is mounted; its exit status is its end', async () => {
    const client = new ServerTestClient(server as AgentServer);
    expect(await client.request({ type: 'run', command: 'pwd > where.txt; exit 3', cwd: work, host: 'box', name: 'boxed' })).toEqual({ name: 'boxed' });
    expect(client.agent('boxed')).toMatchObject({ host: 'box', hostLink: 'docker', cwd: '/work' });
    await client.waitFor('boxed to end', () => client.flash('boxed'));
    expect(client.agent('boxed')).toMatchObject({ state: 'failed', exitCode: 3 });
    const exec = docker.calls().find((call) => call[0] === 'exec');
    expect(exec?.slice(0, 5)).toEqual(['exec', '-it', '-w', '/work', 'sandbox']);
    // The fake runs it here, in the directory the mount maps /work to.
    expect(readFileSync(join(work, 'where.txt'), 'utf8').trim()).toBe(work);
  });

  it('ends the program inside the container on /kill', async () => {
    const client = new ServerTestClient(server as AgentServer);
    expect(await client.request({ type: 'run', command: 'trap "" TERM HUP; echo started; exec sleep 60', cwd: work, host: 'box', name: 'sleeper' })).toEqual({ name: 'sleeper' });
    await client.waitFor('sleeper to start', () => client.agent('sleeper')?.lastLine === 'started');
    expect(await client.request({ type: 'kill', name: 'sleeper' })).toEqual({});
    expect(client.agent('sleeper')?.state).toBe('killed');
    // The stop command went into the container: `docker exec sandbox sh -c … PIDFILE`.
    expect(docker.calls().some((call) => call[0] === 'exec' && call[1] === 'sandbox')).toBe(true);
  });

  it('refuses a container that is not running, in one line; nothing starts', async () => {
    docker.setState({ containers: { sandbox: { running: false, status: 'exited', mounts: [{ Source: work, Destination: '/work' }] } } });
    const client = new ServerTestClient(server as AgentServer);
    expect(await client.request({ type: 'run', command: 'true', cwd: work, host: 'box' }))
      .toEqual({ error: 'box: container sandbox is not running (exited): start it with docker start sandbox' });
    expect(client.agents()).toEqual([]);
  });
});
