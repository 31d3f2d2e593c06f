// The server's end of the Unix socket: one connection per client, newline-delimited JSON.
// A connection must say hello first (protocol version, role, directory); every later line is
// a command, checked field by field. A client that sends garbage or too much is told why and
// disconnected; nobody else notices.
import { createServer, type Server, type Socket } from 'node:net';
import { chmodSync, unlinkSync } from 'node:fs';
import { parseClientHello, parseClientMessage } from '../core/command-validation.js';
import { MAX_CLIENT_MESSAGE_BYTES, PROTOCOL_VERSION, type ClientHello, type ClientMessage, type ServerEvent } from '../core/protocol.js';
import { encodeMessage, MessageDecoder, WireError } from '../core/wire.js';
import { SocketFileKeeper } from './socket-file-keeper.js';

export interface HostConnection {
  handle(message: ClientMessage): void;
  close(): void;
}

/** What serves clients once they said hello: a refusal (one line), or their connection. */
export interface ClientHost {
  connect(hello: ClientHello, send: (event: ServerEvent) => void): Promise<HostConnection | string>;
  /** The server is on its way out: new clients are refused. */
  readonly stopping: boolean;
}

const HELLO_TIMEOUT_MS = 10_000;
const CLOSE_GRACE_MS = 1000;
/** A client this far behind in reading is not coming back: it is dropped rather than buffered without end. */
const MAX_UNREAD_BYTES = 64 << 20;

export class SocketServer {
  private server: Server;
  private readonly sockets = new Set<Socket>();
  private keeper: SocketFileKeeper | undefined;

  /** `log` hears of a socket file that was removed and made again, and of a command that failed (with its stack). */
  constructor(
    private readonly path: string, private readonly host: ClientHost, private readonly serverVersion: string, private readonly log: (line: string) => void,
  ) {
    this.server = this.listener();
  }

  /** Listens, and listens again whenever the socket file is removed. */
  async listen(): Promise<void> {
    await this.bind();
    this.keeper = new SocketFileKeeper(this.path, () => this.relisten(), this.log);
  }

  /** Stops listening, removes the socket file and ends every connection (what was sent still reaches it). */
  close(): Promise<void> {
    this.keeper?.dispose();
    try {
      unlinkSync(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    for (const socket of this.sockets) socket.end();
    return new Promise((resolve) => {
      // A client that does not read what is left cannot hold the server up for long.
      const stragglers = setTimeout(() => {
        for (const socket of this.sockets) socket.destroy();
      }, CLOSE_GRACE_MS);
      this.server.close(() => {
        clearTimeout(stragglers);
        resolve();
      });
    });
  }

  private listener(): Server {
    return createServer((socket) => this.accept(socket));
  }

  /** Listens on the path, and makes the socket 0600; its directory (0700) already keeps everyone else out. */
  private bind(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.path, () => {
        this.server.off('error', reject);
        chmodSync(this.path, 0o600);
        resolve();
      });
    });
  }

  /** A new listener on the path; the connections of the old one go on. */
  private relisten(): Promise<void> {
    // Closing a listener removes the file at its path: the old one goes before the new one binds.
    this.server.close();
    this.server = this.listener();
    return this.bind();
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const decoder = new MessageDecoder(MAX_CLIENT_MESSAGE_BYTES);
    let connection: HostConnection | undefined;
    let greeted = false;
    let closed = false;
    /** Commands that came right behind the hello, while the workspace was being opened. */
    const early: unknown[] = [];
    const send = (event: ServerEvent) => {
      if (closed) return;
      if (socket.writableLength > MAX_UNREAD_BYTES) {
        drop('this client read too slowly and was disconnected');
        return;
      }
      socket.write(encodeMessage(event));
    };
    const drop = (reason: string) => {
      if (closed) return;
      socket.write(encodeMessage({ type: 'goodbye', message: reason } satisfies ServerEvent));
      closed = true;
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
    };
    const refuse = (message: string) => {
      const event: ServerEvent = { type: 'refused', version: PROTOCOL_VERSION, serverVersion: this.serverVersion, message, ...(this.host.stopping ? { stopping: true } : {}) };
      socket.write(encodeMessage(event));
      closed = true;
      socket.end();
    };
    const helloTimer = setTimeout(() => drop('no hello within 10 s'), HELLO_TIMEOUT_MS);
    helloTimer.unref();

    const hello = (value: unknown) => {
      greeted = true;
      clearTimeout(helloTimer);
      const parsed = parseClientHello(value);
      const version = parsed.ok ? parsed.hello.version : parsed.version;
      // Another version may say hello differently: its version alone decides the answer.
      if (version !== undefined && version !== PROTOCOL_VERSION) {
        const message = `the agentmux server is version ${this.serverVersion} (protocol ${PROTOCOL_VERSION}) and this client speaks protocol ${version}: `
          + 'restart the server with `agentmux server stop`';
        refuse(message);
        return;
      }
      if (!parsed.ok) {
        drop(`not an agentmux client: ${parsed.error}`);
        return;
      }
      void this.host.connect(parsed.hello, send).then((result) => {
        if (typeof result === 'string') {
          refuse(result);
          return;
        }
        connection = result;
        if (closed || socket.destroyed) connection.close();
        else for (const message of early.splice(0)) command(message);
      }, (error: unknown) => drop(`the server could not open this workspace: ${error instanceof Error ? error.message : String(error)}`));
    };

    socket.on('data', (chunk: Buffer) => {
      if (closed) return;
      let messages: unknown[];
      try {
        messages = decoder.push(chunk);
      } catch (error) {
        if (!(error instanceof WireError)) throw error;
        drop(error.message);
        return;
      }
      for (const value of messages) {
        if (closed) return;
        if (!greeted) {
          hello(value);
          continue;
        }
        if (connection) command(value);
        else if (early.push(value) > 1000) drop('too many commands before the hello was answered');
      }
    });
    const command = (value: unknown) => {
      if (closed || !connection) return;
      const parsed = parseClientMessage(value);
      if (!parsed.ok) {
        drop(`malformed command: ${parsed.error}`);
        return;
      }
      try {
        connection.handle(parsed.message);
      } catch (error) {
        // A fault in serving one command must not end the server, and every agent with it.
        this.log(`${parsed.message.type} failed: ${error instanceof Error ? error.stack : String(error)}`);
        send({ type: 'error', message: `the server could not do that (${error instanceof Error ? error.message : String(error)}): its log says more` });
      }
    };
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      closed = true;
      clearTimeout(helloTimer);
      this.sockets.delete(socket);
      connection?.close();
      connection = undefined;
    });
  }
}
