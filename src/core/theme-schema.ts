// Themes map semantic roles to styles. This module validates a parsed theme file; loading is in src/store.
import { isObject } from './is-object.js';

export const THEME_ROLES = [
  'fg',
  'muted',
  'border',
  'border.focus',
  'title',
  'chat.user',
  'chat.assistant',
  'chat.system',
  'chat.error',
  'chat.code',
  'chat.tool',
  'meter',
  'meter.warning',
  'state.queued',
  'state.running',
  'state.waiting',
  'state.idle',
  'state.finished',
  'state.failed',
  'state.killed',
  'state.lost',
  'state.unknown',
  'list.selected',
  'list.unread',
  'list.waiting',
  'flash.success',
  'flash.failure',
  'flash.attention',
  'status',
  'status.key',
  'input.prompt',
  'input.suggestion',
  'demo',
] as const;
export type ThemeRole = (typeof THEME_ROLES)[number];

export const COLOR_NAMES = [
  'black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white',
  'bright-black', 'bright-red', 'bright-green', 'bright-yellow',
  'bright-blue', 'bright-magenta', 'bright-cyan', 'bright-white',
] as const;
export type ColorName = (typeof COLOR_NAMES)[number];

/** "default" (the terminal's own colour), "#rrggbb", an xterm-256 index or one of the 16 ANSI names. */
export type Color = 'default' | ColorName | `#${string}` | number;

export interface RoleStyle {
  fg?: Color;
  bg?: Color;
  bold?: boolean;
  underline?: boolean;
  inverse?: boolean;
}

export type ThemeRoles = Record<ThemeRole, RoleStyle>;

export interface Theme {
  name: string;
  roles: ThemeRoles;
}

/** A theme file as written; one that `extends` another may leave roles out. */
export interface ThemeFile {
  name?: string;
  extends?: string;
  roles: Partial<ThemeRoles>;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; error: string };

export const BUNDLED_THEMES = ['dark', 'light', 'high-contrast'] as const;

// Theme names double as file names, so they must not contain path separators or dots.
const THEME_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const THEME_NAME_RULE = 'letters, digits, "-" and "_", starting with a letter or digit';

export function isThemeName(name: string): boolean {
  return THEME_NAME_PATTERN.test(name);
}

const COLOR_HINT = 'use "default", "#rrggbb", 0-255 or a colour name';
const STYLE_KEYS = ['fg', 'bg', 'bold', 'underline', 'inverse'] as const;
const FILE_KEYS = ['name', 'extends', 'roles'];

export function isColor(value: unknown): value is Color {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 255;
  if (typeof value !== 'string') return false;
  return value === 'default' || /^#[0-9a-fA-F]{6}$/.test(value) || (COLOR_NAMES as readonly string[]).includes(value);
}

function styleError(style: unknown, path: string): string | undefined {
  if (!isObject(style)) return `${path}: expected an object like {"fg": "#d0d0d0", "bold": true}`;
  for (const [key, value] of Object.entries(style)) {
    if (key === 'fg' || key === 'bg') {
      if (!isColor(value)) return `${path}.${key}: ${JSON.stringify(value)} is not a colour (${COLOR_HINT})`;
    } else if (!(STYLE_KEYS as readonly string[]).includes(key)) {
      return `${path}.${key}: unknown style key (known: ${STYLE_KEYS.join(', ')})`;
    } else if (typeof value !== 'boolean') {
      return `${path}.${key}: expected true or false, got ${JSON.stringify(value)}`;
    }
  }
  return undefined;
}

function fileError(obj: unknown): string | undefined {
  if (!isObject(obj)) return 'expected a JSON object like {"name": "...", "roles": {...}}';
  for (const key of Object.keys(obj)) {
    if (!FILE_KEYS.includes(key)) return `${key}: unknown key (known: ${FILE_KEYS.join(', ')})`;
  }
  if (obj.name !== undefined && typeof obj.name !== 'string') return `name: expected a string`;
  if (obj.extends !== undefined && (typeof obj.extends !== 'string' || !isThemeName(obj.extends))) {
    return `extends: ${JSON.stringify(obj.extends)} is not a theme name (use ${THEME_NAME_RULE})`;
  }
  if (!isObject(obj.roles)) return 'roles: expected an object mapping role names to styles';
  for (const [role, style] of Object.entries(obj.roles)) {
    if (!(THEME_ROLES as readonly string[]).includes(role)) {
      return `roles.${role}: unknown role (known: ${THEME_ROLES.join(', ')})`;
    }
    const error = styleError(style, `roles.${role}`);
    if (error) return error;
  }
  return undefined;
}

/** Checks the shape of a parsed theme file; `label` (usually the file path) starts every error message. */
export function validateThemeFile(obj: unknown, label: string): Validation<ThemeFile> {
  const error = fileError(obj);
  return error ? { ok: false, error: `${label}: ${error}` } : { ok: true, value: obj as unknown as ThemeFile };
}

/** Roles added after users had written complete themes: a theme without one takes this other role's style. */
const STAND_INS: Partial<Record<ThemeRole, ThemeRole>> = { 'input.suggestion': 'muted' };

/**
 * A complete theme named `name`: the file's roles over the base theme's (a role replaces the base's role whole).
 * Without a base every role is required.
 */
export function completeTheme(file: ThemeFile, name: string, base: Theme | undefined, label: string): Validation<Theme> {
  const roles: Partial<ThemeRoles> = { ...base?.roles, ...file.roles };
  for (const [role, stand] of Object.entries(STAND_INS) as Array<[ThemeRole, ThemeRole]>) roles[role] ??= roles[stand];
  const missing = THEME_ROLES.filter((role) => roles[role] === undefined);
  if (missing.length > 0) {
    return { ok: false, error: `${label}: roles: missing ${missing.join(', ')} (every role is required unless the theme has "extends")` };
  }
  return { ok: true, value: { name, roles: roles as ThemeRoles } };
}
