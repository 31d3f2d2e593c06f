// Which tool calls need the user's approval under each permission mode (spec §8):
//   ask   — bash commands outside a read-only allowlist, and every write/edit, ask first;
//   edits — writes and edits inside the working directory are fine; bash asks (allowlist aside);
//   auto  — everything inside the working directory is fine.
// Answers of "always" are remembered for the session in a PermissionSession.
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { isInside } from './paths.js';

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
/** A glob over a directory with more names than this asks rather than checking each one. */
const MAX_GLOB_NAMES = 2000;

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

/** One word of a command line as /bin/sh passes it to the program. */
interface ShellWord {
  /** After quote removal. */
  text: string;
  /** Where in `text` the unquoted glob characters (* ? [) are. */
  globs: number[];
  /** Whether it has an unquoted brace, which bash (some systems' /bin/sh) expands. */
  braces: boolean;
}

/**
 * The words of a command line free of SHELL_METACHARACTERS, as /bin/sh splits and unquotes them;
 * undefined when a quote or a backslash is left open.
 */
function shellWords(command: string): ShellWord[] | undefined {
  const words: ShellWord[] = [];
  let word: ShellWord | undefined;
  const open = (): ShellWord => {
    word ??= { text: '', globs: [], braces: false };
    return word;
  };
  const add = (char: string, quoted: boolean): void => {
    const current = open();
    if (!quoted && '*?['.includes(char)) current.globs.push(current.text.length);
    if (!quoted && '{}'.includes(char)) current.braces = true;
    current.text += char;
  };
  for (let index = 0; index < command.length; index += 1) {
    const char = command[index];
    if (char === ' ' || char === '\t') {
      if (word) words.push(word);
      word = undefined;
    } else if (char === '\\') {
      if (index + 1 >= command.length) return undefined;
      index += 1;
      add(command[index], true);
    } else if (char === "'" || char === '"') {
      const close = closingQuote(command, index);
      if (close === -1) return undefined;
      open();
      const inside = command.slice(index + 1, close);
      for (const quotedChar of char === '"' ? inside.replace(/\\(["\\])/g, '$1') : inside) add(quotedChar, true);
      index = close;
    } else {
      add(char, false);
    }
  }
  if (word) words.push(word);
  return words;
}

/** The index of the quote that closes the one at `start` (in double quotes, \" and \\ are escaped), or -1. */
function closingQuote(command: string, start: number): number {
  const quote = command[start];
  for (let index = start + 1; index < command.length; index += 1) {
    if (quote === '"' && command[index] === '\\') index += 1;
    else if (command[index] === quote) return index;
  }
  return -1;
}

/** The working directory, as given and with its symbolic links resolved. */
interface Jail {
  cwd: string;
  real: string;
}

/**
 * The paths a program may take from one argument: the argument itself, each value after "=" or ":"
 * ("--file=x", "HEAD:x"), and each tail of a short-option cluster ("-f/etc/x", "-rnfx").
 */
function pathsIn(text: string): string[] {
  const paths = [text, ...text.split(/[=:]/).slice(1)];
  if (/^-[^-]/.test(text)) for (let at = 2; at < text.length; at += 1) paths.push(text.slice(at));
  return paths;
}

/** Whether `candidate` may name something outside: absolute, home (~), or a ".." segment. */
const spellsOutside = (candidate: string): boolean => /^[/~]/.test(candidate) || candidate.split('/').includes('..');

const errorCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code;

/** The nearest of `target` and its parents that exists (cwd, at the latest). */
function nearestExisting(target: string): string {
  for (let candidate = target; ; candidate = path.dirname(candidate)) {
    try {
      lstatSync(candidate);
      return candidate;
    } catch (error) {
      if ((errorCode(error) !== 'ENOENT' && errorCode(error) !== 'ENOTDIR') || path.dirname(candidate) === candidate) throw error;
    }
  }
}

/**
 * Whether `candidate` (relative to cwd) stays inside when opened: what exists of it does not lead
 * outside through a symbolic link (a dangling one counts as outside), and it is not a regular file
 * with more than one hard link (its other names may lie outside).
 */
function opensInside(jail: Jail, candidate: string): boolean {
  const target = path.resolve(jail.cwd, candidate);
  try {
    const existing = nearestExisting(target);
    if (!isInside(jail.real, realpathSync(existing))) return false;
    if (existing !== target) return true;
    const info = statSync(target);
    return !(info.isFile() && info.nlink > 1);
  } catch {
    return false; // cannot tell (a dangling link, no permission): ask
  }
}

/**
 * Whether every name an unquoted glob can match opens inside. Checked over every name in the
 * directory (a superset of the matches), so the glob may only be in the last segment; and that
 * segment may not start with "." or "[": ".*" and ".?" match "..".
 */
function globStaysInside(jail: Jail, word: ShellWord): boolean {
  const slash = word.text.lastIndexOf('/');
  if (word.globs.some((at) => at < slash) || /^[.[]/.test(word.text.slice(slash + 1))) return false;
  const directory = path.resolve(jail.cwd, word.text.slice(0, slash + 1));
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch (error) {
    return errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR'; // nothing to match: the word stays literal
  }
  return names.length <= MAX_GLOB_NAMES && names.every((name) => opensInside(jail, path.join(directory, name)));
}

function staysInside(jail: Jail, word: ShellWord): boolean {
  if (word.braces) return false;
  if (!pathsIn(word.text).every((candidate) => !spellsOutside(candidate) && opensInside(jail, candidate))) return false;
  return word.globs.length === 0 || globStaysInside(jail, word);
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

/**
 * Whether git may take `cwd` itself for a (bare) repository: it has a HEAD and no .git. Its config
 * would then be `cwd/config`, which the file tools may write, and a config can make git run programs.
 */
function couldBeItsOwnRepository(cwd: string): boolean {
  const exists = (name: string): boolean => lstatSync(path.join(cwd, name), { throwIfNoEntry: false }) !== undefined;
  try {
    return exists('HEAD') && !exists('.git');
  } catch {
    return true; // cannot tell: ask
  }
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

  /** The user answered "always" to a bash command. */
  allowCommand(command: string): void {
    this.allowedCommands.add(command.trim());
    const prefix = commandPrefix(command);
    if (prefix) this.allowedPrefixes.add(prefix);
  }
}
