// Worktree agents through the server (issue 4): AgentServer with real ptys and real git on temporary
// repositories, driven by the protocol as the screen drives it. Needs the emulator worker from dist/:
// run `npm run build` first.
import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isEnded, type AgentInfo } from '../../src/core/agent.js';
import type { ChatEntry, ClientCommand, ServerEvent } from '../../src/core/protocol.js';
import type { ComparisonView } from '../../src/core/worktree.js';
import { GitWorktrees } from '../../src/git/index.js';
import { EmulatorPool } from '../../src/pty/emulator-pool.js';
import { createPtyRuntime } from '../../src/pty/pty-runtime.js';
import { AgentServer, type ClientConnection } from '../../src/server/agent-server.js';
import { BASE_INDEX, BASE_THEME, THEME_NAMES, THEME_SCRIPTS, createTempRepo, gated, type TempRepo } from '../support/git-repo.js';

type EventOf<T extends ServerEvent['type']> = Extract<ServerEvent, { type: T }>;

const KILL_GRACE_MS = 500;
const WAIT_MS = 10_000;

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** A client that keeps every event, copied as they would cross a socket (the server reuses its objects). */
class TestClient {
  readonly events: ServerEvent[] = [];
  readonly connection: ClientConnection;

  constructor(server: AgentServer) {
    this.connection = server.connect((event) => this.events.push(JSON.parse(JSON.stringify(event)) as ServerEvent));
  }

  send(command: ClientCommand): void {
    this.connection.handle(command);
  }

  of<T extends ServerEvent['type']>(type: T): Array<EventOf<T>> {
    return this.events.filter((event): event is EventOf<T> => event.type === type);
  }

  agent(name: string): AgentInfo | undefined {
    return this.of('agent').filter((event) => event.agent.name === name).pop()?.agent;
  }

  agentNames(): string[] {
    return [...new Set(this.of('agent').map((event) => event.agent.name))];
  }

  errors(): string[] {
    return this.of('error').map((event) => event.message);
  }

  /** Chat entries as they stand now (an entry may be sent again with changes). */
  chat(): ChatEntry[] {
    const byId = new Map<number, ChatEntry>();
    for (const event of this.of('chat')) byId.set(event.entry.id, event.entry);
    return [...byId.values()];
  }

  chatLines(role?: ChatEntry['role']): string[] {
    return this.chat().filter((entry) => role === undefined || entry.role === role).map((entry) => entry.text);
  }

  comparison(): ComparisonView | undefined {
    return this.of('comparison').pop()?.comparison;
  }

  /** Polls `probe` until it returns something other than undefined; on timeout, says what it last saw. */
  async waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = WAIT_MS): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) {
        const seen = this.events.slice(-15).map((event) => (event.type === 'screen' ? { type: 'screen' } : event));
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last events: ${JSON.stringify(seen, null, 1)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Waits until agent `name` has ended; returns its info. */
  ended(name: string): Promise<AgentInfo> {
    return this.waitFor(`${name} to end`, () => {
      const info = this.agent(name);
      return info && isEnded(info.state) ? info : undefined;
    });
  }

  /** Waits until agent `name`'s worktree figures match `expected` (by toMatchObject rules). */
  worktreeFigures(name: string, expected: Record<string, unknown>): Promise<AgentInfo> {
    return this.waitFor(`${name}'s worktree figures ${JSON.stringify(expected)}`, () => {
      const info = this.agent(name);
      if (!info?.worktree) return undefined;
      return Object.entries(expected).every(([key, value]) => (info.worktree as unknown as Record<string, unknown>)[key] === value) ? info : undefined;
    });
  }

  /** Waits for an error event matching `pattern` among those after the first `since`. */
  errorAfter(since: number, pattern: RegExp): Promise<string> {
    return this.waitFor(`an error matching ${pattern}`, () => this.errors().slice(since).find((message) => pattern.test(message)));
  }

  /** Waits for a chat line matching `pattern`. */
  chatLine(pattern: RegExp, role?: ChatEntry['role']): Promise<string> {
    return this.waitFor(`a chat line matching ${pattern}`, () => this.chatLines(role).find((text) => pattern.test(text)));
  }

  /** Waits for the next comparison event after the first `since`. */
  comparisonAfter(since: number, done: (comparison: ComparisonView) => boolean = () => true): Promise<ComparisonView> {
    return this.waitFor('a comparison', () => this.of('comparison').slice(since).map((event) => event.comparison).filter(done).pop());
  }
}

interface Session {
  repo: TempRepo;
  server: AgentServer;
  client: TestClient;
  pool: EmulatorPool;
}

const sessions: Session[] = [];

async function session(options: { init?: boolean; compareCheck?: string } = {}): Promise<Session> {
  const repo = await createTempRepo({ ...(options.init === false ? { init: false } : {}) });
  const pool = new EmulatorPool();
  const runtime = createPtyRuntime(pool, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', ...repo.isolation },
    scrollback: 200,
    killGraceMs: KILL_GRACE_MS,
  });
  const server = new AgentServer({
    runtime,
    model: { configured: false },
    cwd: repo.repo,
    worktrees: new GitWorktrees(repo.repo, { env: repo.env }),
    ...(options.compareCheck ? { compareCheck: options.compareCheck } : {}),
  });
  const made = { repo, server, client: new TestClient(server), pool };
  sessions.push(made);
  return made;
}

afterEach(async () => {
  for (const { server, pool, repo } of sessions.splice(0)) {
    server.dispose();
    await pool.dispose();
    await repo.remove();
  }
});

function runInWorktree(s: Session, name: string, command: string, base?: string): void {
  s.client.send({ type: 'run', command, name, cwd: s.repo.repo, worktree: base === undefined ? {} : { base } });
}

/** Starts the three theme agents (optionally held at `gate`) and waits until all run in their worktrees. */
async function startThemeAgents(s: Session, gate?: string): Promise<void> {
  for (const name of THEME_NAMES) runInWorktree(s, name, gate ? gated(gate, THEME_SCRIPTS[name]) : THEME_SCRIPTS[name]);
  for (const name of THEME_NAMES) await s.client.waitFor(`${name} to start`, () => s.client.agent(name));
}

async function finishedThemeAgents(s: Session): Promise<void> {
  await startThemeAgents(s);
  for (const name of THEME_NAMES) expect(await s.client.ended(name)).toMatchObject({ state: 'finished', lastLine: `${name}-done` });
}

const DARK_FIGURES = { ahead: 1, filesChanged: 2, insertions: 3, deletions: 2, uncommitted: false, missing: false };
const ADAPTIVE_FIGURES = { ahead: 1, filesChanged: 2, insertions: 2, deletions: 0, uncommitted: false, missing: false };

describe('the seed scenario through the server', () => {
  it('runs three attempts in parallel worktrees, compares them, merges ui-adaptive exactly, discards the rest', async () => {
    const s = await session();
    const { repo, client } = s;
    const base = await repo.git('rev-parse', 'HEAD');
    const before = await repo.snapshot();
    const gate = join(repo.root, 'gate');

    // All three run at once, each in its own worktree on its own branch, while the main checkout stays as it was.
    await startThemeAgents(s, gate);
    for (const name of THEME_NAMES) {
      const info = client.agent(name);
      expect(info).toMatchObject({ state: 'running', kind: 'command', cwd: repo.worktreePath(name) });
      expect(info?.worktree).toMatchObject({ branch: `agentmux/${name}`, path: repo.worktreePath(name), baseCommit: base });
    }
    const during = await repo.snapshot();
    expect({ ...during, worktrees: before.worktrees, branches: before.branches }).toEqual(before);
    expect((await repo.worktreeList()).sort()).toEqual([repo.repo, ...THEME_NAMES.map((name) => repo.worktreePath(name))].sort());
    await writeFile(gate, '');
    for (const name of THEME_NAMES) expect(await client.ended(name)).toMatchObject({ state: 'finished', exitCode: 0, lastLine: `${name}-done` });
    expect(client.errors()).toEqual([]);
    const after = await repo.snapshot();
    expect({ ...after, worktrees: before.worktrees, branches: before.branches }).toEqual(before);
    expect(after.branches).toEqual(['agentmux/ui-adaptive', 'agentmux/ui-dark', 'agentmux/ui-light', 'main']);
    expect(await repo.read('theme.css')).toBe(BASE_THEME);

    // The list figures arrive (refreshed after the agents' commits).
    await client.worktreeFigures('ui-dark', DARK_FIGURES);
    await client.worktreeFigures('ui-light', DARK_FIGURES);
    await client.worktreeFigures('ui-adaptive', ADAPTIVE_FIGURES);

    // Compare: three clean candidates, theme.css touched by two of them.
    client.send({ type: 'compare', names: [...THEME_NAMES] });
    const comparison = await client.comparisonAfter(0);
    expect(comparison).toMatchObject({ target: 'main', targetCommit: base, checks: {} });
    expect(comparison.attempts.map((a) => [a.name, a.branch, a.merge, a.ahead, a.uncommitted, a.files.map((f) => f.path).sort()])).toEqual([
      ['ui-dark', 'agentmux/ui-dark', { clean: true }, 1, false, ['dark.txt', 'theme.css']],
      ['ui-light', 'agentmux/ui-light', { clean: true }, 1, false, ['light.txt', 'theme.css']],
      ['ui-adaptive', 'agentmux/ui-adaptive', { clean: true }, 1, false, ['adaptive.css', 'index.html']],
    ]);
    expect(comparison.attempts.map((a) => a.commits.map((c) => c.subject))).toEqual([['Dark theme'], ['Light theme'], ['Adaptive theme']]);
    expect(comparison.overlaps).toEqual([{ path: 'theme.css', names: ['ui-dark', 'ui-light'] }]);

    client.send({ type: 'fileDiff', name: 'ui-light', file: 'theme.css' });
    const diff = await client.waitFor('the diff', () => client.of('fileDiff').pop());
    expect(diff).toMatchObject({ name: 'ui-light', file: 'theme.css' });
    expect(diff.diff).toContain('-  --background: #888888;');
    expect(diff.diff).toContain('+  --background: #ffffff;');
    expect(diff.diff).not.toContain('light.txt');
    expect(await repo.snapshot()).toEqual(after);

    // Merge ui-adaptive: exactly its change lands on main; the other attempts are offered for discarding.
    const adaptiveTip = await repo.git('rev-parse', 'agentmux/ui-adaptive');
    client.send({ type: 'merge', name: 'ui-adaptive' });
    const merged = await client.chatLine(/^Merged ui-adaptive into main: 2 files, commit [0-9a-f]{10}\.$/, 'system');
    await client.chatLine(/^\/discard ui-adaptive removes its worktree and branch, now merged; \/discard --force ui-dark ui-light removes the other attempts, unmerged work and all\.$/, 'notice');
    const head = await repo.git('rev-parse', 'HEAD');
    expect(merged).toContain(head.slice(0, 10));
    expect(await repo.git('diff', base, head)).toBe(await repo.git('diff', base, adaptiveTip));
    expect(await repo.git('diff', '--name-only', base, head)).toBe('adaptive.css\nindex.html');
    expect(await repo.git('status', '--porcelain')).toBe('');
    expect(await repo.git('log', '-1', '--format=%s', head)).toMatch(/^Merge agent ui-adaptive: /);
    expect(await repo.read('theme.css')).toBe(BASE_THEME);
    expect(await repo.read('index.html')).toBe(`${BASE_INDEX}<link rel="stylesheet" href="adaptive.css">\n`);
    expect(client.errors()).toEqual([]);

    // Discard without --force: refused, one line each saying why; nothing removed.
    client.send({ type: 'discard', names: ['ui-dark', 'ui-light'] });
    const refusals = await client.waitFor('two refusals', () => {
      const lines = client.chatLines('error');
      return lines.length >= 2 ? lines : undefined;
    });
    expect(refusals).toEqual([
      'ui-dark: agentmux/ui-dark has 1 commit not merged into any other branch: merge ui-dark first, or discard with --force',
      'ui-light: agentmux/ui-light has 1 commit not merged into any other branch: merge ui-light first, or discard with --force',
    ]);
    for (const name of ['ui-dark', 'ui-light']) expect(await exists(repo.worktreePath(name))).toBe(true);
    expect(await repo.branches()).toEqual(after.branches);

    // With --force: worktrees and branches go; the merged ui-adaptive needs no force.
    client.send({ type: 'discard', names: ['ui-dark', 'ui-light'], force: true });
    await client.chatLine(/^Discarded ui-dark: worktree removed, branch deleted\.$/, 'system');
    await client.chatLine(/^Discarded ui-light: worktree removed, branch deleted\.$/, 'system');
    client.send({ type: 'discard', names: ['ui-adaptive'] });
    await client.chatLine(/^Discarded ui-adaptive: worktree removed, branch deleted\.$/, 'system');
    for (const name of THEME_NAMES) expect(client.agent(name)?.worktree).toBeUndefined();

    expect(await repo.worktreeList()).toEqual([repo.repo]);
    expect(await repo.branches()).toEqual(['main']);
    expect(await exists(repo.worktreeRoot)).toBe(false);
    expect(await repo.git('rev-parse', 'HEAD')).toBe(head);
    expect(await repo.git('status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(client.chatLines('error')).toHaveLength(2);
    expect(client.errors()).toEqual([]);
  });
});

describe('uncommitted work and conflicts', () => {
  it('commits a finished agent\'s uncommitted work to its branch, naming the agent, before comparing', async () => {
    const s = await session();
    const { repo, client } = s;
    const before = await repo.snapshot();
    runInWorktree(s, 'notes', "echo one > notes.txt && echo changed > README.md && echo written");
    expect(await client.ended('notes')).toMatchObject({ state: 'finished', lastLine: 'written' });
    await client.worktreeFigures('notes', { ahead: 0, filesChanged: 2, uncommitted: true });

    client.send({ type: 'compare', names: ['notes'] });
    const comparison = await client.comparisonAfter(0);
    await client.chatLine(/^committed notes's uncommitted work to agentmux\/notes$/, 'notice');
    expect(comparison.attempts[0]).toMatchObject({ name: 'notes', ahead: 1, uncommitted: false, merge: { clean: true } });
    expect(comparison.attempts[0].files.map((f) => f.path).sort()).toEqual(['README.md', 'notes.txt']);
    const message = await repo.git('log', '-1', '--format=%B', 'agentmux/notes');
    expect(message.split('\n')[0]).toMatch(/^agent notes: .*notes/);
    expect(message).toContain('Agent: notes');
    expect(await repo.gitIn(repo.worktreePath('notes'), 'status', '--porcelain')).toBe('');
    expect(await repo.snapshot()).toEqual({ ...before, worktrees: [repo.repo, repo.worktreePath('notes')], branches: ['agentmux/notes', 'main'] });
    expect(client.errors()).toEqual([]);
  });

  it('refuses a conflicting merge, naming theme.css, and leaves the repository exactly as it was', async () => {
    const s = await session();
    const { repo, client } = s;
    runInWorktree(s, 'ui-dark', THEME_SCRIPTS['ui-dark']);
    runInWorktree(s, 'ui-adaptive', THEME_SCRIPTS['ui-adaptive']);
    await client.ended('ui-dark');
    await client.ended('ui-adaptive');
    // main moves on after the base, changing the same lines of theme.css.
    await repo.write('theme.css', ':root {\n  --background: #123456;\n  --foreground: #654321;\n}\n');
    await repo.commitAll('Brand colours');
    const before = await repo.snapshot();
    const files = { theme: await repo.read('theme.css'), index: await repo.read('index.html') };

    client.send({ type: 'compare', names: ['ui-dark', 'ui-adaptive'] });
    const comparison = await client.comparisonAfter(0);
    expect(comparison.attempts.map((a) => [a.name, a.merge])).toEqual([
      ['ui-dark', { clean: false, conflicts: ['theme.css'] }],
      ['ui-adaptive', { clean: true }],
    ]);

    client.send({ type: 'merge', name: 'ui-dark' });
    const refusal = await client.errorAfter(0, /theme\.css/);
    expect(refusal).toMatch(/conflict in "theme\.css": nothing was changed/);
    expect(await repo.snapshot()).toEqual(before);
    expect(await repo.read('theme.css')).toBe(files.theme);
    expect(await repo.read('index.html')).toBe(files.index);
    expect(await repo.git('rev-parse', '--verify', '--quiet', 'MERGE_HEAD').catch(() => 'none')).toBe('none');

    // Uncommitted changes in the main checkout to a file the merge touches: refused, named, nothing changed.
    await repo.write('index.html', '<!-- my own edit -->\n');
    const dirty = await repo.snapshot();
    client.send({ type: 'merge', name: 'ui-adaptive' });
    expect(await client.errorAfter(1, /index\.html/)).toMatch(/uncommitted changes to "index\.html"/);
    expect(await repo.snapshot()).toEqual(dirty);
    expect(await repo.read('index.html')).toBe('<!-- my own edit -->\n');
    expect(client.chatLines('system').filter((line) => line.startsWith('Merged'))).toEqual([]);
  });
});

describe('bad input', () => {
  it('outside a git repository: --worktree is refused and nothing starts, while a plain /run works', async () => {
    const s = await session({ init: false });
    const { repo, client } = s;
    runInWorktree(s, 'ui-dark', THEME_SCRIPTS['ui-dark']);
    expect(await client.errorAfter(0, /not a git repository/)).not.toMatch(/\n/);
    expect(client.agentNames()).toEqual([]);
    expect(await readdir(repo.repo)).toEqual([]);
    expect(await exists(repo.worktreeRoot)).toBe(false);

    client.send({ type: 'run', command: 'echo plain-ok', name: 'plain', cwd: repo.repo });
    expect(await client.ended('plain')).toMatchObject({ state: 'finished', lastLine: 'plain-ok', cwd: repo.repo });
    expect(client.agent('plain')?.worktree).toBeUndefined();
    expect(client.errors()).toHaveLength(1);
    // The same name is free again: the refused worktree agent did not keep it.
    runInWorktree(s, 'again', 'true');
    await client.errorAfter(1, /not a git repository/);
    client.send({ type: 'run', command: 'echo again', name: 'again', cwd: repo.repo });
    expect(await client.ended('again')).toMatchObject({ state: 'finished' });

    client.send({ type: 'compare', names: ['plain'] });
    expect(await client.errorAfter(2, /plain has no worktree/)).toMatch(/only agents started with --worktree/);
  });

  it('a base ref that does not exist, or looks like an option: refused, nothing made; a valid --base is used', async () => {
    const s = await session();
    const { repo, client } = s;
    const first = await repo.git('rev-parse', 'HEAD');
    await repo.write('README.md', 'second\n');
    await repo.commitAll('second');
    const before = await repo.snapshot();

    runInWorktree(s, 'based', 'true', 'no-such-branch');
    expect(await client.errorAfter(0, /no-such-branch/)).toMatch(/"no-such-branch" does not name a commit/);
    runInWorktree(s, 'based', 'true', '--orphan');
    expect(await client.errorAfter(1, /--orphan/)).toMatch(/starts with "-"/);
    expect(client.agentNames()).toEqual([]);
    expect(await repo.snapshot()).toEqual(before);
    expect(await exists(repo.worktreePath('based'))).toBe(false);

    runInWorktree(s, 'based', 'cat README.md', 'HEAD~1');
    expect(await client.ended('based')).toMatchObject({ state: 'finished', lastLine: 'demo' });
    expect(client.agent('based')?.worktree).toMatchObject({ branch: 'agentmux/based', baseCommit: first });
    expect(await repo.git('rev-parse', 'agentmux/based')).toBe(first);
  });

  it('a branch agentmux/NAME that already exists: refused, the branch untouched, nothing started', async () => {
    const s = await session();
    const { repo, client } = s;
    await repo.git('branch', 'agentmux/taken');
    const before = await repo.snapshot();
    runInWorktree(s, 'taken', 'echo should-not-run > ran.txt');
    expect(await client.errorAfter(0, /agentmux\/taken/)).toMatch(/agentmux\/taken already exists/);
    expect(client.agentNames()).toEqual([]);
    expect(await repo.snapshot()).toEqual(before);
    expect(await exists(repo.worktreePath('taken'))).toBe(false);
    // The name itself is not taken by an agent: a plain agent may use it.
    client.send({ type: 'run', command: 'echo plain', name: 'taken', cwd: repo.repo });
    expect(await client.ended('taken')).toMatchObject({ state: 'finished' });
    expect(await exists(join(repo.repo, 'ran.txt'))).toBe(false);
  });

  it('discarding a running agent needs --force, then asks: n keeps it running, y stops it and removes its worktree and branch', async () => {
    const s = await session();
    const { repo, client } = s;
    const gate = join(repo.root, 'never');
    runInWorktree(s, 'busy', gated(gate, 'true'));
    await client.waitFor('busy running', () => (client.agent('busy')?.state === 'running' ? true : undefined));
    const question = /^busy is still running\. Stop it and discard its worktree and branch\?  Answer y \(yes\) or n \(no\)$/;

    client.send({ type: 'discard', names: ['busy'] });
    await client.chatLine(/^busy is still running: \/discard --force busy stops it \(after asking\)/, 'error');
    expect(client.agent('busy')?.state).toBe('running');

    client.send({ type: 'discard', names: ['busy'], force: true });
    await client.chatLine(question, 'notice');
    client.send({ type: 'chat', text: 'n' });
    await client.chatLine(/^busy kept$/, 'notice');
    expect(client.agent('busy')?.state).toBe('running');
    expect(await exists(repo.worktreePath('busy'))).toBe(true);
    expect(await repo.branches()).toEqual(['agentmux/busy', 'main']);

    client.send({ type: 'discard', names: ['busy'], force: true });
    await client.waitFor('the question again', () => (client.chatLines('notice').filter((line) => question.test(line)).length === 2 ? true : undefined));
    client.send({ type: 'chat', text: 'y' });
    await client.chatLine(/^Discarded busy: worktree removed, branch deleted\.$/, 'system');
    expect(client.agent('busy')).toMatchObject({ state: 'killed' });
    expect(client.agent('busy')?.worktree).toBeUndefined();
    expect(await exists(repo.worktreePath('busy'))).toBe(false);
    expect(await repo.worktreeList()).toEqual([repo.repo]);
    expect(await repo.branches()).toEqual(['main']);
    expect(client.errors()).toEqual([]);
  });

  it('a worktree deleted by hand shows as missing; discard refuses its unmerged commit, --force cleans it up', async () => {
    const s = await session();
    const { repo, client } = s;
    const gate = join(repo.root, 'gate');
    runInWorktree(s, 'gone', `echo x > x.txt && git add x.txt && git commit --quiet -m x && echo committed && ${gated(gate, 'echo after-gate')}`);
    await client.worktreeFigures('gone', { ahead: 1, filesChanged: 1 });
    await rm(repo.worktreePath('gone'), { recursive: true });
    await writeFile(gate, '');
    await client.ended('gone');
    await client.worktreeFigures('gone', { missing: true });

    client.send({ type: 'discard', names: ['gone'] });
    expect(await client.chatLine(/^gone: /, 'error')).toBe(
      'gone: agentmux/gone has 1 commit not merged into any other branch: merge gone first, or discard with --force',
    );
    expect(await repo.branches()).toEqual(['agentmux/gone', 'main']);

    client.send({ type: 'discard', names: ['gone'], force: true });
    await client.chatLine(/^Discarded gone: worktree removed, branch deleted\.$/, 'system');
    expect(await repo.worktreeList()).toEqual([repo.repo]);
    expect(await repo.git('worktree', 'list', '--porcelain')).not.toContain('prunable');
    expect(await repo.branches()).toEqual(['main']);
  });
});

describe('compare.check', () => {
  it('runs the configured check in each attempt\'s worktree: passed for ui-dark, failed for the others', async () => {
    const s = await session({ compareCheck: 'test -f dark.txt' });
    const { client } = s;
    await finishedThemeAgents(s);
    client.send({ type: 'compare', names: [...THEME_NAMES] });
    const first = await client.comparisonAfter(0);
    expect(Object.keys(first.checks).sort()).toEqual([...THEME_NAMES].sort());
    const done = await client.comparisonAfter(0, (c) => Object.values(c.checks).every((check) => check.state !== 'running'));
    expect(done.checks).toEqual({
      'ui-dark': { agent: 'ui-dark-check', state: 'passed', exitCode: 0 },
      'ui-light': { agent: 'ui-light-check', state: 'failed', exitCode: 1 },
      'ui-adaptive': { agent: 'ui-adaptive-check', state: 'failed', exitCode: 1 },
    });
    expect(client.agent('ui-dark-check')).toMatchObject({ cwd: s.repo.worktreePath('ui-dark'), state: 'finished' });
    expect(done.attempts.every((attempt) => attempt.merge.clean)).toBe(true);
    expect(client.errors()).toEqual([]);
  });
});
