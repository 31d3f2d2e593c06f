// Worktrees carry the project's agent settings, through the AgentServer with real ptys and real git: `/new
// claude --worktree` (a stand-in script for claude) finds the main checkout's ignored, untracked and changed
// Claude Code files in its worktree, the chat says which in one line, and /compare and /merge commit only
// what the agent changed, also after a server restart. Needs `npm run build` (the emulator worker).
import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isEnded } from '../../src/core/agent.js';
import { BUILTIN_CLIS, cliKinds } from '../../src/core/cli-kinds.js';
import { GitWorktrees } from '../../src/git/index.js';
import { EmulatorPool } from '../../src/pty/emulator-pool.js';
import { createPtyRuntime } from '../../src/pty/pty-runtime.js';
import { AgentServer } from '../../src/server/agent-server.js';
import { createTempRepo, type TempRepo } from '../support/git-repo.js';
import { ServerTestClient } from '../support/server-test-client.js';

const SETTINGS = '{ "permissions": { "allow": ["Bash(npm test)"] } }\n';
const CLAUDE_MD = '# Project\nCommitted instructions.\nMy uncommitted local instructions.\n';
const OVERRIDE = 'Untracked override.\n';
const CARRIED_LINE = 'carried .claude/settings.local.json, CLAUDE.md, AGENTS.override.md (uncommitted in the main checkout) into its worktree';

interface Setup {
  repo: TempRepo;
  bin: string;
  stateDir: string;
  pool: EmulatorPool;
  servers: AgentServer[];
}

let setup: Setup | undefined;

afterEach(async () => {
  if (!setup) return;
  for (const server of setup.servers) server.dispose();
  await setup.pool.dispose();
  await setup.repo.remove();
  setup = undefined;
});

/**
 * A repository whose main checkout has Claude Code's local settings (ignored), a changed CLAUDE.md and an
 * untracked AGENTS.override.md, and a stand-in `claude` that writes what it finds of them to
 * ROOT/seen-NAME, then runs its first argument as its task.
 */
async function prepare(): Promise<Setup> {
  const repo = await createTempRepo({ files: { 'CLAUDE.md': '# Project\nCommitted instructions.\n', '.gitignore': '.claude/settings.local.json\n', 'README.md': 'demo\n' } });
  await repo.write('.claude/settings.local.json', SETTINGS);
  await repo.write('CLAUDE.md', CLAUDE_MD);
  await repo.write('AGENTS.override.md', OVERRIDE);
  const bin = join(repo.root, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'claude'), [
    '#!/bin/sh',
    `cat .claude/settings.local.json CLAUDE.md AGENTS.override.md > '${repo.root}/seen-'"$AGENTMUX_AGENT" 2>&1`,
    'sh -c "$1" && echo stand-in-done',
    '',
  ].join('\n'));
  await chmod(join(bin, 'claude'), 0o755);
  setup = { repo, bin, stateDir: join(repo.root, 'state'), pool: new EmulatorPool(), servers: [] };
  return setup;
}

/** A server on the repository (a later one on the same state directory restores the agents of the first). */
function serve(s: Setup): { server: AgentServer; client: ServerTestClient } {
  const path = `${s.bin}:/usr/bin:/bin`;
  const server = new AgentServer({
    runtime: createPtyRuntime(s.pool, { env: { PATH: path, LC_ALL: 'C', ...s.repo.isolation }, scrollback: 200, killGraceMs: 500 }),
    model: { configured: false },
    cwd: s.repo.repo,
    stateDir: s.stateDir,
    worktrees: new GitWorktrees(s.repo.repo, { env: s.repo.env }),
    // Claude Code's files, and Codex's override, which a claude agent is given here too.
    clis: cliKinds({ claude: { worktreeFiles: [...BUILTIN_CLIS.claude.worktreeFiles, 'AGENTS.override.md'] } }),
  });
  server.restore();
  s.servers.push(server);
  return { server, client: new ServerTestClient(server, () => '', { PATH: path, ...s.repo.isolation }) };
}

async function newClaude(client: ServerTestClient, s: Setup, name: string, task: string): Promise<void> {
  expect(await client.request({ type: 'new', cli: 'claude', name, task, worktree: {}, cwd: s.repo.repo })).toEqual({ name });
  const info = await client.waitFor(`${name} to end`, () => {
    const agent = client.agent(name);
    return agent && isEnded(agent.state) ? agent : undefined;
  });
  expect(info).toMatchObject({ state: 'finished', lastLine: 'stand-in-done' });
}

const chatLines = (client: ServerTestClient, role: 'notice' | 'error' | 'system'): string[] => client.entries(role).map((entry) => entry.text);

async function branchFiles(repo: TempRepo, name: string): Promise<string[]> {
  return (await repo.git('diff', '--name-only', `main...agentmux/${name}`)).split('\n').filter(Boolean);
}

describe('/new claude --worktree', () => {
  it('finds the main checkout\'s uncommitted Claude Code files in its worktree; compare and merge commit only its own changes', async () => {
    const s = await prepare();
    const { client } = serve(s);
    const before = await s.repo.snapshot();

    await newClaude(client, s, 'claude-ui', 'echo work > work.txt');
    expect(chatLines(client, 'notice')).toEqual([`claude-ui: ${CARRIED_LINE}`]);
    expect(await readFile(join(s.repo.root, 'seen-claude-ui'), 'utf8')).toBe(SETTINGS + CLAUDE_MD + OVERRIDE);
    // Its figures count its own file only.
    await client.waitFor('its figures', () => client.agent('claude-ui')?.worktree?.filesChanged === 1 || undefined);
    expect(client.agent('claude-ui')?.worktree).toMatchObject({ filesChanged: 1, insertions: 0, uncommitted: true });

    // Another adds to the carried CLAUDE.md: that is its work.
    await newClaude(client, s, 'claude-notes', 'echo "Agent note." >> CLAUDE.md');
    client.send({ type: 'compare', names: ['claude-ui', 'claude-notes'] });
    const comparison = await client.waitFor('the comparison', () => client.of('comparison').at(-1)?.comparison);
    expect(comparison.attempts.map((attempt) => [attempt.name, attempt.files.map((file) => file.path), attempt.uncommitted])).toEqual([
      ['claude-ui', ['work.txt'], false],
      ['claude-notes', ['CLAUDE.md'], false],
    ]);
    expect(await s.repo.git('show', 'agentmux/claude-notes:CLAUDE.md')).toBe(`${CLAUDE_MD}Agent note.`);

    client.send({ type: 'merge', name: 'claude-ui' });
    await client.waitFor('the merge', () => chatLines(client, 'system').find((line) => line.startsWith('Merged claude-ui into main: 1 file,')));
    expect(await s.repo.git('diff', '--name-only', 'HEAD^1', 'HEAD')).toBe('work.txt');
    // The main checkout keeps its own uncommitted files as they were.
    expect(await s.repo.read('CLAUDE.md')).toBe(CLAUDE_MD);
    expect((await s.repo.snapshot()).status).toBe(before.status);

    client.send({ type: 'discard', names: ['claude-ui'] });
    await client.waitFor('the discard', () => chatLines(client, 'system').includes('Discarded claude-ui: worktree removed, branch deleted.') || undefined);
    expect(chatLines(client, 'error')).toEqual([]);
    expect(client.errors()).toEqual([]);
  });

  it('keeps untouched carried files out of its branch after a server restart', async () => {
    const s = await prepare();
    const first = serve(s);
    await newClaude(first.client, s, 'claude-ui', 'echo work > work.txt');
    first.server.dispose();

    const { client } = serve(s);
    expect(client.agent('claude-ui')).toMatchObject({ state: 'finished', worktree: { branch: 'agentmux/claude-ui' } });
    client.send({ type: 'compare', names: ['claude-ui'] });
    await client.waitFor('the commit', () => chatLines(client, 'notice').includes('committed claude-ui\'s uncommitted work to agentmux/claude-ui') || undefined);
    expect(await branchFiles(s.repo, 'claude-ui')).toEqual(['work.txt']);
    // The carried CLAUDE.md is still in its worktree as the main checkout has it, and not committed.
    const worktree = s.repo.worktreePath('claude-ui');
    expect(await readFile(join(worktree, 'CLAUDE.md'), 'utf8')).toBe(CLAUDE_MD);
    expect(await s.repo.gitIn(worktree, 'diff', '--name-only', 'HEAD')).toBe('CLAUDE.md');
  });

  it('says in one line what it could not carry, and starts anyway', async () => {
    const s = await prepare();
    await writeFile(join(s.repo.root, 'outside.json'), '{}\n');
    await symlink('../outside.json', join(s.repo.repo, '.mcp.json'));
    const { client } = serve(s);
    await newClaude(client, s, 'claude-ui', 'true');
    expect(chatLines(client, 'error')).toEqual(['claude-ui: could not carry .mcp.json (a symbolic link out of the repository) into its worktree']);
    expect(chatLines(client, 'notice')).toEqual([`claude-ui: ${CARRIED_LINE}`]);
  });
});

describe('command agents', () => {
  it('one whose command starts with a CLI\'s program gets its files; any other gets none', async () => {
    const s = await prepare();
    const { client } = serve(s);
    expect(await client.request({ type: 'run', command: 'claude true', name: 'by-hand', worktree: {}, cwd: s.repo.repo })).toEqual({ name: 'by-hand' });
    expect(await client.request({ type: 'run', command: 'cat CLAUDE.md', name: 'plain', worktree: {}, cwd: s.repo.repo })).toEqual({ name: 'plain' });
    for (const name of ['by-hand', 'plain']) await client.waitFor(`${name} to end`, () => isEnded(client.agent(name)?.state ?? 'running') || undefined);
    expect(chatLines(client, 'notice')).toEqual([`by-hand: ${CARRIED_LINE}`]);
    expect(await readFile(join(s.repo.root, 'seen-by-hand'), 'utf8')).toBe(SETTINGS + CLAUDE_MD + OVERRIDE);
    expect(await readFile(join(s.repo.worktreePath('plain'), 'CLAUDE.md'), 'utf8')).toBe('# Project\nCommitted instructions.\n');
  });
});
