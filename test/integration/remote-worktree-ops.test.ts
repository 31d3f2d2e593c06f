// Worktree agents on an SSH host through the server's worktree operations (issue 12), against a real
// OpenSSH server on loopback: the agent runs under plain `ssh -tt` in a worktree of the host's checkout
// (a clone of the local repository), and /compare, /merge and /discard work on it as on a local one,
// side by side with a local attempt. Needs the emulator worker from dist/: run `npm run build` first.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isEnded, type AgentInfo } from '../../src/core/agent.js';
import type { HostConfig } from '../../src/core/hosts.js';
import type { ChatEntry } from '../../src/core/protocol.js';
import type { ComparisonView, WorktreeInfo } from '../../src/core/worktree.js';
import { GitWorktrees } from '../../src/git/index.js';
import { runCommand } from '../../src/pty/command-runner.js';
import { EmulatorPool } from '../../src/pty/emulator-pool.js';
import { createPtyRuntime } from '../../src/pty/pty-runtime.js';
import { AgentTable, type AgentEntry } from '../../src/server/agent-table.js';
import { ChatLog } from '../../src/server/chat-log.js';
import { HostLinks } from '../../src/server/host-links.js';
import { RemoteWorktreeOps } from '../../src/server/remote-worktree-ops.js';
import { WorktreeOps } from '../../src/server/worktree-ops.js';
import { THEME_SCRIPTS, createTempRepo, type TempRepo } from '../support/git-repo.js';
import { sshdMissing, startLoopbackSshd, type LoopbackSshd } from '../support/loopback-sshd.js';

const WAIT_MS = 15_000;

let sshd: LoopbackSshd;
let controlDir: string;
let repo: TempRepo;
let checkout: string;
let pool: EmulatorPool;
let links: HostLinks;
let count = 0;

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

async function waitFor<T>(what: string, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The server's worktree operations over real git, ssh and ptys, with what they publish kept. */
function rig(hosts: Record<string, HostConfig>) {
  const published: AgentInfo[] = [];
  const comparisons: ComparisonView[] = [];
  const chatEntries: ChatEntry[] = [];
  const runtime = createPtyRuntime(pool, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', ...repo.isolation }, scrollback: 200, killGraceMs: 500 });
  const agents = new AgentTable(runtime, {
    publish: (info) => published.push({ ...info }), flash: () => undefined, ended: () => undefined, allEnded: () => undefined,
    stopped: () => undefined, output: () => undefined, refused: () => undefined, turnEnded: () => undefined, hooked: () => undefined,
    workerPaused: () => undefined,
  }, () => Date.now());
  const chat = new ChatLog(() => Date.now(), (entry) => chatEntries.push({ ...entry }));
  const local = new GitWorktrees(repo.repo, { env: repo.env });
  const publish = (entry: AgentEntry) => published.push(JSON.parse(JSON.stringify(entry.info)) as AgentInfo);
  const ops = new WorktreeOps({
    git: local, agents, chat, publish,
    showComparison: (comparison) => comparisons.push(JSON.parse(JSON.stringify(comparison)) as ComparisonView),
    confirm: () => Promise.resolve(true),
    runCheck: () => ({ error: 'no checks here' }),
    remote: new RemoteWorktreeOps({ hosts, controlDir, env: repo.env, localRepo: repo.repo, local, agents, chat, publish }),
  });
  const ended = (name: string) => waitFor(`${name} to end`, () => {
    const info = agents.get(name)?.info;
    return info && isEnded(info.state) ? info : undefined;
  });
  const chatLines = () => chatEntries.map((entry) => entry.text);
  return { agents, ops, published, comparisons, chatLines, ended, dispose: () => { ops.dispose(); agents.dispose(); } };
}

type Rig = ReturnType<typeof rig>;

/** Starts `script` as agent `name` on host build in a new worktree there, as the server's /run --worktree --host does. */
async function runOnHost(r: Rig, name: string, script: string, base?: string): Promise<string | undefined> {
  // The host is checked before the worktree is made; the agent works in the worktree's directory there.
  const placed = await links.place('build', repo.repo);
  if (typeof placed === 'string') return placed;
  return r.ops.startFor(placed, { kind: 'command', task: script }, name, base, (agentName: string, worktree: WorktreeInfo, host) => r.agents.start({
    kind: 'command', task: script, cwd: worktree.path, name: agentName, program: { shell: script }, ...(host ? { host } : {}), worktree,
  }));
}

async function hostState(): Promise<{ worktrees: string[]; branches: string[] }> {
  const listing = await repo.gitIn(checkout, 'worktree', 'list', '--porcelain');
  const branches = await repo.gitIn(checkout, 'branch', '--list', '--format=%(refname:short)');
  return { worktrees: listing.split('\n').filter((line) => line.startsWith('worktree ')).map((line) => line.slice(9)), branches: branches.split('\n').filter(Boolean) };
}

describe.skipIf(sshdMissing())('worktree agents on an SSH host, through the worktree operations', () => {
  let hosts: Record<string, HostConfig>;
  let current: Rig | undefined;

  beforeAll(async () => {
    sshd = await startLoopbackSshd();
    controlDir = await mkdtemp(join(tmpdir(), 'amx-c-'));
  });

  afterAll(async () => {
    await sshd?.stop();
    if (controlDir) await rm(controlDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    count += 1;
    repo = await createTempRepo();
    checkout = join(sshd.remoteHome, `app-${count}`);
    await repo.gitIn(sshd.remoteHome, 'clone', '--quiet', repo.repo, checkout);
    await repo.gitIn(checkout, 'config', 'user.name', 'Remote User');
    await repo.gitIn(checkout, 'config', 'user.email', 'remote@example.invalid');
    hosts = { build: { ssh: sshd.alias, sshArgs: ['-F', sshd.sshConfig], agentmux: false, cwd: `~/app-${count}` } };
    pool = new EmulatorPool();
    links = new HostLinks({ hosts, controlDir, run: runCommand, linkProgram: (args) => ({ file: process.execPath, args }) });
  });

  afterEach(async () => {
    current?.dispose();
    current = undefined;
    await pool.dispose();
    await repo.remove();
    await rm(checkout, { recursive: true, force: true });
    await rm(`${checkout}.agentmux-worktrees`, { recursive: true, force: true });
  });

  it('compares a host\'s attempt with a local one, merges the host\'s, and discards both', async () => {
    const r = rig(hosts);
    current = r;
    // The host's attempt also leaves a file uncommitted: it is committed there before the merge, never lost.
    expect(await runOnHost(r, 'ui-dark', `${THEME_SCRIPTS['ui-dark']} && echo note > notes.txt`)).toBeUndefined();
    expect(await r.ops.startIn({ kind: 'command', task: THEME_SCRIPTS['ui-light'] }, 'ui-light', undefined, (name, worktree) => r.agents.start({
      kind: 'command', task: THEME_SCRIPTS['ui-light'], cwd: worktree.path, name, program: { shell: THEME_SCRIPTS['ui-light'] }, worktree,
    }))).toBeUndefined();
    const path = `${checkout}.agentmux-worktrees/ui-dark`;
    expect(r.agents.get('ui-dark')?.info).toMatchObject({ host: 'build', cwd: path, worktree: { branch: 'agentmux/ui-dark', path } });
    expect(await r.ended('ui-dark')).toMatchObject({ state: 'finished' });
    expect(await r.ended('ui-light')).toMatchObject({ state: 'finished' });
    expect(await hostState()).toEqual({ worktrees: [checkout, path], branches: ['agentmux/ui-dark', 'main'] });

    // The list figures are read over ssh.
    const entry = r.agents.get('ui-dark') as AgentEntry;
    r.ops.scheduleRefresh(entry);
    await waitFor('ui-dark\'s figures', () => r.published.find((info) => info.name === 'ui-dark' && info.worktree?.ahead === 1 && info.worktree.uncommitted === true));

    expect(await r.ops.compare(['ui-dark', 'ui-light'])).toBeUndefined();
    const comparison = r.comparisons.at(-1) as ComparisonView;
    expect(comparison.attempts.map((attempt) => [attempt.name, attempt.ahead, attempt.files.map((file) => file.path).sort()])).toEqual([
      ['ui-dark', 2, ['dark.txt', 'notes.txt', 'theme.css']],
      ['ui-light', 1, ['light.txt', 'theme.css']],
    ]);
    expect(comparison.overlaps).toEqual([{ path: 'theme.css', names: ['ui-dark', 'ui-light'] }]);
    expect(r.chatLines()).toContain('committed ui-dark\'s uncommitted work to agentmux/ui-dark on build');

    expect(await r.ops.merge('ui-dark', undefined, false)).toBeUndefined();
    expect(r.chatLines().some((line) => line.startsWith('Merged ui-dark into main'))).toBe(true);
    expect(await repo.read('theme.css')).toContain('#000000');
    expect(await repo.read('notes.txt')).toBe('note\n');

    expect(await r.ops.discard(['ui-dark'], false)).toBeUndefined();
    expect(await r.ops.discard(['ui-light'], true)).toBeUndefined();
    expect(r.chatLines().filter((line) => line.startsWith('Discarded'))).toHaveLength(2);
    expect(await hostState()).toEqual({ worktrees: [checkout], branches: ['main'] });
    expect(await exists(`${checkout}.agentmux-worktrees`)).toBe(false);
    expect(await repo.branches()).toEqual(['main']);
  });

  it('keeps a host\'s attempt whose work is not merged unless forced, and removes it there when forced', async () => {
    const r = rig(hosts);
    current = r;
    expect(await runOnHost(r, 'ui-light', THEME_SCRIPTS['ui-light'])).toBeUndefined();
    await r.ended('ui-light');
    await r.ops.discard(['ui-light'], false);
    expect(r.chatLines().at(-1)).toBe('ui-light: agentmux/ui-light has 1 commit not merged into any other branch: merge ui-light first, or discard with --force');
    expect((await hostState()).branches).toEqual(['agentmux/ui-light', 'main']);

    await r.ops.discard(['ui-light'], true);
    expect(r.chatLines().at(-1)).toBe('Discarded ui-light: worktree removed, branch deleted.');
    expect(await hostState()).toEqual({ worktrees: [checkout], branches: ['main'] });
    expect(await repo.branches()).toEqual(['main']);
  });

  it('refuses a base the host does not have in one line: no agent, nothing made there', async () => {
    const r = rig(hosts);
    current = r;
    expect(await runOnHost(r, 'fix', 'true', 'no-such-branch'))
      .toBe(`base ref "no-such-branch" does not name a commit in ~/app-${count} on build: push or fetch it there, or name another`);
    expect(r.agents.all()).toEqual([]);
    expect(await hostState()).toEqual({ worktrees: [checkout], branches: ['main'] });
  });
});
