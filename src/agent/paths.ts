// Every path a tool touches resolves inside the agent's working directory (spec §8): absolute paths,
// `..` escapes and symbolic links that lead outside are refused with a message the model can act on.
// Writes are also refused in git's own files (.git): a config or hook there makes the git commands
// that run without asking (git status, …) run any program.
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';

export type Resolved =
  | { ok: true; /** Absolute path (inside cwd, symlinks not resolved). */ absolute: string; /** Relative to cwd, "." for cwd itself. */ relative: string }
  | { ok: false; error: string };

/** The errno code of a failed file system call (ENOENT, …). */
export const errorCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code;

/** Whether `target` is `root` or lies below it (both absolute; no links resolved). */
export function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
}

/** The real path of `target`, or of its nearest existing parent when it does not exist yet. */
async function realPathOfNearest(target: string): Promise<{ real: string } | { dangling: string }> {
  let candidate = target;
  for (;;) {
    try {
      return { real: await realpath(candidate) };
    } catch (error) {
      if (errorCode(error) !== 'ENOENT' && errorCode(error) !== 'ENOTDIR') throw error;
      // A link whose target is missing: writing through it would create a file wherever it points.
      const isLink = await lstat(candidate).then((stat) => stat.isSymbolicLink(), () => false);
      if (isLink) return { dangling: candidate };
      const parent = path.dirname(candidate);
      if (parent === candidate) throw error;
      candidate = parent;
    }
  }
}

/** Whether a path relative to the working directory has a `.git` segment (any case: macOS ignores it). */
const inGitMetadata = (relative: string): boolean => relative.split(path.sep).some((segment) => segment.toLowerCase() === '.git');

/**
 * Resolves `requested` (relative to `cwd`) to a path inside `cwd`, or says why it may not be used;
 * to write, it may not lead into git's own files either, by its name or through a link.
 */
export async function resolveInside(cwd: string, requested: string, purpose: 'read' | 'write' = 'read'): Promise<Resolved> {
  const shown = JSON.stringify(requested);
  if (requested.includes('\0')) return { ok: false, error: `path ${shown} contains a NUL character` };
  if (path.isAbsolute(requested)) {
    return { ok: false, error: `absolute paths are not allowed (${shown}): give a path relative to the working directory` };
  }
  const absolute = path.resolve(cwd, requested);
  if (!isInside(cwd, absolute)) {
    return { ok: false, error: `path ${shown} leads outside the working directory: only paths inside it may be used` };
  }
  let root: string;
  let nearest: { real: string } | { dangling: string };
  try {
    root = await realpath(cwd);
    nearest = await realPathOfNearest(absolute);
  } catch (error) {
    return { ok: false, error: `cannot resolve ${shown}: ${(error as Error).message}` };
  }
  if ('dangling' in nearest) {
    return { ok: false, error: `path ${shown} goes through a symbolic link whose target does not exist (${path.relative(cwd, nearest.dangling)})` };
  }
  if (!isInside(root, nearest.real)) {
    return { ok: false, error: `path ${shown} goes through a symbolic link that leads outside the working directory` };
  }
  if (purpose === 'write' && (inGitMetadata(path.relative(cwd, absolute)) || inGitMetadata(path.relative(root, nearest.real)))) {
    return { ok: false, error: `path ${shown} is in git's own files (.git): the file tools do not write there, since a config or hook there can make git run programs; use git commands (bash) instead` };
  }
  return { ok: true, absolute, relative: path.relative(cwd, absolute) || '.' };
}
