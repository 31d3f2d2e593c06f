// The main agent's replies as readable terminal text: paragraphs, lists, headings,
// fenced code set apart, **bold** and `code` inline. A small subset, on purpose.
import type { ThemeRole } from '../core/theme-schema.js';
import { charWidth, textWidth, type Segment, type StyledLine } from './styled-text.js';

interface Token {
  text: string;
  role: ThemeRole;
  bold?: boolean;
}

function inlineTokens(text: string, role: ThemeRole, bold = false): Token[] {
  const tokens: Token[] = [];
  for (const part of text.split(/(\*\*[^*\n]+\*\*|`[^`\n]+`)/)) {
    if (!part) continue;
    if (part.startsWith('**') && part.endsWith('**') && part.length > 4) tokens.push({ text: part.slice(2, -2), role, bold: true });
    else if (part.startsWith('`') && part.endsWith('`') && part.length > 2) tokens.push({ text: part.slice(1, -1), role: 'chat.code', bold });
    else tokens.push({ text: part, role, bold });
  }
  return tokens;
}

function segmentOf(token: Token, text: string): Segment {
  return { text, role: token.role, ...(token.bold ? { style: { bold: true } } : {}) };
}

/** Word-wraps styled tokens; continuation rows start with `indent`. */
function wrapTokens(tokens: Token[], width: number, firstPrefix: Segment, indent: string): StyledLine[] {
  const rows: StyledLine[] = [];
  let segments: Segment[] = [firstPrefix];
  let used = textWidth(firstPrefix.text);
  const newRow = () => {
    rows.push({ segments });
    segments = [{ text: indent }];
    used = indent.length;
  };
  for (const token of tokens) {
    for (const word of token.text.split(/(\s+)/)) {
      if (!word) continue;
      const isSpace = /^\s+$/.test(word);
      const w = textWidth(word);
      if (used + w <= width) {
        segments.push(segmentOf(token, word));
        used += w;
      } else if (isSpace) {
        newRow();
      } else if (w <= width - indent.length) {
        newRow();
        segments.push(segmentOf(token, word));
        used += w;
      } else {
        // A word longer than a row is broken where the row ends.
        let piece = '';
        for (const char of word) {
          if (used + textWidth(piece) + charWidth(char) > width) {
            segments.push(segmentOf(token, piece));
            newRow();
            piece = '';
          }
          piece += char;
        }
        segments.push(segmentOf(token, piece));
        used += textWidth(piece);
      }
    }
  }
  rows.push({ segments });
  return rows;
}

export function markdownRows(text: string, width: number, role: ThemeRole = 'chat.assistant'): StyledLine[] {
  const rows: StyledLine[] = [];
  let inFence = false;
  let blank = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (/^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) {
      // Code keeps its lines; a line wider than the pane is cut, not wrapped.
      rows.push({ segments: [{ text: '  │ ', role: 'muted' }, { text: fitCode(line, width - 4), role: 'chat.code' }] });
      blank = false;
      continue;
    }
    if (!line.trim()) {
      if (!blank && rows.length > 0) rows.push({ segments: [] });
      blank = true;
      continue;
    }
    blank = false;
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      rows.push(...wrapTokens(inlineTokens(heading[1], 'title', true), width, { text: '' }, ''));
      continue;
    }
    const item = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) {
      const depth = Math.min(4, Math.floor(item[1].length / 2));
      const bullet = /\d/.test(item[2]) ? `${item[2]} ` : '• ';
      const prefix = `${'  '.repeat(depth)}${bullet}`;
      rows.push(...wrapTokens(inlineTokens(item[3], role), width, { text: prefix, role: 'muted' }, ' '.repeat(prefix.length)));
      continue;
    }
    rows.push(...wrapTokens(inlineTokens(line.trim(), role), width, { text: '' }, ''));
  }
  while (rows.length > 0 && rows[rows.length - 1].segments.length === 0) rows.pop();
  return rows;
}

function fitCode(text: string, width: number): string {
  const expanded = text.replace(/\t/g, '    ');
  if (textWidth(expanded) <= width) return expanded;
  let out = '';
  for (const char of expanded) {
    if (textWidth(out) + charWidth(char) > width - 1) break;
    out += char;
  }
  return `${out}…`;
}
