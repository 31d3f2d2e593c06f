// The docker command lines agentmux writes for an agent on a docker host (core/hosts.ts), and what
// `docker inspect` answers about a container or an image. Pure: nothing here runs docker.
import { isObject } from './is-object.js';
import { printable } from './printable.js';

export interface DockerCommand {
  file: 'docker';
  args: string[];
}

/** A bind mount of a container, as `docker container inspect` lists it. */
export interface DockerMount {
  source: string;
  destination: string;
}

export type ContainerState =
  | { kind: 'running'; mounts: DockerMount[] }
  | { kind: 'stopped'; status: string };

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `docker exec -it -w DIR -e K=V… CONTAINER sh -c WRAPPER PIDFILE PROGRAM…`: the docker client does
 * not pass signals on to what it runs, so the program runs under a wrapper that records its process
 * group in `pidFile` (inside the container), which `dockerKillCommand` ends.
 */
export function dockerExecCommand(container: string, dir: string, env: Readonly<Record<string, string>>, pidFile: string, argv: readonly string[]): DockerCommand {
  return { file: 'docker', args: ['exec', '-it', '-w', dir, ...envFlags(env), container, 'sh', '-c', PID_WRAPPER, pidFile, ...argv] };
}

// $0 is the pid file: the shell's own pid is its process group's (docker exec makes it a session leader).
const PID_WRAPPER = 'echo $$ > "$0" && "$@"; status=$?; rm -f "$0"; exit $status';

/**
 * Ends an exec'd agent in its container: SIGTERM to its process group, SIGKILL after `graceSeconds`.
 * Run to its end (runCommand); a pid file already gone (the agent ended) is no error.
 */
export function dockerKillCommand(container: string, pidFile: string, graceSeconds: number): DockerCommand {
  const script = [
    'pid=$(cat "$0" 2>/dev/null) || exit 0',
    'kill -TERM -"$pid" 2>/dev/null',
    `i=0; while kill -0 -"$pid" 2>/dev/null && [ "$i" -lt ${Math.max(0, Math.ceil(graceSeconds)) * 10} ]; do sleep 0.1; i=$((i + 1)); done`,
    'kill -KILL -"$pid" 2>/dev/null; rm -f "$0"; exit 0',
  ].join('; ');
  return { file: 'docker', args: ['exec', container, 'sh', '-c', script, pidFile] };
}

/**
 * `docker run --rm -it --name NAME -v DIR:DIR -w DIR -e K=V… IMAGE PROGRAM…`: a sandbox of its own for
 * one agent, which sees only its directory.
 */
export function dockerRunCommand(name: string, image: string, dir: string, env: Readonly<Record<string, string>>, argv: readonly string[]): DockerCommand {
  return { file: 'docker', args: ['run', '--rm', '-it', '--name', name, '-v', `${dir}:${dir}`, '-w', dir, ...envFlags(env), image, ...argv] };
}

/** Stops an agent's sandbox: SIGTERM to its program, SIGKILL after `graceSeconds`; --rm removes it. (`-t`: old and new docker both take it.) */
export function dockerStopCommand(name: string, graceSeconds: number): DockerCommand {
  return { file: 'docker', args: ['stop', '-t', String(Math.max(0, Math.ceil(graceSeconds))), name] };
}

function envFlags(env: Readonly<Record<string, string>>): string[] {
  return Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
}

/** What is wrong with an environment for `-e K=V`, or undefined. */
export function dockerEnvError(env: Readonly<Record<string, string>>): string | undefined {
  const bad = Object.entries(env).find(([key, value]) => !ENV_NAME.test(key) || value.includes('\0'));
  return bad ? `${JSON.stringify(bad[0])} cannot be passed to docker as an environment variable` : undefined;
}

/** A container's name for one agent's sandbox: `agentmux-<agent>-<hex>`. */
export function sandboxName(agentName: string, hex: string): string {
  return `agentmux-${agentName}-${hex}`;
}

/** Where a host directory is inside the container, through the bind mount that holds it (the deepest), or undefined. */
export function containerPath(mounts: readonly DockerMount[], hostDir: string): string | undefined {
  const dir = trimSlash(hostDir);
  let best: { source: string; destination: string } | undefined;
  for (const mount of mounts) {
    const source = trimSlash(mount.source);
    const inside = dir === source || dir.startsWith(source === '/' ? '/' : `${source}/`);
    if (inside && (!best || source.length > best.source.length)) best = { source, destination: trimSlash(mount.destination) };
  }
  if (!best) return undefined;
  const rest = dir.slice(best.source === '/' ? 0 : best.source.length);
  if (!rest) return best.destination;
  return best.destination === '/' ? rest : `${best.destination}${rest}`;
}

function trimSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/**
 * The state of container `container` from `docker container inspect`'s exit status and output,
 * or a one-line error that starts with `host` (its name in agentmux).
 */
export function parseContainerInspect(host: string, container: string, code: number | null, stdout: string, stderr: string): ContainerState | string {
  if (code !== 0) {
    if (/no such (container|object)/i.test(stderr)) return `${host}: there is no container ${container} (docker ps -a lists them): create it, or fix "docker" in the config`;
    return daemonFailure(host, stderr);
  }
  const entry = firstEntry(stdout);
  if (!entry || !isObject(entry.State)) return `${host}: docker container inspect ${container} gave an answer agentmux cannot read`;
  const state = entry.State;
  if (state.Paused === true) return `${host}: container ${container} is paused: resume it with docker unpause ${container}`;
  if (state.Running !== true) {
    const status = typeof state.Status === 'string' && state.Status ? state.Status : 'not running';
    return { kind: 'stopped', status };
  }
  const mounts = Array.isArray(entry.Mounts) ? entry.Mounts.filter(isObject).flatMap((mount) => (
    mount.Type === 'bind' && typeof mount.Source === 'string' && typeof mount.Destination === 'string'
      ? [{ source: mount.Source, destination: mount.Destination }] : [])) : [];
  return { kind: 'running', mounts };
}

/** Whether `docker image inspect` found the image, or a one-line error that starts with `host`. */
export function parseImageInspect(host: string, image: string, code: number | null, stderr: string): true | string {
  if (code === 0) return true;
  if (/no such (image|object)/i.test(stderr)) return `${host}: image ${image} is not on this machine: get it with docker pull ${image}`;
  return daemonFailure(host, stderr);
}

/** The line for a docker command that failed for another reason than what it asked about. */
function daemonFailure(host: string, stderr: string): string {
  const text = stderr.replace(/\s+/g, ' ');
  if (/Cannot connect to the Docker daemon|Is the docker daemon running/i.test(text)) return `${host}: the docker daemon is not running here: start Docker`;
  if (/permission denied/i.test(text)) return `${host}: you may not use the docker daemon here (${firstLine(stderr)}): add yourself to the docker group`;
  return `${host}: docker failed: ${firstLine(stderr) || 'no message'}`;
}

function firstEntry(stdout: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(stdout);
    return Array.isArray(parsed) && isObject(parsed[0]) ? parsed[0] : undefined;
  } catch {
    return undefined;
  }
}

function firstLine(text: string): string {
  return printable(text.split('\n').map((line) => line.trim()).find((line) => line.length > 0)?.slice(0, 200) ?? '');
}
