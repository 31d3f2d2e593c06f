// Worktree agents on SSH hosts (issue 12), for WorktreeOps: the worktree is made in the host's
// checkout, its list figures are read over ssh, and before /compare, /merge and /discard its branch is
// fetched into the local repository, where those work as for a local attempt.
import { isEnded } from '../core/agent.js';
import { findHost, isSshHost, type HostConfig } from '../core/hosts.js';
import { printable } from '../core/printable.js';
import type { WorktreeInfo } from '../core/worktree.js';
import { RemoteGit, RemoteWorktrees, WorktreeError, type GitEnv } from '../git/index.js';
import { runCommand, type CommandRunner } from '../pty/command-runner.js';
import { RUN_ENV } from '../pty/run-processes.js';
import { taskError, type AgentEntry, type AgentTable, type AgentWork } from './agent-table.js';
import type { ChatLog } from './chat-log.js';
import type { WorktreeService } from './worktree-ops.js';

/** What the server is given for worktrees on hosts. */
export interface RemoteWorktreeSetup {
  hosts: Readonly<Record<string, HostConfig>>;
  /** The private, short directory of agentmux's ssh connection sockets (ControlPath). */
  controlDir: string;
  /** Runs ssh and git fetch (default: runCommand). */
  run?: CommandRunner;
  /** Environment of local git (default: process.env). */
  env?: GitEnv;
}

export interface RemoteWorktreeOpsDeps extends RemoteWorktreeSetup {
  /** A directory of the local repository the attempts' branches are fetched into (the workspace). */
  localRepo: string;
  /** The local worktrees: deleting a fetched branch here goes through their checks. */
  local: Pick<WorktreeService, 'discard'>;
  agents: AgentTable;
  chat: ChatLog;
  /** Sends the agent's current info to every client. */
  publish(entry: AgentEntry): void;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class RemoteWorktreeOps {
  private readonly byHost = new Map<string, RemoteWorktrees>();
  /** A refresh under way per agent: a slow link never has two in flight. */
  private readonly reading = new Map<string, Promise<void>>();
  /** Agents whose worktree could not be read, said once until it can be again. */
  private readonly unreadable = new Set<string>();

  constructor(private readonly deps: RemoteWorktreeOpsDeps) {}

  /** Whether the agent's worktree lives on an SSH host (a docker host's worktree is made here and mounted). */
  owns(entry: AgentEntry): boolean {
    const { host, worktree } = entry.info;
    if (!worktree || host === undefined) return false;
    const config = Object.hasOwn(this.deps.hosts, host) ? this.deps.hosts[host] : undefined;
    return !config || isSshHost(config);
  }

  /**
   * WorktreeOps.startIn for an agent on SSH host `host`: the name held, the worktree made in the
   * host's checkout from `base` (default its HEAD), then `start(name, worktree)` with the remote path.
   * Resolves with a one-line refusal (nothing left behind), or undefined once the agent has started.
   */
  async startIn(
    host: string, work: AgentWork, requested: string | undefined, base: string | undefined,
    start: (name: string, worktree: WorktreeInfo) => AgentEntry | string,
  ): Promise<string | undefined> {
    const { agents } = this.deps;
    const refused = taskError(work);
    if (refused) return refused;
    const chosen = agents.chooseName(work, requested);
    if ('error' in chosen) return chosen.error;
    const { name } = chosen;
    agents.reserve(name);
    try {
      const worktrees = this.worktreesOn(host);
      const created = await worktrees.create(name, base);
      const worktree: WorktreeInfo = { branch: created.branch, path: created.path, baseCommit: created.baseCommit, ahead: 0, filesChanged: 0, insertions: 0, deletions: 0 };
      // Nothing runs between here and the start: the name cannot be taken meanwhile.
      agents.release(name);
      const started = start(name, worktree);
      if (typeof started !== 'string') return undefined;
      await worktrees.remove(name, worktree).catch((error: unknown) => {
        this.deps.chat.add('error', `${name}: its unused worktree on ${host} could not be removed (${errorText(error)}): remove ${created.path} and branch ${created.branch} there`);
      });
      return started;
    } catch (error) {
      return errorText(error);
    } finally {
      agents.release(name);
    }
  }

  /** Reads the agent's list figures on its host; a failure is said once, and the figures stay as they were. */
  refresh(entry: AgentEntry): Promise<void> {
    const name = entry.info.name;
    const running = this.reading.get(name);
    if (running) return running;
    const read = this.read(entry).finally(() => this.reading.delete(name));
    this.reading.set(name, read);
    return read;
  }

  private async read(entry: AgentEntry): Promise<void> {
    const { name, host, worktree } = entry.info;
    if (!worktree || host === undefined) return;
    try {
      const status = await this.worktreesOn(host).status(name, worktree);
      // Removed meanwhile: it is in nobody's list any more.
      if (this.deps.agents.get(name) !== entry) return;
      Object.assign(worktree, {
        ahead: status.ahead, filesChanged: status.filesChanged + status.untracked, insertions: status.insertions,
        deletions: status.deletions, uncommitted: status.uncommitted, missing: !status.present,
      });
      this.unreadable.delete(name);
      this.deps.publish(entry);
    } catch (error) {
      if (this.unreadable.has(name)) return;
      this.unreadable.add(name);
      this.deps.chat.add('notice', `${name}: could not read its worktree on ${host} (${printable(errorText(error))})`);
    }
  }

  /**
   * Before compare and merge: an ended agent's uncommitted work goes onto its branch there (it is never
   * lost), then the branch is fetched here. Rejects with one line.
   */
  async prepare(entry: AgentEntry): Promise<void> {
    const { name, host, worktree, task } = entry.info;
    if (!worktree || host === undefined) return;
    const worktrees = this.worktreesOn(host);
    if (isEnded(entry.info.state) && !worktree.missing) {
      const result = await worktrees.commitPending(name, worktree, `agentmux: uncommitted work of ${name} (${task})`);
      if (result.committed) this.deps.chat.add('notice', `committed ${name}'s uncommitted work to ${worktree.branch} on ${host}`);
    }
    await worktrees.fetch(name, worktree);
  }

  /**
   * Removes the agent's worktree and branch on its host and the branch fetched here. Without `force`,
   * refuses (rejects, nothing removed) uncommitted changes there and commits not merged here.
   */
  async discard(entry: AgentEntry, force: boolean): Promise<void> {
    const { name, host, worktree } = entry.info;
    if (!worktree || host === undefined) return;
    const worktrees = this.worktreesOn(host);
    if (!force) {
      const status = await worktrees.status(name, worktree);
      if (status.uncommitted) {
        throw new WorktreeError('uncommitted', `${name}'s worktree on ${host} has uncommitted changes: commit or merge them first, or discard with --force`);
      }
      // The check for unmerged commits is made here, on the branch as it is there now.
      await worktrees.fetch(name, worktree).catch(notFoundIsFine);
    }
    await this.deps.local.discard(name, { force }).catch(notFoundIsFine);
    await worktrees.remove(name, worktree);
  }

  /** The agent was removed. */
  forget(name: string): void {
    this.unreadable.delete(name);
  }

  private worktreesOn(hostName: string): RemoteWorktrees {
    const known = this.byHost.get(hostName);
    if (known) return known;
    const host = findHost(this.deps.hosts, hostName);
    if (typeof host === 'string') throw new WorktreeError('not-found', host);
    if (!isSshHost(host)) throw new WorktreeError('invalid-input', `${hostName} is a docker host: its agents' worktrees are made on this machine`);
    const run = outsideAnyRun(this.deps.run ?? runCommand);
    const made = new RemoteWorktrees(new RemoteGit(hostName, host, this.deps.controlDir, run), {
      dir: this.deps.localRepo, run, ...(this.deps.env ? { env: this.deps.env } : {}),
    });
    this.byHost.set(hostName, made);
    return made;
  }
}

/** An ssh connection master these commands start must not belong to any agent's run (/kill would end it). */
function outsideAnyRun(run: CommandRunner): CommandRunner {
  return (file, args, options = {}) => {
    const env = { ...(options.env ?? process.env) };
    delete env[RUN_ENV];
    return run(file, args, { ...options, env });
  };
}

/** A branch that is already gone (there, or here) is what discarding wants anyway. */
function notFoundIsFine(error: unknown): void {
  if (!(error instanceof WorktreeError && error.code === 'not-found')) throw error;
}
