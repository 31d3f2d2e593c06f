// Words in the system prompts that say which kind of agent a request comes from. The
// scripted model (tests, --demo) tells requests apart by the prompt's first line, which
// holds the marker and nothing taken from the user (a working directory may contain anything).
export const MAIN_AGENT_MARKER = 'agentmux-main-agent';
export const WORKER_MARKER = 'agentmux-worker';
/** In the prompt that asks for the user's likely next message after a main-agent turn. */
export const SUGGESTION_MARKER = 'agentmux-prompt-suggestion';
/** The first words of the main agent's request for a summary (/compact), which the demo model answers. */
export const COMPACTION_REQUEST = 'Summarize our conversation so far so that it can continue from the summary alone';

export function promptKind(system: string): 'main' | 'worker' | 'suggestion' | undefined {
  const firstLine = system.split('\n', 1)[0];
  if (firstLine.includes(WORKER_MARKER)) return 'worker';
  if (firstLine.includes(SUGGESTION_MARKER)) return 'suggestion';
  if (firstLine.includes(MAIN_AGENT_MARKER)) return 'main';
  return undefined;
}
