#!/usr/bin/env node
// `agentmux`: opens the screen in the current directory with an in-process server.
// `agentmux worker …`: a built-in background agent (started by agentmux in a pty).
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { mergeConfig } from '../core/config-schema.js';
import type { ClientCommand } from '../core/protocol.js';
import { createPtyRuntime } from '../pty/pty-runtime.js';
import { EmulatorPool } from '../pty/emulator-pool.js';
import { GitWorktrees } from '../git/index.js';
import { AgentServer } from '../server/agent-server.js';
import { loadConfig } from '../store/config-files.js';
import { loadTheme } from '../store/theme-files.js';
import { App } from '../tui/app.js';
import { queryTerminalBackground } from '../tui/background-query.js';
import { blessedTerminal } from '../tui/terminal-type.js';
import { noColorRequested, resolveTheme, type ResolvedTheme } from '../tui/theme.js';
import { parseArgs, USAGE } from './args.js';
import { gcMain, leftoverNotice } from './gc.js';
import { linkLocally } from './local-link.js';
import { MODEL_HELP } from './model-help.js';
import { routeConsoleToChat } from './console-route.js';

const CLI_ENTRY = fileURLToPath(import.meta.url);

function fail(message: string, code = 1): never {
  process.stderr.write(`agentmux: ${message}\n`);
  process.exit(code);
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function themeLoader(env: NodeJS.ProcessEnv): (name: string) => Promise<ResolvedTheme | string> {
  const location = { env, homeDir: homedir() };
  const noColor = noColorRequested(env);
  return async (name) => {
    let concrete = name;
    if (name === 'auto') {
      concrete = (await queryTerminalBackground(process.stdin, process.stdout)) ?? 'dark';
    }
    const loaded = await loadTheme(concrete, location);
    return loaded.ok ? resolveTheme(loaded.theme, { noColor }) : loaded.error;
  };
}

async function openScreen(argv: string[]): Promise<void> {
  const parsed = parseArgs(argv);
  if (!parsed.ok) fail(`${parsed.error}\n${USAGE}`, 2);
  const { args } = parsed;
  if (args.help) {
    process.stdout.write(`${USAGE}\nOpens the agentmux screen in the current directory. Inside, type /help.\n`);
    return;
  }
  if (args.version) {
    process.stdout.write(`agentmux ${version()}\n`);
    return;
  }
  if (!process.stdin.isTTY || !process.stdout.isTTY) fail('needs a terminal: run it in an interactive terminal (stdin and stdout must be a tty)');

  const env = process.env;
  const cwd = process.cwd();
  const loadedConfig = await loadConfig({ cwd, env, homeDir: homedir() });
  if (!loadedConfig.ok) fail(loadedConfig.error);
  const config = mergeConfig(loadedConfig.config, { model: args.model, permissionMode: args.permissionMode, theme: args.theme });
  const loadThemeNamed = themeLoader(env);
  const theme = await loadThemeNamed(config.theme);
  if (typeof theme === 'string') fail(theme);

  // The SDK takes long to load: only when there is a model to talk to.
  const model = env.ANTHROPIC_API_KEY || args.demo
    ? await (await import('./model-access.js')).sessionModel(env, config.model, args.demo, config.prices)
    : { status: { configured: false, help: MODEL_HELP } };
  const pool = new EmulatorPool();
  const worktrees = new GitWorktrees(cwd, config.worktreeRoot ? { worktreeRoot: config.worktreeRoot } : {});
  const server = new AgentServer({
    runtime: createPtyRuntime(pool, { env, scrollback: config.scrollback, killGraceMs: config.killGraceMs }),
    model: model.status,
    cwd,
    ...(model.access ? { access: model.access } : {}),
    workers: {
      program: (workerArgs) => ({ file: process.execPath, args: [CLI_ENTRY, ...workerArgs] }),
      permissionMode: config.permissionMode,
    },
    worktrees,
    ...(config.compare.check ? { compareCheck: config.compare.check } : {}),
  });
  let send: (command: ClientCommand) => void = () => undefined;
  const app = new App({
    input: process.stdin,
    output: process.stdout,
    terminal: blessedTerminal(env.TERM, env.COLORTERM),
    config,
    theme,
    loadTheme: loadThemeNamed,
    cwd,
    send: (command) => send(command),
    onExit: (stopped) => {
      app.destroy();
      server.dispose();
      void pool.dispose();
      if ('demoServer' in model) void model.demoServer?.close();
      if (stopped > 0) process.stdout.write(`agentmux: stopped ${stopped} running agent${stopped === 1 ? '' : 's'}.\n`);
      process.exit(0);
    },
  });
  send = linkLocally(server, (event) => app.receive(event));
  routeConsoleToChat((text) => server.notice(text));
  // Stop the agents, then die of the same signal: after a hang-up the terminal is gone,
  // and node's own exit path would fail restoring its modes.
  const shutdown = (signal: NodeJS.Signals) => {
    server.dispose();
    if (signal !== 'SIGHUP') app.destroy();
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGHUP', shutdown);
  // A bug must not leave the terminal in raw mode with the screen half drawn, nor stay unexplained.
  process.on('uncaughtException', (error) => {
    server.dispose();
    app.destroy();
    fail(`internal error, agents stopped: ${error.stack ?? error.message}`);
  });
  app.start();
  // Outside a repository there is nothing to find; that is not worth a word.
  worktrees.leftovers([]).then((leftovers) => {
    const notice = leftoverNotice(leftovers);
    if (notice) server.notice(notice);
  }, () => undefined);
}

async function configuredWorktreeRoot(): Promise<string> {
  const loaded = await loadConfig({ cwd: process.cwd(), env: process.env, homeDir: homedir() });
  if (!loaded.ok) fail(loaded.error);
  return loaded.config.worktreeRoot;
}

async function main(): Promise<void> {
  const [first, ...rest] = process.argv.slice(2);
  if (first === 'gc') {
    const worktreeRoot = await configuredWorktreeRoot();
    process.exitCode = await gcMain(rest, new GitWorktrees(process.cwd(), worktreeRoot ? { worktreeRoot } : {}), { input: process.stdin, output: process.stdout });
    return;
  }
  if (first === 'worker') {
    const { workerMain } = await import('../agent/worker-main.js');
    process.exitCode = await workerMain(rest, process.env, process.stdin, process.stdout);
    return;
  }
  await openScreen(process.argv.slice(2));
}

main().catch((error: unknown) => {
  fail(error instanceof Error ? error.stack ?? error.message : String(error));
});
