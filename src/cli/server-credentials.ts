// The model's key, handed from the client that starts the server to the server over a pipe (its
// stdin), never in its environment: /proc/PID/environ keeps a process's initial environment for
// as long as it lives, readable by every process of the user, and agents are the server's children.
import type { Readable } from 'node:stream';
import { isObject } from '../core/is-object.js';
import { MODEL_CREDENTIAL_VARIABLES, withoutModelCredentials } from '../core/model-credentials.js';

const MAX_BYTES = 64 << 10;

/** The model credentials of `env`, as the server reads them (JSON). */
export function credentialsMessage(env: NodeJS.ProcessEnv): string {
  const credentials: Record<string, string> = {};
  for (const name of MODEL_CREDENTIAL_VARIABLES) {
    const value = env[name];
    if (value) credentials[name] = value;
  }
  return JSON.stringify(credentials);
}

/** The environment to start the server in: the client's, without model credentials. */
export function serverEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return withoutModelCredentials(env);
}

/** Reads the credentials the starting client wrote to `input`; a one-line error when they cannot be read. */
export function readCredentials(input: Readable): Promise<Record<string, string> | { error: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    input.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BYTES) chunks.push(chunk);
    });
    input.on('error', (error) => resolve({ error: `cannot read the model's credentials from the client: ${error.message}` }));
    input.on('end', () => {
      if (size > MAX_BYTES) {
        resolve({ error: `the model's credentials from the client are over ${MAX_BYTES} bytes` });
        return;
      }
      resolve(parseCredentials(Buffer.concat(chunks).toString('utf8')));
    });
  });
}

function parseCredentials(text: string): Record<string, string> | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: "the model's credentials from the client are not JSON" };
  }
  if (!isObject(value)) return { error: "the model's credentials from the client are not an object" };
  const credentials: Record<string, string> = {};
  for (const name of MODEL_CREDENTIAL_VARIABLES) {
    const field = value[name];
    if (typeof field === 'string' && field !== '') credentials[name] = field;
  }
  return credentials;
}
