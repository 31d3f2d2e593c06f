// How an AgentServer under test reaches the scripted Messages API server: the main agent through the
// real SDK, built-in workers as real processes (`node dist/cli/main.js worker`, so `npm run build`
// first) handed the same endpoint over their report channel.
import { fileURLToPath } from 'node:url';
import { createModelClient } from '../../src/llm/anthropic-client.js';
import type { ScriptedServer } from '../../src/llm/scripted-server.js';
import type { ServerOptions, WorkerLauncher } from '../../src/server/agent-server.js';

const CLI_ENTRY = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** The server's model options for `model` served by `scripted`, which takes `apiKey` (retries back off in milliseconds). */
export function scriptedModel(scripted: ScriptedServer, model: string, apiKey: string): Pick<ServerOptions, 'model' | 'access'> {
  return {
    model: { configured: true, model },
    access: {
      client: createModelClient({ apiKey, baseURL: scripted.url, backoff: { baseMs: 1, maxMs: 5 } }),
      model,
      workerCredentials: { apiKey, baseURL: scripted.url },
    },
  };
}

/** Built-in workers run from the build, in `permissionMode`. */
export function builtWorkers(permissionMode: WorkerLauncher['permissionMode']): WorkerLauncher {
  return { program: (args) => ({ file: process.execPath, args: [CLI_ENTRY, ...args] }), permissionMode };
}
