// Run by `npm test` before the tests: the tests of agents on SSH hosts start a real OpenSSH server on
// loopback, so Debian's openssh-server is installed when it is missing and this is a Debian machine
// run as root (a fresh CI machine). Elsewhere nothing is installed: those tests say they are skipped, and why.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const SSHD = '/usr/sbin/sshd';
const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');

if (!existsSync(SSHD) && canInstall) {
  const apt = (args) => execFileSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  process.stdout.write('installing openssh-server for the SSH host tests…\n');
  try {
    apt(['install', '-y', '-q', '--no-install-recommends', 'openssh-server']);
  } catch {
    apt(['update', '-q']);
    apt(['install', '-y', '-q', '--no-install-recommends', 'openssh-server']);
  }
}
if (!existsSync(SSHD)) {
  process.stdout.write(`${SSHD} is missing${canInstall ? '' : ' (install openssh-server to run them)'}: the SSH host tests will be skipped\n`);
}
