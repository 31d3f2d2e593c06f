// A client's connection to this directory's workspace in the user's server (started when
// needed and allowed), with the hello said and answered.
import { sendableEnvironment } from '../core/command-validation.js';
import { PROTOCOL_VERSION, type ClientHello, type SessionChoice } from '../core/protocol.js';
import type { CliArgs } from './args.js';
import { serverPaths } from './server-paths.js';
import { connectToServer, ServerLink } from './server-link.js';

/** Opens a link to this directory's workspace as `role`; exits with the server's reason when refused. */
export async function openLink(
  role: 'screen' | 'script', session: SessionChoice, flags: CliArgs | undefined, fail: (message: string) => never, start = true,
  choice: Pick<ClientHello, 'latest'> = {},
): Promise<ServerLink | undefined> {
  const env = process.env;
  let paths;
  try {
    paths = serverPaths(env, start);
  } catch (error) {
    fail((error as Error).message);
  }
  const socket = await connectToServer(paths, env, start).catch((error: Error) => fail(error.message));
  const sendable = sendableEnvironment(env);
  if (!socket) return undefined;
  const link = await ServerLink.open(socket, {
    type: 'hello', version: PROTOCOL_VERSION, role, cwd: process.cwd(), session, ...choice,
    ...(sendable ? { env: sendable } : {}),
    flags: {
      ...(flags?.model ? { model: flags.model } : {}),
      ...(flags?.permissionMode ? { permissionMode: flags.permissionMode } : {}),
      ...(flags?.demo ? { demo: true } : {}),
      ...(flags?.agent ? { agent: flags.agent } : {}),
    },
  }, paths.log).catch((error: Error) => fail(`cannot talk to the agentmux server: ${error.message}`));
  if ('refused' in link) {
    // A server on its way out is as good as none for a command that would not start one.
    if (link.stopping && !start) return undefined;
    fail(link.refused);
  }
  return link;
}
