// Checks whether a host answers (`agentmux host ls`): one short command per host, run to its end
// or until the timeout; the answer is read by core/host-reach.ts.
import { dockerReach, sshReach, type HostReach } from '../core/host-reach.js';
import { isSshHost, remoteAgentmux, sshCommand, type HostConfig } from '../core/hosts.js';
import type { CommandRunner } from '../pty/command-runner.js';

/** `controlDir`: where ssh keeps its shared connections (core/hosts.ts sshOptions). */
export async function probeHost(name: string, host: HostConfig, controlDir: string, run: CommandRunner, timeoutMs: number): Promise<HostReach> {
  if (isSshHost(host)) {
    const agentmux = remoteAgentmux(host);
    const { file, args } = sshCommand(host, controlDir, agentmux ? [...agentmux, 'remote-agent', 'probe'] : ['true'], false);
    return sshReach(name, host, await run(file, args, { timeoutMs }), timeoutMs);
  }
  const args = host.image !== undefined ? ['image', 'inspect', '--format', '{{.Id}}', host.image] : ['container', 'inspect', host.docker];
  return dockerReach(name, host, await run('docker', args, { timeoutMs }), timeoutMs);
}
