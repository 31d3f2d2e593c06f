// Finding a program as execvp(3) does: a name with a slash is a path; any other name is looked up in
// each directory of PATH in turn, and the first executable regular file wins. Empty PATH entries
// (the current directory, to execvp) are skipped: an agent's program does not come from where it works.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

/** The first executable of `name` (absolute), or undefined when there is none. */
export function findProgram(name: string, path: string | undefined): string | undefined {
  if (name.includes('/')) return isExecutable(name) ? resolve(name) : undefined;
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = resolve(join(dir, name));
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
