import blessed from 'blessed';
import { describe, expect, it } from 'vitest';
import { COLOR_NAMES, THEME_ROLES, type RoleStyle, type Theme, type ThemeRoles } from '../../src/core/theme-schema.js';
import { blessedColor, colorIndex, noColorRequested, resolveTheme } from '../../src/tui/theme.js';

// @types/blessed declares only colors.match.
const colors = blessed.colors as unknown as { colors: string[]; convert(color: string | number): number };
const XTERM_HEX = colors.colors;

function theme(overrides: Partial<ThemeRoles> = {}): Theme {
  const base: RoleStyle = { fg: '#d0d0d0', bg: 'default' };
  const roles = Object.fromEntries(THEME_ROLES.map((role) => [role, base])) as ThemeRoles;
  return { name: 'test', roles: { ...roles, ...overrides } };
}

describe('colorIndex', () => {
  it('maps every fixed palette colour (16-255) to its own index', () => {
    for (let i = 16; i < 256; i++) expect(colorIndex(XTERM_HEX[i] as `#${string}`)).toBe(i);
  });

  it('maps other colours to the nearest fixed one, never to 0-15', () => {
    expect(colorIndex('#000000')).toBe(16);
    expect(colorIndex('#ffffff')).toBe(231);
    expect(colorIndex('#5fafff')).toBe(75);
    expect(colorIndex('#5eb0fe')).toBe(75);
    expect(colorIndex('#7f7f7f')).toBe(244);
  });

  it('maps names to 0-15 and keeps numbers', () => {
    expect(COLOR_NAMES.map((name) => colorIndex(name))).toEqual([...Array(16).keys()]);
    expect(colorIndex(42)).toBe(42);
    expect(colorIndex('default')).toBeUndefined();
  });
});

describe('blessedColor', () => {
  it('gives values blessed converts to the intended colour', () => {
    for (const [color, index] of [['bright-red', 9], ['red', 1], ['bright-black', 8], [200, 200], ['#5fafff', 75]] as const) {
      expect(colors.convert(blessedColor(color))).toBe(index);
    }
    expect(blessedColor('default')).toBe('default');
    expect(blessedColor('bright-white')).toBe('brightwhite');
  });
});

describe('resolveTheme', () => {
  it('turns roles into blessed styles', () => {
    const resolved = resolveTheme(theme({ 'border.focus': { fg: '#5fafff', bold: true }, status: { fg: 'black', bg: 7, inverse: false } }), { noColor: false });
    expect(resolved.style('border.focus')).toEqual({ fg: 75, bold: true });
    expect(resolved.style('status')).toEqual({ fg: 'black', bg: 7, inverse: false });
    expect(resolved.style('fg')).toEqual({ fg: 252, bg: 'default' });
    expect(resolved.fgIndex('border.focus')).toBe(75);
    expect(resolved.name).toBe('test');
  });

  it('hands out a fresh style object each time', () => {
    const resolved = resolveTheme(theme(), { noColor: false });
    const style = resolved.style('title');
    style.bold = true;
    expect(resolved.style('title')).not.toBe(style);
    expect(resolved.style('title').bold).toBeUndefined();
  });

  it('drops colours without NO_COLOR but keeps roles that carry meaning visible', () => {
    const resolved = resolveTheme(theme({ title: { fg: 'red', bold: true, underline: true } }), { noColor: true });
    for (const role of THEME_ROLES) {
      expect(resolved.style(role).fg).toBeUndefined();
      expect(resolved.style(role).bg).toBeUndefined();
      expect(resolved.fgIndex(role)).toBeUndefined();
    }
    expect(resolved.style('title')).toEqual({ bold: true, underline: true });
    expect(resolved.style('list.selected')).toEqual({ inverse: true });
    expect(resolved.style('list.waiting')).toEqual({ bold: true, inverse: true });
    expect(resolved.style('border.focus')).toEqual({ bold: true });
    expect(resolved.style('chat.error')).toEqual({ bold: true });
    expect(resolved.style('status')).toEqual({ inverse: true });
    // A suggestion in the input line must not pass for typed text.
    expect(resolved.style('input.suggestion')).toEqual({ underline: true });
    for (const role of ['flash.success', 'flash.failure', 'flash.attention'] as const) {
      expect(resolved.style(role)).toEqual({ bold: true, inverse: true });
    }
    expect(resolved.style('fg')).toEqual({});
  });
});

describe('noColorRequested', () => {
  it('follows no-color.org: set and not empty', () => {
    expect(noColorRequested({ NO_COLOR: '1' })).toBe(true);
    expect(noColorRequested({ NO_COLOR: '' })).toBe(false);
    expect(noColorRequested({})).toBe(false);
  });
});
