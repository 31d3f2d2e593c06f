// What the chat says about the model, from the environment (spec §9).
import type { ModelStatus } from '../core/protocol.js';

export function modelStatus(env: NodeJS.ProcessEnv): ModelStatus {
  if (!env.ANTHROPIC_API_KEY) {
    return {
      configured: false,
      help: 'The model is not configured: set ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL for a compatible endpoint), '
        + 'then restart agentmux. Everything else works without it: /help lists the commands.',
    };
  }
  return {
    configured: false,
    help: 'ANTHROPIC_API_KEY is set, but the chat with Claude is not part of this version yet. '
      + 'Background agents work: /run -- COMMAND, and /help lists the commands.',
  };
}
