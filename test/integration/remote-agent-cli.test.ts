// `agentmux remote-agent` and `agentmux remote-link` run directly (no ssh): what they print, what
// they refuse, and what lands in a run's directory. Needs the build (`npm test` builds first).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeRecord } from '../../src/core/link-records.js';
import { remoteRunDir, RUN_FILES } from '../../src/core/remote-run.js';
import { runCli } from '../support/cli-runner.js';
import { waitUntil } from '../support/server-test-client.js';

let home: string;
let env: Record<string, string>;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'amx-remote-cli-'));
  mkdirSync(join(home, 'run'), { mode: 0o700 });
  env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_RUNTIME_DIR: join(home, 'run') };
});

afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

const agent = (...args: string[]) => runCli(['remote-agent', ...args], { env, cwd: home });
const runsThere = (): string[] => (existsSync(join(home, 'run', 'agentmux-remote')) ? readdirSync(join(home, 'run', 'agentmux-remote')) : []);

describe('agentmux remote-agent', () => {
  it('probe prints its version and Node\'s as one JSON line', async () => {
    const probed = await agent('probe');
    expect(probed.code).toBe(0);
    expect(JSON.parse(probed.stdout)).toEqual({ agentmux: expect.stringMatching(/^\d+\.\d+\.\d+/), node: process.version });
  });

  it('refuses bad input in one line and starts nothing', async () => {
    const cases: Array<[string[], string | undefined, RegExp]> = [
      [[], undefined, /an action is needed/],
      [['launch'], undefined, /unknown action "launch"/],
      [['start', '--id', 'Bad Id', '--', 'true'], undefined, /"Bad Id" is not a run id/],
      [['start', '--id', 'ok-1'], undefined, /start needs the program after --/],
      [['start', '--id', 'ok-1', '--env', 'NOEQUALS', '--', 'true'], undefined, /--env takes NAME=VALUE/],
      [['start', '--id', 'ok-1', '--cwd', join(home, 'missing'), '--', 'true'], undefined, /missing is not a directory on this host/],
      [['start', '--id', 'ok-1', '--worker', '--', 'true'], '{"credentials":{"apiKey":""}}', /lack a key or an endpoint/],
      [['attach', '--id', 'ok-1', '--from', 'x'], undefined, /--from takes a byte offset/],
      [['stop', '--id', 'ok-1'], undefined, /has ended \(or there is no such run\)/],
      [['tell', '--id', 'ok-1'], 'not json', /tell expects one command as JSON/],
    ];
    for (const [args, input, message] of cases) {
      const result = await runCli(['remote-agent', ...args], { env, cwd: home, input });
      expect(result.code, args.join(' ')).not.toBe(0);
      expect(result.stderr.split('\n')[0]).toMatch(/^agentmux remote-agent: /);
      expect(result.stderr.split('\n')[0]).toMatch(message);
    }
    expect(runsThere()).toEqual([]);
  });

  it('keeps an ended run\'s log for an attach from any offset, then removes it on request', async () => {
    const started = await agent('start', '--id', 'short-1', '--', 'sh', '-c', 'printf abcdef; exit 2');
    expect(started.code).toBe(0);
    expect(JSON.parse(started.stdout)).toEqual({ id: 'short-1', pid: expect.any(Number) });
    const dir = remoteRunDir(env, home, 'short-1');
    await waitUntil('the run to end', () => existsSync(join(dir, RUN_FILES.status)), () => readdirSync(dir).join(' '));
    const attached = await agent('attach', '--id', 'short-1', '--from', '3');
    expect(attached.code).toBe(0);
    expect(attached.stdout).toBe(`${encodeRecord({ type: 'attach' }).toString()}def${encodeRecord({ type: 'exit', code: 2 }).toString()}`);
    expect((await agent('remove', '--id', 'short-1')).code).toBe(0);
    expect(existsSync(dir)).toBe(false);
  });

  it('tells an attach that there is no such run', async () => {
    const attached = await agent('attach', '--id', 'nothing-here', '--from', '0');
    expect(attached.code).toBe(1);
    expect(attached.stdout).toContain('"type":"gone"');
  });
});

describe('agentmux remote-link', () => {
  it('refuses a bad host or missing options in one line', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--host', '{"ssh":"-oProxyCommand=x"}', '--control', home, '--id', 'a-1', '--', 'true'], /is not an ssh destination/],
      [['--host', '{"docker":"box"}', '--control', home, '--id', 'a-1', '--', 'true'], /must be an SSH host/],
      [['--host', 'not json', '--control', home, '--id', 'a-1', '--', 'true'], /--host takes the host as JSON/],
      [['--host', '{"ssh":"h"}', '--id', 'a-1', '--', 'true'], /--host, --control and --id are needed/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(['remote-link', ...args], { env, cwd: home });
      expect(result.code).toBe(2);
      expect(result.stderr.split('\n')[0]).toMatch(message);
    }
  });
});
