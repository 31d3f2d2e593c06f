// The configuration: types, defaults, validation of one parsed config file, and merging of files over the defaults.

import { budgetValueError } from './budget.js';
import { clisError, type CliKindFile } from './cli-kinds.js';
import { compactionError, DEFAULT_COMPACTION, type CompactionSettings } from './compaction-settings.js';
import { hostsError, type HostConfig } from './hosts.js';
import { isThemeName, THEME_NAME_RULE, type Validation } from './theme-schema.js';
import { modelPriceError, type ModelPrice } from './usage.js';
import { isObject } from './is-object.js';

export interface KeyBindings {
  background: string;
  focusNext: string;
  quit: string;
  interrupt: string;
}

export interface Config {
  /** "auto", a bundled theme or a user theme name. */
  theme: string;
  notifications: { bell: boolean; osc9: boolean };
  keys: KeyBindings;
  killGraceMs: number;
  scrollback: number;
  flashMs: number;
  /** The model of the main agent and of workers. */
  model: string;
  /** What workers may do without asking (spec §8). */
  permissionMode: PermissionMode;
  /** Prices by model id, over the bundled table. */
  prices: Record<string, ModelPrice>;
  /** Where worktree agents' worktrees go; empty: a folder beside the repository. */
  worktreeRoot: string;
  /** `check`: a command /compare runs in each attempt's worktree (e.g. "npm test"); empty: none. */
  compare: { check: string };
  /** External agent CLIs added or changed (core/cli-kinds.ts), by name. */
  clis: Record<string, CliKindFile>;
  suggestions: boolean;
  suggestionModel: string;
  /** Auto-compaction of the main agent's and workers' conversations (core/compaction-settings.ts). */
  compaction: CompactionSettings;
  budgets: BudgetSettings;
  /** Other machines agents run on (core/hosts.ts), by name. */
  hosts: Record<string, HostConfig>;
}

/** Budgets (core/budget.ts): each agent's unless it is given one, and the whole session's; none by default. */
export interface BudgetSettings {
  agentUsd?: number;
  agentTokens?: number;
  sessionUsd?: number;
}

/** One config file: every key optional. */
export interface ConfigFile {
  theme?: string;
  notifications?: Partial<Config['notifications']>;
  keys?: Partial<KeyBindings>;
  killGraceMs?: number;
  scrollback?: number;
  flashMs?: number;
  model?: string;
  permissionMode?: PermissionMode;
  prices?: Record<string, ModelPrice>;
  worktreeRoot?: string;
  compare?: Partial<Config['compare']>;
  clis?: Record<string, CliKindFile>;
  suggestions?: boolean;
  suggestionModel?: string;
  compaction?: Partial<CompactionSettings>;
  budgets?: BudgetSettings;
  hosts?: Record<string, HostConfig>;
}

export type PermissionMode = 'ask' | 'edits' | 'auto';
export const PERMISSION_MODES: readonly PermissionMode[] = ['ask', 'edits', 'auto'];
const MODEL_PATTERN = /^[a-z0-9][a-z0-9.-]{0,99}$/;

export const DEFAULT_CONFIG: Readonly<Config> = Object.freeze({
  theme: 'auto',
  notifications: Object.freeze({ bell: true, osc9: true }),
  keys: Object.freeze({ background: 'C-b', focusNext: 'tab', quit: 'C-q', interrupt: 'C-c' }),
  killGraceMs: 3000,
  scrollback: 5000,
  flashMs: 4000,
  model: 'claude-sonnet-5-5',
  permissionMode: 'ask',
  prices: Object.freeze({}),
  worktreeRoot: '',
  compare: Object.freeze({ check: '' }),
  clis: Object.freeze({}),
  suggestions: true,
  // The cheapest model in src/llm/prices.json (test/unit/prices.test.ts keeps it so).
  suggestionModel: 'claude-haiku-4-5',
  compaction: DEFAULT_COMPACTION,
  budgets: Object.freeze({}),
  hosts: Object.freeze({}),
});

const RANGES = {
  killGraceMs: [100, 60000],
  scrollback: [0, 100000],
  flashMs: [500, 60000],
} as const;

// Ctrl+H, I, J and M are what terminals send for Backspace, Tab, Enter: they cannot be bound apart.
const KEY_NAME_PATTERN = /^(?:C-[a-gk-lnoq-z]|C-p|M-[a-z]|tab|escape|enter|f(?:[1-9]|1[0-2]))$/;
const KEY_NAME_RULE = 'use C-<letter> (not C-h, C-i, C-j, C-m), M-<letter>, tab, escape, enter or f1-f12';
// Every key typed into an attached agent passes by the background key: it must be one no other key's bytes start with.
const BACKGROUND_KEY_PATTERN = /^(?:C-[a-gk-lnoq-z]|C-p)$/;

export function isKeyName(value: string): boolean {
  return KEY_NAME_PATTERN.test(value);
}

function unknownKey(obj: Record<string, unknown>, known: readonly string[], prefix: string): string | undefined {
  const key = Object.keys(obj).find((k) => !known.includes(k));
  return key === undefined ? undefined : `${prefix}${key}: unknown key (known: ${known.join(', ')})`;
}

function sectionError(obj: Record<string, unknown>, section: 'notifications' | 'keys' | 'compare'): string | undefined {
  const value = obj[section];
  if (value === undefined) return undefined;
  if (!isObject(value)) return `${section}: expected an object`;
  const known = Object.keys(DEFAULT_CONFIG[section]);
  const unknown = unknownKey(value, known, `${section}.`);
  if (unknown) return unknown;
  for (const [key, setting] of Object.entries(value)) {
    const path = `${section}.${key}`;
    if (section === 'compare' && typeof setting !== 'string') {
      return `${path}: expected a shell command as a string, got ${JSON.stringify(setting)}`;
    }
    if (section === 'notifications' && typeof setting !== 'boolean') {
      return `${path}: expected true or false, got ${JSON.stringify(setting)}`;
    }
    if (section === 'keys' && (typeof setting !== 'string' || !isKeyName(setting))) {
      return `${path}: ${JSON.stringify(setting)} is not a key name (${KEY_NAME_RULE})`;
    }
    if (path === 'keys.background' && !BACKGROUND_KEY_PATTERN.test(setting as string)) {
      return `${path}: ${JSON.stringify(setting)} cannot be the background key: use a Ctrl key such as "C-b" or "C-a" (not C-h, C-i, C-j, C-m)`;
    }
  }
  return undefined;
}

function fileError(obj: unknown): string | undefined {
  if (!isObject(obj)) return 'expected a JSON object like {"theme": "dark"}';
  const unknown = unknownKey(obj, Object.keys(DEFAULT_CONFIG), '');
  if (unknown) return unknown;
  if (obj.theme !== undefined && (typeof obj.theme !== 'string' || !isThemeName(obj.theme))) {
    return `theme: ${JSON.stringify(obj.theme)} is not a theme name (use "auto", "dark", "light", "high-contrast" or a user theme: ${THEME_NAME_RULE})`;
  }
  for (const [key, [min, max]] of Object.entries(RANGES)) {
    const value = obj[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)) {
      return `${key}: expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}`;
    }
  }
  if (obj.model !== undefined && (typeof obj.model !== 'string' || !MODEL_PATTERN.test(obj.model))) {
    return `model: ${JSON.stringify(obj.model)} is not a model id (e.g. "claude-sonnet-5-5")`;
  }
  if (obj.suggestionModel !== undefined && (typeof obj.suggestionModel !== 'string' || !MODEL_PATTERN.test(obj.suggestionModel))) {
    return `suggestionModel: ${JSON.stringify(obj.suggestionModel)} is not a model id (e.g. "claude-haiku-4-5")`;
  }
  if (obj.suggestions !== undefined && typeof obj.suggestions !== 'boolean') {
    return `suggestions: expected true or false, got ${JSON.stringify(obj.suggestions)}`;
  }
  if (obj.permissionMode !== undefined && !PERMISSION_MODES.includes(obj.permissionMode as PermissionMode)) {
    return `permissionMode: ${JSON.stringify(obj.permissionMode)} is not one of ${PERMISSION_MODES.join(', ')}`;
  }
  if (obj.worktreeRoot !== undefined && typeof obj.worktreeRoot !== 'string') {
    return `worktreeRoot: expected a directory path as a string, got ${JSON.stringify(obj.worktreeRoot)}`;
  }
  return pricesError(obj.prices) ?? budgetsError(obj.budgets) ?? clisError(obj.clis) ?? sectionError(obj, 'notifications') ?? sectionError(obj, 'keys')
    ?? sectionError(obj, 'compare') ?? compactionError(obj.compaction) ?? hostsError(obj.hosts);
}

const BUDGET_KEYS = { agentUsd: 'usd', agentTokens: 'tokens', sessionUsd: 'usd' } as const;

function budgetsError(budgets: unknown): string | undefined {
  if (budgets === undefined) return undefined;
  if (!isObject(budgets)) return 'budgets: expected an object like {"agentUsd": 2, "sessionUsd": 20}';
  const unknown = unknownKey(budgets, Object.keys(BUDGET_KEYS), 'budgets.');
  if (unknown) return unknown;
  for (const [key, part] of Object.entries(BUDGET_KEYS)) {
    const error = budgets[key] === undefined ? undefined : budgetValueError(part, budgets[key]);
    if (error) return `budgets.${key}: ${error}, got ${JSON.stringify(budgets[key])}`;
  }
  return undefined;
}

function pricesError(prices: unknown): string | undefined {
  if (prices === undefined) return undefined;
  if (!isObject(prices)) return 'prices: expected an object of model id → price';
  for (const [model, price] of Object.entries(prices)) {
    if (!MODEL_PATTERN.test(model)) return `prices.${model}: not a model id`;
    const error = modelPriceError(price);
    if (error) return `prices.${model}${error.key ? `.${error.key}` : ''}: ${error.message}`;
  }
  return undefined;
}

export function isModelId(value: string): boolean {
  return MODEL_PATTERN.test(value);
}

/** Checks one parsed config file; `label` (the file path) starts every error message. */
export function validateConfigFile(obj: unknown, label: string): Validation<ConfigFile> {
  const error = fileError(obj);
  return error ? { ok: false, error: `${label}: ${error}` } : { ok: true, value: obj as ConfigFile };
}

// Keys set to undefined (say, from an absent command-line flag) leave the value below in place.
function defined<T extends object>(partial: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(partial ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** `base` with each partial applied in turn: later partials win, key by key. */
export function mergeConfig(base: Readonly<Config>, ...partials: ConfigFile[]): Config {
  let config: Config = {
    ...base, notifications: { ...base.notifications }, keys: { ...base.keys }, prices: { ...base.prices }, compare: { ...base.compare },
    clis: { ...base.clis }, compaction: { ...base.compaction }, budgets: { ...base.budgets }, hosts: { ...base.hosts },
  };
  for (const partial of partials) {
    config = {
      ...config,
      ...defined(partial),
      notifications: { ...config.notifications, ...defined(partial.notifications) },
      keys: { ...config.keys, ...defined(partial.keys) },
      prices: { ...config.prices, ...(partial.prices ?? {}) },
      compare: { ...config.compare, ...defined(partial.compare) },
      clis: mergeClis(config.clis, partial.clis),
      compaction: { ...config.compaction, ...defined(partial.compaction) },
      budgets: { ...config.budgets, ...defined(partial.budgets) },
      // The first file to name a host wins, whole: a repository (read after the user's config) may add
      // hosts, but cannot send the user's agents — or a worker's key — to another machine under a name they chose.
      hosts: { ...(partial.hosts ?? {}), ...config.hosts },
    };
  }
  return config;
}

/** A repository's config over the user's: a CLI both configure gets the keys of both, the later winning. */
function mergeClis(base: Record<string, CliKindFile>, over: Record<string, CliKindFile> | undefined): Record<string, CliKindFile> {
  const merged = { ...base };
  for (const [name, entry] of Object.entries(over ?? {})) merged[name] = { ...merged[name], ...entry };
  return merged;
}

/** Describes two actions bound to the same key, or undefined when every binding is distinct. */
export function keyConflict(keys: KeyBindings): string | undefined {
  const entries = Object.entries(keys);
  for (const [i, [action, key]] of entries.entries()) {
    const other = entries.slice(i + 1).find(([, k]) => k === key);
    if (other) return `keys.${action} and keys.${other[0]} are both ${JSON.stringify(key)}`;
  }
  return undefined;
}
