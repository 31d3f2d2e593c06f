// Whether a host answers, from what its check printed (`agentmux host ls`): for an ssh host, the
// remote agentmux's `remote-agent probe`; for a docker host, `docker inspect` of its container or
// image. Pure: the commands are run elsewhere.
import { parseContainerInspect, parseImageInspect } from './docker-command.js';
import { isObject } from './is-object.js';
import { printable } from './printable.js';
import { sshFailure, type DockerHost, type SshHost } from './hosts.js';

export interface HostReach {
  reachable: boolean;
  /** One line: what answered, or why nothing did. */
  status: string;
  /** The remote agentmux's version and the Node it runs on, when it answered the probe. */
  agentmux?: string;
  node?: string;
}

/** What a check command gave (command-runner.ts's result). */
export interface CheckResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** The probe's answer: one JSON line `{"agentmux":"0.1.0","node":"v20.19.0"}`. */
export function parseProbe(stdout: string): { agentmux: string; node: string } | undefined {
  const line = stdout.split('\n').map((text) => text.trim()).find((text) => text.startsWith('{'));
  if (!line) return undefined;
  try {
    const parsed: unknown = JSON.parse(line);
    if (!isObject(parsed) || typeof parsed.agentmux !== 'string' || typeof parsed.node !== 'string') return undefined;
    return { agentmux: printable(parsed.agentmux).slice(0, 40), node: printable(parsed.node).slice(0, 40) };
  } catch {
    return undefined;
  }
}

/**
 * An ssh host's reach from `ssh … AGENTMUX remote-agent probe` (or, for a host without agentmux,
 * `ssh … true`). `name` is the host's name in agentmux.
 */
export function sshReach(name: string, host: SshHost, result: CheckResult, timeoutMs: number): HostReach {
  if (result.timedOut) return { reachable: false, status: `${host.ssh} did not answer within ${timeoutMs / 1000} s` };
  if (result.code === 255) return { reachable: false, status: withoutName(name, sshFailure(name, host.ssh, result.stderr)) };
  if (host.agentmux === false) return { reachable: result.code === 0, status: result.code === 0 ? 'reachable, plain ssh (no agentmux)' : `ssh ended with ${result.code}` };
  if (result.code === 127) return { reachable: true, status: `reachable, no agentmux (agentmux host install ${name})` };
  const probe = result.code === 0 ? parseProbe(result.stdout) : undefined;
  if (!probe) {
    const said = printable(result.stderr.split('\n').find((line) => line.trim())?.trim().slice(0, 120) ?? '');
    return { reachable: true, status: `reachable, but its agentmux did not answer the probe${said ? ` (${said})` : ''}: agentmux host install ${name}` };
  }
  return { reachable: true, status: `agentmux ${probe.agentmux}, Node ${probe.node}`, ...probe };
}

/** A docker host's reach from `docker container inspect` (or `docker image inspect` for a host with an image). */
export function dockerReach(name: string, host: DockerHost, result: CheckResult, timeoutMs: number): HostReach {
  if (result.timedOut) return { reachable: false, status: `docker did not answer within ${timeoutMs / 1000} s` };
  if (result.code === 127 && /command not found|ENOENT/.test(result.stderr)) return { reachable: false, status: "the docker command is not installed here: install Docker's CLI" };
  if (host.image !== undefined) {
    const image = parseImageInspect(name, host.image, result.code, result.stderr);
    return image === true ? { reachable: true, status: `image ${host.image} is here` } : { reachable: false, status: withoutName(name, image) };
  }
  const state = parseContainerInspect(name, host.docker, result.code, result.stdout, result.stderr);
  if (typeof state === 'string') return { reachable: false, status: withoutName(name, state) };
  return state.kind === 'running'
    ? { reachable: true, status: 'running' }
    : { reachable: false, status: `not running (${state.status}): start it with docker start ${host.docker}` };
}

/** The lines name their host first; in a table the host's own row already does. */
function withoutName(name: string, line: string): string {
  return line.startsWith(`${name}: `) ? line.slice(name.length + 2) : line;
}
