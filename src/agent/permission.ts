// Which tool calls need the user's approval under each permission mode (spec §8):
//   ask   — bash commands outside a read-only allowlist, and every write/edit, ask first;
//   edits — writes and edits inside the working directory are fine; bash asks (allowlist aside);
//   auto  — everything inside the working directory is fine.
// Answers of "always" are remembered for the session in a PermissionSession.

export type PermissionMode = 'ask' | 'edits' | 'auto';

export const PERMISSION_MODES: readonly PermissionMode[] = ['ask', 'edits', 'auto'];

/** Characters that let one shell command line run more than one command, redirect, or substitute. */
const SHELL_METACHARACTERS = /[;|&><`$()\n\r]/;

const READ_ONLY_COMMANDS = new Set(['ls', 'cat', 'head', 'tail', 'wc', 'grep', 'rg', 'find', 'pwd', 'echo']);
const READ_ONLY_GIT = new Set(['status', 'log', 'diff', 'show', 'branch']);
/** Options that make an otherwise read-only command run programs or write files. */
const FORBIDDEN_OPTIONS: Record<string, RegExp> = {
  find: /^-(exec|execdir|ok|okdir|delete|fprint|fprint0|fprintf|fls)$/,
  rg: /^--pre(=|$)/,
  git: /^--output(=|$)|^--ext-diff$/,
};
/** `git branch` only lists with these; other arguments create, rename or delete branches. */
const GIT_BRANCH_LISTING = /^(-a|-r|-v|-vv|-l|--all|--remotes|--list|--verbose|--show-current|--no-color|--color)$/;

const unquote = (word: string): string => word.replace(/['"\\]/g, '');

/** Whether `command` is a single read-only command (no shell metacharacters, allowlisted program). */
export function isReadOnlyCommand(command: string): boolean {
  if (SHELL_METACHARACTERS.test(command)) return false;
  const words = command.trim().split(/\s+/).filter(Boolean).map(unquote);
  const [program, ...args] = words;
  if (!program) return false;
  if (program === 'git') {
    const [sub, ...rest] = args;
    if (!sub || !READ_ONLY_GIT.has(sub)) return false;
    if (rest.some((arg) => FORBIDDEN_OPTIONS.git.test(arg))) return false;
    return sub !== 'branch' || rest.every((arg) => GIT_BRANCH_LISTING.test(arg));
  }
  if (!READ_ONLY_COMMANDS.has(program)) return false;
  const forbidden = FORBIDDEN_OPTIONS[program];
  return !forbidden || !args.some((arg) => forbidden.test(arg));
}

/** The program word of a command line ("npm" for "npm test"), as used for "always" answers. */
export function commandPrefix(command: string): string {
  return unquote(command.trim().split(/\s+/)[0] ?? '');
}

/** The permission mode plus what the user has allowed "always" during this session. */
export class PermissionSession {
  private readonly allowedTools = new Set<string>();
  private readonly allowedPrefixes = new Set<string>();
  private readonly allowedCommands = new Set<string>();

  constructor(readonly mode: PermissionMode) {}

  /** Whether a write/edit tool needs approval. */
  editNeedsApproval(toolName: string): boolean {
    return this.mode === 'ask' && !this.allowedTools.has(toolName);
  }

  /**
   * Whether a bash command needs approval. An "always" answer covers that exact command line, and
   * any later command with the same program word that has no shell metacharacters (so "always" for
   * `npm test` allows `npm run build` but not `npm test; rm -rf ~`).
   */
  commandNeedsApproval(command: string): boolean {
    if (this.mode === 'auto' || isReadOnlyCommand(command)) return false;
    if (this.allowedCommands.has(command.trim())) return false;
    return !(this.allowedPrefixes.has(commandPrefix(command)) && !SHELL_METACHARACTERS.test(command));
  }

  /** The user answered "always" to a write/edit tool. */
  allowTool(toolName: string): void {
    this.allowedTools.add(toolName);
  }

  /** The user answered "always" to a bash command. */
  allowCommand(command: string): void {
    this.allowedCommands.add(command.trim());
    const prefix = commandPrefix(command);
    if (prefix) this.allowedPrefixes.add(prefix);
  }
}
