// The chat history as styled rows, newest at the bottom.
import type { ChatEntry, FlashWord } from '../../core/protocol.js';
import type { ThemeRole } from '../../core/theme-schema.js';
import { markdownRows } from '../markdown.js';
import { line, wrapText, type StyledLine } from '../styled-text.js';

export const FLASH_ROLE: Record<FlashWord, ThemeRole> = {
  finished: 'flash.success',
  failed: 'flash.failure',
  killed: 'flash.failure',
  lost: 'flash.failure',
  'needs input': 'flash.attention',
  idle: 'flash.success',
  'shares a file': 'flash.attention',
  budget: 'flash.attention',
};

export const FLASH_GLYPH: Record<FlashWord, string> = {
  finished: '✔',
  failed: '✖',
  killed: '■',
  lost: '?',
  'needs input': '◆',
  idle: '◇',
  'shares a file': '⚠',
  budget: '$',
};

const ENTRY_STYLE: Record<ChatEntry['role'], { prefix: string; role: ThemeRole }> = {
  user: { prefix: '› ', role: 'chat.user' },
  assistant: { prefix: '', role: 'chat.assistant' },
  system: { prefix: '', role: 'chat.system' },
  error: { prefix: '✖ ', role: 'chat.error' },
  event: { prefix: '', role: 'chat.system' },
  tool: { prefix: '⚙ ', role: 'chat.tool' },
  notice: { prefix: '· ', role: 'muted' },
};

// Wrapping every entry on every frame would cost more as the history grows.
const wrapped = new WeakMap<ChatEntry, { width: number; rows: StyledLine[] }>();

function entryRows(entry: ChatEntry, width: number): StyledLine[] {
  if (entry.role === 'assistant' && !entry.text && !entry.open) return [];
  const cached = wrapped.get(entry);
  if (cached?.width === width) return cached.rows;
  const rows = wrapEntry(entry, width);
  wrapped.set(entry, { width, rows });
  return rows;
}

function wrapEntry(entry: ChatEntry, width: number): StyledLine[] {
  if (entry.role === 'assistant') {
    const rows = markdownRows(entry.text, width);
    if (entry.open) rows.push(line({ text: '▍', role: 'muted' }));
    return rows;
  }
  if (entry.role === 'event' && entry.flash) {
    const word = entry.flash.word;
    const prefix = `${FLASH_GLYPH[word]} `;
    return wrapText(entry.text, Math.max(1, width - prefix.length)).map((text, index) =>
      line({ text: index === 0 ? prefix : '  ', role: FLASH_ROLE[word] }, { text, role: 'chat.system' }));
  }
  const { prefix, role } = ENTRY_STYLE[entry.role];
  const indent = ' '.repeat(prefix.length);
  const suffix = entry.open && entry.role === 'tool' ? ' …' : '';
  // A pasted message keeps its tabs for the model; on screen they are four columns.
  return wrapText((entry.text + suffix).replace(/\t/g, '    '), Math.max(1, width - prefix.length)).map((text, index) =>
    line({ text: (index === 0 ? prefix : indent) + text, role }));
}

/**
 * The rows that fit in `height`, bottom-aligned, `scrollBack` rows up from the newest.
 * Returns the rows and how far one can scroll back at most.
 */
export function chatRows(entries: readonly ChatEntry[], width: number, height: number, scrollBack: number):
{ rows: StyledLine[]; maxScroll: number } {
  const rows: StyledLine[] = [];
  for (const entry of entries) {
    const own = entryRows(entry, width);
    if (own.length === 0) continue;
    if (rows.length > 0 && (entry.role === 'user' || entry.role === 'assistant')) rows.push(line());
    rows.push(...own);
  }
  const maxScroll = Math.max(0, rows.length - height);
  const offset = Math.min(Math.max(0, scrollBack), maxScroll);
  const end = rows.length - offset;
  const visible = rows.slice(Math.max(0, end - height), end);
  const padding = Array.from({ length: height - visible.length }, () => line());
  return { rows: [...padding, ...visible], maxScroll };
}
