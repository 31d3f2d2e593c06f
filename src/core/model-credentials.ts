// Variables that hold a model provider's credentials. A process a model drives (a built-in worker,
// the commands it runs, the main agent's bash) never gets them: a model that could read its own
// environment could send the key anywhere. The user's own commands (/run) keep them.

export const MODEL_CREDENTIAL_VARIABLES: readonly string[] = [
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'CLAUDE_CODE_OAUTH_TOKEN',
  'OPENAI_API_KEY',
  'GEMINI_API_KEY',
];

/** A copy of `env` without model credentials. */
export function withoutModelCredentials<T extends Record<string, string | undefined>>(env: T): T {
  const copy = { ...env };
  for (const name of MODEL_CREDENTIAL_VARIABLES) delete copy[name];
  return copy;
}
