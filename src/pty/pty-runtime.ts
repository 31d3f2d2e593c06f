// Runs agents as shell commands in ptys whose output is parsed by pooled emulators.
import type { AgentLaunch } from '../core/agent.js';
import { AgentProcess, type AgentProcessListener } from './agent-process.js';
import type { EmulatorPool } from './emulator-pool.js';
import { ReplayedOutput, type ReplayListener } from './replayed-output.js';

export interface PtyRuntimeOptions {
  /** The environment agents inherit unless their launch brings one; TERM and agentmux's own variables are set on top. */
  env: NodeJS.ProcessEnv;
  scrollback: number;
  killGraceMs: number;
}

// Variables that would make an agent believe it runs directly inside the user's multiplexer.
const HOST_ONLY_VARIABLES = ['TMUX', 'TMUX_PANE', 'STY', 'WINDOW', 'COLUMNS', 'LINES'];

export function agentEnvironment(base: NodeJS.ProcessEnv, name: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && !HOST_ONLY_VARIABLES.includes(key)) env[key] = value;
  }
  env.TERM = 'xterm-256color';
  env.COLORTERM = 'truecolor';
  env.AGENTMUX = '1';
  env.AGENTMUX_AGENT = name;
  return env;
}

export function createPtyRuntime(pool: EmulatorPool, options: PtyRuntimeOptions) {
  return {
    start(launch: AgentLaunch, events: AgentProcessListener): AgentProcess {
      const { file, args } = 'shell' in launch.program
        ? { file: '/bin/sh', args: ['-c', launch.program.shell] }
        : launch.program;
      return new AgentProcess(pool, {
        file,
        args,
        cwd: launch.cwd,
        cols: launch.cols,
        rows: launch.rows,
        env: { ...agentEnvironment(launch.inherit ?? options.env, launch.name), ...launch.env },
        scrollback: options.scrollback,
        killGraceMs: options.killGraceMs,
        reportSecret: launch.reportSecret,
        ...(launch.history ? { history: launch.history } : {}),
      }, events);
    },
    replay(output: Buffer, size: { cols: number; rows: number }, listener: ReplayListener): ReplayedOutput {
      return new ReplayedOutput(pool, { data: output, ...size, scrollback: options.scrollback }, listener);
    },
  };
}
