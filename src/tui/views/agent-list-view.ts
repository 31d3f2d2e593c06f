// The agent list: two rows per agent (glyph, name, elapsed; state and last line).
import { shortStateLabel, type AgentInfo, type AgentState } from '../../core/agent.js';
import { budgetLevel, spentOf } from '../../core/budget.js';
import type { WorktreeInfo } from '../../core/worktree.js';
import { formatDuration } from '../../core/format.js';
import type { ThemeRole } from '../../core/theme-schema.js';
import { fitText, line, padText, type StyledLine } from '../styled-text.js';
import { meterText } from './meter.js';

export const STATE_GLYPH: Record<AgentState, string> = {
  queued: '○',
  running: '●',
  waiting: '◆',
  idle: '◇',
  finished: '✔',
  failed: '✖',
  killed: '■',
  lost: '?',
  unknown: '?',
};

export function elapsedOf(agent: AgentInfo, now: number): number {
  return (agent.endedAt ?? now) - agent.startedAt;
}

function agentRows(agent: AgentInfo, width: number, selected: boolean, now: number): StyledLine[] {
  const stateRole = `state.${agent.state}` as ThemeRole;
  const fill: ThemeRole | undefined = selected ? 'list.selected' : agent.state === 'waiting' ? 'list.waiting' : undefined;
  const elapsed = formatDuration(elapsedOf(agent, now));
  const mark = agent.unread ? ' •' : '';
  const nameWidth = Math.max(1, width - 3 - elapsed.length - 1 - mark.length);
  // The host it runs on stays beside its name; a long name gives way first.
  const hostTag = agent.host ? fitText(`@${agent.host}`, Math.max(0, nameWidth - 4)) : '';
  const name = fitText(agent.name, Math.max(1, nameWidth - hostTag.length));
  const first: StyledLine = {
    fill,
    segments: [
      { text: ` ${STATE_GLYPH[agent.state]} `, role: stateRole },
      { text: name, role: agent.unread ? 'list.unread' : undefined, style: { bold: true } },
      { text: padText(hostTag, nameWidth - name.length), role: 'muted' },
      { text: mark, role: 'list.unread' },
      { text: ` ${elapsed}`, role: 'muted' },
    ],
  };
  const stateWord = agent.state === 'failed' && agent.exitCode !== undefined ? `failed ${agent.exitCode}` : shortStateLabel(agent, width - 3);
  const rest = Math.max(0, width - 3 - stateWord.length - (agent.profile ? agent.profile.length + 4 : 0) - 3);
  const detail = agent.state === 'waiting' && agent.question ? agent.question : agent.lastLine;
  const second: StyledLine = {
    fill,
    segments: [
      { text: '   ' },
      { text: stateWord, role: stateRole },
      ...(agent.profile ? [{ text: ` as ${agent.profile}`, role: 'muted' as const }] : []),
      { text: detail ? ` · ${fitText(detail, rest)}` : '', role: agent.state === 'waiting' ? stateRole : 'muted' },
    ],
  };
  const rows = [first, second];
  if (agent.usage) {
    // Most of its budget spent (or all: it is paused), the meter says so in the warning colour.
    const role: ThemeRole = budgetLevel(spentOf(agent.usage), agent.budget) === 'under' ? 'meter' : 'meter.warning';
    rows.push({ fill, segments: [{ text: '   ' }, { text: fitText(meterText(agent.usage, width - 3, agent.budget), width - 3), role }] });
  }
  if (agent.worktree) rows.push({ fill, segments: [{ text: '   ' }, { text: fitText(worktreeText(agent.worktree), width - 3), role: 'muted' }] });
  return rows;
}

/** "⎇ ui-dark ↑2 · 3 files +40 −5", or that its directory is gone. */
export function worktreeText(worktree: WorktreeInfo): string {
  const branch = worktree.branch.replace(/^agentmux\//, '');
  if (worktree.missing) return `⎇ ${branch} · worktree deleted`;
  const parts = [`⎇ ${branch} ↑${worktree.ahead ?? 0}`];
  if (worktree.filesChanged) parts.push(`${worktree.filesChanged} file${worktree.filesChanged === 1 ? '' : 's'} +${worktree.insertions ?? 0} −${worktree.deletions ?? 0}`);
  if (worktree.uncommitted) parts.push('uncommitted');
  return parts.join(' · ');
}

function rowsPerAgent(agent: AgentInfo): number {
  return 2 + (agent.usage ? 1 : 0) + (agent.worktree ? 1 : 0);
}

/** Rows for the list, scrolled so the selected agent is visible (two or three rows an agent). */
export function agentListRows(
  agents: readonly AgentInfo[], selected: number, focused: boolean, width: number, height: number, now: number,
): StyledLine[] {
  const title: StyledLine = line(
    { text: ' agents', role: focused ? 'border.focus' : 'title' },
    { text: agents.length ? ` (${agents.length})` : '', role: 'muted' },
  );
  const rows: StyledLine[] = [title];
  if (agents.length === 0) {
    rows.push(line(), ...['No agents yet.', 'Start one with', '/run -- COMMAND'].map((text) => line({ text: ` ${fitText(text, width - 1)}`, role: 'muted' })));
    return rows;
  }
  const perAgent = Math.max(...agents.map(rowsPerAgent));
  const fits = Math.max(1, Math.floor((height - 1) / perAgent));
  const first = Math.min(Math.max(0, selected - fits + 1), Math.max(0, agents.length - fits));
  for (const [index, agent] of agents.slice(first, first + fits).entries()) {
    rows.push(...agentRows(agent, width, focused && first + index === selected, now));
  }
  return rows.slice(0, height);
}
