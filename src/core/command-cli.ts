// The agent CLI a command agent runs, when its command starts with a CLI's program
// (`/run --worktree -- claude -p …`): such an agent gets that CLI's files in its worktree too.
import type { CliKind } from './cli-kinds.js';

function programName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function cliOfCommand(kinds: ReadonlyMap<string, CliKind>, command: string): CliKind | undefined {
  const first = command.trim().split(/\s+/)[0];
  if (!first) return undefined;
  return [...kinds.values()].find((kind) => programName(kind.program) === programName(first));
}
