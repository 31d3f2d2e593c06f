// `agentmux remote-link --host JSON --control DIR --id ID [--cwd DIR] [--env K=V]... [--worker] -- PROGRAM…`:
// the program of an agent on an SSH host, run by the server in the agent's pty (pty/remote-link.ts).
// It speaks for the agent on the server's report channel: whether the link is up, and a relayed
// worker's reports; a worker's credentials come from that channel and go to the host on ssh's stdin.
import { ChannelClient } from '../agent/channel-client.js';
import { hostsError, isSshHost, type SshHost } from '../core/hosts.js';
import { CHANNEL_ENV, type WorkerCredentials } from '../core/report-channel.js';
import { runIdError } from '../core/remote-run.js';
import { rawTerminal } from '../pty/raw-terminal.js';
import { RemoteLink, type RemoteLinkSpec } from '../pty/remote-link.js';

export const REMOTE_LINK_USAGE = 'usage: agentmux remote-link --host JSON --control DIR --id ID [--cwd DIR] [--env NAME=VALUE]... [--worker] -- PROGRAM [ARGS...]';

function parseLinkArgs(argv: string[]): (Omit<RemoteLinkSpec, 'worker'> & { worker: boolean }) | string {
  let host: SshHost | undefined;
  let controlDir: string | undefined;
  let id: string | undefined;
  let cwd: string | undefined;
  let worker = false;
  const env: string[] = [];
  for (let at = 0; at < argv.length; at++) {
    const flag = argv[at];
    if (flag === '--') {
      const program = argv.slice(at + 1);
      if (program.length === 0) return 'the program is missing after --';
      if (!host || controlDir === undefined || id === undefined) return '--host, --control and --id are needed';
      return { host, controlDir, id, ...(cwd !== undefined ? { cwd } : {}), env, worker, program };
    }
    if (flag === '--worker') {
      worker = true;
      continue;
    }
    const value = argv[++at];
    if (value === undefined) return `${flag} needs a value`;
    if (flag === '--host') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        return '--host takes the host as JSON, e.g. {"ssh":"me@build.example"}';
      }
      const problem = hostsError({ host: parsed });
      if (problem) return problem.replace(/^hosts\.host\.?/, '--host ');
      if (!isSshHost(parsed as SshHost)) return '--host must be an SSH host ({"ssh": …})';
      host = parsed as SshHost;
    } else if (flag === '--control') controlDir = value;
    else if (flag === '--id') {
      const problem = runIdError(value);
      if (problem) return problem;
      id = value;
    } else if (flag === '--cwd') cwd = value;
    else if (flag === '--env') {
      if (value.indexOf('=') < 1) return `--env takes NAME=VALUE, not ${JSON.stringify(value)}`;
      env.push(value);
    } else return `unknown option ${JSON.stringify(flag)}`;
  }
  return 'the program is missing: give it after --';
}

/** Resolves with the exit status to end with: the remote agent's. */
export async function remoteLinkMain(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const fail = (message: string, code: number): number => {
    process.stderr.write(`agentmux remote-link: ${message}\n`);
    return code;
  };
  const args = parseLinkArgs(argv);
  if (typeof args === 'string') return fail(`${args}\n${REMOTE_LINK_USAGE}`, 2);
  const channelPath = env[CHANNEL_ENV];
  let channel: ChannelClient | undefined;
  let credentials: WorkerCredentials | undefined;
  if (channelPath) {
    const opened = await ChannelClient.open(channelPath);
    if ('error' in opened) return fail(opened.error, 1);
    ({ channel, credentials } = opened);
  }
  if (args.worker && !credentials) return fail('a worker\'s link needs the credentials agentmux hands over on its channel', 1);
  rawTerminal(process.stdin);
  const link = new RemoteLink(
    { ...args, worker: args.worker && credentials ? { credentials } : undefined },
    { input: process.stdin, output: process.stdout, error: (line) => process.stderr.write(`\r\nagentmux: ${line}\r\n`) },
    { report: (report) => channel?.report(report) },
  );
  channel?.listen({ command: (command) => link.tell(command), problem: (message) => process.stderr.write(`\r\nagentmux: ${message}\r\n`) });
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.on(signal, () => link.stop());
  // Its terminal is gone (the server's end of the pty closed): as a hang-up.
  process.stdout.on('error', () => link.stop());
  const code = await link.start();
  await channel?.close();
  return code;
}
