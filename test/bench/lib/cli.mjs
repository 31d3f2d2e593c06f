// The agentmux CLI (dist/cli/main.js) running in a Screen with a private HOME.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Screen } from './screen.mjs';
import { tempDir } from './fixtures.mjs';

export const CLI_ENTRY = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));

/** A clean environment: no inherited config, theme, API key or multiplexer variables. */
export function cleanEnv(home) {
  const env = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    SHELL: '/bin/sh',
    HOME: home,
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
  };
  for (const dir of [env.XDG_CONFIG_HOME, env.XDG_STATE_HOME, env.XDG_DATA_HOME]) mkdirSync(dir, { recursive: true });
  return env;
}

/**
 * Starts the CLI. AGENTMUX_BENCH_CLI_NODE_FLAGS are passed to its node, e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it (profiles are written when it quits).
 */
export function launchCli({ cols = 100, rows = 30 } = {}) {
  const home = tempDir('agentmux-bench-home-');
  const flags = (process.env.AGENTMUX_BENCH_CLI_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  return new Screen({ command: process.execPath, args: [...flags, CLI_ENTRY], cols, rows, env: cleanEnv(home), cwd: home });
}

/** The whole first frame: header, input prompt, agent list title and status bar. */
export function firstFrameShown(screen) {
  const rows = screen.terminal.rows;
  return screen.line(0).includes('agentmux')
    && screen.line(0).includes('agents')
    && screen.line(rows - 2).includes('›')
    && screen.line(rows - 1).includes('running');
}

/** Number of agents in the list title ` agents (N)`. */
export function agentCount(screen) {
  const match = /agents \((\d+)\)/.exec(screen.line(0));
  return match ? Number(match[1]) : 0;
}

/** Types a line into the chat input and presses Enter. */
export function typeLine(screen, text) {
  screen.write(text);
  screen.write('\r');
}

/** `/run` an agent and wait until the list shows it. */
export async function runAgent(screen, args) {
  const before = agentCount(screen);
  typeLine(screen, `/run ${args}`);
  await screen.waitFor((s) => agentCount(s) > before, { what: `agent started by /run ${args}` });
}
