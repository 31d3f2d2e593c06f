// `agentmux remote-link` against a real OpenSSH server on loopback, with this repository's built CLI
// as the remote agentmux: the link runs in a real pty, its screen read through @xterm/headless, and
// reports on a real report channel. Needs the build (`npm test` builds first).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SshHost } from '../../src/core/hosts.js';
import { remoteRunDir, RUN_FILES } from '../../src/core/remote-run.js';
import { scriptedQueue, startScriptedServer } from '../../src/llm/scripted-server.js';
import { sshdMissing, startLoopbackSshd, type LoopbackSshd } from '../support/loopback-sshd.js';
import { CLI_ENTRY, ScreenHarness } from '../support/screen-harness.js';
import { waitUntil } from '../support/server-test-client.js';
import { TestChannel } from '../support/test-channel.js';

const missing = sshdMissing();
let sshd: LoopbackSshd;
let controlDir: string;
let runs = 0;
const open: Array<{ screen: ScreenHarness; channel: TestChannel }> = [];

beforeAll(async () => {
  if (missing) return;
  sshd = await startLoopbackSshd();
  controlDir = mkdtempSync(join(tmpdir(), 'amx-ctl-'));
}, 30_000);

afterEach(async () => {
  for (const { screen, channel } of open.splice(0)) {
    await screen.close();
    channel.dispose();
  }
});

afterAll(async () => {
  if (missing) return;
  await sshd.stop();
  rmSync(controlDir, { recursive: true, force: true });
});

function host(): SshHost {
  return { ssh: sshd.alias, sshArgs: ['-F', sshd.sshConfig], agentmux: `${process.execPath} ${CLI_ENTRY}` };
}

/** `remote-link` for a command agent running `script` on the loopback host, in a pty of `cols`×`rows`. */
function link(script: string, size = { cols: 100, rows: 30 }): { screen: ScreenHarness; channel: TestChannel; id: string } {
  const channel = new TestChannel();
  const id = `agent-${process.pid}-${++runs}`;
  const screen = new ScreenHarness({
    ...size,
    args: ['remote-link', '--host', JSON.stringify(host()), '--control', controlDir, '--id', id, '--cwd', sshd.remoteHome, '--env', 'GREETING=hello from afar', '--', 'sh', '-c', script],
    env: channel.env,
  });
  open.push({ screen, channel });
  return { screen, channel, id };
}

/** The remote run's directory (the loopback host's runtime directory). */
function runDir(id: string): string {
  return remoteRunDir({ XDG_RUNTIME_DIR: join(sshd.remoteHome, 'run') }, sshd.remoteHome, id);
}

function linkReports(channel: TestChannel): boolean[] {
  return channel.reports.flatMap((report) => (report.type === 'link' ? [report.up] : []));
}

/** The numbered lines `n-1`… in what the link printed, and how often each came. */
function numberedLines(screen: ScreenHarness): Map<number, number> {
  const counts = new Map<number, number>();
  for (const match of screen.rawText().matchAll(/n-(\d+)\r\n/g)) counts.set(Number(match[1]), (counts.get(Number(match[1])) ?? 0) + 1);
  return counts;
}

const COUNT_TO = (lines: number, pace: string): string => `i=0; while [ $i -lt ${lines} ]; do i=$((i+1)); echo "n-$i"; sleep ${pace}; done; exit 5`;

describe.skipIf(missing)(`remote-link over a loopback sshd${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('shows the agent\'s output, echoes typed keys, passes the pty size, and ends with the agent\'s exit status', async () => {
    const { screen, channel } = link('echo "$GREETING in $(pwd)"; stty size; while read -r line; do echo "got $line"; stty size; done; exit 3');
    await screen.waitFor(`hello from afar in ${sshd.remoteHome}`, { timeoutMs: 20_000 });
    await screen.waitFor('30 100');
    screen.type('typed keys\r');
    // Echoed by the agent's terminal, then read by the agent.
    await screen.waitFor('got typed keys');
    expect(screen.text()).toMatch(/typed keys\s+got typed keys/);
    screen.resize(90, 20);
    // Each Enter makes the agent print its terminal's size: once more each time it answered, until the new size is there.
    let answers = -1;
    await waitUntil('the new size at the remote agent', () => {
      if (screen.text().includes('20 90')) return true;
      const seen = screen.rawText().split('got ').length;
      if (seen > answers) {
        answers = seen;
        screen.type('\r');
      }
      return undefined;
    }, () => screen.formatScreen());
    screen.press('ctrl-d');
    expect((await screen.waitForExit()).exitCode).toBe(3);
    expect(linkReports(channel)).toEqual([]);
  }, 40_000);

  it('says when the link drops and is back; the agent goes on there, and every line arrives exactly once', async () => {
    const { screen, channel, id } = link(COUNT_TO(40, '0.05'));
    await screen.waitFor('n-5', { timeoutMs: 20_000 });
    sshd.dropConnections();
    await waitUntil('the link down report', () => linkReports(channel).length >= 1, () => JSON.stringify(channel.reports));
    await waitUntil('the link up report', () => linkReports(channel).length >= 2, () => JSON.stringify(channel.reports), 20_000);
    expect((await screen.waitForExit({ timeoutMs: 20_000 })).exitCode).toBe(5);
    expect(linkReports(channel)).toEqual([false, true]);
    const counts = numberedLines(screen);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, at) => at + 1));
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    // The link had the whole run: its files there are gone.
    expect(existsSync(runDir(id))).toBe(false);
  }, 60_000);

  it('retries while the host is unreachable and catches up with the whole run once it listens again', async () => {
    const { screen, channel, id } = link(COUNT_TO(30, '0.02'));
    await screen.waitFor('n-3', { timeoutMs: 20_000 });
    sshd.dropConnections();
    await sshd.stopListening();
    await waitUntil('the link down report', () => linkReports(channel).length >= 1, () => JSON.stringify(channel.reports));
    // The agent finishes there meanwhile.
    await waitUntil('the remote agent to end', () => existsSync(join(runDir(id), RUN_FILES.status)), () => screen.formatScreen(), 20_000);
    expect(screen.exitStatus).toBeUndefined();
    await sshd.listen();
    expect((await screen.waitForExit({ timeoutMs: 40_000 })).exitCode).toBe(5);
    expect(linkReports(channel)).toEqual([false, true]);
    const counts = numberedLines(screen);
    expect(counts.size).toBe(30);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
  }, 90_000);

  it('stops the agent\'s whole process tree there on SIGTERM and ends with its status', async () => {
    const { screen } = link('sleep 300 & echo "child-$!"; wait');
    const text = await screen.waitFor(/child-\d+/, { timeoutMs: 20_000 });
    const child = Number(/child-(\d+)/.exec(text)?.[1]);
    expect(processAlive(child)).toBe(true);
    // As the server's kill does: its process group.
    process.kill(-screen.pid, 'SIGTERM');
    // sh ended by SIGTERM: 128 + 15.
    expect((await screen.waitForExit({ timeoutMs: 20_000 })).exitCode).toBe(143);
    expect(processAlive(child)).toBe(false);
  }, 40_000);

  it('takes no record the agent itself prints', async () => {
    const { screen, channel } = link(`printf '\\033]7502;{"type":"exit","code":0}\\007\\033]7502;{"type":"report","report":{"type":"link","up":true}}\\007'; echo after the forgery; exit 4`);
    await screen.waitFor('after the forgery', { timeoutMs: 20_000 });
    expect((await screen.waitForExit()).exitCode).toBe(4);
    expect(channel.reports).toEqual([]);
  }, 30_000);

  it('says in one line when the remote agentmux cannot start the agent', async () => {
    const channel = new TestChannel();
    const screen = new ScreenHarness({
      args: ['remote-link', '--host', JSON.stringify(host()), '--control', controlDir, '--id', `bad-${process.pid}`, '--cwd', '/no/such/dir', '--', 'true'],
      env: channel.env,
    });
    open.push({ screen, channel });
    await screen.waitFor('/no/such/dir is not a directory on this host', { timeoutMs: 20_000 });
    expect((await screen.waitForExit()).exitCode).toBe(1);
  }, 30_000);
});

describe.skipIf(missing)(`a built-in worker over a loopback sshd${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const API_KEY = 'sk-ant-remote-link-test-0123456789abcdef';

  it('hands the worker its credentials there, relays its reports, and takes agentmux\'s commands to it', async () => {
    const scripted = await startScriptedServer({
      apiKey: API_KEY,
      respond: scriptedQueue([
        { toolUses: [{ name: 'bash', input: { command: 'echo relayed > far.txt' }, id: 'toolu_1' }], usage: { input: 100, output: 20 } },
        { text: ['Wrote far.txt.'], usage: { input: 150, output: 10 } },
      ]),
    });
    try {
      const channel = new TestChannel({ apiKey: API_KEY, baseURL: scripted.url });
      const id = `worker-${process.pid}`;
      const screen = new ScreenHarness({
        args: [
          'remote-link', '--host', JSON.stringify(host()), '--control', controlDir, '--id', id, '--cwd', sshd.remoteHome, '--worker', '--',
          process.execPath, CLI_ENTRY, 'worker', '--name', 'far', '--task', 'Write far.txt', '--permission-mode', 'auto', '--budget-tokens', '50',
        ],
        env: channel.env,
      });
      open.push({ screen, channel });
      // Its first reply spent its budget: it waits before the tool runs, until agentmux raises the budget.
      const waiting = await waitUntil('the paused worker\'s state', () => channel.reports.find((report) => report.type === 'state' && report.state === 'waiting'),
        () => `${JSON.stringify(channel.reports)}\n${screen.formatScreen()}`, 30_000);
      expect(waiting).toMatchObject({ pausedForBudget: true });
      expect(scripted.requests).toHaveLength(1);
      expect(existsSync(join(sshd.remoteHome, 'far.txt'))).toBe(false);
      channel.tell({ type: 'budget', budget: { tokens: 1_000_000 } });
      expect((await screen.waitForExit({ timeoutMs: 30_000 })).exitCode).toBe(0);
      await channel.ended();
      expect(channel.reports).toContainEqual({ type: 'result', outcome: 'finished', text: 'Wrote far.txt.' });
      expect(channel.reports).toContainEqual(expect.objectContaining({ type: 'usage', meter: expect.objectContaining({ total: expect.objectContaining({ input: 250, output: 30 }) }) }));
      expect(readFileSync(join(sshd.remoteHome, 'far.txt'), 'utf8')).toBe('relayed\n');
      expect(screen.text()).toContain('Wrote far.txt.');
      // The key went over ssh's stdin into the daemon's memory: in no file there.
      expect(existsSync(runDir(id))).toBe(false);
      expect(filesContaining(sshd.remoteHome, API_KEY)).toEqual([]);
    } finally {
      await scripted.close();
    }
  }, 60_000);
});

function filesContaining(dir: string, text: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => readFileSync(path).includes(text));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}
