// Turns a validated theme into blessed style values, honouring NO_COLOR (https://no-color.org).

import { COLOR_NAMES, THEME_ROLES, type Color, type RoleStyle, type Theme, type ThemeRole } from '../core/theme-schema.js';

/** A style as blessed takes it in `style: {...}`. */
export interface BlessedStyle {
  fg?: string | number;
  bg?: string | number;
  bold?: boolean;
  underline?: boolean;
  inverse?: boolean;
}

export interface ResolvedTheme {
  readonly name: string;
  readonly noColor: boolean;
  /** A fresh object each call, so a view may keep or change it. */
  style(role: ThemeRole): BlessedStyle;
  /** The role's foreground as an xterm-256 index; undefined for the terminal default or without colour. */
  fgIndex(role: ThemeRole): number | undefined;
}

// Without colour, roles whose meaning is carried by colour alone get attributes instead.
const NO_COLOR_EMPHASIS: Partial<Record<ThemeRole, RoleStyle>> = {
  'border.focus': { bold: true },
  'chat.error': { bold: true },
  'list.selected': { inverse: true },
  'list.waiting': { bold: true, inverse: true },
  'flash.success': { bold: true, inverse: true },
  'flash.failure': { bold: true, inverse: true },
  'flash.attention': { bold: true, inverse: true },
  status: { inverse: true },
  // Key names sit on the status bar; without inverse they would punch holes in it.
  'status.key': { bold: true, inverse: true },
  // Text the user has not typed must not pass for typed text (blessed has no dim attribute).
  'input.suggestion': { underline: true },
};

/** NO_COLOR set to anything but the empty string. */
export function noColorRequested(env: Readonly<Record<string, string | undefined>>): boolean {
  return Boolean(env.NO_COLOR);
}

const CUBE_LEVELS = [0, 95, 135, 175, 215, 255];

function cubeLevel(channel: number): number {
  let best = 0;
  for (let i = 1; i < CUBE_LEVELS.length; i++) {
    if (Math.abs(CUBE_LEVELS[i] - channel) < Math.abs(CUBE_LEVELS[best] - channel)) best = i;
  }
  return best;
}

// The weighting blessed uses to match colours (squared: 900, 3481, 121).
function distance(a: number[], b: number[]): number {
  return (30 * (a[0] - b[0])) ** 2 + (59 * (a[1] - b[1])) ** 2 + (11 * (a[2] - b[2])) ** 2;
}

/**
 * The nearest colour among xterm-256 indexes 16-255. Those have fixed values everywhere, while 0-15 follow the
 * user's terminal palette, so a "#rrggbb" should not land there.
 */
function nearestIndex(hex: string): number {
  const rgb = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
  const levels = rgb.map(cubeLevel);
  const cube = levels.map((level) => CUBE_LEVELS[level]);
  const weighted = (900 * rgb[0] + 3481 * rgb[1] + 121 * rgb[2]) / 4502;
  const step = Math.min(23, Math.max(0, Math.round((weighted - 8) / 10)));
  const grey = 8 + 10 * step;
  if (distance(rgb, [grey, grey, grey]) < distance(rgb, cube)) return 232 + step;
  return 16 + 36 * levels[0] + 6 * levels[1] + levels[2];
}

/** The xterm-256 index of a colour; undefined for "default". */
export function colorIndex(color: Color): number | undefined {
  if (typeof color === 'number') return color;
  if (color === 'default') return undefined;
  if (color.startsWith('#')) return nearestIndex(color);
  return (COLOR_NAMES as readonly string[]).indexOf(color);
}

/**
 * The colour as blessed takes it. "#rrggbb" becomes an index: blessed 0.1.81 caches its 8-colour reduction of
 * the 256 palette values, so it would draw an exact palette colour such as "#5fafff" as plain cyan.
 */
export function blessedColor(color: Color): string | number {
  if (typeof color === 'string' && color.startsWith('#')) return nearestIndex(color);
  return typeof color === 'string' ? color.replace('-', '') : color;
}

function toBlessed(style: RoleStyle, noColor: boolean): BlessedStyle {
  const out: BlessedStyle = {};
  if (!noColor && style.fg !== undefined) out.fg = blessedColor(style.fg);
  if (!noColor && style.bg !== undefined) out.bg = blessedColor(style.bg);
  for (const key of ['bold', 'underline', 'inverse'] as const) {
    if (style[key] !== undefined) out[key] = style[key];
  }
  return out;
}

export function resolveTheme(theme: Theme, options: { noColor: boolean }): ResolvedTheme {
  const { noColor } = options;
  const styles = new Map<ThemeRole, BlessedStyle>();
  for (const role of THEME_ROLES) {
    const style = noColor ? { ...theme.roles[role], ...NO_COLOR_EMPHASIS[role] } : theme.roles[role];
    styles.set(role, toBlessed(style, noColor));
  }
  return {
    name: theme.name,
    noColor,
    style: (role) => ({ ...styles.get(role) }),
    fgIndex: (role) => {
      const fg = theme.roles[role].fg;
      return noColor || fg === undefined ? undefined : colorIndex(fg);
    },
  };
}
