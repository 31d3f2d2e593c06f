// External agent CLIs as declared data (spec §5 /new): how to start one on a first prompt, how to
// resume its session, how to run it once without a screen, where its state comes from, and which
// per-CLI files a worktree needs from the main checkout. Built in for Claude Code, Codex, Gemini
// CLI and Aider; configuration (`clis`) adds kinds or changes the built-in ones key by key.
import { isObject } from './is-object.js';

/**
 * Where a CLI's state comes from: its own hooks or notification program calling agentmux
 * (`claude-hooks`, `codex-notify`, `gemini-hooks`, `aider-notify`), only its window title and bell
 * (`title-bell`, a weaker signal, labelled so), or nothing at all (`none`: the state is `unknown`).
 */
export type CliSignals = 'claude-hooks' | 'codex-notify' | 'gemini-hooks' | 'aider-notify' | 'title-bell' | 'none';
export const CLI_SIGNALS: readonly CliSignals[] = ['claude-hooks', 'codex-notify', 'gemini-hooks', 'aider-notify', 'title-bell', 'none'];

export interface CliKind {
  /** What `/new` takes. */
  name: string;
  /** The program, looked up in the agent's PATH (or a path). */
  program: string;
  /** One line on how to install it, shown when the program is missing. */
  install: string;
  /** Arguments it always gets first. */
  args: string[];
  /** Arguments that start it on a first prompt (`{task}` is replaced). */
  taskArgs: string[];
  /** Arguments that continue one of its sessions (`{session}` is replaced); empty: it cannot be resumed. */
  resumeArgs: string[];
  /** Arguments for a run without a screen that ends with the answer (`{task}` is replaced). */
  printArgs: string[];
  signals: CliSignals;
  /** Files of the main checkout (relative paths) a worktree agent gets a copy of when they are not committed. */
  worktreeFiles: string[];
}

export const CLI_NAME_PATTERN = /^[a-z][a-z0-9-]{0,23}$/;

const CLAUDE: CliKind = {
  name: 'claude',
  program: 'claude',
  install: 'npm install -g @anthropic-ai/claude-code',
  args: [],
  taskArgs: ['{task}'],
  resumeArgs: ['--resume', '{session}'],
  printArgs: ['-p', '{task}', '--output-format', 'stream-json', '--verbose'],
  signals: 'claude-hooks',
  worktreeFiles: ['.claude/settings.local.json', 'CLAUDE.md', 'CLAUDE.local.md', '.mcp.json'],
};

const CODEX: CliKind = {
  name: 'codex',
  program: 'codex',
  install: 'npm install -g @openai/codex',
  args: [],
  taskArgs: ['{task}'],
  resumeArgs: ['resume', '{session}'],
  printArgs: ['exec', '{task}'],
  signals: 'codex-notify',
  worktreeFiles: ['AGENTS.md', 'AGENTS.override.md', '.codex/config.toml'],
};

const GEMINI: CliKind = {
  name: 'gemini',
  program: 'gemini',
  install: 'npm install -g @google/gemini-cli',
  args: [],
  taskArgs: ['--prompt-interactive', '{task}'],
  resumeArgs: ['--resume', '{session}'],
  printArgs: ['--prompt', '{task}'],
  signals: 'gemini-hooks',
  worktreeFiles: ['GEMINI.md', '.gemini/settings.json'],
};

const AIDER: CliKind = {
  name: 'aider',
  program: 'aider',
  install: 'python3 -m pip install aider-install && aider-install',
  args: [],
  // Aider has no first prompt that leaves it interactive: the task is typed in once it is ready.
  taskArgs: [],
  resumeArgs: ['--restore-chat-history'],
  printArgs: ['--message', '{task}', '--yes-always'],
  signals: 'aider-notify',
  worktreeFiles: ['.aider.conf.yml', 'CONVENTIONS.md', '.aiderignore'],
};

export const BUILTIN_CLIS: Readonly<Record<string, CliKind>> = Object.freeze({ claude: CLAUDE, codex: CODEX, gemini: GEMINI, aider: AIDER });

/** A `clis` entry of a config file: every key optional for a built-in kind; `program` needed for a new one. */
export type CliKindFile = Partial<Omit<CliKind, 'name'>>;

const KEYS: readonly (keyof CliKindFile)[] = ['program', 'install', 'args', 'taskArgs', 'resumeArgs', 'printArgs', 'signals', 'worktreeFiles'];

const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

/** Why a config file's `clis` value is wrong (the key at fault first), or undefined. */
export function clisError(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) return 'clis: expected an object of CLI name → how to run it, e.g. {"mycli": {"program": "mycli"}}';
  for (const [name, entry] of Object.entries(value)) {
    const at = `clis.${name}`;
    if (!CLI_NAME_PATTERN.test(name)) return `${at}: a CLI name is a lowercase word (${CLI_NAME_PATTERN.source})`;
    if (!isObject(entry)) return `${at}: expected an object`;
    const unknown = Object.keys(entry).find((key) => !(KEYS as readonly string[]).includes(key));
    if (unknown) return `${at}.${unknown}: unknown key (known: ${KEYS.join(', ')})`;
    if (!(name in BUILTIN_CLIS) && entry.program === undefined) return `${at}.program: a CLI that is not built in needs its program`;
    for (const key of ['program', 'install'] as const) {
      if (entry[key] !== undefined && (typeof entry[key] !== 'string' || entry[key] === '')) return `${at}.${key}: expected a non-empty string`;
    }
    for (const key of ['args', 'taskArgs', 'resumeArgs', 'printArgs', 'worktreeFiles'] as const) {
      if (entry[key] !== undefined && !isStringList(entry[key])) return `${at}.${key}: expected a list of strings`;
    }
    if (entry.signals !== undefined && !CLI_SIGNALS.includes(entry.signals as CliSignals)) {
      return `${at}.signals: expected one of ${CLI_SIGNALS.join(', ')}`;
    }
    const files = (entry.worktreeFiles ?? []) as string[];
    const bad = files.find((file) => file === '' || file.startsWith('/') || file.split('/').includes('..'));
    if (bad !== undefined) return `${at}.worktreeFiles: ${JSON.stringify(bad)} is not a path inside the repository`;
  }
  return undefined;
}

/** The CLI kinds: the built-in ones with the configured ones over them, key by key. */
export function cliKinds(configured: Readonly<Record<string, CliKindFile>> = {}): Map<string, CliKind> {
  const kinds = new Map<string, CliKind>(Object.entries(BUILTIN_CLIS));
  for (const [name, entry] of Object.entries(configured)) {
    const base: CliKind = kinds.get(name) ?? {
      name, program: entry.program ?? name, install: `install ${entry.program ?? name} and make sure it is in your PATH`,
      args: [], taskArgs: ['{task}'], resumeArgs: [], printArgs: [], signals: 'title-bell', worktreeFiles: [],
    };
    kinds.set(name, { ...base, ...entry, name });
  }
  return kinds;
}

/** `args` with `{task}` and `{session}` replaced (a word that is exactly a placeholder; nothing else is touched). */
function fill(args: readonly string[], values: { task?: string; session?: string }): string[] {
  return args.map((arg) => (arg === '{task}' ? values.task ?? '' : arg === '{session}' ? values.session ?? '' : arg));
}

/**
 * The arguments to start `kind`: continuing a session (`session`) or anew, on a first prompt
 * (`task`) or bare. A kind without `taskArgs` takes no task in its arguments: callers refuse one.
 */
export function cliArguments(kind: CliKind, how: { task?: string; session?: string }): string[] {
  const args = [...kind.args, ...(how.session !== undefined ? fill(kind.resumeArgs, how) : [])];
  return how.task === undefined ? args : [...args, ...fill(kind.taskArgs, how)];
}
