// Runs agents as shell commands in ptys whose output is parsed by pooled emulators.
import { tmpdir } from 'node:os';
import { findProgram } from './program-path.js';
import type { AgentLaunch } from '../core/agent.js';
import { withoutModelCredentials } from '../core/model-credentials.js';
import { AgentProcess, type AgentProcessListener } from './agent-process.js';
import type { EmulatorPool } from './emulator-pool.js';
import { OutputText } from './output-text.js';
import { ReplayedOutput, type ReplayListener } from './replayed-output.js';

export interface PtyRuntimeOptions {
  /** The environment agents inherit unless their launch brings one; TERM and agentmux's own variables are set on top. */
  env: NodeJS.ProcessEnv;
  scrollback: number;
  killGraceMs: number;
  /** Where workers' report channels and agent CLIs' hook sockets are made, each in a private directory of its own (default: the system's temporary directory). */
  channelDir?: string;
}

// Variables by which a program recognises the terminal or multiplexer it runs in: an agent runs in
// our emulator (xterm-256color), not in the user's tmux, screen, iTerm, kitty or WezTerm, whose
// features (images, passthrough, keyboard protocols) it must not assume.
const HOST_ONLY_VARIABLES = [
  'TMUX', 'TMUX_PANE', 'STY', 'WINDOW', 'COLUMNS', 'LINES', 'TERM_PROGRAM', 'TERM_PROGRAM_VERSION', 'LC_TERMINAL', 'LC_TERMINAL_VERSION',
  'TERM_SESSION_ID', 'ITERM_SESSION_ID', 'KITTY_WINDOW_ID', 'KITTY_PID', 'WEZTERM_PANE', 'WEZTERM_EXECUTABLE', 'WT_SESSION', 'VTE_VERSION',
  'KONSOLE_VERSION', 'ALACRITTY_WINDOW_ID', 'GHOSTTY_RESOURCES_DIR',
];

/** The environment an agent starts with; `modelDriven`: without model credentials (model-credentials.ts). */
export function agentEnvironment(base: NodeJS.ProcessEnv, name: string, modelDriven = false): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(modelDriven ? withoutModelCredentials(base) : base)) {
    if (value !== undefined && !HOST_ONLY_VARIABLES.includes(key)) env[key] = value;
  }
  env.TERM = 'xterm-256color';
  env.COLORTERM = 'truecolor';
  env.AGENTMUX = '1';
  env.AGENTMUX_AGENT = name;
  return env;
}

export function createPtyRuntime(pool: EmulatorPool, options: PtyRuntimeOptions) {
  const privateDir = options.channelDir ?? tmpdir();
  return {
    privateDir,
    findProgram(program: string, inherit?: Record<string, string>): string | undefined {
      return findProgram(program, (inherit ?? options.env).PATH);
    },
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
        env: { ...agentEnvironment(launch.inherit ?? options.env, launch.name, launch.modelDriven), ...launch.env },
        scrollback: options.scrollback,
        killGraceMs: options.killGraceMs,
        ...(launch.reports ? { channel: { dir: privateDir, ...launch.reports } } : {}),
        ...(launch.hooks ? { hooks: { dir: privateDir, ...(launch.hookFiles ? { files: launch.hookFiles } : {}) } } : {}),
        ...(launch.history ? { history: launch.history } : {}),
      }, events);
    },
    replay(output: Buffer, size: { cols: number; rows: number }, listener: ReplayListener): ReplayedOutput {
      return new ReplayedOutput(pool, { data: output, ...size, scrollback: options.scrollback }, listener);
    },
    outputText(size: { cols: number; rows: number }, follow: boolean, onText: (text: string) => void): OutputText {
      return new OutputText(pool, size, follow, onText);
    },
  };
}
