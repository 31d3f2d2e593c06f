// Agents on other hosts (config `hosts`, core/hosts.ts): the check made before one starts there (the
// host is known, reachable, its key unchanged, its agentmux and Node fit), and the local program its
// pty runs: `agentmux remote-link` to a remote agentmux (reconnecting, state and output caught up),
// plain `ssh -tt` where the host has none, or `docker exec`/`docker run` (server/docker-host.ts).
import { randomBytes } from 'node:crypto';
import type { AgentInfo } from '../core/agent.js';
import { parseProbe } from '../core/host-reach.js';
import {
  findHost, isSshHost, nodeTooOld, nodeVersionOk, remoteAgentmux, remoteWord, sshFailure, sshOptions, type HostConfig, type SshHost,
} from '../core/hosts.js';
import { printable } from '../core/printable.js';
import type { CommandRunner } from '../pty/command-runner.js';
import { dockerProgram, dockerTargetAt, prepareDocker, type DockerTarget } from './docker-host.js';

/** What an agent runs, before it is placed on a host. */
export type HostProgram = { shell: string } | { file: string; args: string[] };

export interface HostLaunch {
  agentName: string;
  program: HostProgram;
  /** Variables the agent gets there. */
  env?: Record<string, string>;
  /** A built-in worker: its report channel is relayed across the link. */
  worker?: boolean;
}

/** A host checked and ready for one agent. */
export interface HostPlacement {
  readonly host: string;
  readonly link: NonNullable<AgentInfo['hostLink']>;
  /** Where the agent works there (`~/…` for the remote home). */
  readonly cwd: string;
  /** The remote agentmux's words (to run `agentmux worker …` there); undefined without one. */
  readonly agentmux?: string[];
  /** The local program of the agent's pty, and what else ends the agent there when it is killed (a docker exec'd program). */
  program(launch: HostLaunch): { file: string; args: string[]; stopThere?: () => Promise<void> };
  /** The same host for an agent that works in `dir` there (its worktree), or why it cannot. */
  at(dir: string): HostPlacement | string;
}

export interface HostLinksOptions {
  hosts: Readonly<Record<string, HostConfig>>;
  /** A private, short directory for ssh's shared connections (ControlPath). */
  controlDir: string;
  /** How long a killed agent has before SIGKILL (config `killGraceMs`); a container's stop takes it too. */
  killGraceMs?: number;
  /** The local `agentmux remote-link ARGS…` program. */
  linkProgram(args: string[]): { file: string; args: string[] };
  run: CommandRunner;
}

const PROBE_TIMEOUT_MS = 20_000;

export class HostLinks {
  /** The ssh hosts reached so far: their shared connections are closed with the server. */
  private readonly reached = new Map<string, SshHost>();

  constructor(private readonly options: HostLinksOptions) {}

  /** Closes the shared ssh connections (agents still running on a host keep theirs until they end). */
  dispose(): void {
    for (const host of this.reached.values()) {
      void this.options.run('ssh', ['-O', 'exit', ...sshOptions(host, this.options.controlDir), '--', host.ssh], { timeoutMs: 5_000 });
    }
    this.reached.clear();
  }

  get hosts(): Readonly<Record<string, HostConfig>> {
    return this.options.hosts;
  }

  /**
   * Checks host `name` for an agent (a docker host's agent works in `dir`, the directory here it is
   * asked for in; an ssh host's in its configured cwd): the placement, or one line on what is wrong
   * (nothing started then).
   */
  async place(name: string, dir: string): Promise<HostPlacement | string> {
    const host = findHost(this.options.hosts, name);
    if (typeof host === 'string') return host;
    if (!isSshHost(host)) {
      const target = await prepareDocker(name, host, dir, this.options.run);
      return typeof target === 'string' ? target : this.dockerPlacement(target);
    }
    const cwd = host.cwd ?? '~';
    this.reached.set(name, host);
    const agentmux = remoteAgentmux(host);
    const probe = await this.ssh(host, agentmux ? `${agentmux.map(remoteWord).join(' ')} remote-agent probe` : 'true');
    if (probe.code === 255 || probe.timedOut) return probe.timedOut ? `${name}: ${host.ssh} did not answer within ${PROBE_TIMEOUT_MS / 1000} s` : sshFailure(name, host.ssh, probe.stderr);
    if (!agentmux) {
      if (probe.code !== 0) return `${name}: ssh ${host.ssh} works, but a command there failed: ${firstLine(probe.stderr)}`;
      return this.sshPlacement(name, host, cwd, 'plain', undefined);
    }
    const answer = parseProbe(probe.stdout);
    if (answer && probe.code === 0) {
      return nodeVersionOk(answer.node) ? this.sshPlacement(name, host, cwd, 'agentmux', agentmux) : nodeTooOld(name, answer.node);
    }
    // It did not answer: an old Node that cannot run it says more than its error.
    const node = await this.ssh(host, 'node -v');
    const version = node.code === 0 ? node.stdout.trim() : '';
    if (version && !nodeVersionOk(version)) return nodeTooOld(name, version);
    if (probe.code === 127) return `${name}: agentmux is not installed there: run agentmux host install ${name} (or set "agentmux": false for plain ssh)`;
    return `${name}: agentmux remote-agent probe failed there: ${firstLine(probe.stderr) || firstLine(probe.stdout) || `exit status ${probe.code}`}`;
  }

  private ssh(host: SshHost, command: string): ReturnType<CommandRunner> {
    const env = { ...process.env };
    // A connection master this check starts must not belong to any agent's run (/kill would end it).
    delete env.AGENTMUX_RUN;
    return this.options.run('ssh', ['-T', ...sshOptions(host, this.options.controlDir), '--', host.ssh, command], { timeoutMs: PROBE_TIMEOUT_MS, env });
  }

  private dockerPlacement(target: DockerTarget): HostPlacement {
    const { run, killGraceMs } = this.options;
    return {
      host: target.host, link: 'docker', cwd: target.dir,
      at: (dir) => {
        const moved = dockerTargetAt(target, dir);
        return typeof moved === 'string' ? moved : this.dockerPlacement(moved);
      },
      program: (launch) => {
        const { file, args, stop } = dockerProgram(target, {
          agentName: launch.agentName, argv: wordsOf(launch.program), env: launch.env ?? {}, ...(killGraceMs !== undefined ? { killGraceMs } : {}),
        });
        return { file, args, stopThere: async () => { await run(stop.file, stop.args, { timeoutMs: (killGraceMs ?? 5000) + 10_000 }); } };
      },
    };
  }

  private sshPlacement(name: string, host: SshHost, cwd: string, link: 'agentmux' | 'plain', agentmux: string[] | undefined): HostPlacement {
    const { controlDir, linkProgram } = this.options;
    return {
      host: name, link, cwd, ...(agentmux ? { agentmux } : {}),
      at: (dir) => this.sshPlacement(name, host, dir, link, agentmux),
      program: (launch) => {
        const argv = wordsOf(launch.program);
        const env = Object.entries(launch.env ?? {});
        if (link === 'plain') {
          const assignments = env.length ? `env ${env.map(([key, value]) => remoteWord(`${key}=${value}`)).join(' ')} ` : '';
          // Without the run's marker: a connection master this ssh may fork must outlive this agent's /kill
          // (the ssh itself dies with the pty's process group).
          return {
            file: 'env',
            args: ['-u', 'AGENTMUX_RUN', 'ssh', '-tt', ...sshOptions(host, controlDir), '--', host.ssh, `cd ${remoteWord(cwd)} && exec ${assignments}${argv.map(remoteWord).join(' ')}`],
          };
        }
        const id = `${launch.agentName}-${randomBytes(4).toString('hex')}`;
        return linkProgram([
          'remote-link', '--host', JSON.stringify(host), '--control', controlDir, '--id', id, '--cwd', cwd,
          ...env.flatMap(([key, value]) => ['--env', `${key}=${value}`]), ...(launch.worker ? ['--worker'] : []), '--', ...argv,
        ]);
      },
    };
  }
}

function wordsOf(program: HostProgram): string[] {
  return 'shell' in program ? ['sh', '-c', program.shell] : [program.file, ...program.args];
}

function firstLine(text: string): string {
  return printable(text.split('\n').find((line) => line.trim()) ?? '').trim().slice(0, 200);
}
