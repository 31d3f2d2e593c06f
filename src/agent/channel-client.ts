// The worker's end of its private channel to agentmux (core/report-channel.ts): connect before
// anything else runs, say hello, receive the model's credentials, then send reports, one JSON line
// each, and take agentmux's commands (budget, pause, go on). Connected sockets cannot be opened again
// through /proc, so a command the worker runs cannot write on this one.
import { connect, type Socket } from 'node:net';
import {
  CHANNEL_VERSION, MAX_CHANNEL_MESSAGE_BYTES, parseChannelAnswer, parseWorkerCommand, type WorkerCommand, type WorkerCredentials, type WorkerReport,
} from '../core/report-channel.js';
import { encodeMessage, MessageDecoder, WireError } from '../core/wire.js';

/** How long agentmux has to answer the hello. */
const ANSWER_TIMEOUT_MS = 10_000;

export interface CommandListener {
  command(command: WorkerCommand): void;
  /** agentmux sent something that is not a command: one line saying what. */
  problem(message: string): void;
}

export class ChannelClient {
  private broken = false;
  /** Commands that came before anyone listened. */
  private pending: unknown[] = [];
  private listener: CommandListener | undefined;

  private constructor(private readonly socket: Socket, decoder: MessageDecoder, early: unknown[]) {
    // agentmux closed its end (it refused a report): reports are dropped from then on.
    socket.on('error', () => {
      this.broken = true;
    });
    this.pending = early;
    socket.on('data', (chunk: Buffer) => {
      try {
        this.received(decoder.push(chunk));
      } catch (error) {
        if (!(error instanceof WireError)) throw error;
        this.listener?.problem(`agentmux's message: ${error.message}`);
        socket.destroy();
      }
    });
  }

  /** Hands agentmux's commands to `listener` from now on (those that came before too). */
  listen(listener: CommandListener): void {
    this.listener = listener;
    this.received(this.pending.splice(0));
  }

  private received(messages: unknown[]): void {
    if (!this.listener) {
      this.pending.push(...messages);
      return;
    }
    for (const message of messages) {
      const command = parseWorkerCommand(message);
      if ('error' in command) this.listener.problem(`agentmux sent something that is not a command (${command.error})`);
      else this.listener.command(command);
    }
  }

  /** Connects to the channel at `path`; resolves with the credentials agentmux hands over (if any), or why not. */
  static open(path: string): Promise<{ channel: ChannelClient; credentials?: WorkerCredentials } | { error: string }> {
    return new Promise((resolve) => {
      const socket = connect(path);
      const decoder = new MessageDecoder(MAX_CHANNEL_MESSAGE_BYTES);
      let settled = false;
      const settle = (result: { channel: ChannelClient; credentials?: WorkerCredentials } | { error: string }): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.off('data', onData);
        if ('error' in result) socket.destroy();
        resolve(result);
      };
      const timer = setTimeout(() => settle({ error: 'agentmux did not answer on the channel' }), ANSWER_TIMEOUT_MS);
      const onData = (chunk: Buffer): void => {
        let messages: unknown[];
        try {
          messages = decoder.push(chunk);
        } catch (error) {
          settle({ error: error instanceof WireError ? `agentmux's answer: ${error.message}` : String(error) });
          return;
        }
        const [first, ...rest] = messages;
        if (first === undefined) return;
        const answer = parseChannelAnswer(first);
        if ('error' in answer) settle({ error: `agentmux's answer: ${answer.error}` });
        else if (answer.type === 'refused') settle({ error: `agentmux refused the channel: ${answer.message}` });
        else settle({ channel: new ChannelClient(socket, decoder, rest), ...(answer.credentials ? { credentials: answer.credentials } : {}) });
      };
      socket.on('data', onData);
      socket.once('error', (error: NodeJS.ErrnoException) => settle({
        error: error.code === 'ENOENT' || error.code === 'ECONNREFUSED'
          ? `agentmux's channel is gone (${error.code}): another process connected to it first, or agentmux stopped`
          : `cannot reach agentmux's channel: ${error.message}`,
      }));
      socket.once('close', () => settle({ error: 'agentmux closed the channel' }));
      socket.write(encodeMessage({ type: 'hello', version: CHANNEL_VERSION }));
    });
  }

  report(report: WorkerReport): void {
    if (!this.broken && !this.socket.destroyed) this.socket.write(encodeMessage(report));
  }

  /** Ends the channel once everything sent has been handed to the system. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) {
        resolve();
        return;
      }
      this.socket.end(() => resolve());
      this.socket.once('close', () => resolve());
    });
  }
}
