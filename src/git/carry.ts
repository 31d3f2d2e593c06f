// `carry`: a CLI's own files (its settings, its instructions) that the main checkout has but has not
// committed as they are — untracked, ignored, or with uncommitted changes — copied into an agent's
// new worktree, and recorded, so that agentmux never commits them for the agent unless it changed them.

import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, realpath, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, posix, sep } from 'node:path';
import { requireBranch } from './agent.js';
import { recordCarried } from './base-record.js';
import { CarryRefusal, fingerprint, readEntry, sameEntry, type CarriedEntry } from './carried-entry.js';
import type { Context } from './context.js';
import { parseStatusPaths } from './diffstat.js';
import { WorktreeError } from './errors.js';
import { checkName } from './refs.js';
import type { CarryResult } from './worktrees.js';

/** A path inside the repository: relative, no `..`, no NUL. */
function checkFiles(files: unknown): string[] {
  const valid = Array.isArray(files) && files.every((file) => typeof file === 'string' && file !== '' && !file.startsWith('/')
    && !file.split('/').includes('..') && !file.includes('\0'));
  if (!valid) throw new WorktreeError('invalid-input', 'files to carry are paths inside the repository');
  return files as string[];
}

/** The paths under `files` that the main checkout has not committed as they are, in the order of `files`. */
async function uncommitted(ctx: Context, files: readonly string[]): Promise<string[]> {
  const args = ['--no-optional-locks', 'status', '--porcelain', '-z', '--untracked-files=all', '--ignored=traditional', '--no-renames'];
  const listed = parseStatusPaths(await ctx.git.text([...args, '--', ...files.map((file) => `:(literal)${file}`)]));
  const ordered = files.flatMap((file) => listed.filter((path) => path === file || path.startsWith(`${file.replace(/\/$/, '')}/`)).sort());
  return [...new Set(ordered)];
}

function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root + sep);
}

/** A relative link that resolves inside the repository is carried as it is; any other is not followed, nor carried. */
function checkLink(path: string, target: string): void {
  if (posix.isAbsolute(target)) throw new CarryRefusal(`a symbolic link to ${target}, outside the worktree`);
  const resolved = posix.normalize(posix.join(posix.dirname(path), target));
  if (resolved === '..' || resolved.startsWith('../')) throw new CarryRefusal('a symbolic link out of the repository');
}

/** The main checkout's entry at `path`; undefined when it has none (a deleted file). */
async function readSource(root: string, path: string): Promise<CarriedEntry | undefined> {
  const full = join(root, path);
  const folder = await realpath(dirname(full)).catch(() => undefined);
  if (!folder) return undefined;
  if (!inside(root, folder)) throw new CarryRefusal('its folder is a symbolic link out of the repository');
  const entry = await readEntry(full);
  if (entry?.kind === 'link') checkLink(path, entry.target);
  return entry;
}

/** The folder `relative` inside `worktree`, made where missing; never through a symbolic link. */
async function folderIn(worktree: string, relative: string): Promise<string> {
  let folder = '';
  for (const part of relative.split('/').filter((segment) => segment !== '' && segment !== '.')) {
    folder = folder ? `${folder}/${part}` : part;
    const at = join(worktree, folder);
    const info = await lstat(at).catch(() => undefined);
    if (!info) await mkdir(at);
    else if (info.isSymbolicLink()) throw new CarryRefusal(`${folder} is a symbolic link in the worktree`);
    else if (!info.isDirectory()) throw new CarryRefusal(`${folder} is not a folder in the worktree`);
  }
  return join(worktree, folder);
}

/** Writes the entry beside its place, then renames it there: the worktree never holds half a file. */
async function place(worktree: string, path: string, entry: CarriedEntry): Promise<void> {
  const folder = await folderIn(worktree, posix.dirname(path));
  const temporary = join(folder, `.${basename(path)}.agentmux-${randomBytes(4).toString('hex')}`);
  try {
    if (entry.kind === 'link') {
      await symlink(entry.target, temporary);
    } else {
      await writeFile(temporary, entry.bytes, { mode: entry.mode, flag: 'wx' });
      await chmod(temporary, entry.mode);
    }
    await rename(temporary, join(folder, basename(path)));
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** What went wrong with one file, in a few words: the error's own words without its code or full path. */
function reason(error: unknown): string {
  if (error instanceof CarryRefusal) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return /^[A-Z]+: ([^,]+)/.exec(message)?.[1] ?? message;
}

export async function carryFiles(ctx: Context, nameInput: string, filesInput: readonly string[]): Promise<CarryResult> {
  const name = checkName(nameInput);
  const files = checkFiles(filesInput);
  const agent = await requireBranch(ctx, name);
  if (agent.presence !== 'present' || !agent.path) throw new WorktreeError('missing', `${name} has no worktree to carry files into`);
  const worktree = agent.path;
  const result: CarryResult = { carried: [], failures: [] };
  const plan: Array<{ path: string; entry: CarriedEntry }> = [];
  for (const path of await uncommitted(ctx, files)) {
    try {
      const entry = await readSource(ctx.root, path);
      const there = await readEntry(join(worktree, path)).catch(() => undefined);
      if (entry && !(there && sameEntry(entry, there))) plan.push({ path, entry });
    } catch (error) {
      result.failures.push({ path, reason: reason(error) });
    }
  }
  await recordCarried(ctx.git, name, plan.map(({ path, entry }) => ({ path, hash: fingerprint(entry) })));
  for (const { path, entry } of plan) {
    try {
      await place(worktree, path, entry);
      result.carried.push(path);
    } catch (error) {
      result.failures.push({ path, reason: reason(error) });
    }
  }
  return result;
}
