import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUNDLED_THEMES, THEME_ROLES } from '../../src/core/theme-schema.js';
import { BUNDLED_THEMES_DIR, listThemes, loadTheme, type ThemeLocation } from '../../src/store/theme-files.js';

let home: string;
let location: ThemeLocation;
let userThemes: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'agentmux-themes-'));
  location = { env: {}, homeDir: home };
  userThemes = join(home, '.config', 'agentmux', 'themes');
  await mkdir(userThemes, { recursive: true });
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function userTheme(name: string, content: unknown): Promise<void> {
  await writeFile(join(userThemes, `${name}.json`), JSON.stringify(content));
}

describe('bundled themes', () => {
  it('lives in themes/ at the repository root', () => {
    expect(BUNDLED_THEMES_DIR).toBe(join(import.meta.dirname, '..', '..', 'themes') + '/');
  });

  it.each(BUNDLED_THEMES)('%s is complete on its own', async (name) => {
    const loaded = await loadTheme(name, location);
    if (!loaded.ok) throw new Error(loaded.error);
    expect(loaded.source).toBe(join(BUNDLED_THEMES_DIR, `${name}.json`));
    expect(Object.keys(loaded.theme.roles).sort()).toEqual([...THEME_ROLES].sort());
  });
});

describe('loadTheme', () => {
  it('prefers a user theme to the bundled one', async () => {
    await userTheme('dark', { extends: 'light', roles: {} });
    const loaded = await loadTheme('dark', location);
    const light = await loadTheme('light', location);
    if (!loaded.ok || !light.ok) throw new Error('load failed');
    expect(loaded.source).toBe(join(userThemes, 'dark.json'));
    expect(loaded.theme).toEqual({ ...light.theme, name: 'dark' });
  });

  it('lets a user theme extend the bundled theme of the same name', async () => {
    await userTheme('dark', { extends: 'dark', roles: { border: { fg: 'red' } } });
    const loaded = await loadTheme('dark', location);
    if (!loaded.ok) throw new Error(loaded.error);
    expect(loaded.theme.roles.border).toEqual({ fg: 'red' });
    expect(loaded.theme.roles['border.focus']).toEqual({ fg: '#5fafff', bold: true });
  });

  it('follows XDG_CONFIG_HOME', async () => {
    const xdg = join(home, 'xdg');
    await mkdir(join(xdg, 'agentmux', 'themes'), { recursive: true });
    await writeFile(join(xdg, 'agentmux', 'themes', 'mine.json'), JSON.stringify({ extends: 'light', roles: {} }));
    const loaded = await loadTheme('mine', { ...location, env: { XDG_CONFIG_HOME: xdg } });
    expect(loaded.ok && loaded.source).toBe(join(xdg, 'agentmux', 'themes', 'mine.json'));
  });

  it('reports a missing theme with what it looked for', async () => {
    await userTheme('mine', { extends: 'dark', roles: {} });
    const loaded = await loadTheme('solarized', location);
    expect(loaded).toEqual({
      ok: false,
      error: `theme "solarized" not found (looked for ~/.config/agentmux/themes/solarized.json and ${BUNDLED_THEMES_DIR}solarized.json; available: dark, high-contrast, light, mine)`,
    });
  });

  it('names the file of an invalid or incomplete user theme', async () => {
    await userTheme('bad', { extends: 'dark', roles: { fg: { fg: 'orange' } } });
    await userTheme('partial', { roles: { fg: {} } });
    await userTheme('broken-base', { extends: 'nope', roles: {} });
    await writeFile(join(userThemes, 'syntax.json'), '{"roles": {');
    const error = async (name: string) => {
      const loaded = await loadTheme(name, location);
      return loaded.ok ? 'ok' : loaded.error;
    };
    expect(await error('bad')).toMatch(/^~\/\.config\/agentmux\/themes\/bad\.json: roles\.fg\.fg: "orange" is not a colour/);
    expect(await error('partial')).toMatch(/^~\/\.config\/agentmux\/themes\/partial\.json: roles: missing muted, /);
    expect(await error('broken-base')).toMatch(/^~\/\.config\/agentmux\/themes\/broken-base\.json: extends: theme "nope" not found/);
    expect(await error('syntax')).toBe('~/.config/agentmux/themes/syntax.json: invalid JSON at line 1, column 12: unexpected end of file');
    expect(await error('../x')).toMatch(/^"\.\.\/x" is not a theme name/);
  });

  it('detects extends cycles', async () => {
    await userTheme('a', { extends: 'b', roles: {} });
    await userTheme('b', { extends: 'a', roles: {} });
    const loaded = await loadTheme('a', location);
    expect(loaded).toEqual({ ok: false, error: '~/.config/agentmux/themes/a.json: extends: "b" leads back to this file' });
  });
});

describe('listThemes', () => {
  it('lists bundled and user themes once each', async () => {
    await userTheme('dark', { extends: 'dark', roles: {} });
    await userTheme('zebra', { extends: 'dark', roles: {} });
    await writeFile(join(userThemes, 'notes.txt'), '');
    expect(await listThemes(location)).toEqual(['dark', 'high-contrast', 'light', 'zebra']);
  });
});
