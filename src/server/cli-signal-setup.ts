// How an agent CLI is made to report to agentmux, by the kind of signals it has (core/cli-kinds.ts):
// arguments that install agentmux's hook runner for this run only — never a change to the user's
// own settings files. The runner (`hookCommand`, cli/hook-main.ts) finds the agent's socket in its
// environment.
import type { CliKind } from '../core/cli-kinds.js';
import { shellWord } from '../core/shell-word.js';

/** Claude Code's hook events agentmux listens to (core/cli-signals.ts says what each means). */
export const CLAUDE_HOOK_EVENTS = [
  'SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PermissionRequest', 'PostToolUse', 'Notification', 'Stop', 'SessionEnd',
] as const;

/** Claude Code's `--settings` value: one hook per event, running the hook runner with the event's name (a shell command). */
export function claudeHookSettings(hookCommand: readonly string[]): string {
  const command = (event: string) => [...hookCommand, 'claude', event].map(shellWord).join(' ');
  const hooks = Object.fromEntries(CLAUDE_HOOK_EVENTS.map((event) => [event, [{ matcher: '*', hooks: [{ type: 'command', command: command(event) }] }]]));
  return JSON.stringify({ hooks });
}

/** The arguments `kind` needs (before its own) so that its hooks report, and whether it has hooks at all. */
export function signalSetup(kind: CliKind, hookCommand: readonly string[]): { args: string[]; hooks: boolean } {
  switch (kind.signals) {
    case 'claude-hooks':
      return { args: ['--settings', claudeHookSettings(hookCommand)], hooks: true };
    default:
      return { args: [], hooks: false };
  }
}
