// The agent profiles a workspace offers, as `agentmux agents` and `/agents --profiles` show them.
import type { AgentProfile } from './agent-profile.js';
import { truncate } from './format.js';
import { printable } from './printable.js';

/** Where a profile file was found, highest precedence first. */
export type ProfileScope = 'project' | 'user' | 'claude';

export interface ProfileEntry {
  /** From the file's name. */
  name: string;
  scope: ProfileScope;
  /** The file, as shown to the user (`.agentmux/agents/reviewer.md`, `~/.config/agentmux/agents/x.md`). */
  source: string;
  /** Read and valid; absent when `error` says what is wrong. */
  profile?: AgentProfile;
  error?: string;
  /** Files of the same name lower in precedence, not used. */
  hidden?: string[];
}

/** Claude Code's descriptions often carry examples: the listing shows their start. */
const DESCRIPTION_CHARS = 200;

/** Profile files hold what anyone who can write the repository wrote: shown only as printable text. */
const shown = (text: string): string => printable(text).replace(/\s+/g, ' ').trim();

/** A few lines per profile: name and description; tools, model and file; or the error. */
export function describeProfiles(entries: readonly ProfileEntry[], searched: readonly string[]): string {
  if (entries.length === 0) return `No agent profiles: none in ${searched.join(', ')}`;
  return entries.map((entry) => {
    const lines: string[] = [];
    if (entry.profile) {
      const { description, tools, model } = entry.profile;
      lines.push(`${entry.name} · ${truncate(shown(description), DESCRIPTION_CHARS)}`);
      lines.push(`  tools ${tools ? tools.join(', ') : 'all'} · model ${model ? shown(model) : 'configured'} · ${shown(entry.source)}`);
    } else {
      lines.push(`${entry.name} ✖ ${shown(entry.error ?? 'unreadable')}`);
    }
    for (const path of entry.hidden ?? []) lines.push(`  ${shown(path)} is hidden by it`);
    return lines.join('\n');
  }).join('\n');
}
