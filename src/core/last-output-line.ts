// The last line of an agent's screen as the list shows it: the latest line of output, never an
// agent CLI's fixed input area at the bottom — Claude Code's box (`╭─╮ │ > │ ╰─╯`) or rules
// around `❯`, Codex's `›` composer — nor the hints under it (`? for shortcuts`). Pure: rows in.
//
// What counts as that input area, read upward from the bottom row:
// - at most MAX_FOOTER rows of hints (and any blank rows);
// - then either a box: a row of box-drawing characters (its bottom edge or a rule), rows inside
//   holding a prompt row, and the row of box-drawing characters above them (its top edge);
// - or a prompt row standing on its own, with the rule above it if there is one.
// A prompt row is a prompt glyph at the start of a row, after a box's left edge or not: `│ > …`,
// `❯ …`, `› …`, or a glyph alone (`❯`, `>`). `> text` outside a box is output (npm prints
// `> build`, a quote starts with it), and so is a shell's `$ ` or `# `: a shell prints its prompt
// as output, and it is what says the shell waits for a command.
// Rows made only of box-drawing characters are never a last line, and box edges around a line
// of output are left off it (`│ ~/repo │` shows as `~/repo`).

const BOX_DRAWING = '\\u2500-\\u257f';
const ONLY_BOX_DRAWING = new RegExp(`^[\\s${BOX_DRAWING}]*$`);
/** A box's top or bottom edge, or a rule: box-drawing characters with a horizontal line among them. */
const HORIZONTAL = /[─━═╌╍┄┅┈┉╴╶╸╺]/;
const EDGES = new RegExp(`^[\\s${BOX_DRAWING}]+|[\\s${BOX_DRAWING}]+$`, 'g');
/** A prompt glyph after a box's left edge: Claude Code's `│ > Try "…" │`. */
const FRAMED_PROMPT = /^[│┃║]\s*[❯›>](\s|$)/;
/** A prompt glyph alone, or `❯`/`›` and the text typed or suggested after it. */
const PROMPT = /^([❯›>]|[❯›]\s.*)$/;
/** Hint rows under an input area, at most. */
const MAX_FOOTER = 4;

type Row = 'blank' | 'rule' | 'prompt' | 'text';

function kindOf(row: string): Row {
  const text = row.trim();
  if (ONLY_BOX_DRAWING.test(text)) return HORIZONTAL.test(text) ? 'rule' : 'blank';
  if (FRAMED_PROMPT.test(text) || PROMPT.test(text)) return 'prompt';
  return 'text';
}

/** The latest line of output in `rows` (top to bottom, plain text): above any input area at the bottom. */
export function lastOutputLine(rows: readonly string[]): string {
  for (let i = inputAreaTop(rows) - 1; i >= 0; i--) {
    const text = rows[i].replace(EDGES, '');
    if (text) return text;
  }
  return '';
}

/** The first row of the input area at the bottom of `rows`, or rows.length when there is none. */
function inputAreaTop(rows: readonly string[]): number {
  const none = rows.length;
  let i = rows.length - 1;
  let footer = 0;
  for (; i >= 0; i--) {
    const kind = kindOf(rows[i]);
    if (kind === 'rule' || kind === 'prompt') break;
    if (kind === 'text' && ++footer > MAX_FOOTER) return none;
  }
  if (i < 0) return none;
  if (kindOf(rows[i]) === 'prompt') return ruleAbove(rows, i);
  // A box's bottom edge (or the rule under a prompt): its top edge is the next rule up, with a prompt between.
  let prompt = false;
  for (let j = i - 1; j >= 0; j--) {
    const kind = kindOf(rows[j]);
    if (kind === 'rule') return prompt ? j : none;
    if (kind === 'prompt') prompt = true;
  }
  return none;
}

/** A prompt row's area starts at the box edge or rule right above it (past the box's own rows), or at the prompt. */
function ruleAbove(rows: readonly string[], prompt: number): number {
  for (let j = prompt - 1; j >= 0; j--) {
    const kind = kindOf(rows[j]);
    if (kind === 'rule') return j;
    if (!/^[│┃║]/.test(rows[j].trim())) break;
  }
  return prompt;
}
