// Starting external agent CLIs (`/new claude|codex|…`, spec §5) from their declared kinds
// (core/cli-kinds.ts): the program found where the agent will look for it, or one line on how to
// install it; a first prompt in its arguments, or typed in once it is ready for input. An ended one
// (also one `lost` to a crashed server) resumes its own session under its name.
import type { AgentInfo } from '../core/agent.js';
import { cliArguments, type CliKind } from '../core/cli-kinds.js';
import { cliOfCommand } from '../core/command-cli.js';
import type { ModelPrice } from '../core/usage.js';
import type { WorktreeInfo } from '../core/worktree.js';
import type { AgentEntry, AgentTable, StartRequest } from './agent-table.js';
import { signalSetup } from './cli-signal-setup.js';
import type { AgentRuntime } from './runtime.js';
import { WORKTREES_UNAVAILABLE } from './worker-starts.js';
import type { WorktreeOps } from './worktree-ops.js';

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
}

export interface CliStartsDeps {
  agents: AgentTable;
  runtime: Pick<AgentRuntime, 'findProgram'>;
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
    const program = this.deps.runtime.findProgram(kind.program, how.inherit);
    if (!program) return `${kind.program} is not installed (not found in PATH): ${kind.install}`;
    const launch = how.print ? this.printLaunch(kind, program, how.task ?? '') : this.interactiveLaunch(kind, program, how.task);
    if (typeof launch === 'string') return launch;
    const work = { kind: 'cli' as const, task: how.task ?? '', cli };
    const start = (name: string, where: string, worktree?: WorktreeInfo): AgentEntry | string => this.deps.agents.start({
      ...work, cwd: where, name, ...launch,
      ...(how.inherit ? { inherit: how.inherit } : {}), ...(worktree ? { worktree } : {}), ...(how.after !== undefined ? { after: how.after } : {}),
    });
    if (how.worktree) {
      const { worktrees } = this.deps;
      if (!worktrees) return WORKTREES_UNAVAILABLE;
      let started: AgentEntry | undefined;
      const error = await worktrees.startIn(work, how.name, how.worktree.base, (name, info) => {
        const result = start(name, info.path, info);
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
    const { args, typeIn } = cliArguments(kind, { session: cliSession, ...(text.trim() ? { task: text } : {}) });
    const signals = this.signals(kind);
    return this.deps.agents.restart(entry, { file: program, args: [...signals.args, ...args] }, {
      ...(signals.hooks ? { hooks: true } : {}), ...(typeIn !== undefined ? { typeIn } : {}),
      ...(this.deps.logTail ? { history: this.deps.logTail(name) } : {}),
    });
  }

  /** An interactive run, with its hooks. */
  private interactiveLaunch(kind: CliKind, program: string, task: string | undefined): Pick<StartRequest, 'program' | 'hooks' | 'typeIn'> {
    const { args, typeIn } = cliArguments(kind, task === undefined ? {} : { task });
    const signals = this.signals(kind);
    return { program: { file: program, args: [...signals.args, ...args] }, ...(signals.hooks ? { hooks: true } : {}), ...(typeIn !== undefined ? { typeIn } : {}) };
  }

  /** A run once on `task`, rendered by print-run, which reports like a worker (for whichever model the CLI uses). */
  private printLaunch(kind: CliKind, program: string, task: string): Pick<StartRequest, 'program' | 'worker'> | string {
    if (!this.deps.printRun) return 'print runs are not available in this session';
    if (kind.printArgs.length === 0) return `${kind.name} has no way to run once on a task (no printArgs in its kind)`;
    const args = kind.printArgs.map((arg) => (arg === '{task}' ? task : arg));
    return { program: this.deps.printRun(program, [...kind.args, ...args]), worker: { expect: { priceOf: this.deps.priceOf } } };
  }

  private signals(kind: CliKind): { args: string[]; hooks: boolean } {
    return this.deps.hookCommand ? signalSetup(kind, this.deps.hookCommand) : { args: [], hooks: false };
  }
}
