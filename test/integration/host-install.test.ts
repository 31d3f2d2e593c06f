// `agentmux host install NAME` (the built CLI) against a real sshd on loopback: the remote home is
// the sshd's own, its PATH starts with a folder where a test may put a fake `node` or `uname`.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/pty/command-runner.js';
import { runCli } from '../support/cli-runner.js';
import { sshdMissing, startLoopbackSshd, type LoopbackSshd } from '../support/loopback-sshd.js';

const missing = sshdMissing();
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const INSTALL_TIMEOUT_MS = 120_000;

let sshd: LoopbackSshd;
let dir: string;
let fakeBin: string;
let env: Record<string, string>;

beforeAll(async () => {
  if (missing) return;
  dir = mkdtempSync(join(tmpdir(), 'amx-install-'));
  fakeBin = join(dir, 'remote-bin');
  mkdirSync(fakeBin);
  sshd = await startLoopbackSshd('amx-loop', { PATH: `${fakeBin}:/usr/local/bin:/usr/bin:/bin` });
  const home = join(dir, 'home');
  env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_STATE_HOME: join(home, '.state'),
    XDG_RUNTIME_DIR: join(dir, 'run'),
  };
  mkdirSync(join(home, '.config', 'agentmux'), { recursive: true });
  mkdirSync(join(dir, 'run'), { mode: 0o700 });
  writeFileSync(join(home, '.config', 'agentmux', 'config.json'), JSON.stringify({
    hosts: { loop: { ssh: sshd.alias, sshArgs: ['-F', sshd.sshConfig] }, box: { docker: 'my-sandbox' } },
  }));
});

afterAll(async () => {
  if (missing) return;
  await sshd.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  if (missing) return;
  rmSync(join(sshd.remoteHome, '.agentmux'), { recursive: true, force: true });
  for (const fake of ['node', 'uname']) rmSync(join(fakeBin, fake), { force: true });
});

function fakeRemote(program: string, prints: string): void {
  writeFileSync(join(fakeBin, program), `#!/bin/sh\necho '${prints}'\n`);
  chmodSync(join(fakeBin, program), 0o755);
}

const install = (name: string) => runCli(['host', 'install', name], { env, cwd: dir, timeoutMs: INSTALL_TIMEOUT_MS });

describe.skipIf(missing)('agentmux host install', () => {
  it('copies agentmux over ssh; the installed command runs there', async () => {
    const node = process.version;
    const result = await install('loop');
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`installed agentmux ${VERSION} on loop (Node ${node})\n`);
    expect(result.code).toBe(0);
    const lib = join(sshd.remoteHome, '.agentmux', 'lib', VERSION);
    expect(existsSync(join(lib, 'node_modules', 'node-pty'))).toBe(true);
    expect(existsSync(join(lib, 'node_modules', 'vitest'))).toBe(false);
    const ran = await runCommand('ssh', ['-F', sshd.sshConfig, sshd.alias, '~/.agentmux/bin/agentmux --version']);
    expect(ran.stdout).toBe(`agentmux ${VERSION}\n`);
    // Again, over what is there.
    expect((await install('loop')).code).toBe(0);
  }, INSTALL_TIMEOUT_MS);

  it('refuses a remote Node that is too old, and copies nothing', async () => {
    fakeRemote('node', 'v18.19.0');
    const result = await install('loop');
    expect(result.stderr).toBe('agentmux: loop: Node v18.19.0 is too old for agentmux there: install Node 20.19 or later on that host\n');
    expect(result.code).toBe(1);
    expect(existsSync(join(sshd.remoteHome, '.agentmux'))).toBe(false);
  });

  it('refuses a host of another platform, and copies nothing', async () => {
    fakeRemote('uname', 'Darwin arm64');
    const result = await install('loop');
    expect(result.stderr).toMatch(/^agentmux: loop: it is Darwin arm64 and this machine Linux \S+: agentmux's native part \(node-pty\) would not run there; .*\n$/);
    expect(result.code).toBe(1);
    expect(existsSync(join(sshd.remoteHome, '.agentmux'))).toBe(false);
  });

  it('refuses a docker host and an unknown one with one line', async () => {
    expect((await install('box')).stderr).toMatch(/^agentmux: box: a docker host needs no install: [^\n]*\n$/);
    const unknown = await install('nope');
    expect(unknown.stderr).toBe('agentmux: no host named nope (hosts: loop, box; agentmux host ls lists them)\n');
    expect(unknown.code).toBe(1);
    expect((await runCli(['host', 'install'], { env, cwd: dir })).stderr).toBe('agentmux: host install needs the name of one host\nusage: agentmux host ls [--json] | agentmux host install NAME\n');
  });
});
