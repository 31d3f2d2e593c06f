// A real OpenSSH server on loopback for the tests of agents on SSH hosts: started on a free port with
// a throwaway host key and user key, its sessions given a HOME of their own (SetEnv), so that nothing
// it runs touches this machine's home. The client side is an ssh config file naming it as one host.
// `npm test` installs Debian's openssh-server first where it can (test/support/install-sshd.mjs);
// where sshd is still missing, `sshdMissing()` says why and the tests that need it are skipped.
// Plain JavaScript, so that the benchmarks (test/bench) start the same server; typed in loopback-sshd.d.mts.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export const SSHD = '/usr/sbin/sshd';
const START_TIMEOUT_MS = 10_000;

/** Why the loopback sshd cannot run here, or undefined when it can. */
export function sshdMissing() {
  if (!existsSync(SSHD)) return `${SSHD} is not installed (Debian: apt-get install openssh-server)`;
  if (spawnSync('ssh', ['-V']).error) return 'the ssh client is not installed';
  return undefined;
}

/** `env`: more variables for its sessions (e.g. a PATH with a fake program first). */
export async function startLoopbackSshd(alias = 'amx-loop', env = {}) {
  const missing = sshdMissing();
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(join(tmpdir(), 'amx-sshd-'));
  const remoteHome = join(dir, 'remote-home');
  mkdirSync(join(remoteHome, 'run'), { recursive: true, mode: 0o700 });
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'user_key'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'user_key.pub')), { mode: 0o600 });
  // sshd wants its privilege separation directory when it runs as root.
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await freePort();
  writeFileSync(join(dir, 'sshd_config'), [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${join(dir, 'host_key')}`, `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'StrictModes no', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'UsePAM no', `PidFile ${join(dir, 'sshd.pid')}`,
    `SetEnv HOME=${remoteHome} XDG_RUNTIME_DIR=${join(remoteHome, 'run')}${Object.entries(env).map(([key, value]) => ` ${key}=${value}`).join('')}`,
    'MaxSessions 64', 'MaxStartups 64',
    // The user's own ssh also forwards Unix sockets (a remote worker's report channel).
    'AllowStreamLocalForwarding yes', 'StreamLocalBindUnlink yes',
  ].join('\n') + '\n');
  const sshConfig = join(dir, 'ssh_config');
  writeFileSync(sshConfig, [
    `Host ${alias}`, '  HostName 127.0.0.1', `  Port ${port}`, `  User ${userInfo().username}`, `  IdentityFile ${join(dir, 'user_key')}`,
    '  IdentitiesOnly yes', `  UserKnownHostsFile ${join(dir, 'known_hosts')}`, '  StrictHostKeyChecking accept-new', '  LogLevel ERROR',
  ].join('\n') + '\n');

  let server;
  const listen = async () => {
    const child = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr?.on('data', (chunk) => { log = (log + chunk.toString()).slice(-4000); });
    server = child;
    await waitForPort(port, () => (child.exitCode === null ? undefined : `sshd exited (${child.exitCode}): ${log}`));
  };
  const stopListening = async () => {
    const child = server;
    server = undefined;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await gone;
  };
  /** The sshd processes serving connections: the listener's descendants. */
  const connectionPids = () => readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number)
    .filter((pid) => pid !== server?.pid && isSshdUnder(pid, server?.pid));
  await listen();
  return {
    alias, port, sshConfig, remoteHome, dir,
    dropConnections: () => {
      for (const pid of connectionPids()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone with its connection.
        }
      }
    },
    stopListening,
    listen,
    changeHostKey: async () => {
      await stopListening();
      rmSync(join(dir, 'host_key'));
      rmSync(join(dir, 'host_key.pub'));
      keygen(join(dir, 'host_key'));
      await listen();
    },
    stop: async () => {
      const pids = connectionPids();
      await stopListening();
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether `pid` is an sshd that descends from `ancestor` (a connection's sshd, from the listener). */
function isSshdUnder(pid, ancestor) {
  if (ancestor === undefined) return false;
  try {
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('sshd')) return false;
    let current = pid;
    for (let depth = 0; depth < 8 && current > 1; depth++) {
      const stat = readFileSync(`/proc/${current}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === ancestor) return true;
      current = parent;
    }
  } catch {
    // It ended while being looked at.
  }
  return false;
}

function keygen(path) {
  const made = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`ssh-keygen failed: ${made.stderr}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPort(port, failed) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const problem = failed();
    if (problem) throw new Error(problem);
    const open = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`sshd did not listen on 127.0.0.1:${port} within ${START_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
