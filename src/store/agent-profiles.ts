// Agent profiles on disk: `NAME.md` in the project's .agentmux/agents, the user's
// ~/.config/agentmux/agents and the project's .claude/agents (Claude Code's), in that order of
// precedence. Read afresh on every question, so an edited file counts at once.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAgentProfile, type AgentProfile, type ModelCatalog } from '../core/agent-profile.js';
import { nameError } from '../core/names.js';
import type { ProfileEntry, ProfileScope } from '../core/profile-listing.js';
import { displayPath, userConfigDir, type Env } from './config-files.js';

interface ProfileDir {
  scope: ProfileScope;
  dir: string;
  /** The directory as shown to the user. */
  shown: string;
}

/** Larger than any role a worker takes (core/agent-profile.ts), and small enough to read whole. */
const MAX_FILE_BYTES = 256 * 1024;

export class AgentProfiles {
  private readonly dirs: ProfileDir[];

  /** `workspace`: the repository root whose profiles these are. */
  constructor(workspace: string, env: Env, homeDir: string, private readonly models: ModelCatalog) {
    const inProject = (scope: ProfileScope, ...parts: string[]): ProfileDir => ({ scope, dir: join(workspace, ...parts), shown: parts.join('/') });
    const user = join(userConfigDir(env, homeDir), 'agents');
    this.dirs = [inProject('project', '.agentmux', 'agents'), { scope: 'user', dir: user, shown: displayPath(user, homeDir) }, inProject('claude', '.claude', 'agents')];
  }

  /** The directories looked in, as shown. */
  get searched(): string[] {
    return this.dirs.map((dir) => dir.shown);
  }

  /** Every profile file found, one entry per name (the file that counts, with those it hides), by name. */
  async list(): Promise<ProfileEntry[]> {
    const byName = new Map<string, ProfileEntry>();
    for (const dir of this.dirs) {
      for (const file of await markdownFiles(dir.dir)) {
        const name = file.slice(0, -'.md'.length);
        const source = `${dir.shown}/${file}`;
        const earlier = byName.get(name);
        if (earlier) {
          earlier.hidden = [...(earlier.hidden ?? []), source];
          continue;
        }
        const read = await this.read(dir, file);
        byName.set(name, { name, scope: dir.scope, source, ...(typeof read === 'string' ? { error: read } : { profile: read }) });
      }
    }
    return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Profile `name` from the first place that has it, or one line saying why there is none to use. */
  async find(name: string): Promise<AgentProfile | string> {
    const invalid = nameError(name);
    if (invalid) return `no agent profile can be named so: ${invalid}`;
    for (const dir of this.dirs) {
      const file = `${name}.md`;
      if (!(await isFile(join(dir.dir, file)))) continue;
      return this.read(dir, file);
    }
    return `no agent profile named ${name} (looked for ${name}.md in ${this.searched.join(', ')}; agentmux agents lists them)`;
  }

  private async read(dir: ProfileDir, file: string): Promise<AgentProfile | string> {
    const label = `${dir.shown}/${file}`;
    const path = join(dir.dir, file);
    try {
      const info = await stat(path);
      if (info.size > MAX_FILE_BYTES) return `${label}: the file is ${info.size} bytes: a profile is at most ${MAX_FILE_BYTES}`;
      const parsed = parseAgentProfile(await readFile(path, 'utf8'), file, label, this.models);
      return parsed.ok ? parsed.profile : parsed.error;
    } catch (error) {
      return `${label}: cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
    }
  }
}

async function markdownFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((entry) => entry.name.endsWith('.md') && (entry.isFile() || entry.isSymbolicLink())).map((entry) => entry.name).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw error;
  }
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isFile(), () => false);
}
