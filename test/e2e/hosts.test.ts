// Agents on an SSH host as a user meets them, with the built CLI, its server, a screen in a real pty
// and a real OpenSSH server on loopback (test/support/loopback-sshd.mjs) as the host.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli, stopServer } from '../support/cli-runner.js';
import { sshdMissing, startLoopbackSshd, type LoopbackSshd } from '../support/loopback-sshd.js';
import { buildEnv } from '../support/screen-harness.js';
import { closeAll, configDir, newHome, writeFile } from './helpers.js';

const missing = sshdMissing();
if (missing) console.warn(`skipping the SSH host tests: ${missing}`);

const stops: Array<() => Promise<void>> = [];
let sshd: LoopbackSshd;

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await closeAll();
});

/** A HOME whose config names the loopback server as host `plain` (plain ssh, exit status only). */
function homeWithHosts(): string {
  const home = newHome();
  const host = { ssh: sshd.alias, sshArgs: ['-F', sshd.sshConfig], cwd: sshd.remoteHome };
  writeFile(join(configDir(home), 'config.json'), JSON.stringify({ hosts: { plain: { ...host, agentmux: false } } }));
  return home;
}

describe.skipIf(missing !== undefined)('agents on an SSH host', () => {
  beforeAll(async () => {
    sshd = await startLoopbackSshd();
  });

  afterAll(async () => {
    await sshd?.stop();
  });

  it('agentmux run --host starts it there; agentmux ls shows the host and that its exit status is the only signal', async () => {
    const home = homeWithHosts();
    const env = buildEnv(home);
    mkdirSync(env.XDG_RUNTIME_DIR, { mode: 0o700 });
    stops.push(() => stopServer(env, home));
    const cli = (args: string[]) => runCli(args, { env, cwd: home });

    expect(await cli(['run', '--host', 'plain', '--name', 'remote-sleep', '--', 'echo started on $HOME; exec sleep 60'])).toEqual({ code: 0, stdout: 'remote-sleep\n', stderr: '' });
    const listed = await cli(['ls']);
    expect(listed.stdout).toMatch(/^remote-sleep@plain {2}running \(exit status only\) {2}\S+ +echo started on \$HOME; exec sleep 60\n$/);
    const json = JSON.parse((await cli(['ls', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(json[0]).toMatchObject({ name: 'remote-sleep', host: 'plain', hostLink: 'plain', cwd: sshd.remoteHome });

    const unknown = await cli(['run', '--host', 'gpu', '--', 'true']);
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: 'agentmux: no host named gpu (hosts: plain; agentmux host ls lists them)\n' });

    expect((await cli(['kill', 'remote-sleep'])).code).toBe(0);
    const after = JSON.parse((await cli(['ls', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(after.map((agent) => [agent.name, agent.state])).toEqual([['remote-sleep', 'killed']]);
  });
});
