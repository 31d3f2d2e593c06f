// Temporary git repositories for tests, isolated from the user's own git configuration.
// Layout: ROOT/home (HOME), ROOT/repo (the repository), ROOT/repo.agentmux-worktrees (agentmux's default
// worktree folder, beside the repository), so removing ROOT removes everything a test made.
// git runs with GIT_CONFIG_GLOBAL=/dev/null and no system config; user.name and user.email live in the
// repository's own config (worktrees share it), so commits work without any global setup.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The variables that isolate git: pass them to agentmux (the screen harness's `env`) and to its agents. */
export function gitIsolation(root: string, home: string): Record<string, string> {
  return { HOME: home, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_CEILING_DIRECTORIES: root };
}

/** The runner's environment without any GIT_* variable, plus the isolation variables. */
export function isolatedEnv(root: string, home: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.toUpperCase().startsWith('GIT_')) env[key] = value;
  }
  return { ...env, LC_ALL: 'C', ...gitIsolation(root, home) };
}

export interface RepoOptions {
  /** Files of the first commit (path → content). Default: theme.css, index.html, README.md. */
  files?: Record<string, string>;
  /** Make the first commit. Default true. */
  commit?: boolean;
  /** Run `git init` at all. Default true; false gives a plain directory (for "not a git repository"). */
  init?: boolean;
}

export const BASE_THEME = ':root {\n  --background: #888888;\n  --foreground: #111111;\n}\n';
export const BASE_INDEX = '<link rel="stylesheet" href="theme.css">\n';

export const DEFAULT_FILES: Record<string, string> = {
  'theme.css': BASE_THEME,
  'index.html': BASE_INDEX,
  'README.md': 'demo\n',
};

export interface TempRepo {
  /** The temporary directory holding everything below. */
  root: string;
  home: string;
  /** The repository (or plain directory). */
  repo: string;
  /** Where agentmux puts agent worktrees by default. */
  worktreeRoot: string;
  /** Full environment for git, agentmux's GitWorktrees and agents. */
  env: Record<string, string>;
  /** Only the isolation variables (HOME, GIT_CONFIG_GLOBAL, GIT_CONFIG_NOSYSTEM, GIT_CEILING_DIRECTORIES). */
  isolation: Record<string, string>;
  /** Runs git in the repository; resolves to its trimmed stdout, rejects on a non-zero exit. */
  git(...args: string[]): Promise<string>;
  /** Runs git in `cwd`. */
  gitIn(cwd: string, ...args: string[]): Promise<string>;
  /** The default worktree path of agent `name`. */
  worktreePath(name: string): string;
  read(file: string): Promise<string>;
  write(file: string, text: string): Promise<void>;
  /** `git add --all` and a commit; resolves to the new HEAD. */
  commitAll(message: string): Promise<string>;
  /** Paths of `git worktree list`. */
  worktreeList(): Promise<string[]>;
  /** Local branch names. */
  branches(): Promise<string[]>;
  /** HEAD, branch, full status (untracked and ignored included), index entries, worktrees and branches. */
  snapshot(): Promise<RepoSnapshot>;
  remove(): Promise<void>;
}

export interface RepoSnapshot {
  head: string;
  branch: string;
  status: string;
  index: string;
  worktrees: string[];
  branches: string[];
}

/**
 * The seed scenario's three attempts as one-line shell commands (typed as they are into `/run`): ui-dark and
 * ui-light rewrite theme.css differently, ui-adaptive links a new stylesheet from index.html; each adds a file
 * of its own, commits, and prints NAME-done.
 */
export const THEME_SCRIPTS: Record<'ui-dark' | 'ui-light' | 'ui-adaptive', string> = {
  'ui-dark': "printf ':root {\\n  --background: #000000;\\n  --foreground: #eeeeee;\\n}\\n' > theme.css && echo dark > dark.txt"
    + " && git add --all && git commit --quiet -m 'Dark theme' && echo ui-dark-done",
  'ui-light': "printf ':root {\\n  --background: #ffffff;\\n  --foreground: #222222;\\n}\\n' > theme.css && echo light > light.txt"
    + " && git add --all && git commit --quiet -m 'Light theme' && echo ui-light-done",
  'ui-adaptive': "echo '@media (prefers-color-scheme: dark) { :root { --background: #000000; } }' > adaptive.css"
    + " && echo '<link rel=\"stylesheet\" href=\"adaptive.css\">' >> index.html"
    + " && git add --all && git commit --quiet -m 'Adaptive theme' && echo ui-adaptive-done",
};

export const THEME_NAMES = ['ui-dark', 'ui-light', 'ui-adaptive'] as const;

/** `script` once the file `gate` exists (polled by the shell), so a test can hold agents running. */
export function gated(gate: string, script: string): string {
  return `while [ ! -e ${gate} ]; do sleep 0.05; done; ${script}`;
}

export async function createTempRepo(options: RepoOptions = {}): Promise<TempRepo> {
  const root = await mkdtemp(join(tmpdir(), 'agentmux-repo-'));
  const home = join(root, 'home');
  const repo = join(root, 'repo');
  await mkdir(home);
  await mkdir(repo);
  const env = isolatedEnv(root, home);

  const gitIn = async (cwd: string, ...args: string[]): Promise<string> => {
    try {
      return (await execFileAsync('git', args, { cwd, env })).stdout.trim();
    } catch (error) {
      const failure = error as { stderr?: string; message: string };
      throw new Error(`git ${args.join(' ')} (in ${cwd}) failed: ${failure.stderr?.trim() || failure.message}`);
    }
  };
  const git = (...args: string[]) => gitIn(repo, ...args);
  const write = async (file: string, text: string) => {
    await mkdir(dirname(join(repo, file)), { recursive: true });
    await writeFile(join(repo, file), text);
  };

  const made: TempRepo = {
    root,
    home,
    repo,
    worktreeRoot: join(root, 'repo.agentmux-worktrees'),
    env,
    isolation: gitIsolation(root, home),
    git,
    gitIn,
    worktreePath: (name) => join(root, 'repo.agentmux-worktrees', name),
    read: (file) => readFile(join(repo, file), 'utf8'),
    write,
    async commitAll(message) {
      await git('add', '--all');
      await git('commit', '--quiet', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    async worktreeList() {
      const listing = await git('worktree', 'list', '--porcelain');
      return listing.split('\n').filter((line) => line.startsWith('worktree ')).map((line) => line.slice('worktree '.length));
    },
    async branches() {
      const listing = await git('branch', '--list', '--format=%(refname:short)');
      return listing.split('\n').filter(Boolean);
    },
    async snapshot() {
      return {
        head: await git('rev-parse', 'HEAD'),
        branch: await git('symbolic-ref', '--quiet', 'HEAD').catch(() => '(detached)'),
        status: await git('--no-optional-locks', 'status', '--porcelain=v2', '--untracked-files=all', '--ignored'),
        index: await git('ls-files', '--stage'),
        worktrees: await made.worktreeList(),
        branches: await made.branches(),
      };
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };

  if (options.init === false) return made;
  await git('init', '--quiet', '--initial-branch=main');
  await git('config', 'user.name', 'Test User');
  await git('config', 'user.email', 'test@example.invalid');
  if (options.commit === false) return made;
  for (const [file, text] of Object.entries(options.files ?? DEFAULT_FILES)) await write(file, text);
  await made.commitAll('initial');
  return made;
}
