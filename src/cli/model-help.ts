// What the chat and /spawn say when no model is configured (spec §9).
export const MODEL_HELP = 'The model is not configured: set ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL for a compatible endpoint), '
  + 'then restart agentmux — or try agentmux --demo. Everything else works without it: /help lists the commands.';
