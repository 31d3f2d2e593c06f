// Worktree agents: making their worktrees, keeping their list figures fresh, and comparing,
// merging and discarding their attempts (issue 4), over the git layer.
import { isEnded } from '../core/agent.js';
import { printable } from '../core/printable.js';
import type { ChatRole } from '../core/protocol.js';
import type { ComparisonView, WorktreeInfo } from '../core/worktree.js';
import type { Worktrees } from '../git/worktrees.js';
import { taskError, type AgentEntry, type AgentTable, type AgentWork } from './agent-table.js';
import type { ChatLog } from './chat-log.js';
import type { HostPlacement } from './host-links.js';
import type { RemoteWorktreeOps } from './remote-worktree-ops.js';

/** The part of the git layer the server uses. */
export type WorktreeService = Pick<Worktrees, 'create' | 'carry' | 'status' | 'compare' | 'fileDiff' | 'commitPending' | 'merge' | 'discard'>;

export interface WorktreeOpsDeps {
  git: WorktreeService;
  agents: AgentTable;
  chat: ChatLog;
  /** Sends the agent's current info to every client. */
  publish(entry: AgentEntry): void;
  showComparison(comparison: ComparisonView): void;
  /** Asks the user in the chat; resolves true for yes. */
  confirm(question: string): Promise<boolean>;
  /** Starts `command` as a command agent in `cwd` to check `attempt`; returns its name, or an error. */
  runCheck(attempt: string, command: string, cwd: string): { name: string } | { error: string };
  /** The configured check command of /compare (`compare.check`), if any. */
  checkCommand?: string;
  /** Worktrees of agents on SSH hosts; without it, none can be made. */
  remote?: RemoteWorktreeOps;
}

const REFRESH_MS = 1500;
const NO_REMOTE_WORKTREES = 'worktrees on hosts are not available in this server';

type ChatLine = { role: ChatRole; text: string };

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class WorktreeOps {
  private readonly refreshTimers = new Map<string, NodeJS.Timeout>();
  private comparison: ComparisonView | undefined;

  constructor(private readonly deps: WorktreeOpsDeps) {}

  /**
   * Makes a worktree for a new agent, carries `files` of the main checkout into it (an agent CLI's
   * settings and instructions), then starts the agent there with `start`; the name is held meanwhile.
   * Resolves with a one-line refusal, or undefined once the agent has started.
   */
  async startIn(
    work: AgentWork, requested: string | undefined, base: string | undefined,
    start: (name: string, worktree: WorktreeInfo) => AgentEntry | string, files: readonly string[] = [],
  ): Promise<string | undefined> {
    const { agents } = this.deps;
    const refused = taskError(work);
    if (refused) return refused;
    const chosen = agents.chooseName(work, requested);
    if ('error' in chosen) return chosen.error;
    agents.reserve(chosen.name);
    try {
      const worktree = await this.create(chosen.name, base);
      const carried = files.length > 0 ? await this.carry(chosen.name, files) : [];
      // Nothing runs between here and the start: the name cannot be taken meanwhile.
      agents.release(chosen.name);
      const started = start(chosen.name, worktree);
      if (typeof started === 'string') await this.removeUnused(chosen.name);
      else for (const line of carried) this.deps.chat.add(line.role, line.text);
      return typeof started === 'string' ? started : undefined;
    } catch (error) {
      return errorText(error);
    } finally {
      agents.release(chosen.name);
    }
  }

  /** startIn for an agent on SSH host `host`: its worktree is made in the host's checkout (remote-worktree-ops.ts). */
  /**
   * `startIn` for an agent placed on `host` (or this machine): an ssh host's worktree is made on its
   * checkout; a container's is made here and mounted. `start` gets the placement moved into the worktree.
   */
  startFor(
    host: HostPlacement | undefined, work: AgentWork, requested: string | undefined, base: string | undefined,
    start: (name: string, worktree: WorktreeInfo, host?: HostPlacement) => AgentEntry | string, files: readonly string[] = [],
  ): Promise<string | undefined> {
    if (!host) return this.startIn(work, requested, base, (name, worktree) => start(name, worktree), files);
    const moved = (name: string, worktree: WorktreeInfo): AgentEntry | string => {
      const placed = host.at(worktree.path);
      return typeof placed === 'string' ? placed : start(name, worktree, placed);
    };
    return host.link === 'docker' ? this.startIn(work, requested, base, moved, files) : this.startInRemote(host.host, work, requested, base, moved);
  }

  startInRemote(
    host: string, work: AgentWork, requested: string | undefined, base: string | undefined,
    start: (name: string, worktree: WorktreeInfo) => AgentEntry | string,
  ): Promise<string | undefined> {
    return this.deps.remote?.startIn(host, work, requested, base, start) ?? Promise.resolve(NO_REMOTE_WORKTREES);
  }

  /** A new worktree for agent `name` from `base`; resolves to its info, or rejects with a one-line message. */
  private async create(name: string, base: string | undefined): Promise<WorktreeInfo> {
    const created = await this.deps.git.create({ name, ...(base ? { base } : {}) });
    return { branch: created.branch, path: created.path, baseCommit: created.baseCommit, ahead: 0, filesChanged: 0, insertions: 0, deletions: 0 };
  }

  /** Copies the files into the agent's new worktree; returns what the chat says about it (never stops the start). */
  private async carry(name: string, files: readonly string[]): Promise<ChatLine[]> {
    try {
      const { carried, failures } = await this.deps.git.carry(name, files);
      const lines: ChatLine[] = [];
      if (carried.length > 0) {
        lines.push({ role: 'notice', text: `${name}: carried ${printable(carried.join(', '))} (uncommitted in the main checkout) into its worktree` });
      }
      if (failures.length > 0) {
        const which = failures.map((failure) => `${failure.path} (${failure.reason})`).join(', ');
        lines.push({ role: 'error', text: `${name}: could not carry ${printable(which)} into its worktree` });
      }
      return lines;
    } catch (error) {
      return [{ role: 'error', text: `${name}: could not carry its files into its worktree (${printable(errorText(error))})` }];
    }
  }

  /** Refreshes the list figures of a worktree agent soon, at most once per REFRESH_MS (git runs are not free). */
  scheduleRefresh(entry: AgentEntry): void {
    const name = entry.info.name;
    if (!entry.info.worktree || this.refreshTimers.has(name)) return;
    this.refreshTimers.set(name, setTimeout(() => {
      this.refreshTimers.delete(name);
      void this.refresh(entry);
    }, REFRESH_MS));
  }

  /** The agent was removed: no more refreshes of it. */
  forget(name: string): void {
    clearTimeout(this.refreshTimers.get(name));
    this.refreshTimers.delete(name);
    this.deps.remote?.forget(name);
  }

  private async refresh(entry: AgentEntry): Promise<void> {
    const worktree = entry.info.worktree;
    if (!worktree) return;
    if (this.deps.remote?.owns(entry)) return this.deps.remote.refresh(entry);
    try {
      const status = await this.deps.git.status(entry.info.name);
      // Removed meanwhile: it is in nobody's list any more.
      if (this.deps.agents.get(entry.info.name) !== entry) return;
      Object.assign(worktree, {
        ahead: status.ahead, filesChanged: status.filesChanged + status.untracked, insertions: status.insertions,
        deletions: status.deletions, uncommitted: status.uncommitted, missing: status.worktree === 'missing',
      });
      this.deps.publish(entry);
    } catch (error) {
      // The figures stay as they were; the next change asks again.
      this.deps.chat.add('notice', `${entry.info.name}: could not read its worktree (${errorText(error)})`);
    }
  }

  /** Worktree agents by name, or the first reason one of them cannot be used. */
  private worktreeAgents(names: readonly string[]): AgentEntry[] | string {
    const entries: AgentEntry[] = [];
    for (const name of names) {
      const entry = this.deps.agents.lookup(name);
      if (typeof entry === 'string') return entry;
      if (!entry.info.worktree) return `${name} has no worktree: only agents started with --worktree can be compared, merged or discarded`;
      entries.push(entry);
    }
    return entries;
  }

  /**
   * Before compare and merge: fresh figures (a worktree may have been deleted by hand), then
   * ended agents' uncommitted work goes onto their branches: it is never lost.
   */
  private async prepare(entries: readonly AgentEntry[]): Promise<void> {
    await Promise.all(entries.map((entry) => this.refresh(entry)));
    for (const entry of entries) {
      if (this.deps.remote?.owns(entry)) {
        await this.deps.remote.prepare(entry);
        continue;
      }
      if (!isEnded(entry.info.state) || entry.info.worktree?.missing) continue;
      const result = await this.deps.git.commitPending(entry.info.name, `agentmux: uncommitted work of ${entry.info.name} (${entry.info.task})`);
      if (result.committed) this.deps.chat.add('notice', `committed ${entry.info.name}'s uncommitted work to ${entry.info.worktree?.branch}`);
    }
  }

  async compare(names: readonly string[]): Promise<string | undefined> {
    const entries = this.worktreeAgents(names);
    if (typeof entries === 'string') return entries;
    try {
      await this.prepare(entries);
      const comparison = await this.deps.git.compare(names);
      // A host's attempt is compared on its branch fetched here; what is uncommitted is known there.
      for (const attempt of comparison.attempts) {
        const entry = entries.find((candidate) => candidate.info.name === attempt.name);
        if (entry && this.deps.remote?.owns(entry)) attempt.uncommitted = entry.info.worktree?.uncommitted ?? false;
      }
      this.comparison = { ...comparison, checks: {} };
      const check = this.deps.checkCommand;
      if (check) {
        for (const entry of entries) {
          if (this.deps.remote?.owns(entry)) {
            this.deps.chat.add('error', `check of ${entry.info.name} not started: its worktree is on ${entry.info.host}, and checks run in worktrees on this machine`);
            continue;
          }
          const started = this.deps.runCheck(entry.info.name, check, entry.info.worktree?.path ?? entry.info.cwd);
          if ('error' in started) this.deps.chat.add('error', `check of ${entry.info.name} not started: ${started.error}`);
          else this.comparison.checks[entry.info.name] = { agent: started.name, state: 'running' };
        }
      }
      this.deps.showComparison(this.comparison);
      return undefined;
    } catch (error) {
      return errorText(error);
    }
  }

  /** A check agent ended: its result goes into the comparison on screen. */
  checkEnded(agent: string, state: string, exitCode: number | undefined): void {
    const comparison = this.comparison;
    if (!comparison) return;
    const attempt = Object.keys(comparison.checks).find((name) => comparison.checks[name].agent === agent);
    if (!attempt) return;
    comparison.checks[attempt] = { agent, state: state === 'finished' ? 'passed' : 'failed', ...(exitCode !== undefined ? { exitCode } : {}) };
    this.deps.showComparison(comparison);
  }

  async fileDiff(name: string, file: string): Promise<string | { diff: string }> {
    const entries = this.worktreeAgents([name]);
    if (typeof entries === 'string') return entries;
    try {
      return { diff: await this.deps.git.fileDiff(name, file) };
    } catch (error) {
      return errorText(error);
    }
  }

  async merge(name: string, into: string | undefined, squash: boolean): Promise<string | undefined> {
    const entries = this.worktreeAgents([name]);
    if (typeof entries === 'string') return entries;
    const [entry] = entries;
    if (!isEnded(entry.info.state)) return `${name} is still ${entry.info.state}: wait for it to end, or /kill it, before merging`;
    try {
      await this.prepare(entries);
      const merged = await this.deps.git.merge(name, { ...(into ? { into } : {}), squash, message: entry.info.task });
      this.deps.chat.add('system', `Merged ${name} into ${merged.into}${merged.squash ? ' (squashed)' : ''}: ${merged.files.length} file${merged.files.length === 1 ? '' : 's'}, commit ${merged.commit.slice(0, 10)}.`);
      const others = this.comparison?.attempts.map((attempt) => attempt.name).filter((other) => other !== name && this.deps.agents.get(other)?.info.worktree) ?? [];
      const offer = [`/discard ${name} removes its worktree and branch, now merged`];
      if (others.length > 0) offer.push(`/discard --force ${others.join(' ')} removes the other attempts, unmerged work and all`);
      this.deps.chat.add('notice', `${offer.join('; ')}.`);
      void this.refresh(entry);
      return undefined;
    } catch (error) {
      return errorText(error);
    }
  }

  /** Removes each agent's worktree and branch; a running one is stopped first, once the user agrees. */
  async discard(names: readonly string[], force: boolean): Promise<string | undefined> {
    const entries = this.worktreeAgents(names);
    if (typeof entries === 'string') return entries;
    for (const entry of entries) {
      const { name } = entry.info;
      if (!isEnded(entry.info.state)) {
        if (!force) {
          this.deps.chat.add('error', `${name} is still running: /discard --force ${name} stops it (after asking) and removes its worktree and branch with whatever it has done`);
          continue;
        }
        if (!(await this.deps.confirm(`${name} is still running. Stop it and discard its worktree and branch`))) {
          this.deps.chat.add('notice', `${name} kept`);
          continue;
        }
        await this.stop(entry);
      }
      try {
        if (this.deps.remote?.owns(entry)) await this.deps.remote.discard(entry, force);
        else await this.deps.git.discard(name, { force });
        delete entry.info.worktree;
        this.deps.publish(entry);
        this.deps.chat.add('system', `Discarded ${name}: worktree removed, branch deleted.`);
      } catch (error) {
        this.deps.chat.add('error', `${name}: ${errorText(error)}`);
      }
    }
    return undefined;
  }

  private stop(entry: AgentEntry): Promise<void> {
    const ended = this.deps.agents.whenEnded(entry);
    this.deps.agents.kill(entry.info.name);
    return ended;
  }

  /** Removes a worktree made for an agent that then did not start. */
  private async removeUnused(name: string): Promise<void> {
    try {
      await this.deps.git.discard(name, { force: true });
    } catch (error) {
      this.deps.chat.add('error', `${name}: its unused worktree could not be removed (${errorText(error)}); agentmux gc can`);
    }
  }

  dispose(): void {
    for (const timer of this.refreshTimers.values()) clearTimeout(timer);
    this.refreshTimers.clear();
  }
}
