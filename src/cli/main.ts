#!/usr/bin/env node
// `agentmux [attach]`: the screen, attached to the user's server (started when none runs).
// `agentmux ls|agents|run|spawn|new|logs|wait|send|kill|rm|cost|budget`: scripting without the screen.
// `agentmux server run|stop`: the server itself. `agentmux gc`: leftover worktrees and logs.
// `agentmux host ls|install`: the configured hosts agents run on.
// `agentmux worker …`: a built-in background agent (started by the server in a pty).
// `agentmux remote-agent …` runs on a host agents are started on; `agentmux remote-link …` is such an agent's local end.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { GitWorktrees } from '../git/index.js';
import { workspaceRoot } from '../git/workspace-root.js';
import { loadConfig } from '../store/config-files.js';
import { stateRoot, workspaceStateDir } from '../store/state-paths.js';
import { parseArgs, USAGE } from './args.js';
import { gcMain } from './gc.js';
import { SCRIPT_COMMANDS } from './script-args.js';

const SERVER_USAGE = 'usage: agentmux server stop [--force]';

function fail(message: string, code = 1): never {
  process.stderr.write(`agentmux: ${message}\n`);
  process.exit(code);
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function configuredWorktreeRoot(): Promise<string> {
  const loaded = await loadConfig({ cwd: process.cwd(), env: process.env, homeDir: homedir() });
  if (!loaded.ok) fail(loaded.error);
  return loaded.config.worktreeRoot;
}

/** Where this repository's server keeps its records and logs. */
async function stateDir(): Promise<string> {
  return workspaceStateDir(stateRoot(process.env, homedir()), await workspaceRoot(process.cwd()));
}

async function screen(argv: string[], attach = false): Promise<void> {
  const parsed = parseArgs(argv);
  if (!parsed.ok) fail(`${parsed.error}\n${USAGE}`, 2);
  const { args } = parsed;
  if (args.help) {
    process.stdout.write(`${USAGE}\n`
      + 'Opens the agentmux screen for this repository; its agents run in your agentmux server and outlive the screen.\n'
      + 'agentmux attach outside any repository opens the repository a screen used last.\n'
      + 'Scripting, without the screen: agentmux ls | agents | run | spawn | new | logs | wait | send | kill | rm | cost | budget | server stop (a wrong use prints its usage).\n'
      + 'agentmux gc removes worktrees, branches and logs of agents that are gone.\n'
      + 'agentmux host ls lists the configured hosts (ssh, docker) and whether they answer; agentmux host install NAME copies agentmux to an ssh host.\n'
      + 'Inside the screen, type /help.\n');
    return;
  }
  if (args.version) {
    process.stdout.write(`agentmux ${version()}\n`);
    return;
  }
  const { openScreen } = await import('./screen.js');
  await openScreen(args, fail, attach);
}

async function server(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action === 'run') {
    const readyAt = rest.indexOf('--ready-fd');
    const readyFd = readyAt !== -1 && /^\d+$/.test(rest[readyAt + 1] ?? '') ? Number(rest[readyAt + 1]) : undefined;
    const { runServer } = await import('./server-process.js');
    await runServer(process.env, version(), { readyFd, credentialsFromStdin: rest.includes('--credentials-stdin') });
    return;
  }
  if (action === 'stop') {
    const { scriptMain } = await import('./scripting.js');
    process.exitCode = await scriptMain('stop', rest);
    return;
  }
  fail(`${action === undefined ? 'server needs an action' : `unknown server action ${JSON.stringify(action)}`}\n${SERVER_USAGE}`, 2);
}

function currentDirectoryExists(): boolean {
  try {
    process.cwd();
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const [first, ...rest] = process.argv.slice(2);
  // Every command works for the directory it is run in (its repository's workspace).
  if (!currentDirectoryExists()) fail('the current directory has been removed: cd into one that exists and run agentmux again');
  if (first === 'gc') {
    const worktreeRoot = await configuredWorktreeRoot();
    const git = new GitWorktrees(process.cwd(), worktreeRoot ? { worktreeRoot } : {});
    process.exitCode = await gcMain(rest, git, await stateDir(), { input: process.stdin, output: process.stdout });
    return;
  }
  if (first === 'worker') {
    const { workerMain } = await import('../agent/worker-main.js');
    process.exitCode = await workerMain(rest, process.env, process.stdin, process.stdout);
    return;
  }
  if (first === 'remote-agent' || first === 'remote-link') {
    // Their stdin stays open (typed keys), so they end with an explicit exit.
    const code = first === 'remote-agent'
      ? await (await import('./remote-agent-main.js')).remoteAgentMain(rest, version(), [process.execPath, ...process.execArgv, process.argv[1]])
      : await (await import('./remote-link-main.js')).remoteLinkMain(rest, process.env);
    process.exit(code);
  }
  if (first === 'print-run') {
    const { printRunMain } = await import('../agent/print-run.js');
    process.exitCode = await printRunMain(rest, process.env, process.stdout);
    return;
  }
  if (first === 'server') return server(rest);
  if (first === 'host') {
    const { hostMain } = await import('./host-main.js');
    process.exitCode = await hostMain(rest, version(), { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) });
    return;
  }
  if ((SCRIPT_COMMANDS as readonly string[]).includes(first)) {
    const { scriptMain } = await import('./scripting.js');
    process.exitCode = await scriptMain(first as (typeof SCRIPT_COMMANDS)[number], rest);
    return;
  }
  if (first === 'attach') return screen(rest, true);
  return screen(process.argv.slice(2));
}

main().catch((error: unknown) => {
  fail(error instanceof Error ? error.stack ?? error.message : String(error));
});
