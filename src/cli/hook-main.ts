#!/usr/bin/env node
// `hook-main.js SOURCE EVENT [PAYLOAD]`: what an agent CLI runs at its events (Claude Code's hooks,
// Codex's notify program, Aider's notifications command). It sends one message to its agent's hook
// socket (core/cli-hooks.ts): the event and the CLI's payload (JSON on stdin, or the last argument).
// An entry of its own, loading nothing else: it runs before every tool call. It prints nothing and
// always exits 0, whatever happens: Claude Code adds a hook's output to the conversation and takes
// some exit codes as "block this tool call".
import { connect } from 'node:net';
import { HOOK_SOCKET_ENV, HOOK_TOKEN_ENV, HOOK_SOURCES, MAX_HOOK_MESSAGE_BYTES, type HookSource } from '../core/cli-hooks.js';

/** How long the runner waits for agentmux before it lets the CLI go on. */
const TIMEOUT_MS = 3_000;
/** Sources that write their payload to the hook's stdin. */
const STDIN_SOURCES: readonly HookSource[] = ['claude', 'gemini'];

function readStdin(): Promise<string> {
  return new Promise((resolve) => {
    if (process.stdin.isTTY) {
      resolve('');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    process.stdin.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_HOOK_MESSAGE_BYTES) chunks.push(chunk);
    });
    process.stdin.on('end', () => resolve(size <= MAX_HOOK_MESSAGE_BYTES ? Buffer.concat(chunks).toString('utf8') : ''));
    process.stdin.on('error', () => resolve(''));
  });
}

function parsePayload(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { text };
  }
}

function send(path: string, message: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (): void => {
      socket.destroy();
      resolve();
    };
    socket.setTimeout(TIMEOUT_MS, done);
    socket.on('error', done);
    socket.on('close', done);
    socket.on('data', done); // agentmux's answer: it has the message
    socket.write(message);
  });
}

async function main(): Promise<void> {
  const [source, event, argument] = process.argv.slice(2);
  const path = process.env[HOOK_SOCKET_ENV];
  const token = process.env[HOOK_TOKEN_ENV];
  // Not run by an agent of agentmux's (a hook left in a user's settings): nothing to tell.
  if (!path || !token || !(HOOK_SOURCES as readonly string[]).includes(source) || !event) return;
  const text = STDIN_SOURCES.includes(source as HookSource) ? await readStdin() : argument;
  const payload = parsePayload(text);
  await send(path, `${JSON.stringify({ token, source, event, ...(payload !== undefined ? { payload } : {}) })}\n`);
}

main().then(() => process.exit(0), () => process.exit(0));
