// The worker's end of its private channel to agentmux (core/report-channel.ts): connect before
// anything else runs, say hello, receive the model's credentials, then send reports, one JSON line
// each. Connected sockets cannot be opened again through /proc, so a command the worker runs cannot
// write on this one.
import { connect, type Socket } from 'node:net';
import {
  CHANNEL_VERSION, MAX_CHANNEL_MESSAGE_BYTES, parseChannelAnswer, type WorkerCredentials, type WorkerReport,
} from '../core/report-channel.js';
import { encodeMessage, MessageDecoder, WireError } from '../core/wire.js';

/** How long agentmux has to answer the hello. */
const ANSWER_TIMEOUT_MS = 10_000;

export class ChannelClient {
  private broken = false;

  private constructor(private readonly socket: Socket) {
    // agentmux closed its end (it refused a report): reports are dropped from then on.
    socket.on('error', () => {
      this.broken = true;
    });
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
        const [first] = messages;
        if (first === undefined) return;
        const answer = parseChannelAnswer(first);
        if ('error' in answer) settle({ error: `agentmux's answer: ${answer.error}` });
        else if (answer.type === 'refused') settle({ error: `agentmux refused the channel: ${answer.message}` });
        else settle({ channel: new ChannelClient(socket), ...(answer.credentials ? { credentials: answer.credentials } : {}) });
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
