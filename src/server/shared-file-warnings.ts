// The warning when two running agents write one file: the first such file of a pair is flashed,
// naming both agents and the file, with the way to keep them apart.
import path from 'node:path';
import type { Flash } from '../core/protocol.js';
import { printable } from '../core/printable.js';
import { SharedWrites } from '../core/shared-writes.js';

/** Longest file path taken from a report or hook; a longer one is no file anyone writes. */
const MAX_PATH_CHARS = 4096;

export interface WritingAgent {
  name: string;
  cwd: string;
  startedAt: number;
}

export class SharedFileWarnings {
  private readonly writes = new SharedWrites();

  constructor(private readonly flash: (flash: Flash) => void, private readonly now: () => number) {}

  /** `agent` wrote `file` (absolute, or relative to its working directory). */
  wrote(agent: WritingAgent, file: string): void {
    if (file === '' || file.length > MAX_PATH_CHARS || printable(file) !== file) return;
    const absolute = path.resolve(agent.cwd, file);
    const shared = this.writes.wrote(agent.name, absolute);
    if (!shared) return;
    const relative = path.relative(agent.cwd, absolute);
    const shown = relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative;
    this.flash({
      name: agent.name, word: 'shares a file', durationMs: this.now() - agent.startedAt,
      summary: `${shown}, which ${shared.first} writes too: give each its own worktree (--worktree)`,
    });
  }

  ended(name: string): void {
    this.writes.ended(name);
  }
}
