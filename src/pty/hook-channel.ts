// agentmux's end of an agent CLI's hooks (core/cli-hooks.ts): a Unix socket in a directory of its own
// (mkdtemp: 0700) that takes one message per connection — the hook runner's — checks the agent's
// token, and answers `ok`. The files the CLI is set up with for this run (a settings file) are
// written beside it. It all lives as long as the agent's process.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { HookFile } from '../core/agent.js';
import { HOOK_SOCKET_ENV, HOOK_TOKEN_ENV, MAX_HOOK_MESSAGE_BYTES, parseHookMessage, type HookMessage } from '../core/cli-hooks.js';
import { MessageDecoder, WireError } from '../core/wire.js';

export type HookEvent = Omit<HookMessage, 'token'>;

export interface HookChannelListener {
  onHook(event: HookEvent): void;
  /** Something that is not the agent's hook spoke on its socket (said once). */
  onChannelProblem(message: string): void;
}

/** How long a hook runner has to send its message. */
const MESSAGE_TIMEOUT_MS = 5_000;

export class HookChannel {
  private readonly dir: string;
  private readonly path: string;
  private readonly token = randomBytes(24).toString('hex');
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private complained = false;
  private readonly fileEnv: Record<string, string> = {};

  constructor(baseDir: string, private readonly listener: HookChannelListener, files: readonly HookFile[] = []) {
    this.dir = mkdtempSync(join(baseDir, 'amx-'));
    this.path = join(this.dir, 'hook');
    try {
      for (const file of files) {
        const path = join(this.dir, file.name);
        writeFileSync(path, file.content, { mode: 0o600 });
        this.fileEnv[file.env] = path;
      }
    } catch (error) {
      rmSync(this.dir, { recursive: true, force: true });
      throw error;
    }
    this.server = createServer((socket) => this.accept(socket));
    this.server.on('error', (error) => this.problem(`the hooks' socket failed: ${error.message}`));
    this.server.listen(this.path);
  }

  /** The variables that let the agent's hook runner reach this channel, and name its files. */
  get env(): Record<string, string> {
    return { ...this.fileEnv, [HOOK_SOCKET_ENV]: this.path, [HOOK_TOKEN_ENV]: this.token };
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const decoder = new MessageDecoder(MAX_HOOK_MESSAGE_BYTES);
    const timer = setTimeout(() => socket.destroy(), MESSAGE_TIMEOUT_MS);
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      if (answered) return;
      let messages: unknown[];
      try {
        messages = decoder.push(chunk);
      } catch (error) {
        if (!(error instanceof WireError)) throw error;
        answered = true;
        this.refuse(socket, error.message);
        return;
      }
      if (messages.length === 0) return;
      answered = true;
      const parsed = parseHookMessage(messages[0]);
      if ('error' in parsed) this.refuse(socket, parsed.error);
      else if (!this.isToken(parsed.token)) this.refuse(socket, 'wrong token');
      else {
        socket.end('ok\n');
        this.listener.onHook({ source: parsed.source, event: parsed.event, ...(parsed.payload !== undefined ? { payload: parsed.payload } : {}) });
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      clearTimeout(timer);
      this.sockets.delete(socket);
    });
  }

  private isToken(given: string): boolean {
    const expected = Buffer.from(this.token);
    const actual = Buffer.from(given);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  private refuse(socket: Socket, reason: string): void {
    socket.end(`refused: ${reason}\n`);
    this.problem(`a hook message was refused (${reason})`);
  }

  private problem(message: string): void {
    if (this.complained) return;
    this.complained = true;
    this.listener.onChannelProblem(message);
  }

  dispose(): void {
    this.server.close();
    for (const socket of this.sockets) socket.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
