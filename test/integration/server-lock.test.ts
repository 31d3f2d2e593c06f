// The state lock against the real flock(1): one holder at a time, released by dispose, and a
// second taker that changes nothing and says how to reach the holder.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockState, ServerLock } from '../../src/cli/server-lock.js';

let root: string;
const held: ServerLock[] = [];
const listening: Server[] = [];
const children: ChildProcess[] = [];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'agentmux-lock-'));
});
afterEach(async () => {
  for (const lock of held.splice(0)) lock.dispose();
  // Each holder with its shell and sleep: its own process group.
  for (const child of children.splice(0)) process.kill(-(child.pid as number), 'SIGKILL');
  await Promise.all(listening.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  rmSync(root, { recursive: true, force: true });
});

async function take(socket: string): Promise<Awaited<ReturnType<typeof lockState>>> {
  const result = await lockState(root, socket, process.env);
  if (result instanceof ServerLock) held.push(result);
  return result;
}

describe('lockState', () => {
  it('writes who holds the lock; a second taker is told the pid and the socket, and the file stays as it was', async () => {
    const first = await take('/run/user/1000/agentmux/server.sock');
    expect(first).toBeInstanceOf(ServerLock);
    const written = readFileSync(join(root, 'server.lock'), 'utf8');
    expect(JSON.parse(written)).toEqual({ pid: process.pid, socket: '/run/user/1000/agentmux/server.sock', startedAt: expect.any(String) });

    expect(await take(join(root, 'other', 'agentmux', 'server.sock'))).toEqual({
      refused: `another agentmux server (pid ${process.pid}) uses this state (${root}): it listens on /run/user/1000/agentmux/server.sock `
        + `— reach it with XDG_RUNTIME_DIR=/run/user/1000, or stop it with kill ${process.pid}`,
    });
    expect(readFileSync(join(root, 'server.lock'), 'utf8')).toBe(written);
  });

  it('names the temporary directory when the holder listens outside XDG_RUNTIME_DIR', async () => {
    expect(await take('/tmp/agentmux-1000/server.sock')).toBeInstanceOf(ServerLock);
    expect(await take('/run/user/1000/agentmux/server.sock')).toMatchObject({
      refused: expect.stringContaining('it listens on /tmp/agentmux-1000/server.sock — reach it with XDG_RUNTIME_DIR unset and TMPDIR=/tmp, or stop'),
    });
  });

  it('waits for a holder that has just taken the lock to write itself over the server before it', async () => {
    const file = join(root, 'server.lock');
    const gone = spawnSync('true').pid;
    writeFileSync(file, `${JSON.stringify({ pid: gone, socket: '/old/agentmux/server.sock', startedAt: '2020-01-01T00:00:00.000Z' })}\n`);
    // Another process takes the lock and, a moment later, says who it is.
    const holder = spawn('flock', [file, '-c', 'echo locked; exec sleep 60'], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    children.push(holder);
    await new Promise((resolve) => holder.stdout?.once('data', resolve));
    setTimeout(() => writeFileSync(file, `${JSON.stringify({ pid: holder.pid, socket: '/new/agentmux/server.sock', startedAt: new Date().toISOString() })}\n`), 300);
    expect(await take('/r/agentmux/server.sock')).toMatchObject({
      refused: expect.stringMatching(new RegExp(`^another agentmux server \\(pid ${holder.pid}\\) .*: it listens on /new/agentmux/server.sock `)),
    });
  });

  it('answers "running" to a taker for the same socket, once the holder answers there', async () => {
    const socket = join(root, 'server.sock');
    expect(await take(socket)).toBeInstanceOf(ServerLock);
    const server = createServer((connection) => connection.end());
    listening.push(server);
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    expect(await take(socket)).toBe('running');
  });

  it('is free again once the holder disposes of it (or ends), and the next holder writes itself over the last', async () => {
    const first = await take('/run/user/1000/agentmux/server.sock');
    expect(first).toBeInstanceOf(ServerLock);
    (first as ServerLock).dispose();
    expect(await take('/r/agentmux/server.sock')).toBeInstanceOf(ServerLock);
    expect(JSON.parse(readFileSync(join(root, 'server.lock'), 'utf8'))).toMatchObject({ socket: '/r/agentmux/server.sock' });
  });

  it('says in one line that flock(1) is missing', async () => {
    expect(await lockState(root, '/r/agentmux/server.sock', { PATH: join(root, 'no-bin') })).toEqual({
      refused: `flock(1) is missing: install util-linux, which agentmux needs to run one server per state directory (${root})`,
    });
  });
});
