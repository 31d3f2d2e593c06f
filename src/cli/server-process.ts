// `agentmux server run`: the per-user server. Started detached by the first client (its own
// session, no terminal), it hosts every workspace's agents and conversation, listens on a
// Unix socket in a directory only the user can enter, and lives until `agentmux server stop`.
import { closeSync, existsSync, unlinkSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { cliKinds } from '../core/cli-kinds.js';
import { mergeConfig } from '../core/config-schema.js';
import type { WorkspaceFlags } from '../core/protocol.js';
import { GitWorktrees } from '../git/index.js';
import { findWorkspace } from '../git/workspace-root.js';
import { EmulatorPool } from '../pty/emulator-pool.js';
import { runCommand } from '../pty/command-runner.js';
import { createPtyRuntime } from '../pty/pty-runtime.js';
import { AgentServer } from '../server/agent-server.js';
import { HostLinks } from '../server/host-links.js';
import { ServerHost, type Workspace } from '../server/server-host.js';
import { SocketServer } from '../server/socket-server.js';
import { modelCatalog } from '../llm/prices.js';
import { AgentProfiles } from '../store/agent-profiles.js';
import { loadConfig } from '../store/config-files.js';
import { workspaceStateDir } from '../store/state-paths.js';
import { routeConsoleToChat } from './console-route.js';
import { logFatalErrors } from './fatal-errors.js';
import { leftoverNotice } from './gc.js';
import { MODEL_HELP } from './model-help.js';
import { readCredentials } from './server-credentials.js';
import { probeServer, REFUSED } from './server-link.js';
import { lockState, ServerLock } from './server-lock.js';
import { serverPaths, sshControlDir, type ServerPaths } from './server-paths.js';

const CLI_ENTRY = fileURLToPath(new URL('./main.js', import.meta.url));
const HOOK_ENTRY = fileURLToPath(new URL('./hook-main.js', import.meta.url));

export interface ServerStart {
  /** Told `ready` once clients can connect (or why the server did not start). */
  readyFd?: number;
  /** The starting client writes the model's credentials to stdin (server-credentials.ts), not to the environment. */
  credentialsFromStdin?: boolean;
}

/** Runs the server until it is stopped. */
export async function runServer(env: NodeJS.ProcessEnv, serverVersion: string, { readyFd, credentialsFromStdin }: ServerStart): Promise<void> {
  logFatalErrors(process, (text) => writeSync(process.stderr.fd, text), `agentmux server (pid ${process.pid})`);
  const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  const credentials = credentialsFromStdin ? await readCredentials(process.stdin) : {};
  if ('error' in credentials) log(`${credentials.error}: the model is not configured`);
  const modelEnv = 'error' in credentials ? env : { ...env, ...credentials };
  const paths = serverPaths(env);
  const ready = (word: string) => {
    if (readyFd === undefined) return;
    writeSync(readyFd, `${word}\n`);
    closeSync(readyFd);
  };
  if (await probeServer(paths.socket)) {
    ready('running');
    return;
  }
  const lock = await lockState(paths.stateRoot, paths.socket, env);
  if (lock === 'running') {
    ready('running');
    return;
  }
  if (!(lock instanceof ServerLock)) {
    ready(`${REFUSED}${lock.refused}`);
    process.stderr.write(`${new Date().toISOString()} agentmux server (pid ${process.pid}) did not start: ${lock.refused}\n`);
    process.exitCode = 1;
    return;
  }
  if (existsSync(paths.socket)) unlinkSync(paths.socket);
  const pool = new EmulatorPool();
  const workspaces: Workspace[] = [];
  const host = new ServerHost({
    workspaceOf: findWorkspace,
    open: async (root, flags) => {
      const workspace = await openWorkspace(root, flags, { env, modelEnv, pool, paths, serverVersion, log });
      workspaces.push(workspace);
      return workspace;
    },
    flagsError: async (root, flags) => {
      if (flags.agent === undefined) return undefined;
      const profile = await (await workspaceProfiles(root, env)).find(flags.agent);
      return typeof profile === 'string' ? profile : undefined;
    },
    stopped: () => {
      void socket.close().then(() => pool.dispose()).then(() => lock.dispose()).then(() => process.exit(0));
    },
  });
  const socket = new SocketServer(paths.socket, host, serverVersion, log);
  await socket.listen();
  // Library warnings have no terminal here: they go to every workspace's chat.
  routeConsoleToChat((text) => {
    for (const workspace of workspaces) workspace.server.notice(text);
  });
  const stop = (signal: NodeJS.Signals) => {
    log(`agentmux server (pid ${process.pid}) stopping on ${signal}`);
    for (const workspace of workspaces) workspace.server.goodbye('the agentmux server was terminated');
    void Promise.all(workspaces.map((workspace) => workspace.dispose())).then(() => socket.close()).finally(() => {
      lock.dispose();
      process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // No terminal to lose: a hang-up is not a reason to stop.
  process.on('SIGHUP', () => undefined);
  ready('ready');
  log(`agentmux server ${serverVersion} (pid ${process.pid}) listening on ${paths.socket}`);
}

/** What every workspace of this server shares. */
interface ServerContext {
  /** The server's environment (no model credentials when a client started it). */
  env: NodeJS.ProcessEnv;
  /** The same with the model's credentials, for the model's client only. */
  modelEnv: NodeJS.ProcessEnv;
  pool: EmulatorPool;
  paths: ServerPaths;
  serverVersion: string;
  log(line: string): void;
}

/** The agent profiles of workspace `root`, whose models are checked against its configuration's prices. */
async function workspaceProfiles(root: string, env: NodeJS.ProcessEnv): Promise<AgentProfiles> {
  const loaded = await loadConfig({ cwd: root, env, homeDir: homedir() });
  if (!loaded.ok) throw new Error(loaded.error);
  return new AgentProfiles(root, env, homedir(), modelCatalog(loaded.config.prices));
}

async function openWorkspace(root: string, flags: WorkspaceFlags, { env, modelEnv, pool, paths, serverVersion, log }: ServerContext): Promise<Workspace> {
  const loaded = await loadConfig({ cwd: root, env, homeDir: homedir() });
  if (!loaded.ok) throw new Error(loaded.error);
  const config = mergeConfig(loaded.config, { model: flags.model, permissionMode: flags.permissionMode });
  const profiles = new AgentProfiles(root, env, homedir(), modelCatalog(config.prices));
  const mainProfile = flags.agent === undefined ? undefined : await profiles.find(flags.agent);
  if (typeof mainProfile === 'string') throw new Error(mainProfile);
  const model = modelEnv.ANTHROPIC_API_KEY || flags.demo
    ? await (await import('./model-access.js')).sessionModel(modelEnv, config.model, flags.demo === true, config.prices)
    : { status: { configured: false, help: MODEL_HELP } };
  const worktrees = new GitWorktrees(root, config.worktreeRoot ? { worktreeRoot: config.worktreeRoot } : {});
  const controlDir = sshControlDir(paths.runtimeDir);
  const server = new AgentServer({
    runtime: createPtyRuntime(pool, { env, scrollback: config.scrollback, killGraceMs: config.killGraceMs, channelDir: paths.runtimeDir }),
    model: model.status,
    cwd: root,
    ...(model.access ? { access: model.access } : {}),
    profiles,
    // A --model given with --agent wins over the profile's.
    ...(mainProfile ? { mainProfile: flags.model === undefined ? mainProfile : { ...mainProfile, model: flags.model } } : {}),
    workers: {
      program: (workerArgs) => ({ file: process.execPath, args: [CLI_ENTRY, ...workerArgs] }),
      permissionMode: config.permissionMode,
    },
    worktrees,
    remoteWorktrees: { hosts: config.hosts, controlDir },
    ...(config.suggestions ? { suggestionModel: config.suggestionModel } : {}),
    ...(config.compare.check ? { compareCheck: config.compare.check } : {}),
    ...(config.compaction.enabled ? { compaction: config.compaction } : {}),
    clis: cliKinds(config.clis),
    budgets: config.budgets,
    hookCommand: [process.execPath, HOOK_ENTRY],
    printRun: (program, args) => ({ file: process.execPath, args: [CLI_ENTRY, 'print-run', '--', program, ...args] }),
    hosts: new HostLinks({
      hosts: config.hosts, controlDir, run: runCommand, killGraceMs: config.killGraceMs,
      linkProgram: (linkArgs) => ({ file: process.execPath, args: [CLI_ENTRY, ...linkArgs] }),
    }),
    stateDir: workspaceStateDir(paths.stateRoot, root),
    serverVersion,
    log,
  });
  return {
    server,
    flags: { model: config.model, permissionMode: config.permissionMode, demo: flags.demo === true, ...(flags.agent !== undefined ? { agent: flags.agent } : {}) },
    restored: (names) => {
      // Outside a repository there is nothing to find; that is not worth a word.
      worktrees.leftovers(names).then((leftovers) => {
        const notice = leftoverNotice(leftovers);
        if (notice) server.notice(notice);
      }, () => undefined);
    },
    dispose: async () => {
      server.dispose();
      if ('demoServer' in model) await model.demoServer?.close();
    },
  };
}
