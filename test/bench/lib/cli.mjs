// The agentmux CLI (dist/cli/main.js) running in a Screen with a private HOME, and the
// per-user server it starts (in that HOME's runtime directory), stopped however the run ends.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killGroup, onCleanup } from './cleanup.mjs';
import { descendantsOf, startTime } from './proc.mjs';
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
    // The server's socket goes here: never the user's own server, nor another run's.
    XDG_RUNTIME_DIR: join(home, 'run'),
  };
  for (const dir of [env.XDG_CONFIG_HOME, env.XDG_STATE_HOME, env.XDG_DATA_HOME]) mkdirSync(dir, { recursive: true });
  mkdirSync(env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
  return env;
}

/** State letter of a process (R, S, Z…), '' when it is gone. */
function processState(pid) {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[0];
  } catch {
    return '';
  }
}

function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

const cliFlags = () => (process.env.AGENTMUX_BENCH_CLI_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);

/**
 * A private HOME (and XDG directories) for agentmux: its own server, started by the first
 * client, stopped by close() or, if the benchmark dies first, at exit.
 */
export class Sandbox {
  constructor() {
    this.home = tempDir('agentmux-bench-home-');
    this.env = cleanEnv(this.home);
    // Registered after the temp dir, so it runs before the dir is removed.
    this.dropCleanup = onCleanup(() => this.stopServerSync());
  }

  /** The CLI in a Screen (a pty), in this HOME; `args` as for `agentmux`. */
  screen({ args = [], cols = 100, rows = 30 } = {}) {
    return new Screen({ command: process.execPath, args: [...cliFlags(), CLI_ENTRY, ...args], cols, rows, env: this.env, cwd: this.home });
  }

  /** Runs `agentmux ARGS…` without a terminal; resolves with its stdout, rejects on a failure or after `timeoutMs`. */
  cli(args, { timeoutMs = 30_000 } = {}) {
    return new Promise((resolve, reject) => {
      execFile(process.execPath, [CLI_ENTRY, ...args], { env: this.env, cwd: this.home, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
        if (error) reject(new Error(`agentmux ${args.join(' ')} failed (${error.killed ? `timed out after ${timeoutMs} ms` : `exit ${error.code}`}): ${stderr.trim() || error.message}`));
        else resolve(stdout);
      });
    });
  }

  /** `agentmux ls --json`: the server's agents. */
  async agents() {
    return JSON.parse(await this.cli(['ls', '--json']));
  }

  /** The pid the server wrote to its log when it last started, if it is still that process. */
  serverPid() {
    let log = '';
    try {
      log = readFileSync(join(this.env.XDG_STATE_HOME, 'agentmux', 'server.log'), 'utf8');
    } catch {
      return undefined;
    }
    const pids = [...log.matchAll(/agentmux server \S+ \(pid (\d+)\) listening/g)].map((match) => Number(match[1]));
    const pid = pids.at(-1);
    if (pid === undefined || startTime(pid) === undefined) return undefined;
    // A reused pid is not ours: the server's command line names our CLI.
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(CLI_ENTRY)) return undefined;
    } catch {
      return undefined;
    }
    return pid;
  }

  /**
   * `agentmux server stop --force`; if that fails, SIGKILL for the server and every process it
   * started (agents lead sessions of their own). Synchronous, so it can run at exit.
   */
  stopServerSync() {
    try {
      execFileSync(process.execPath, [CLI_ENTRY, 'server', 'stop', '--force'], { env: this.env, cwd: this.home, stdio: 'ignore', timeout: 15_000, killSignal: 'SIGKILL' });
    } catch {
      // Falls through to the kill below.
    }
    const pid = this.serverPid();
    if (pid === undefined) return true;
    for (const child of descendantsOf(pid)) killGroup(child);
    killGroup(pid);
    return false;
  }

  /** Stops the server; resolves with a warning when it had to be killed or left agents behind. */
  async stopServer() {
    const before = this.serverPid();
    const agents = before === undefined ? [] : descendantsOf(before).map((pid) => ({ pid, started: startTime(pid) }));
    let warning;
    try {
      await this.cli(['server', 'stop', '--force']);
    } catch (error) {
      warning = `agentmux server stop --force: ${error.message}`;
    }
    // The server exits after its answer: give it a moment, then it must be gone.
    const deadline = Date.now() + 5000;
    while (this.serverPid() !== undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const left = this.serverPid();
    if (left !== undefined) {
      warning = `${warning ? `${warning}; ` : ''}server pid ${left} still running 5 s after server stop --force: killed`;
      this.stopServerSync();
    }
    // What the server started must end with it (a zombie left to be reaped has ended).
    const alive = ({ pid, started }) => started !== undefined && startTime(pid) === started && processState(pid) !== 'Z';
    let orphans = agents.filter(alive);
    const orphanDeadline = Date.now() + 3000;
    while (orphans.length && Date.now() < orphanDeadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      orphans = orphans.filter(alive);
    }
    if (orphans.length) {
      const described = orphans.map(({ pid }) => `${pid} ${JSON.stringify(commandLine(pid))}`).join(', ');
      warning = `${warning ? `${warning}; ` : ''}${orphans.length} process(es) the server started outlived it by 3 s (${described}): killed`;
      for (const { pid } of orphans) killGroup(pid);
    }
    return warning;
  }

  /** Stops the server (see stopServer) and drops the exit-time cleanup. */
  async close() {
    const warning = await this.stopServer();
    this.dropCleanup();
    return warning;
  }
}

/**
 * Starts the CLI. AGENTMUX_BENCH_CLI_NODE_FLAGS are passed to its node, e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it (profiles are written when it quits).
 */
export function launchCli({ cols = 100, rows = 30 } = {}) {
  const sandbox = new Sandbox();
  const screen = sandbox.screen({ cols, rows });
  // The screen started the server, which outlives it by design: stop it with the screen.
  const closeScreen = screen.close.bind(screen);
  screen.sandbox = sandbox;
  screen.close = async () => {
    const warning = await sandbox.close();
    if (warning) console.log(`  WARNING: ${warning}`);
    await closeScreen();
  };
  return screen;
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

const CTRL_Q = '\x11';
const CTRL_U = '\x15';

/**
 * Keys the CLI ignored while a benchmark drove it (sent again, so the run goes on): counted
 * and reported, since a user's keys would be lost the same way.
 */
export const droppedKeys = {
  quit: 0,
  typed: 0,
  warnings() {
    const found = [];
    if (this.quit) found.push(`the client ignored Ctrl+Q ${this.quit} time(s) (sent again)`);
    if (this.typed) found.push(`the client dropped typed keys ${this.typed} time(s) (retyped)`);
    return found;
  },
};

/** Ctrl+Q in the chat (the client quits, agents go on) and the client's exit; sent again (and counted) when ignored. */
export async function quitScreen(screen) {
  for (let attempt = 0; ; attempt++) {
    screen.write(CTRL_Q);
    try {
      await screen.waitForExit({ timeoutMs: 2000, what: 'the client to exit after Ctrl+Q' });
      return;
    } catch (error) {
      if (attempt === 2) throw error;
      droppedKeys.quit++;
    }
  }
}

/** Types `text` into the chat input until the input line shows it; retyped (and counted) when keys were dropped. */
export async function typeInput(screen, text) {
  const input = (s) => s.line(s.terminal.rows - 2);
  for (let attempt = 0; ; attempt++) {
    screen.write(text);
    try {
      await screen.waitFor((s) => input(s).includes(`› ${text}`), { timeoutMs: 2000, what: `${JSON.stringify(text)} in the input line` });
      return;
    } catch (error) {
      if (attempt === 2) throw error;
      droppedKeys.typed++;
      screen.write(CTRL_U);
      await screen.waitFor((s) => /›\s*$/.test(input(s)) || input(s).includes('Type a message'), { timeoutMs: 2000, what: 'the input line cleared by Ctrl+U' });
    }
  }
}
