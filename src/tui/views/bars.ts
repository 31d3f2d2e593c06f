// One-row views: the main pane's header, the status bar and the flash banner.
import type { AgentInfo } from '../../core/agent.js';
import { formatCost, formatDuration, formatTokens } from '../../core/format.js';
import { describeFlash, type ModelStatus, type SessionStatus } from '../../core/protocol.js';
import type { ShownFlash } from '../client-model.js';
import { fitText, padText, textWidth, type Segment, type StyledLine } from '../styled-text.js';
import { elapsedOf, STATE_GLYPH } from './agent-list-view.js';
import { FLASH_GLYPH, FLASH_ROLE } from './chat-view.js';
import { sumMeters } from './meter.js';

export type Focus = 'input' | 'list' | 'agent' | 'compare' | 'spend';

export function headerRow(
  width: number, attached: AgentInfo | undefined, model: ModelStatus, busy: boolean, now: number, view: 'chat' | 'compare' | 'spend' = 'chat',
  scrollBack = 0,
): StyledLine {
  const demo = model.demo === true;
  const segments: Segment[] = [];
  if (attached) {
    segments.push(
      { text: ` ${STATE_GLYPH[attached.state]} `, role: `state.${attached.state}` },
      { text: attached.name, role: 'title' },
      { text: ` · ${attached.state} · ${formatDuration(elapsedOf(attached, now))}`, role: 'muted' },
      ...(scrollBack > 0 ? [{ text: ` · ▲ ${scrollBack} lines up, any key: live`, role: 'state.waiting' as const }] : []),
      { text: ` · ${fitText(attached.task, Math.max(0, width - attached.name.length - 30))}`, role: 'muted' },
    );
  } else {
    segments.push({ text: ' agentmux', role: 'title' }, { text: ` · ${view}`, role: 'muted' });
    if (demo) segments.push({ text: ' ' }, { text: ' DEMO ', role: 'demo' });
    if (model.profile) segments.push({ text: ` · as ${model.profile}`, role: 'muted' });
    if (model.configured && model.model) segments.push({ text: ` · ${model.model}`, role: 'muted' });
    else if (!model.configured) segments.push({ text: ' · model not configured', role: 'muted' });
    if (busy) segments.push({ text: ' · thinking…', role: 'state.running' });
  }
  return { segments: fitSegments(segments, width) };
}

export interface KeyHint {
  key: string;
  label: string;
}

/** The session's figures the status bar totals: the main agent's and its suggestions' meters, and the session's budget. */
export type SessionSpendStatus = Pick<SessionStatus, 'mainUsage' | 'suggestionUsage' | 'budgetUsd'>;

export function statusRow(
  width: number, hints: readonly KeyHint[], agents: readonly AgentInfo[], session: SessionSpendStatus, themeName: string,
): StyledLine {
  const { mainUsage, suggestionUsage, budgetUsd } = session;
  const running = agents.filter((agent) => agent.state === 'running').length;
  const waiting = agents.filter((agent) => agent.state === 'waiting').length;
  const unread = agents.filter((agent) => agent.unread).length;
  const totals = [`${running} running`];
  if (waiting) totals.push(`${waiting} waiting`);
  if (unread) totals.push(`${unread} new`);
  const meters = [...(mainUsage ? [mainUsage] : []), ...(suggestionUsage ? [suggestionUsage] : []), ...agents.flatMap((agent) => (agent.usage ? [agent.usage] : []))];
  if (meters.length > 0) {
    const sum = sumMeters(meters);
    totals.push(`${formatTokens(sum.tokens)} tok${sum.costUsd !== undefined ? ` ${formatCost(sum.costUsd)}` : ''}${budgetUsd !== undefined ? ` of ${formatCost(budgetUsd)}` : ''}`);
  } else if (budgetUsd !== undefined) {
    totals.push(`budget ${formatCost(budgetUsd)}`);
  }
  const left: Segment[] = [];
  for (const hint of hints) {
    left.push({ text: ' ' }, { text: hint.key, role: 'status.key' }, { text: ` ${hint.label}`, role: 'status' });
  }
  // The theme's name is the first thing to go when the key hints need the room.
  const withTheme = ` ${totals.join(' · ')} · ${themeName} `;
  const leftWidth = left.reduce((sum, segment) => sum + textWidth(segment.text), 0);
  const right = leftWidth + textWidth(withTheme) <= width ? withTheme : ` ${totals.join(' · ')} `;
  const leftFitted = fitSegments(left, Math.max(0, width - textWidth(right)));
  const used = leftFitted.reduce((sum, segment) => sum + textWidth(segment.text), 0);
  return {
    fill: 'status',
    segments: [...leftFitted, { text: padText(right, width - used, 'right'), role: 'status' }],
  };
}

/** Rows of the flash banner: one per shown flash, newest last. */
export function flashRows(flashes: readonly ShownFlash[], width: number): StyledLine[] {
  return flashes.map((shown) => {
    const role = 'flash' in shown ? FLASH_ROLE[shown.flash.word] : 'flash.failure';
    const glyph = 'flash' in shown ? FLASH_GLYPH[shown.flash.word] : '✖';
    const text = 'flash' in shown ? describeFlash(shown.flash) : shown.refusal;
    return { fill: role, segments: [{ text: ` ${glyph} ${fitText(text, Math.max(0, width - 4))}`, role }] };
  });
}

/** Keeps the segments that fit in `width` columns, cutting the last one with "…". */
export function fitSegments(segments: Segment[], width: number): Segment[] {
  const out: Segment[] = [];
  let used = 0;
  for (const segment of segments) {
    const w = textWidth(segment.text);
    if (used + w <= width) {
      out.push(segment);
      used += w;
    } else {
      const room = width - used;
      if (room > 0) out.push({ ...segment, text: fitText(segment.text, room) });
      break;
    }
  }
  return out;
}
