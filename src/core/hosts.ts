// Other machines agents run on (config `hosts`): an SSH host reached with the user's own OpenSSH, or a
// docker container reached with the docker CLI. A remote agent is a local pty running `ssh -tt` or
// `docker exec -it`, so everything else about it is an agent as usual. This file holds the checked
// shape of a host and the command lines agentmux writes for them; nothing here runs anything.
import { isObject } from './is-object.js';
import { shellWord } from './shell-word.js';

/** A host reached over SSH. */
export interface SshHost {
  /** `[user@]host` or an alias of the user's ~/.ssh/config. */
  ssh: string;
  /** Where its agents start (default: the login directory); `~/…` is the remote home. */
  cwd?: string;
  /** More ssh options, given before the destination (e.g. ["-F", "/path/config"], ["-p", "2222"]). */
  sshArgs?: string[];
  /**
   * The remote agentmux command (default `~/.agentmux/bin/agentmux`, where `agentmux host install` puts
   * it); `false`: none, agents run under plain `ssh -tt` with their exit status as the only signal.
   */
  agentmux?: string | false;
}

/** A docker container: `docker` names a running container; with `image`, each agent gets a container of its own. */
export interface DockerHost {
  docker: string;
  cwd?: string;
  /** A sandbox per agent: `docker run` of this image with only the agent's directory (its worktree) mounted. */
  image?: string;
}

export type HostConfig = SshHost | DockerHost;

export const DEFAULT_REMOTE_AGENTMUX = '~/.agentmux/bin/agentmux';
/** The oldest Node a remote agentmux runs on (package.json's engines). */
export const MIN_REMOTE_NODE = [20, 19] as const;

const HOST_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;
// A destination never starts with '-' (it would be read as an option) and holds no shell or space characters.
const SSH_DESTINATION = /^[A-Za-z0-9_.][A-Za-z0-9_.@:[\]%-]{0,254}$/;
const CONTAINER = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const IMAGE = /^[A-Za-z0-9][A-Za-z0-9_./:@-]{0,254}$/;

/** Why `name` cannot name a host, or undefined. */
export function hostNameError(name: string): string | undefined {
  return HOST_NAME.test(name) ? undefined : `${JSON.stringify(name.slice(0, 40))} is not a host name: 1-32 lowercase letters, digits and dashes`;
}

export function isSshHost(host: HostConfig): host is SshHost {
  return 'ssh' in host;
}

/** What is wrong with the `hosts` section of a config file, or undefined. */
export function hostsError(hosts: unknown): string | undefined {
  if (hosts === undefined) return undefined;
  if (!isObject(hosts)) return 'hosts: expected an object like {"build": {"ssh": "me@build.example"}}';
  for (const [name, host] of Object.entries(hosts)) {
    const error = hostError(name, host);
    if (error) return `hosts.${name}${error}`;
  }
  return undefined;
}

function hostError(name: string, host: unknown): string | undefined {
  if (!HOST_NAME.test(name)) return ': a host name is 1-32 lowercase letters, digits and dashes';
  if (!isObject(host)) return ': expected {"ssh": "user@host"} or {"docker": "container"}';
  const isSsh = host.ssh !== undefined;
  if (isSsh === (host.docker !== undefined)) return ': give exactly one of "ssh" and "docker"';
  const known = isSsh ? ['ssh', 'cwd', 'sshArgs', 'agentmux'] : ['docker', 'cwd', 'image'];
  const unknown = Object.keys(host).find((key) => !known.includes(key));
  if (unknown) return `.${unknown}: unknown key (known: ${known.join(', ')})`;
  if (host.cwd !== undefined && (typeof host.cwd !== 'string' || !/^(?:\/|~\/|~$)/.test(host.cwd) || host.cwd.includes('\0'))) {
    return `.cwd: expected an absolute directory or one under ~/, got ${JSON.stringify(host.cwd)}`;
  }
  if (isSsh) {
    if (typeof host.ssh !== 'string' || !SSH_DESTINATION.test(host.ssh)) {
      return `.ssh: ${JSON.stringify(host.ssh)} is not an ssh destination (user@host or a ~/.ssh/config alias)`;
    }
    if (host.sshArgs !== undefined && (!Array.isArray(host.sshArgs) || !host.sshArgs.every((arg) => typeof arg === 'string' && !arg.includes('\0')))) {
      return '.sshArgs: expected a list of ssh options as strings, e.g. ["-p", "2222"]';
    }
    if (host.agentmux !== undefined && host.agentmux !== false && (typeof host.agentmux !== 'string' || !host.agentmux.trim() || host.agentmux.includes('\0'))) {
      return '.agentmux: expected the remote agentmux command, or false for plain ssh';
    }
    return undefined;
  }
  if (typeof host.docker !== 'string' || !CONTAINER.test(host.docker)) return `.docker: ${JSON.stringify(host.docker)} is not a container name`;
  if (host.image !== undefined && (typeof host.image !== 'string' || !IMAGE.test(host.image))) return `.image: ${JSON.stringify(host.image)} is not an image name`;
  return undefined;
}

/** The host named `name`, or a one-line error naming the hosts there are. */
export function findHost(hosts: Readonly<Record<string, HostConfig>>, name: string): HostConfig | string {
  const host = Object.hasOwn(hosts, name) ? hosts[name] : undefined;
  if (host) return host;
  const known = Object.keys(hosts);
  return known.length
    ? `no host named ${name} (hosts: ${known.join(', ')}; agentmux host ls lists them)`
    : `no host named ${name}: add it to "hosts" in the config, e.g. {"hosts": {"${name}": {"ssh": "me@${name}.example"}}}`;
}

/**
 * The options agentmux gives every ssh it runs: connection sharing (many agents, one connection;
 * `controlDir` must be private and short, a Unix socket path is limited to ~100 bytes), no prompts
 * (a password or host-key question would hang an agent), and keepalives that notice a dead link.
 */
export function sshOptions(host: SshHost, controlDir: string): string[] {
  return [
    '-o', 'ControlMaster=auto', '-o', `ControlPath=${controlDir}/%C`, '-o', 'ControlPersist=300',
    '-o', 'BatchMode=yes', '-o', 'ServerAliveInterval=5', '-o', 'ServerAliveCountMax=3',
    ...(host.sshArgs ?? []),
  ];
}

/** `ssh [-tt|-T] OPTIONS -- DEST 'REMOTE COMMAND'`: `remote` is a list of words, quoted for the remote shell. */
export function sshCommand(host: SshHost, controlDir: string, remote: string[], tty: boolean): { file: string; args: string[] } {
  return { file: 'ssh', args: [tty ? '-tt' : '-T', ...sshOptions(host, controlDir), '--', host.ssh, remote.map(remoteWord).join(' ')] };
}

/** The remote agentmux command's words (its first word may start with `~/`, left for the remote shell to expand). */
export function remoteAgentmux(host: SshHost): string[] | undefined {
  if (host.agentmux === false) return undefined;
  return (host.agentmux ?? DEFAULT_REMOTE_AGENTMUX).trim().split(/\s+/);
}

/** A word for the remote shell: quoted, but a leading `~/` stays outside the quotes so that it expands. */
export function remoteWord(word: string): string {
  if (word === '~') return '~';
  return word.startsWith('~/') ? `~/${shellWord(word.slice(2))}` : shellWord(word);
}

/** `GIT_SSH_COMMAND` for git over ssh to this host, sharing agentmux's connection. */
export function gitSshCommand(host: SshHost, controlDir: string): string {
  return ['ssh', ...sshOptions(host, controlDir)].map(shellWord).join(' ');
}

/**
 * A one-line reason ssh failed, from its exit status (255: ssh's own failure) and what it printed.
 * `host` is the host's name in agentmux.
 */
export function sshFailure(host: string, destination: string, stderr: string): string {
  const text = stderr.replace(/\s+/g, ' ');
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/i.test(text)) {
    return /CHANGED/i.test(text)
      ? `${host}: the host key of ${destination} has changed: if that is expected, remove the old key (ssh-keygen -R) and connect once with ssh yourself`
      : `${host}: the host key of ${destination} is not known: connect once with ssh ${destination} to check and accept it`;
  }
  if (/Could not resolve hostname|Name or service not known/i.test(text)) return `${host}: ${destination} is not a known host name (check "hosts" in the config or ~/.ssh/config)`;
  if (/Permission denied/i.test(text)) return `${host}: ${destination} refused the login: agentmux uses your ssh keys and agent (no passwords); check that ssh ${destination} works without one`;
  if (/Connection refused|timed out|No route to host|Network is unreachable|Connection closed|Connection reset/i.test(text)) {
    return `${host}: ${destination} is unreachable (${firstLine(stderr)})`;
  }
  return `${host}: ssh to ${destination} failed: ${firstLine(stderr) || 'no message'}`;
}

function firstLine(text: string): string {
  return text.split('\n').map((line) => line.trim()).find((line) => line.length > 0)?.slice(0, 200) ?? '';
}

/** Whether a Node version string (`v20.19.0`) is new enough for a remote agentmux. */
export function nodeVersionOk(version: string): boolean {
  const match = /^v?(\d+)\.(\d+)/.exec(version.trim());
  if (!match) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > MIN_REMOTE_NODE[0] || (major === MIN_REMOTE_NODE[0] && minor >= MIN_REMOTE_NODE[1]);
}

export function nodeTooOld(host: string, version: string): string {
  return `${host}: Node ${version.trim() || '(none)'} is too old for agentmux there: install Node ${MIN_REMOTE_NODE.join('.')} or later on that host`;
}
