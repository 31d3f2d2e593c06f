// Whether what a read-only command is given stays inside the agent's directory (permission.ts):
// no absolute path, "~" or ".." segment, nothing that leads out through a symbolic link, no file
// with other hard links, and no glob that could match such a name.
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { errorCode, isInside } from './paths.js';
import type { ShellWord } from './shell-words.js';

/** A glob over a directory with more names than this asks rather than checking each one. */
const MAX_GLOB_NAMES = 2000;

/** The working directory, as given and with its symbolic links resolved. */
export interface Jail {
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

export function staysInside(jail: Jail, word: ShellWord): boolean {
  if (word.braces) return false;
  if (!pathsIn(word.text).every((candidate) => !spellsOutside(candidate) && opensInside(jail, candidate))) return false;
  return word.globs.length === 0 || globStaysInside(jail, word);
}

/**
 * Whether git may take `cwd` itself for a (bare) repository: it has a HEAD and no .git. Its config
 * would then be `cwd/config`, which the file tools may write, and a config can make git run programs.
 */
export function couldBeItsOwnRepository(cwd: string): boolean {
  const exists = (name: string): boolean => lstatSync(path.join(cwd, name), { throwIfNoEntry: false }) !== undefined;
  try {
    return exists('HEAD') && !exists('.git');
  } catch {
    return true; // cannot tell: ask
  }
}
