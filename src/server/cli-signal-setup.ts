// How an agent CLI is made to report to agentmux, by the kind of signals it has (core/cli-kinds.ts):
// arguments, and files in the agent's own private directory, that install agentmux's hook runner for
// this run only — never a change to the user's own settings files. The runner (`hookCommand`,
// cli/hook-main.ts) finds the agent's socket in its environment.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { HookFile } from '../core/agent.js';
import type { CliKind, CliSignals } from '../core/cli-kinds.js';
import { isObject } from '../core/is-object.js';
import { shellWord } from '../core/shell-word.js';

/** Claude Code's hook events agentmux listens to (core/cli-signals.ts says what each means). */
export const CLAUDE_HOOK_EVENTS = [
  'SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PermissionRequest', 'PostToolUse', 'Notification', 'Stop', 'SessionEnd',
] as const;
/** Gemini CLI's. */
export const GEMINI_HOOK_EVENTS = ['SessionStart', 'BeforeAgent', 'BeforeTool', 'AfterTool', 'Notification', 'AfterAgent', 'SessionEnd'] as const;

/** Where Gemini CLI reads its system settings (the highest layer), and the variable that moves them. */
export const GEMINI_SYSTEM_SETTINGS_ENV = 'GEMINI_CLI_SYSTEM_SETTINGS_PATH';
const GEMINI_SYSTEM_SETTINGS = '/etc/gemini-cli/settings.json';

export interface SignalSetup {
  /** Where the agent's state comes from: the kind's signals, or `none` when its hooks could not be set up. */
  signals: CliSignals;
  /** Arguments before the CLI's own. */
  args: string[];
  /** Whether the CLI reports over a hook socket. */
  hooks: boolean;
  files?: HookFile[];
}

const NO_HOOKS: SignalSetup = { signals: 'none', args: [], hooks: false };

/** The hook runner for `source` and `event` as one shell command. */
function runnerCommand(hookCommand: readonly string[], source: string, event: string): string {
  return [...hookCommand, source, event].map(shellWord).join(' ');
}

/** Claude Code's `--settings` value: one hook per event, running the hook runner with the event's name (a shell command). */
export function claudeHookSettings(hookCommand: readonly string[]): string {
  const hooks = Object.fromEntries(CLAUDE_HOOK_EVENTS.map((event) => [
    event, [{ matcher: '*', hooks: [{ type: 'command', command: runnerCommand(hookCommand, 'claude', event) }] }],
  ]));
  return JSON.stringify({ hooks });
}

/** A TOML basic string (JSON's escapes are TOML's, but for DEL). */
function tomlString(value: string): string {
  return JSON.stringify(value).replace(/\u007f/g, '\\u007F');
}

/** Codex's `-c notify=[…]`: the program it runs with the notification's JSON as one more argument. */
export function codexNotify(hookCommand: readonly string[]): string {
  return `notify=[${[...hookCommand, 'codex', 'notify'].map(tomlString).join(',')}]`;
}

/**
 * Gemini CLI's system settings for this run: the ones in force (`existing`, the file's text) with
 * agentmux's hooks added to theirs. Gemini CLI adds hooks of every settings layer together, so the
 * user's and the project's own hooks and settings stay as they are; the undefined result means the
 * file in force is not plain JSON, and is better left alone than replaced.
 */
export function geminiSystemSettings(hookCommand: readonly string[], existing: string | undefined): string | undefined {
  let settings: Record<string, unknown> = {};
  if (existing !== undefined && existing.trim() !== '') {
    try {
      const parsed = JSON.parse(existing) as unknown;
      if (!isObject(parsed)) return undefined;
      settings = parsed;
    } catch {
      return undefined;
    }
  }
  const hooks: Record<string, unknown> = isObject(settings.hooks) ? { ...settings.hooks } : {};
  for (const event of GEMINI_HOOK_EVENTS) {
    const theirs = Array.isArray(hooks[event]) ? hooks[event] as unknown[] : [];
    hooks[event] = [...theirs, { hooks: [{ type: 'command', name: `agentmux-${event}`, command: runnerCommand(hookCommand, 'gemini', event) }] }];
  }
  return `${JSON.stringify({ ...settings, hooks }, null, 2)}\n`;
}

function readIfThere(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Whether Gemini CLI reads a system settings file at `path`: only where root owns it and every
 * directory above it, none of them writable by group or others (seen in 0.61.0); elsewhere it skips
 * the file with a warning on its screen.
 */
export function geminiReadsSystemFile(path: string): boolean {
  try {
    for (let current = realpathSync(path); ; current = dirname(current)) {
      const stats = statSync(current);
      if (stats.uid !== 0 || (stats.mode & 0o022) !== 0) return false;
      if (dirname(current) === current) return true;
    }
  } catch {
    return false;
  }
}

/**
 * Whether Gemini CLI reads a system settings file that this process (of user `uid`) writes in a new
 * private directory under `dir`: only for a server run by root, with its private directories in a
 * place root owns (`$XDG_RUNTIME_DIR`, not /tmp).
 */
export function geminiReadsSystemSettingsIn(dir: string, uid = process.getuid?.()): boolean {
  return uid === 0 && geminiReadsSystemFile(dir);
}

/** Where the agent's settings come from: the environment it inherits, and where its private directory is made. */
export interface SetupPlace {
  env?: Readonly<Record<string, string>>;
  privateDir?: string;
}

/**
 * What `kind` needs so that its hooks report. A kind whose hooks cannot be set up (no hook runner;
 * for Gemini CLI, system settings it would not read, or that cannot be read) has no signal: its
 * state is unknown.
 */
export function signalSetup(kind: CliKind, hookCommand: readonly string[] | undefined, place: SetupPlace = {}): SignalSetup {
  if (kind.signals === 'title-bell' || kind.signals === 'none') return { signals: kind.signals, args: [], hooks: false };
  if (!hookCommand) return NO_HOOKS;
  switch (kind.signals) {
    case 'claude-hooks':
      return { signals: kind.signals, args: ['--settings', claudeHookSettings(hookCommand)], hooks: true };
    case 'codex-notify':
      return { signals: kind.signals, args: ['-c', codexNotify(hookCommand)], hooks: true };
    case 'aider-notify':
      return { signals: kind.signals, args: ['--notifications', '--notifications-command', runnerCommand(hookCommand, 'aider', 'waiting')], hooks: true };
    case 'gemini-hooks': {
      if (place.privateDir === undefined || !geminiReadsSystemSettingsIn(place.privateDir)) return NO_HOOKS;
      const path = place.env?.[GEMINI_SYSTEM_SETTINGS_ENV] || GEMINI_SYSTEM_SETTINGS;
      let existing: string | undefined;
      try {
        // A file Gemini CLI would skip is not in force: it stays skipped.
        existing = geminiReadsSystemFile(path) ? readIfThere(path) : undefined;
      } catch {
        return NO_HOOKS;
      }
      const content = geminiSystemSettings(hookCommand, existing);
      if (content === undefined) return NO_HOOKS;
      return { signals: kind.signals, args: [], hooks: true, files: [{ name: 'gemini-settings.json', env: GEMINI_SYSTEM_SETTINGS_ENV, content }] };
    }
  }
}
