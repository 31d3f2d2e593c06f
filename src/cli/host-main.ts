// `agentmux host ls [--json]`: the configured hosts, whether they answer, and this workspace's
// agents on each. `agentmux host install NAME`: copies this agentmux to an ssh host.
import { resolve } from 'node:path';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { AgentInfo } from '../core/agent.js';
import { hostRows, hostTable } from '../core/host-listing.js';
import type { HostReach } from '../core/host-reach.js';
import { findHost } from '../core/hosts.js';
import { runCommand, type CommandRunner } from '../pty/command-runner.js';
import { probeHost } from '../server/host-probe.js';
import { loadConfig } from '../store/config-files.js';
import { installHost } from './host-install.js';
import { openLink } from './open-link.js';
import { serverPaths, sshControlDir } from './server-paths.js';

export const HOST_USAGE = 'usage: agentmux host ls [--json] | agentmux host install NAME';
/** How long `host ls` waits for each host (all are checked at once). */
const PROBE_TIMEOUT_MS = 10_000;

interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** Runs `agentmux host ARGS…`; resolves with the exit status. */
export async function hostMain(argv: readonly string[], version: string, io: Io): Promise<number> {
  const [action, ...rest] = argv;
  const usage = (problem: string): number => {
    io.err(`agentmux: ${problem}\n${HOST_USAGE}\n`);
    return 2;
  };
  if (action === 'ls') {
    const unknown = rest.find((word) => word !== '--json');
    return unknown === undefined ? list(rest.includes('--json'), io) : usage(`host ls: unknown option ${unknown}`);
  }
  if (action === 'install') {
    if (rest.length !== 1 || rest[0].startsWith('-')) return usage('host install needs the name of one host');
    return install(rest[0], version, io);
  }
  return usage(action === undefined ? 'host needs an action' : `unknown host action ${JSON.stringify(action)}`);
}

async function hostsConfig(io: Io) {
  const loaded = await loadConfig({ cwd: process.cwd(), env: process.env, homeDir: homedir() });
  if (!loaded.ok) io.err(`agentmux: ${loaded.error}\n`);
  return loaded.ok ? loaded.config.hosts : undefined;
}

/**
 * The checks' commands: an ssh connection master they start may outlive them (ControlPersist), and
 * must not belong to the run of an agent this command was typed in (/kill would end it).
 */
function commandEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.AGENTMUX_RUN;
  return env;
}

const run: CommandRunner = (file, args, options = {}) => runCommand(file, args, { ...options, env: { ...commandEnv(), ...options.env } });

async function list(json: boolean, io: Io): Promise<number> {
  const hosts = await hostsConfig(io);
  if (!hosts) return 1;
  const controlDir = sshControlDir(serverPaths(process.env).runtimeDir);
  const [reaches, agents] = await Promise.all([
    Promise.all(Object.entries(hosts).map(async ([name, host]) => [name, await probeHost(name, host, controlDir, run, PROBE_TIMEOUT_MS)] as const)),
    serverAgents(io),
  ]);
  const rows = hostRows(hosts, Object.fromEntries(reaches) as Record<string, HostReach>, agents);
  io.out(json ? `${JSON.stringify(rows, null, 2)}\n` : hostTable(rows));
  return 0;
}

/** This workspace's agents when a server runs (none is started for this); a server that does not answer is said. */
async function serverAgents(io: Io): Promise<AgentInfo[]> {
  const link = await openLink('script', { kind: 'current' }, undefined, (message) => {
    throw new Error(message);
  }, false).catch((error: Error) => {
    io.err(`agentmux: the agents on each host are not known: ${error.message}\n`);
    return undefined;
  });
  if (!link) return [];
  link.close();
  return link.welcome.agents;
}

async function install(name: string, version: string, io: Io): Promise<number> {
  const hosts = await hostsConfig(io);
  if (!hosts) return 1;
  const host = findHost(hosts, name);
  if (typeof host === 'string') {
    io.err(`agentmux: ${host}\n`);
    return 1;
  }
  const result = await installHost(name, host, {
    run, controlDir: sshControlDir(serverPaths(process.env).runtimeDir), packageRoot: resolve(fileURLToPath(new URL('../../', import.meta.url))), version, env: commandEnv(),
  });
  if (result.ok) io.out(`${result.line}\n`);
  else io.err(`agentmux: ${result.line}\n`);
  return result.ok ? 0 : 1;
}
