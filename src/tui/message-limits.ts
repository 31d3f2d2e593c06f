// A message the server would refuse for its length is stopped here, with the line kept: the
// server drops a client that sends a command over its limits.
import { LIMITS } from '../core/command-validation.js';
import { MAX_CLIENT_MESSAGE_BYTES } from '../core/protocol.js';

/** Why `message` cannot be sent (to the main agent or a worker), or undefined when it can. */
export function messageTooLong(message: string): string | undefined {
  if (message.length <= LIMITS.text) return undefined;
  return `the message is too long (${Math.ceil(message.length / 1024)} KB; at most ${LIMITS.text / 1024} KB): shorten it, or save the text in a file and point to it`;
}

/** Why `text` cannot be pasted into an agent, or undefined when it can. */
export function pasteTooLong(text: string): string | undefined {
  const encodedBytes = Buffer.byteLength(JSON.stringify(text));
  if (text.length <= LIMITS.input && encodedBytes <= MAX_CLIENT_MESSAGE_BYTES - 1024) return undefined;
  return `the paste is too long for an agent (${Math.ceil(encodedBytes / 1024)} KB): paste it in parts, or save it in a file`;
}
