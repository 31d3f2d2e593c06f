// Starting external agent CLIs (`/new claude|codex|…`, spec §5) from their declared kinds
// (core/cli-kinds.ts): the program found where the agent will look for it, or one line on how to
// install it; a first prompt in its arguments, or typed in once it is ready for input.
import type { AgentInfo } from '../core/agent.js';
import { cliArguments, type CliKind } from '../core/cli-kinds.js';
import type { WorktreeInfo } from '../core/worktree.js';
import type { AgentEntry, AgentTable } from './agent-table.js';
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
}

export interface CliStartsDeps {
  agents: AgentTable;
  runtime: Pick<AgentRuntime, 'findProgram' | 'privateDir'>;
  kinds: ReadonlyMap<string, CliKind>;
  /** The command that runs agentmux's hook runner (cli/hook-main.ts); without it, CLIs start without hooks. */
  hookCommand?: readonly string[];
  worktrees?: WorktreeOps;
}

export class CliStarts {
  constructor(private readonly deps: CliStartsDeps) {}

  /** The kinds `/new` knows, for messages. */
  private kindList(): string {
    return [...this.deps.kinds.keys()].join(', ');
  }

  /** Starts an agent of CLI `cli`; resolves with its info, or a one-line refusal (nothing started then). */
  async start(cli: string, how: CliStart): Promise<AgentInfo | string> {
    const kind = this.deps.kinds.get(cli);
    if (!kind) return `no CLI named ${cli}: /new takes ${this.kindList()}, or one you add under "clis" in the config`;
    const program = this.deps.runtime.findProgram(kind.program, how.inherit);
    if (!program) return `${kind.program} is not installed (not found in PATH): ${kind.install}`;
    const { args, typeIn } = cliArguments(kind, how.task === undefined ? {} : { task: how.task });
    const signals = signalSetup(kind, this.deps.hookCommand, { ...(how.inherit ? { env: how.inherit } : {}), privateDir: this.deps.runtime.privateDir });
    const work = { kind: 'cli' as const, task: how.task ?? '', cli };
    const start = (name: string, where: string, worktree?: WorktreeInfo): AgentEntry | string => this.deps.agents.start({
      ...work, cwd: where, name, program: { file: program, args: [...signals.args, ...args] }, cliSignals: signals.signals,
      ...(signals.hooks ? { hooks: true } : {}), ...(signals.files ? { hookFiles: signals.files } : {}),
      ...(how.inherit ? { inherit: how.inherit } : {}), ...(worktree ? { worktree } : {}), ...(how.after !== undefined ? { after: how.after } : {}),
      ...(typeIn !== undefined ? { typeIn } : {}),
    });
    if (how.worktree) {
      const { worktrees } = this.deps;
      if (!worktrees) return WORKTREES_UNAVAILABLE;
      let started: AgentEntry | undefined;
      const error = await worktrees.startIn(work, how.name, how.worktree.base, (name, info) => {
        const result = start(name, info.path, info);
        if (typeof result !== 'string') started = result;
        return result;
      });
      return error ?? (started ? started.info : 'the agent did not start');
    }
    const chosen = this.deps.agents.chooseName(work, how.name);
    if ('error' in chosen) return chosen.error;
    const started = start(chosen.name, how.cwd);
    return typeof started === 'string' ? started : started.info;
  }
}
