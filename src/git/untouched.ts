// Carried files the agent has left as they were carried: they are the main checkout's, not the agent's
// work, so agentmux neither commits them to its branch nor counts them in its figures.

import { join } from 'node:path';
import { readCarried } from './base-record.js';
import { fingerprint, readEntry } from './carried-entry.js';
import type { GitRunner } from './runner.js';

export async function untouchedCarried(git: GitRunner, name: string, worktree: string): Promise<string[]> {
  const carried = await readCarried(git, name);
  const untouched = await Promise.all([...carried].map(async ([path, hash]) => {
    const entry = await readEntry(join(worktree, path)).catch(() => undefined);
    return entry && fingerprint(entry) === hash ? [path] : [];
  }));
  return untouched.flat();
}
