// Finds and loads the user's and the project's config files and merges them over the defaults.

import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, sep } from 'node:path';
import { compactionConflict } from '../core/compaction-settings.js';
import { DEFAULT_CONFIG, keyConflict, mergeConfig, validateConfigFile, type Config, type ConfigFile } from '../core/config-schema.js';
import { readJsonFile } from './json-file.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ConfigLocation {
  cwd: string;
  env: Env;
  homeDir: string;
}

export type ConfigLoad = { ok: true; config: Config; sources: string[] } | { ok: false; error: string };

/** `$XDG_CONFIG_HOME/agentmux`, or `~/.config/agentmux`; a relative XDG_CONFIG_HOME is ignored, as the spec says. */
export function userConfigDir(env: Env, homeDir: string): string {
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homeDir, '.config'), 'agentmux');
}

/** `path` as shown to the user: the home directory as `~`. */
export function displayPath(path: string, homeDir: string): string {
  if (path === homeDir) return '~';
  return homeDir && path.startsWith(homeDir + sep) ? `~${path.slice(homeDir.length)}` : path;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The root of the git work tree containing `cwd`, or `cwd` itself outside one. */
export async function findProjectRoot(cwd: string): Promise<string> {
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (await exists(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return cwd;
  }
}

/** The config files that apply, lowest precedence first. */
export async function configPaths({ cwd, env, homeDir }: ConfigLocation): Promise<string[]> {
  const projectRoot = await findProjectRoot(cwd);
  return [join(userConfigDir(env, homeDir), 'config.json'), join(projectRoot, '.agentmux', 'config.json')];
}

/** The defaults, then the user's config file, then the project's; `sources` lists the files found. */
export async function loadConfig(location: ConfigLocation): Promise<ConfigLoad> {
  const partials: ConfigFile[] = [];
  const sources: string[] = [];
  for (const path of await configPaths(location)) {
    const label = displayPath(path, location.homeDir);
    const read = await readJsonFile(path, label);
    if (!read.ok) return read;
    if (!read.found) continue;
    const validated = validateConfigFile(read.value, label);
    if (!validated.ok) return validated;
    partials.push(validated.value);
    sources.push(path);
  }
  const config = mergeConfig(DEFAULT_CONFIG, ...partials);
  const conflict = keyConflict(config.keys) ?? compactionConflict(config.compaction);
  if (conflict) {
    const where = sources.map((path) => displayPath(path, location.homeDir)).join(', ') || 'default config';
    return { ok: false, error: `${where}: ${conflict}` };
  }
  return { ok: true, config, sources };
}
