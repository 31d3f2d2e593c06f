// `agentmux remote-agent attach --id ID --from N`, on the agent's host at the end of the link's ssh:
// writes the attach record, then the run's log from byte N, following it live through the run's
// socket until the exit record; what is typed goes to the agent, the terminal's size to its pty. When
// the daemon is gone (the agent ended meanwhile) the rest is read from the log file itself.
import { closeSync, openSync, readSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { encodeRecord, RecordDecoder } from '../core/link-records.js';
import { parseLinkRecord, RUN_FILES, type AttachMessage, type SessionRequest } from '../core/remote-run.js';
import { encodeMessage } from '../core/wire.js';
import { rawTerminal } from './raw-terminal.js';

export interface AttachTerminal {
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
}

const READ_BYTES = 64 << 10;

/** Resolves with the exit status attach ends with: 0 once the exit record went out. */
export async function attachRemoteRun(dir: string, from: number, terminal: AttachTerminal): Promise<number> {
  rawTerminal(terminal.input);
  const follow = new LogFollower(terminal.output, from);
  follow.write(encodeRecord({ type: 'attach' }));
  const socket = await connectTo(join(dir, RUN_FILES.socket));
  if (socket) {
    const size = (): { cols: number; rows: number } => ({ cols: terminal.output.columns || 80, rows: terminal.output.rows || 24 });
    const send = (message: SessionRequest | AttachMessage): void => {
      if (!socket.destroyed) socket.write(encodeMessage(message));
    };
    send({ type: 'attach', from, ...size() });
    const onInput = (data: Buffer): void => send({ type: 'input', data: data.toString('base64') });
    const onResize = (): void => send({ type: 'resize', ...size() });
    terminal.input.on('data', onInput);
    terminal.output.on('resize', onResize);
    await new Promise<void>((done) => {
      socket.on('data', (chunk: Buffer) => follow.pass(chunk));
      socket.on('error', () => socket.destroy());
      socket.on('close', () => done());
    });
    terminal.input.off('data', onInput);
    terminal.output.off('resize', onResize);
  }
  if (!follow.sawExit) follow.readRest(join(dir, RUN_FILES.log));
  if (!follow.sawExit) {
    follow.write(encodeRecord({ type: 'gone', message: socket ? 'the agent\'s daemon on its host ended without its exit status' : 'no such run on its host (or it ended and was removed)' }));
  }
  await new Promise<void>((done) => terminal.output.write('', () => done()));
  return follow.sawExit ? 0 : 1;
}

/** Passes the log to the terminal from an offset, noticing the exit record. */
class LogFollower {
  private readonly decoder = new RecordDecoder();
  sawExit = false;

  constructor(private readonly output: NodeJS.WriteStream, private position: number) {}

  write(bytes: Uint8Array): void {
    this.output.write(bytes);
  }

  pass(bytes: Buffer): void {
    if (this.sawExit) return;
    this.position += bytes.length;
    this.write(bytes);
    for (const piece of this.decoder.push(bytes)) {
      if (piece.kind === 'record' && parseLinkRecord(piece.value)?.type === 'exit') this.sawExit = true;
    }
  }

  /** The log file from the position on, to its end. */
  readRest(path: string): void {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return;
    }
    try {
      const buffer = Buffer.allocUnsafe(READ_BYTES);
      for (;;) {
        const read = readSync(fd, buffer, 0, READ_BYTES, this.position);
        if (read === 0 || this.sawExit) return;
        this.pass(Buffer.from(buffer.subarray(0, read)));
      }
    } finally {
      closeSync(fd);
    }
  }
}

function connectTo(path: string): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => resolve(socket));
    socket.once('error', () => resolve(undefined));
  });
}
