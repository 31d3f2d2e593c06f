import { describe, expect, it } from 'vitest';
import { completeTheme, isColor, isThemeName, THEME_ROLES, validateThemeFile, type Theme } from '../../src/core/theme-schema.js';

const LABEL = 'themes/light.json';

function errorOf(obj: unknown): string {
  const result = validateThemeFile(obj, LABEL);
  if (result.ok) throw new Error('expected a validation error');
  return result.error;
}

function fullRoles(): Record<string, object> {
  return Object.fromEntries(THEME_ROLES.map((role) => [role, { fg: 'default' }]));
}

describe('isColor', () => {
  it.each(['default', '#00aaFF', 0, 255, 'red', 'bright-white'])('accepts %j', (value) => {
    expect(isColor(value)).toBe(true);
  });
  it.each(['#12345', '#1234567', 'fff', 256, -1, 1.5, 'brightred', 'orange', null, true])('rejects %j', (value) => {
    expect(isColor(value)).toBe(false);
  });
});

describe('validateThemeFile', () => {
  it('accepts a complete theme and one that extends another', () => {
    expect(validateThemeFile({ name: 'x', roles: fullRoles() }, LABEL).ok).toBe(true);
    expect(validateThemeFile({ extends: 'dark', roles: { fg: { fg: 1, bold: true } } }, LABEL).ok).toBe(true);
  });

  it('names the file, the key and what is expected for a bad colour', () => {
    expect(errorOf({ roles: { 'state.running': { fg: '#12345' } } })).toBe(
      'themes/light.json: roles.state.running.fg: "#12345" is not a colour (use "default", "#rrggbb", 0-255 or a colour name)',
    );
  });

  it('rejects unknown roles, unknown style keys and non-boolean attributes', () => {
    expect(errorOf({ roles: { 'list.focus': {} } })).toMatch(/^themes\/light\.json: roles\.list\.focus: unknown role \(known: fg, muted, /);
    expect(errorOf({ roles: { fg: { italic: true } } })).toBe(
      'themes/light.json: roles.fg.italic: unknown style key (known: fg, bg, bold, underline, inverse)',
    );
    expect(errorOf({ roles: { fg: { bold: 'yes' } } })).toBe('themes/light.json: roles.fg.bold: expected true or false, got "yes"');
    expect(errorOf({ roles: { fg: '#ffffff' } })).toMatch(/^themes\/light\.json: roles\.fg: expected an object/);
  });

  it('rejects a wrong top level', () => {
    expect(errorOf([])).toMatch(/^themes\/light\.json: expected a JSON object/);
    expect(errorOf({ roles: {}, colors: {} })).toBe('themes/light.json: colors: unknown key (known: name, extends, roles)');
    expect(errorOf({ name: 'x' })).toMatch(/: roles: expected an object/);
    expect(errorOf({ name: 3, roles: {} })).toBe('themes/light.json: name: expected a string');
    expect(errorOf({ extends: '../dark', roles: {} })).toMatch(/: extends: "\.\.\/dark" is not a theme name/);
  });

  it('every message is one line', () => {
    expect(errorOf({ roles: { nope: {} } })).not.toContain('\n');
  });
});

describe('completeTheme', () => {
  const base: Theme = { name: 'dark', roles: fullRoles() as Theme['roles'] };

  it('requires every role without a base', () => {
    const result = completeTheme({ roles: { fg: {} } }, 'mine', undefined, LABEL);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^themes\/light\.json: roles: missing muted, border, /);
  });

  it('gives a complete theme written before a role was added that role\'s stand-in', () => {
    const before = fullRoles();
    delete before['input.suggestion'];
    const result = completeTheme({ roles: { ...before, muted: { fg: 'red' } } }, 'mine', undefined, LABEL);
    expect(result).toMatchObject({ ok: true, value: { roles: { 'input.suggestion': { fg: 'red' } } } });
  });

  it('takes missing roles from the base, replacing overridden roles whole', () => {
    const result = completeTheme({ roles: { border: { fg: 'red' } } }, 'mine', base, LABEL);
    expect(result).toEqual({ ok: true, value: { name: 'mine', roles: { ...base.roles, border: { fg: 'red' } } } });
  });
});

describe('isThemeName', () => {
  it('allows plain names only', () => {
    expect(isThemeName('high-contrast')).toBe(true);
    expect(isThemeName('my_theme2')).toBe(true);
    for (const bad of ['', '.hidden', 'a/b', 'a.json', '-x']) expect(isThemeName(bad)).toBe(false);
  });
});
