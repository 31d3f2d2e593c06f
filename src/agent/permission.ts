// Which tool calls need the user's approval under each permission mode (spec §8):
//   ask   — bash commands outside a read-only allowlist, and every write/edit, ask first;
//   edits — writes and edits inside the working directory are fine; bash asks (allowlist aside);
//   auto  — everything inside the working directory is fine.
// Answers of "always" are remembered for the session in a PermissionSession.
import { realpathSync } from 'node:fs';
import { couldBeItsOwnRepository, staysInside, type Jail } from './command-paths.js';
import { shellWords } from './shell-words.js';

export type PermissionMode = 'ask' | 'edits' | 'auto';

export const PERMISSION_MODES: readonly PermissionMode[] = ['ask', 'edits', 'auto'];

/** Characters that let one shell command line run more than one command, redirect, or substitute. */
const SHELL_METACHARACTERS = /[;|&><`$()\n\r]/;

const READ_ONLY_COMMANDS = new Set(['ls', 'cat', 'head', 'tail', 'wc', 'grep', 'rg', 'find', 'pwd', 'echo']);
const READ_ONLY_GIT = new Set(['status', 'log', 'diff', 'show', 'branch']);

/** Options that make an otherwise read-only command run programs, write files, or reach outside by itself. */
interface RiskyOptions {
  /** Whole words (find's predicates). */
  words?: RegExp;
  /** Long options, also abbreviated: getopt and git accept any unambiguous prefix ("--deref"). */
  long?: readonly string[];
  /** Short option letters, also inside a cluster ("-rnR"). */
  short?: string;
}
// Following symbolic links while recursing (find -L, rg --follow, grep -R, ls -L) leaves the directory
// through links below the paths we check; --files0-from reads the paths to open from a file.
const RISKY_OPTIONS: Record<string, RiskyOptions> = {
  find: { words: /^-(exec|execdir|ok|okdir|delete|fprint|fprint0|fprintf|fls|files0-from|L|follow)$/ },
  rg: { long: ['pre', 'hostname-bin', 'follow'], short: 'L' },
  grep: { long: ['dereference-recursive'], short: 'R' },
  ls: { long: ['dereference'], short: 'L' },
  wc: { long: ['files0-from'] },
  git: { long: ['output', 'ext-diff'] },
};
/** `git branch` only lists with these; other arguments create, rename or delete branches. */
const GIT_BRANCH_LISTING = /^(-a|-r|-v|-vv|-l|--all|--remotes|--list|--verbose|--show-current|--no-color|--color)$/;

const unquote = (word: string): string => word.replace(/['"\\]/g, '');

function isRisky(arg: string, risky: RiskyOptions | undefined): boolean {
  if (!risky) return false;
  if (risky.words?.test(arg)) return true;
  if (arg.startsWith('--')) {
    const name = arg.slice(2).split('=')[0];
    return name !== '' && (risky.long?.some((option) => option.startsWith(name)) ?? false);
  }
  return arg.startsWith('-') && [...arg.slice(1)].some((letter) => risky.short?.includes(letter));
}

/** Whether `program args` is an allowlisted command without options that make it write, run or follow links. */
function isAllowlisted(program: string, args: readonly string[]): boolean {
  if (program === 'git') {
    const [sub, ...rest] = args;
    if (!sub || !READ_ONLY_GIT.has(sub)) return false;
    if (rest.some((arg) => isRisky(arg, RISKY_OPTIONS.git))) return false;
    return sub !== 'branch' || rest.every((arg) => GIT_BRANCH_LISTING.test(arg));
  }
  return READ_ONLY_COMMANDS.has(program) && !args.some((arg) => isRisky(arg, RISKY_OPTIONS[program]));
}

/**
 * Whether `command` is a single read-only command that cannot reach outside `cwd`: no shell
 * metacharacters, an allowlisted program without risky options, and no argument (nor option value,
 * nor what a glob matches) that is absolute, starts with "~", has a ".." segment, or names something
 * inside that leads outside through a symbolic link or is a file with more than one hard link.
 */
export function isReadOnlyCommand(command: string, cwd: string): boolean {
  if (SHELL_METACHARACTERS.test(command)) return false;
  const words = shellWords(command);
  if (!words || words.length === 0) return false;
  const [program, ...args] = words;
  if (!isAllowlisted(program.text, args.map((arg) => arg.text))) return false;
  let jail: Jail;
  try {
    jail = { cwd, real: realpathSync(cwd) };
  } catch {
    return false; // the working directory is gone: nothing is known to stay inside it
  }
  if (program.text === 'git' && couldBeItsOwnRepository(cwd)) return false;
  return args.every((arg) => staysInside(jail, arg));
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
   * Whether a bash command run in `cwd` needs approval. An "always" answer covers that exact command line, and
   * any later command with the same program word that has no shell metacharacters (so "always" for
   * `npm test` allows `npm run build` but not `npm test; rm -rf ~`).
   */
  commandNeedsApproval(command: string, cwd: string): boolean {
    if (this.mode === 'auto' || isReadOnlyCommand(command, cwd)) return false;
    if (this.allowedCommands.has(command.trim())) return false;
    return !(this.allowedPrefixes.has(commandPrefix(command)) && !SHELL_METACHARACTERS.test(command));
  }

  /** The user answered "always" to a write/edit tool. */
  allowTool(toolName: string): void {
    this.allowedTools.add(toolName);
  }

  /**
   * The user answered "always" to a bash command. An allowlisted program (cat, git, …) asked because of
   * what it was given (a path outside): only that exact line is allowed, not every later use of it.
   */
  allowCommand(command: string): void {
    this.allowedCommands.add(command.trim());
    const prefix = commandPrefix(command);
    if (prefix && !READ_ONLY_COMMANDS.has(prefix) && prefix !== 'git') this.allowedPrefixes.add(prefix);
  }
}
