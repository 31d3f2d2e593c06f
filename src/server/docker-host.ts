// An agent on a docker host: the checks before it starts (the docker CLI, the container running or
// the image here, the agent's directory reachable inside), and the command line its pty runs.
import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import {
  containerPath, dockerEnvError, dockerExecCommand, dockerKillCommand, dockerRunCommand, dockerStopCommand, parseContainerInspect,
  parseImageInspect, sandboxName, type DockerCommand, type DockerMount,
} from '../core/docker-command.js';
import type { DockerHost } from '../core/hosts.js';
import type { CommandResult, CommandRunner } from '../pty/command-runner.js';

/** Where an agent on a docker host runs: in a running container (`docker exec`), or in a sandbox of its own made from an image (`docker run`). */
export type DockerTarget =
  | {
    host: string; container: string; /** The agent's directory inside the container. */ dir: string;
    /** The container's bind mounts (none when the host's `cwd` says where agents work). */ mounts?: readonly DockerMount[];
  }
  | { host: string; image: string; /** The agent's directory, mounted at the same path. */ dir: string };

export interface DockerProgram extends DockerCommand {
  /**
   * What ends the agent in its container when it is killed: run it (to its end) beside the usual kill
   * of the local docker client, whose death alone leaves an exec'd program running.
   */
  stop: DockerCommand;
}

const CHECK_TIMEOUT_MS = 15_000;
const DEFAULT_KILL_GRACE_MS = 5000;

/** Checks that an agent can start on `host` in `dir` (a directory here); nothing is started. A one-line error starts with the host's name. */
export async function prepareDocker(hostName: string, host: DockerHost, dir: string, run: CommandRunner): Promise<DockerTarget | string> {
  if (host.image !== undefined) {
    const found = await run('docker', ['image', 'inspect', '--format', '{{.Id}}', host.image], { timeoutMs: CHECK_TIMEOUT_MS });
    const failure = runFailure(hostName, found);
    if (failure) return failure;
    const image = parseImageInspect(hostName, host.image, found.code, found.stderr);
    if (image !== true) return image;
    return dockerTargetAt({ host: hostName, image: host.image, dir }, dir);
  }
  const container = host.docker;
  const inspected = await run('docker', ['container', 'inspect', container], { timeoutMs: CHECK_TIMEOUT_MS });
  const failure = runFailure(hostName, inspected);
  if (failure) return failure;
  const state = parseContainerInspect(hostName, container, inspected.code, inspected.stdout, inspected.stderr);
  if (typeof state === 'string') return state;
  if (state.kind === 'stopped') return `${hostName}: container ${container} is not running (${state.status}): start it with docker start ${container}`;
  if (host.cwd !== undefined) {
    if (host.cwd.startsWith('~')) return `${hostName}: cwd ${host.cwd} is not a directory docker knows: give an absolute directory in the container`;
    return { host: hostName, container, dir: host.cwd };
  }
  return dockerTargetAt({ host: hostName, container, dir, mounts: state.mounts }, dir);
}

/** The same target for an agent working in `dir` here (its worktree), or why it cannot reach it there. */
export function dockerTargetAt(target: DockerTarget, dir: string): DockerTarget | string {
  if ('image' in target) {
    // `-v DIR:DIR` has no quoting for a colon in a path.
    if (dir.includes(':')) return `${target.host}: ${dir} has a colon in its path, which docker run -v cannot mount: use a directory without one`;
    return { ...target, dir };
  }
  if (!target.mounts) return target;
  const inside = containerPath(target.mounts, realDir(dir)) ?? containerPath(target.mounts, dir);
  if (inside === undefined) {
    return `${target.host}: ${dir} is not mounted in container ${target.container}: mount it (docker run -v ${dir}:${dir} …), or give the host an "image" for a sandbox per agent`;
  }
  return { ...target, dir: inside };
}

/** The line for a docker that could not be run or did not answer, or undefined. */
function runFailure(hostName: string, result: CommandResult): string | undefined {
  if (result.code === 127 && /command not found|ENOENT/.test(result.stderr)) return `${hostName}: the docker command is not installed here: install Docker's CLI`;
  if (result.timedOut) return `${hostName}: docker did not answer within ${CHECK_TIMEOUT_MS / 1000} s: check that the docker daemon is running`;
  return undefined;
}

function realDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

/**
 * The command an agent's pty runs on `target`, and the one that ends it there. `env` is all the
 * program gets of this machine's environment (a container has its own).
 */
export function dockerProgram(
  target: DockerTarget, launch: { agentName: string; argv: string[]; env: Record<string, string>; killGraceMs?: number },
): DockerProgram {
  const envError = dockerEnvError(launch.env);
  if (envError) throw new Error(`${target.host}: ${envError}`);
  const hex = randomBytes(4).toString('hex');
  const graceSeconds = (launch.killGraceMs ?? DEFAULT_KILL_GRACE_MS) / 1000;
  if ('image' in target) {
    const name = sandboxName(launch.agentName, hex);
    return { ...dockerRunCommand(name, target.image, target.dir, launch.env, launch.argv), stop: dockerStopCommand(name, graceSeconds) };
  }
  const pidFile = `/tmp/${sandboxName(launch.agentName, hex)}.pid`;
  return {
    ...dockerExecCommand(target.container, target.dir, launch.env, pidFile, launch.argv),
    stop: dockerKillCommand(target.container, pidFile, graceSeconds),
  };
}
