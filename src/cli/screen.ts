// `agentmux` / `agentmux attach`: the full-screen client. It connects to the user's server
// (starting it if needed), opens this repository's workspace, and draws it until the user
// quits (Ctrl+Q: the agents go on) or the server goes away.
import { homedir } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { mergeConfig } from '../core/config-schema.js';
import type { SessionChoice, SessionSummary } from '../core/protocol.js';
import { loadConfig } from '../store/config-files.js';
import { loadTheme } from '../store/theme-files.js';
import { App } from '../tui/app.js';
import { queryTerminalBackground } from '../tui/background-query.js';
import { describeSessions } from '../tui/client-model.js';
import { blessedTerminal } from '../tui/terminal-type.js';
import { noColorRequested, resolveTheme, type ResolvedTheme } from '../tui/theme.js';
import type { CliArgs } from './args.js';
import { SERVER_WITHOUT_KEY } from './model-help.js';
import { openLink } from './open-link.js';

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

/** `--resume` without an ID: the conversations of this repository, one chosen by number. */
async function pickSession(fail: (message: string) => never): Promise<string> {
  const link = await openLink('script', { kind: 'current' }, undefined, fail);
  if (!link) fail('no agentmux server');
  const sessions = await new Promise<SessionSummary[]>((resolve) => {
    link.onEvent((event) => {
      if (event.type === 'sessions') resolve(event.sessions);
    });
    link.send({ type: 'resume' });
  });
  link.close();
  if (sessions.length === 0) fail('no earlier conversation in this repository to resume');
  process.stdout.write(`${describeSessions(sessions, undefined).split('\n').slice(1).map((row, index) => `${String(index + 1).padStart(3)}  ${row}`).join('\n')}\n`);
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  const answer = (await prompt.question(`Resume which conversation? [1-${sessions.length}] `)).trim();
  prompt.close();
  const index = Number(answer);
  if (!Number.isInteger(index) || index < 1 || index > sessions.length) fail(`no conversation number ${JSON.stringify(answer)}: nothing resumed`);
  return sessions[index - 1].id;
}

/** `latest`: `agentmux attach`, which outside a repository takes the workspace a screen used last. */
export async function openScreen(args: CliArgs, fail: (message: string) => never, latest = false): Promise<void> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) fail('needs a terminal: run it in an interactive terminal (stdin and stdout must be a tty)');
  const env = process.env;
  const loadedConfig = await loadConfig({ cwd: process.cwd(), env, homeDir: homedir() });
  if (!loadedConfig.ok) fail(loadedConfig.error);
  const config = mergeConfig(loadedConfig.config, { model: args.model, permissionMode: args.permissionMode, theme: args.theme });
  const loadThemeNamed = themeLoader(env);
  const theme = await loadThemeNamed(config.theme);
  if (typeof theme === 'string') fail(theme);

  let session: SessionChoice = { kind: 'current' };
  if (args.session?.kind === 'continue') session = { kind: 'continue', fork: args.forkSession };
  if (args.session?.kind === 'resume') session = { kind: 'resume', id: args.session.id ?? await pickSession(fail), fork: args.forkSession };
  const link = await openLink('screen', session, args, fail, true, latest ? { latest: true } : {});
  if (!link) fail('no agentmux server');

  const app = new App({
    input: process.stdin,
    output: process.stdout,
    terminal: blessedTerminal(env.TERM, env.COLORTERM),
    config,
    theme,
    loadTheme: loadThemeNamed,
    cwd: process.cwd(),
    spendCharts: async () => (await import('../tui/spend-charts.js')).SpendCharts,
    send: (command) => link.send(command),
    onExit: (reason) => {
      app.destroy();
      link.close();
      if (reason) fail(reason);
      process.stdout.write('agentmux: detached; agents keep running in the server (agentmux attach to come back)\n');
      process.exit(0);
    },
  });
  app.receive(link.welcome);
  if (!link.welcome.model.configured && env.ANTHROPIC_API_KEY) app.note('error', SERVER_WITHOUT_KEY);
  link.onEvent((event) => app.receive(event));
  link.onClose((reason) => {
    app.destroy();
    fail(reason ?? `lost the connection to the agentmux server (its log: ${link.serverLog}): agentmux attach reconnects (and starts a new server if it has gone)`);
  });
  // The terminal is gone (a closed window, a dropped SSH link): leave without touching it.
  process.on('SIGHUP', () => process.exit(129));
  process.on('SIGTERM', () => {
    app.destroy();
    process.exit(143);
  });
  process.on('uncaughtException', (error) => {
    app.destroy();
    fail(`internal error (the agents keep running in the server): ${error.stack ?? error.message}`);
  });
  app.start();
}
