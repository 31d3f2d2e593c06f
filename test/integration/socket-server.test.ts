// The server's socket with a real Unix socket and a stand-in host: a fault while serving one client's
// command is logged with its stack and told to that client, and the server goes on serving everyone.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type ClientMessage, type ServerEvent } from '../../src/core/protocol.js';
import { encodeMessage, MessageDecoder } from '../../src/core/wire.js';
import { SocketServer, type ClientHost } from '../../src/server/socket-server.js';

let dir: string;
let server: SocketServer | undefined;
const sockets: Socket[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'amux-socket-'));
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.close();
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** A host whose connections fail on `kill` and answer everything else with a notice naming the command. */
const host: ClientHost = {
  stopping: false,
  connect: async (_hello, send) => ({
    handle(message: ClientMessage) {
      if (message.type === 'kill') throw new Error(`cannot kill ${message.name}: a bug`);
      send({ type: 'notice', message: `did ${message.type}` });
    },
    close: () => undefined,
  }),
};

/** A connected client that said hello; `events` collects what the server sends. */
async function client(path: string): Promise<{ send(message: unknown): void; events: ServerEvent[] }> {
  const socket = connect(path);
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const events: ServerEvent[] = [];
  const decoder = new MessageDecoder(1 << 20);
  socket.on('data', (chunk: Buffer) => events.push(...(decoder.push(chunk) as ServerEvent[])));
  const send = (message: unknown) => socket.write(encodeMessage(message));
  send({ type: 'hello', version: PROTOCOL_VERSION, role: 'script', cwd: dir, flags: {}, session: { kind: 'current' } });
  return { send, events };
}

async function until<T>(what: string, probe: () => T | undefined, seen: () => unknown): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; saw ${JSON.stringify(seen())}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('SocketServer', () => {
  it('logs a command that throws with its stack, tells that client, and goes on serving it and the others', async () => {
    const log: string[] = [];
    server = new SocketServer(join(dir, 'server.sock'), host, 'test', (line) => log.push(line));
    await server.listen();
    const faulty = await client(join(dir, 'server.sock'));
    const other = await client(join(dir, 'server.sock'));

    faulty.send({ type: 'kill', name: 'build' });
    const error = await until('the error', () => faulty.events.find((event) => event.type === 'error'), () => faulty.events);
    expect(error).toEqual({ type: 'error', message: 'the server could not do that (cannot kill build: a bug): its log says more' });
    expect(log).toEqual([expect.stringMatching(/^kill failed: Error: cannot kill build: a bug\n\s+at /)]);

    faulty.send({ type: 'detach' });
    other.send({ type: 'detach' });
    for (const { events } of [faulty, other]) {
      await until('the next answer', () => events.find((event) => event.type === 'notice' && event.message === 'did detach'), () => events);
    }
  });
});
