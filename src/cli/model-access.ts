// How this session reaches the model: the user's key, the offline demo model, or not at all (spec §9).
import type { ModelStatus } from '../core/protocol.js';
import type { ModelPrice } from '../core/usage.js';
import { createModelClient, DEFAULT_BASE_URL } from '../llm/anthropic-client.js';
import { startDemoServer } from '../llm/demo-script.js';
import type { ScriptedServer } from '../llm/scripted-server.js';
import type { ModelAccess } from '../server/agent-server.js';
import { MODEL_HELP } from './model-help.js';


export interface SessionModel {
  status: ModelStatus;
  access?: ModelAccess;
  /** The demo model's local server, to close on exit. */
  demoServer?: ScriptedServer;
}

export async function sessionModel(env: NodeJS.ProcessEnv, model: string, demo: boolean, prices: Record<string, ModelPrice>): Promise<SessionModel> {
  if (demo) {
    const demoServer = await startDemoServer();
    const apiKey = 'demo';
    return {
      status: { configured: true, demo: true, model: `${model} (scripted demo)` },
      access: {
        client: createModelClient({ apiKey, baseURL: demoServer.url }),
        model,
        prices,
        workerCredentials: { apiKey, baseURL: demoServer.url },
      },
      demoServer,
    };
  }
  const apiKey = env.ANTHROPIC_API_KEY;
  if (!apiKey) return { status: { configured: false, help: MODEL_HELP } };
  const baseURL = env.ANTHROPIC_BASE_URL || undefined;
  return {
    status: { configured: true, model },
    access: {
      client: createModelClient({ apiKey, ...(baseURL ? { baseURL } : {}) }),
      model,
      prices,
      // The endpoint always: the server's key must not go to whatever endpoint a client's environment names.
      workerCredentials: { apiKey, baseURL: baseURL ?? DEFAULT_BASE_URL },
    },
  };
}
