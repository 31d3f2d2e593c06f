// What the chat and /spawn say when no model is configured (spec §9).
export const MODEL_HELP = 'The model is not configured: set ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL for a compatible endpoint), '
  + 'then restart the agentmux server (agentmux server stop, then agentmux) — or try agentmux --demo. '
  + 'Everything else works without it: /help lists the commands.';

/** Shown by a screen whose environment has a key when the server's has none: the server reads it when it starts. */
export const SERVER_WITHOUT_KEY = 'The agentmux server was started without ANTHROPIC_API_KEY, and reads it only when it starts: '
  + 'agentmux server stop (it stops the agents; --force if some run), then agentmux, brings the model in.';
