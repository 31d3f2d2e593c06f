// `compare`: attempts side by side, and `fileDiff`: one file of one attempt.

import { agentBase, requireBranch } from './agent.js';
import type { Context } from './context.js';
import { parseNumstat, totals } from './diffstat.js';
import { WorktreeError, oneLine } from './errors.js';
import { mergeTrees } from './merge-tree.js';
import { checkName } from './refs.js';
import { targetBranch } from './target.js';
import { requireWriteTree } from './version.js';
import { untouchedCarried } from './untouched.js';
import { isDirty } from './worktree-state.js';
import type { AttemptComparison, CommitSummary, Comparison } from './worktrees.js';

const MAX_COMMITS = 50;

async function commitsBetween(ctx: Context, base: string, tip: string): Promise<CommitSummary[]> {
  const args = ['log', '-z', '--no-color', '--no-show-signature', `--max-count=${MAX_COMMITS}`, '--format=%H%x1f%s', `${base}..${tip}`, '--'];
  return (await ctx.git.text(args))
    .split('\0')
    .filter(Boolean)
    .map((record) => {
      const [commit, subject = ''] = record.replace(/^\n/, '').split('\x1f');
      return { commit, subject };
    });
}

/** Uncommitted changes other than carried files the agent left alone. */
async function dirtyWork(ctx: Context, name: string, path: string): Promise<boolean> {
  return isDirty(ctx.git, path, await untouchedCarried(ctx.git, name, path));
}

async function compareOne(ctx: Context, name: string, targetCommit: string): Promise<AttemptComparison> {
  const agent = await requireBranch(ctx, name);
  const base = await agentBase(ctx, agent);
  const [ahead, commits, numstat, merged, uncommitted] = await Promise.all([
    ctx.git.text(['rev-list', '--count', `${base}..${agent.tip}`]),
    commitsBetween(ctx, base, agent.tip),
    ctx.git.text(['diff', '--numstat', '-z', '--no-renames', '--no-ext-diff', '--no-color', base, agent.tip, '--']),
    mergeTrees(ctx.git, targetCommit, agent.tip),
    agent.presence === 'present' && agent.path ? dirtyWork(ctx, name, agent.path) : Promise.resolve(false),
  ]);
  const files = parseNumstat(numstat);
  return {
    name,
    branch: agent.branch,
    baseCommit: base,
    head: agent.tip,
    ahead: Number(ahead.trim()) || 0,
    commits,
    files,
    ...totals(files),
    uncommitted,
    merge: merged.clean ? { clean: true } : { clean: false, conflicts: merged.conflicts },
  };
}

export async function compareAttempts(ctx: Context, namesInput: readonly string[], target?: string): Promise<Comparison> {
  if (!Array.isArray(namesInput) || namesInput.length === 0) {
    throw new WorktreeError('invalid-name', 'name at least one worktree agent to compare');
  }
  const names = namesInput.map(checkName);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice) throw new WorktreeError('invalid-name', `${twice} is named twice: name each attempt once`);
  await requireWriteTree(ctx.git);
  const into = await targetBranch(ctx, target);
  const attempts = await Promise.all(names.map((name) => compareOne(ctx, name, into.commit)));
  const touchedBy = new Map<string, string[]>();
  for (const attempt of attempts) {
    for (const file of attempt.files) touchedBy.set(file.path, [...(touchedBy.get(file.path) ?? []), attempt.name]);
  }
  const overlaps = [...touchedBy]
    .filter(([, by]) => by.length > 1)
    .map(([path, by]) => ({ path, names: by }))
    .sort((a, b) => a.path.localeCompare(b.path));
  return { target: into.branch, targetCommit: into.commit, attempts, overlaps };
}

/** A repository-relative path as git lists it: not absolute, no `..`. */
function checkFile(file: unknown): string {
  if (typeof file !== 'string' || file === '') throw new WorktreeError('invalid-input', 'name a file to show its diff');
  const shown = JSON.stringify(oneLine(file));
  if (file.startsWith('/') || file.split('/').includes('..')) {
    throw new WorktreeError('invalid-input', `${shown} is not a path inside the repository: use the path compare lists`);
  }
  if (file.includes('\0')) throw new WorktreeError('invalid-input', `${shown} contains a NUL character`);
  return file;
}

/** The diff of one file between the agent's base and its branch tip (what a merge would bring). */
export async function fileDiff(ctx: Context, nameInput: string, fileInput: string): Promise<string> {
  const name = checkName(nameInput);
  const file = checkFile(fileInput);
  const agent = await requireBranch(ctx, name);
  const base = await agentBase(ctx, agent);
  // After `--`, with literal pathspecs: the file is a path, never an option or a pattern.
  return ctx.git.text(['--literal-pathspecs', 'diff', '--no-ext-diff', '--no-color', base, agent.tip, '--', file]);
}
