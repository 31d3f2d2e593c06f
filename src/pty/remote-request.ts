// `agentmux remote-agent stop|tell --id ID` on the agent's host: one request on the run's socket, one answer.
import { connect } from 'node:net';
import { join } from 'node:path';
import { parseSessionAnswer, RUN_FILES, type SessionAnswer, type SessionRequest } from '../core/remote-run.js';
import { encodeMessage, MessageDecoder, WireError } from '../core/wire.js';

const MAX_ANSWER_BYTES = 64 << 10;

export function askRemoteRun(dir: string, request: Exclude<SessionRequest, { type: 'attach' }>): Promise<SessionAnswer> {
  return new Promise((resolve) => {
    const socket = connect(join(dir, RUN_FILES.socket));
    const decoder = new MessageDecoder(MAX_ANSWER_BYTES);
    let answer: SessionAnswer | undefined;
    socket.on('connect', () => socket.write(encodeMessage(request)));
    socket.on('data', (chunk: Buffer) => {
      try {
        const [first] = decoder.push(chunk);
        if (first !== undefined) answer ??= parseSessionAnswer(first) ?? { ok: false, message: 'the agent\'s daemon gave no answer it knows' };
      } catch (error) {
        if (!(error instanceof WireError)) throw error;
        socket.destroy();
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      answer ??= {
        ok: false,
        message: error.code === 'ENOENT' || error.code === 'ECONNREFUSED' ? 'the agent has ended (or there is no such run)' : `cannot reach the agent's daemon: ${error.message}`,
      };
    });
    socket.on('close', () => resolve(answer ?? { ok: false, message: 'the agent\'s daemon closed without an answer' }));
  });
}
