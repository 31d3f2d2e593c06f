// Starting external agent CLIs (`/new claude|codex|…`, spec §5) from their declared kinds
// (core/cli-kinds.ts): the program found where the agent will look for it, or one line on how to
// install it; a first prompt in its arguments, or typed in once it is ready for input. An ended one
// (also one `lost` to a crashed server) resumes its own session under its name.
import type { AgentInfo } from '../core/agent.js';
import type { Budget } from '../core/budget.js';
import { cliArguments, type CliKind } from '../core/cli-kinds.js';
import { cliOfCommand } from '../core/command-cli.js';
import type { ModelPrice } from '../core/usage.js';
import type { WorktreeInfo } from '../core/worktree.js';
import type { AgentEntry, AgentTable, StartRequest } from './agent-table.js';
import { signalSetup } from './cli-signal-setup.js';
import type { AgentRuntime } from './runtime.js';
import { WORKTREES_UNAVAILABLE } from './worker-starts.js';
import type { WorktreeOps } from './worktree-ops.js';
import type { HostPlacement } from './host-links.js';

export interface CliStart {
  /** The first prompt. */
  task?: string;
  name?: string;
  cwd: string;
  worktree?: { base?: string };
  /** Start once this agent has finished. */
  after?: string;
  /** The environment of the client that asked for it. */
  inherit?: Record<string, string>;
  /** Run it once on `task` without its screen (its print arguments), rendered as a worker's work. */
  print?: boolean;
  /** What it may spend (for a CLI whose meter agentmux reads). */
  budget?: Budget;
  /** The host it runs on (checked already): found and run there, without hooks. */
  host?: HostPlacement;
}

export interface CliStartsDeps {
  agents: AgentTable;
  runtime: Pick<AgentRuntime, 'findProgram' | 'privateDir'>;
  kinds: ReadonlyMap<string, CliKind>;
  /** The command that runs agentmux's hook runner (cli/hook-main.ts); without it, CLIs start without hooks. */
  hookCommand?: readonly string[];
  /** The end of an agent's output log, shown above what a resumed run prints. */
  logTail?: (name: string) => Uint8Array;
  /** The program that renders a print run (`agentmux print-run -- PROGRAM ARGS…`), given the CLI's program and arguments. */
  printRun?: (program: string, args: string[]) => { file: string; args: string[] };
  /** A model's price (and context window) from the table, for a print run's meter. */
  priceOf: (model: string) => ModelPrice | undefined;
  worktrees?: WorktreeOps;
}

/** How an interactive CLI run is started. */
type LaunchParts = Pick<StartRequest, 'program' | 'cliSignals' | 'hooks' | 'hookFiles'>;

export class CliStarts {
  constructor(private readonly deps: CliStartsDeps) {}

  /** The kinds `/new` knows, for messages. */
  private kindList(): string {
    return [...this.deps.kinds.keys()].join(', ');
  }

  /** The files a command agent gets in its worktree: those of the CLI its command starts, if any. */
  commandFiles(command: string): readonly string[] {
    return cliOfCommand(this.deps.kinds, command)?.worktreeFiles ?? [];
  }

  /** Starts an agent of CLI `cli`; resolves with its info, or a one-line refusal (nothing started then). */
  async start(cli: string, how: CliStart): Promise<AgentInfo | string> {
    const kind = this.deps.kinds.get(cli);
    if (!kind) return `no CLI named ${cli}: /new takes ${this.kindList()}, or one you add under "clis" in the config`;
    if (how.host && how.print) return `${how.host.host}: --print runs are local only: start it without --print, or without --host`;
    // On another host the remote shell finds it (a missing one fails there, exit status 127).
    const program = how.host ? kind.program : this.deps.runtime.findProgram(kind.program, how.inherit);
    if (!program) return `${kind.program} is not installed (not found in PATH): ${kind.install}`;
    const launch = how.print ? this.printLaunch(kind, program, how.task ?? '')
      : how.host ? this.remoteLaunch(kind, program, how.task) : this.interactiveLaunch(kind, program, how.task, how.inherit);
    if (typeof launch === 'string') return launch;
    const work = { kind: 'cli' as const, task: how.task ?? '', cli };
    const start = (name: string, where: string, worktree?: WorktreeInfo, host = how.host): AgentEntry | string => this.deps.agents.start({
      ...work, cwd: where, name, ...launch,
      ...(how.inherit ? { inherit: how.inherit } : {}), ...(worktree ? { worktree } : {}), ...(how.after !== undefined ? { after: how.after } : {}),
      ...(how.budget ? { budget: how.budget } : {}), ...(host ? { host } : {}),
    });
    if (how.worktree) {
      const { worktrees } = this.deps;
      if (!worktrees) return WORKTREES_UNAVAILABLE;
      let started: AgentEntry | undefined;
      const error = await worktrees.startFor(how.host, work, how.name, how.worktree.base, (name, info, host) => {
        const result = start(name, info.path, info, host);
        if (typeof result !== 'string') started = result;
        return result;
      }, kind.worktreeFiles);
      return error ?? (started ? started.info : 'the agent did not start');
    }
    const chosen = this.deps.agents.chooseName(work, how.name);
    if ('error' in chosen) return chosen.error;
    const started = start(chosen.name, how.cwd);
    return typeof started === 'string' ? started : started.info;
  }

  /** Runs an ended CLI agent again in its own session (`text`: its next prompt, if any); returns why not. */
  resume(entry: AgentEntry, text: string): string | undefined {
    const { name, cli, cliSession } = entry.info;
    const kind = cli === undefined ? undefined : this.deps.kinds.get(cli);
    if (!kind) return `${name} cannot be resumed: its CLI ${cli ?? '(unknown)'} is no longer configured`;
    if (kind.resumeArgs.length === 0) return `${name} cannot be resumed: ${kind.name} has no way to resume a session`;
    if (!cliSession) return `${name} cannot be resumed: ${kind.name} ended before it said its session`;
    const program = this.deps.runtime.findProgram(kind.program);
    if (!program) return `${kind.program} is not installed (not found in PATH): ${kind.install}`;
    if (text.trim() && kind.taskArgs.length === 0) {
      return `${kind.name} takes no prompt in its arguments: resume ${name} on its own (attach it, Enter), then send the text once it waits for input`;
    }
    const launch = this.launchOf(kind, program, cliArguments(kind, { session: cliSession, ...(text.trim() ? { task: text } : {}) }));
    return this.deps.agents.restart(entry, launch.program, { ...launch, ...(this.deps.logTail ? { history: this.deps.logTail(name) } : {}) });
  }

  /** An interactive run, with its hooks; a first prompt only for a CLI that takes one in its arguments. */
  private interactiveLaunch(kind: CliKind, program: string, task: string | undefined, inherit: Record<string, string> | undefined): LaunchParts | string {
    if (task !== undefined && kind.taskArgs.length === 0) {
      return `${kind.name} takes no first prompt in its arguments: start it with /new ${kind.name}, then /send NAME TASK once it waits for input`;
    }
    return this.launchOf(kind, program, cliArguments(kind, task === undefined ? {} : { task }), inherit);
  }

  /** A run on another host: its hooks cannot reach this machine, so its state comes from its link and its exit. */
  private remoteLaunch(kind: CliKind, program: string, task: string | undefined): LaunchParts | string {
    if (task !== undefined && kind.taskArgs.length === 0) return this.interactiveLaunch(kind, program, task, undefined);
    return { program: { file: program, args: cliArguments(kind, task === undefined ? {} : { task }) } };
  }

  /** The program and its arguments after those that set up its signals. */
  private launchOf(kind: CliKind, program: string, args: string[], inherit?: Record<string, string>): LaunchParts {
    const signals = signalSetup(kind, this.deps.hookCommand, { ...(inherit ? { env: inherit } : {}), privateDir: this.deps.runtime.privateDir });
    return {
      program: { file: program, args: [...signals.args, ...args] }, cliSignals: signals.signals,
      ...(signals.hooks ? { hooks: true } : {}), ...(signals.files ? { hookFiles: signals.files } : {}),
    };
  }

  /** A run once on `task`, rendered by print-run, which reports like a worker (for whichever model the CLI uses). */
  private printLaunch(kind: CliKind, program: string, task: string): Pick<StartRequest, 'program' | 'worker'> | string {
    if (!this.deps.printRun) return 'print runs are not available in this session';
    if (kind.printArgs.length === 0) return `${kind.name} has no way to run once on a task (no printArgs in its kind)`;
    const args = kind.printArgs.map((arg) => (arg === '{task}' ? task : arg));
    return { program: this.deps.printRun(program, [...kind.args, ...args]), worker: { expect: { priceOf: this.deps.priceOf } } };
  }
}
