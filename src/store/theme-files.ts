// Loads themes: the bundled themes/NAME.json, or a user's $XDG_CONFIG_HOME/agentmux/themes/NAME.json, which wins.

import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { completeTheme, isThemeName, THEME_NAME_RULE, validateThemeFile, type Theme } from '../core/theme-schema.js';
import { displayPath, userConfigDir, type Env } from './config-files.js';
import { readJsonFile } from './json-file.js';

// This module runs as src/store/theme-files.ts (tests) or dist/store/theme-files.js: both two levels below the root.
export const BUNDLED_THEMES_DIR = fileURLToPath(new URL('../../themes/', import.meta.url));

export interface ThemeLocation {
  env: Env;
  homeDir: string;
  /** Defaults to BUNDLED_THEMES_DIR. */
  bundledDir?: string;
}

export type ThemeLoad = { ok: true; theme: Theme; source: string } | { ok: false; error: string };

export function userThemesDir(env: Env, homeDir: string): string {
  return join(userConfigDir(env, homeDir), 'themes');
}

/** Names of all themes, bundled and the user's, sorted. */
export async function listThemes(location: ThemeLocation): Promise<string[]> {
  const dirs = [location.bundledDir ?? BUNDLED_THEMES_DIR, userThemesDir(location.env, location.homeDir)];
  const names = new Set<string>();
  for (const dir of dirs) {
    const files = await readdir(dir).catch(() => []);
    for (const file of files) {
      const name = basename(file, '.json');
      if (file.endsWith('.json') && isThemeName(name)) names.add(name);
    }
  }
  return [...names].sort();
}

/** Loads theme `name` (not "auto": resolve that first), following "extends". */
export async function loadTheme(name: string, location: ThemeLocation): Promise<ThemeLoad> {
  return load(name, location, { chain: [], userDir: true, context: '' });
}

interface Lookup {
  /** Files already being loaded further down an "extends" chain. */
  chain: string[];
  /** False when a user theme extends the bundled theme of the same name. */
  userDir: boolean;
  /** Prefix for a "not found" error, naming the file that asked for the theme. */
  context: string;
}

async function load(name: string, location: ThemeLocation, lookup: Lookup): Promise<ThemeLoad> {
  if (!isThemeName(name)) {
    return { ok: false, error: `${lookup.context}${JSON.stringify(name)} is not a theme name (use ${THEME_NAME_RULE})` };
  }
  const userPath = join(userThemesDir(location.env, location.homeDir), `${name}.json`);
  const paths = [...(lookup.userDir ? [userPath] : []), join(location.bundledDir ?? BUNDLED_THEMES_DIR, `${name}.json`)];
  for (const path of paths) {
    const label = displayPath(path, location.homeDir);
    const read = await readJsonFile(path, label);
    if (!read.ok) return read;
    if (!read.found) continue;
    const validated = validateThemeFile(read.value, label);
    if (!validated.ok) return validated;
    const file = validated.value;
    let base: Theme | undefined;
    if (file.extends !== undefined) {
      if (lookup.chain.includes(path)) return { ok: false, error: `${label}: extends: "${file.extends}" leads back to this file` };
      const loaded = await load(file.extends, location, {
        chain: [...lookup.chain, path],
        userDir: !(path === userPath && file.extends === name),
        context: `${label}: extends: `,
      });
      if (!loaded.ok) return loaded;
      base = loaded.theme;
    }
    const completed = completeTheme(file, name, base, label);
    return completed.ok ? { ok: true, theme: completed.value, source: path } : completed;
  }
  const looked = paths.map((path) => displayPath(path, location.homeDir)).join(' and ');
  const available = (await listThemes(location)).join(', ') || 'none';
  return { ok: false, error: `${lookup.context}theme "${name}" not found (looked for ${looked}; available: ${available})` };
}
