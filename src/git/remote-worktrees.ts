// Worktree agents on an SSH host (issue 12): the agent's branch `agentmux/NAME` and its worktree live
// in the host's checkout, beside it as locally; git runs there over ssh. Compare and merge work on a
// local copy of the branch (remote-fetch.ts). Each operation is one ssh round trip.
import type { WorktreeInfo } from '../core/worktree.js';
import { parseShortstat, type Shortstat } from './diffstat.js';
import { commitFailure } from './commit.js';
import { WorktreeError, oneLine } from './errors.js';
import { remoteWorktreePath } from './layout.js';
import { messageError, pendingMessage } from './messages.js';
import { agentBranch, checkName, refTextError } from './refs.js';
import { fetchAttempt, requireLocalBranchFree, type LocalRepo } from './remote-fetch.js';
import type { RemoteGit } from './remote-git.js';
import type { CommitResult, CreatedWorktree } from './worktrees.js';

/** The host's checkout and the base commit: $1 the checkout, $2 the base revision. */
const LOCATE = `cd "$1" 2>/dev/null || exit 3
git rev-parse --show-toplevel 2>/dev/null || exit 4
git rev-parse --verify --quiet "$2^{commit}" || exit 5`;

/** $1 the checkout's top, $2 the branch, $3 the new worktree, $4 the base commit. */
const ADD = `cd "$1" || exit 3
git show-ref --verify --quiet "refs/heads/$2" && exit 6
[ -e "$3" ] && exit 7
git worktree add --quiet -b "$2" -- "$3" "$4"`;

/** The list figures in one go: $1 the worktree, $2 the base commit, $3 the branch. C locale: --shortstat is translated. */
const STATUS = `cd "$1" 2>/dev/null || exit 3
export LC_ALL=C
ahead=$(git rev-list --count "$2..refs/heads/$3") || exit 4
stat=$(git --no-optional-locks diff --shortstat --no-ext-diff --no-renames --no-color "$2" --) || exit 4
untracked=$(git --no-optional-locks ls-files --others --exclude-standard --directory --no-empty-directory -z | tr -cd '\\000' | wc -c) || exit 4
git --no-optional-locks diff --quiet --no-ext-diff HEAD --
dirty=$?
[ "$dirty" -le 1 ] || exit 4
printf 'ahead %s\\nuntracked %s\\ndirty %s\\n%s\\n' "$ahead" "$untracked" "$dirty" "$stat"`;

/** $1 the worktree, $2 the branch, $3 the message; prints the new commit, nothing when the worktree was clean. */
const COMMIT = `cd "$1" 2>/dev/null || exit 3
[ "$(git symbolic-ref -q HEAD)" = "refs/heads/$2" ] || exit 5
git add --all || exit 4
git diff --cached --quiet && exit 0
git commit --quiet --no-verify -m "$3" || exit 6
git rev-parse HEAD`;

/**
 * $1 the checkout, $2 the worktree, $3 the branch. A worktree deleted by hand is pruned; the
 * worktrees folder goes with its last worktree (rmdir refuses a non-empty one).
 */
const REMOVE = `cd "$1" 2>/dev/null || exit 3
if [ -d "$2" ]; then git worktree remove --force --force -- "$2" || exit 4; else git worktree prune || exit 4; fi
if git show-ref --verify --quiet "refs/heads/$3"; then git branch --delete --force -- "$3" >/dev/null || exit 5; fi
rmdir "\${2%/*}" 2>/dev/null
exit 0`;

/** Where a host's worktree stands, for the agent list. */
export interface RemoteStatus extends Shortstat {
  /** False when its directory is gone from the host. */
  present: boolean;
  ahead: number;
  untracked: number;
  uncommitted: boolean;
}

export class RemoteWorktrees {
  constructor(
    private readonly remote: RemoteGit,
    private readonly local: LocalRepo,
  ) {}

  get host(): string {
    return this.remote.name;
  }

  /** A new branch `agentmux/NAME` from `base` (default the checkout's HEAD) in a new worktree beside the host's checkout. */
  async create(nameInput: string, base?: string): Promise<CreatedWorktree> {
    const name = checkName(nameInput);
    const badBase = base === undefined ? undefined : refTextError(base, 'base ref');
    if (badBase) throw new WorktreeError('invalid-ref', badBase);
    await requireLocalBranchFree(this.local, name);
    const { remote } = this;
    const where = `${remote.checkout} on ${remote.name}`;
    const located = await remote.script(LOCATE, [remote.checkout, base ?? 'HEAD']);
    if (located.code === 3 || located.code === 4) {
      throw new WorktreeError('not-a-repo', `${where} is not a git checkout: clone this repository there, or point hosts.${remote.name}.cwd at a clone of it`);
    }
    if (located.code === 5) {
      throw base === undefined
        ? new WorktreeError('no-commits', `${where} has no commits yet: pull or commit there first`)
        : new WorktreeError('unknown-ref', `base ref ${JSON.stringify(oneLine(base))} does not name a commit in ${where}: push or fetch it there, or name another`);
    }
    if (located.code !== 0) throw remote.failed('finding the checkout', located);
    const [top, baseCommit] = located.stdout.split('\n').map((line) => line.trim());
    const branch = agentBranch(name);
    const path = remoteWorktreePath(top, name);
    const added = await remote.script(ADD, [top, branch, path, baseCommit]);
    if (added.code === 6) throw new WorktreeError('branch-exists', `branch ${branch} already exists in ${where}: choose another name, or delete that branch there`);
    if (added.code === 7) throw new WorktreeError('path-exists', `${path} already exists on ${remote.name}: remove it there, or choose another name`);
    if (added.code !== 0) throw remote.failed('git worktree add', added);
    return { name, path, branch, baseCommit };
  }

  /** The list figures of the agent's worktree there: committed and uncommitted changes against its base. */
  async status(name: string, worktree: WorktreeInfo): Promise<RemoteStatus> {
    const result = await this.remote.script(STATUS, [worktree.path, worktree.baseCommit, agentBranch(checkName(name))]);
    if (result.code === 3) return { present: false, ahead: 0, untracked: 0, uncommitted: false, ...parseShortstat('') };
    if (result.code !== 0) throw this.remote.failed(`reading ${name}'s worktree`, result);
    const [ahead, untracked, dirty, ...stat] = result.stdout.split('\n');
    const number = (line: string | undefined) => Number(line?.replace(/^\w+\s+/, '').trim()) || 0;
    return { present: true, ahead: number(ahead), untracked: number(untracked), uncommitted: number(dirty) === 1 || number(untracked) > 0, ...parseShortstat(stat.join('\n')) };
  }

  /** Commits everything uncommitted in the agent's worktree there to its branch; no-op when clean. */
  async commitPending(nameInput: string, worktree: WorktreeInfo, message: string): Promise<CommitResult> {
    const name = checkName(nameInput);
    const invalid = messageError(message);
    if (invalid) throw new WorktreeError('invalid-input', invalid);
    const result = await this.remote.script(COMMIT, [worktree.path, agentBranch(name), pendingMessage(name, message)]);
    if (result.code === 3) {
      throw new WorktreeError('missing', `cannot commit ${name}'s work: its directory ${worktree.path} on ${this.remote.name} is gone; its branch keeps what was committed`);
    }
    if (result.code === 5) throw new WorktreeError('detached', `${name}'s worktree ${worktree.path} on ${this.remote.name} is not on ${agentBranch(name)}: check that branch out there first`);
    if (result.code === 6) throw commitFailure(name, result.stderr);
    if (result.code !== 0) throw this.remote.failed(`committing ${name}'s work`, result);
    const commit = result.stdout.trim();
    return commit ? { committed: true, commit } : { committed: false, commit: undefined };
  }

  /** Fetches the agent's branch into the local repository, as `agentmux/NAME` there, with its base recorded. */
  fetch(name: string, worktree: WorktreeInfo): Promise<void> {
    return fetchAttempt(this.remote, this.local, checkName(name), worktree.baseCommit);
  }

  /** Removes the agent's worktree and deletes its branch on the host, whatever they hold. */
  async remove(nameInput: string, worktree: WorktreeInfo): Promise<void> {
    const name = checkName(nameInput);
    const result = await this.remote.script(REMOVE, [this.remote.checkout, worktree.path, agentBranch(name)]);
    if (result.code === 3) throw new WorktreeError('not-a-repo', `${this.remote.checkout} on ${this.remote.name} is gone: nothing of ${name} can be removed there`);
    if (result.code !== 0) throw this.remote.failed(`removing ${name}'s worktree`, result);
  }
}
