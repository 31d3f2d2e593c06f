import { keyHints } from '../../src/tui/views/key-hints.js';
import { describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/core/agent.js';
import type { UsageMeter } from '../../src/core/usage.js';
import { DEFAULT_CONFIG } from '../../src/core/config-schema.js';
import { describeFlash, type ChatEntry, type Flash, type ServerEvent } from '../../src/core/protocol.js';
import { DEFAULT_COLOR, type FrameLine, type ScreenFrame } from '../../src/core/screen-frame.js';
import { encodeCursorKeys, encodePaste } from '../../src/pty/input-encoding.js';
import { ClientModel } from '../../src/tui/client-model.js';
import { Keymap, keyLabel, keySequence } from '../../src/tui/keymap.js';
import { agentPaneSize, layoutFor, type Rect } from '../../src/tui/layout.js';
import { LineEditor } from '../../src/tui/line-editor.js';
import { notificationBytes } from '../../src/tui/notifier.js';
import { fitText, padText, textWidth, wrapText, type StyledLine } from '../../src/tui/styled-text.js';
import { blessedTerminal } from '../../src/tui/terminal-type.js';
import { agentListRows } from '../../src/tui/views/agent-list-view.js';
import { flashRows, statusRow } from '../../src/tui/views/bars.js';
import { chatRows } from '../../src/tui/views/chat-view.js';
import { inputRow } from '../../src/tui/views/input-view.js';

function rowText(row: StyledLine): string {
  return row.segments.map((segment) => segment.text).join('');
}

function agent(overrides: Partial<AgentInfo> & { name: string }): AgentInfo {
  return { kind: 'command', task: 'true', cwd: '/tmp', state: 'running', startedAt: 0, lastLine: '', unread: false, ...overrides };
}

function meter(tokens: number, costUsd: number | undefined, contextTokens = 0, contextWindow?: number): UsageMeter {
  return {
    model: 'test-model',
    total: { input: tokens, output: 0, cacheRead: 0, cacheWrite: 0 },
    contextTokens,
    ...(costUsd === undefined ? {} : { costUsd }),
    ...(contextWindow === undefined ? {} : { contextWindow }),
  };
}

function entry(id: number, role: ChatEntry['role'], text: string, flash?: Flash): ChatEntry {
  return { id, at: id, role, text, ...(flash ? { flash } : {}) };
}

// ---------------------------------------------------------------------------------------------

describe('layoutFor', () => {
  const sizes: Array<[number, number]> = [[80, 24], [100, 30], [120, 40], [200, 60]];

  for (const [cols, rows] of sizes) {
    it(`${cols}×${rows}: header, body, list and status tile the screen exactly`, () => {
      const layout = layoutFor(cols, rows);
      const tiles: Array<[string, Rect]> = [['header', layout.header], ['body', layout.body], ['list', layout.list], ['status', layout.status]];
      const owner: string[][] = Array.from({ length: rows }, () => new Array<string>(cols).fill(''));
      for (const [name, rect] of tiles) {
        expect(rect.width, name).toBeGreaterThan(0);
        expect(rect.height, name).toBeGreaterThan(0);
        for (let y = rect.top; y < rect.top + rect.height; y++) {
          for (let x = rect.left; x < rect.left + rect.width; x++) {
            expect(y < rows && x < cols, `${name} reaches (${x},${y}) outside ${cols}×${rows}`).toBe(true);
            expect(owner[y][x], `${name} overlaps ${owner[y][x]} at (${x},${y})`).toBe('');
            owner[y][x] = name;
          }
        }
      }
      const uncovered = owner.flatMap((line, y) => line.flatMap((name, x) => (name ? [] : [`(${x},${y})`])));
      expect(uncovered).toEqual([]);
    });

    it(`${cols}×${rows}: the input line is the body's bottom row, the list is on the right, status at the bottom`, () => {
      const { body, input, list, status, header } = layoutFor(cols, rows);
      expect(input).toEqual({ left: body.left, top: body.top + body.height - 1, width: body.width, height: 1 });
      expect(list.left + list.width).toBe(cols);
      expect(list.width).toBeLessThan(body.width);
      expect(status).toEqual({ left: 0, top: rows - 1, width: cols, height: 1 });
      expect(header.top).toBe(0);
    });

    it(`${cols}×${rows}: agents get the body's size`, () => {
      const layout = layoutFor(cols, rows);
      expect(agentPaneSize(layout)).toEqual({ cols: layout.body.width, rows: layout.body.height });
    });
  }

  it('gives the main pane most of the width', () => {
    expect(layoutFor(80, 24).body.width).toBe(54);
    expect(layoutFor(100, 30).list.width).toBe(30);
    expect(layoutFor(200, 60).list.width).toBe(44);
  });

  it('keeps agentPaneSize at least 2×2 on a tiny screen', () => {
    const size = agentPaneSize(layoutFor(10, 2));
    expect(size.cols).toBeGreaterThanOrEqual(2);
    expect(size.rows).toBeGreaterThanOrEqual(2);
  });
});

// ---------------------------------------------------------------------------------------------

function typed(text: string): LineEditor {
  const editor = new LineEditor();
  editor.insert(text);
  return editor;
}

describe('LineEditor', () => {
  it('inserts at the cursor and moves within bounds', () => {
    const editor = typed('hllo');
    editor.home();
    editor.right();
    editor.insert('e');
    expect(editor.text).toBe('hello');
    expect(editor.cursor).toBe(2);
    editor.end();
    editor.right();
    expect(editor.cursor).toBe(5);
    editor.home();
    editor.left();
    expect(editor.cursor).toBe(0);
  });

  it('deletes backwards and forwards, doing nothing at the ends', () => {
    const editor = typed('abc');
    editor.deleteForward();
    expect(editor.text).toBe('abc');
    editor.backspace();
    expect(editor.text).toBe('ab');
    editor.home();
    editor.backspace();
    expect(editor.text).toBe('ab');
    editor.deleteForward();
    expect(editor.text).toBe('b');
    expect(editor.cursor).toBe(0);
  });

  it('treats an emoji as one character', () => {
    const editor = typed('a😀');
    editor.backspace();
    expect(editor.text).toBe('a');
  });

  it('turns pasted newlines into spaces', () => {
    expect(typed('one\ntwo\r\nthree').text).toBe('one two three');
  });

  it('Ctrl+U deletes everything before the cursor', () => {
    const editor = typed('hello world');
    editor.left();
    editor.left();
    editor.deleteToStart();
    expect(editor.text).toBe('ld');
    expect(editor.cursor).toBe(0);
  });

  it('Ctrl+W deletes the word before the cursor and the spaces after it', () => {
    const editor = typed('git commit  -m  ');
    editor.deleteWordBack();
    expect(editor.text).toBe('git commit  ');
    editor.deleteWordBack();
    expect(editor.text).toBe('git ');
    editor.deleteWordBack();
    expect(editor.text).toBe('');
    editor.deleteWordBack();
    expect(editor.text).toBe('');
  });

  it('Ctrl+W in the middle of the line keeps what follows', () => {
    const editor = typed('one two three');
    for (let i = 0; i < 6; i++) editor.left(); // just after "two"
    editor.deleteWordBack();
    expect(editor.text).toBe('one  three');
    expect(editor.cursor).toBe(4);
  });

  it('submits, keeps non-blank lines in history and starts a new line', () => {
    const editor = typed('first');
    expect(editor.submit()).toBe('first');
    expect(editor.text).toBe('');
    expect(editor.cursor).toBe(0);
    editor.insert('   ');
    expect(editor.submit()).toBe('   ');
    editor.historyUp();
    expect(editor.text).toBe('first');
  });

  it('browses history with up/down and restores the draft', () => {
    const editor = new LineEditor();
    for (const line of ['one', 'two', 'two', 'three']) {
      editor.insert(line);
      editor.submit();
    }
    editor.insert('dra');
    editor.historyUp();
    expect(editor.text).toBe('three');
    expect(editor.cursor).toBe(5);
    editor.historyUp();
    expect(editor.text).toBe('two');
    editor.historyUp();
    expect(editor.text).toBe('one');
    editor.historyUp();
    expect(editor.text).toBe('one');
    editor.historyDown();
    editor.historyDown();
    expect(editor.text).toBe('three');
    editor.historyDown();
    expect(editor.text).toBe('dra');
    expect(editor.cursor).toBe(3);
    editor.historyDown();
    expect(editor.text).toBe('dra');
  });

  it('does not let edits to a recalled line change the history', () => {
    const editor = typed('keep');
    editor.submit();
    editor.historyUp();
    editor.insert('-changed');
    editor.historyDown();
    expect(editor.text).toBe('');
    editor.historyUp();
    expect(editor.text).toBe('keep');
  });

  it('does nothing on up/down without history', () => {
    const editor = typed('x');
    editor.historyUp();
    editor.historyDown();
    expect(editor.text).toBe('x');
  });

  it('drops the oldest lines past the limit', () => {
    const editor = new LineEditor(2);
    for (const line of ['a', 'b', 'c']) {
      editor.insert(line);
      editor.submit();
    }
    editor.historyUp();
    editor.historyUp();
    editor.historyUp();
    expect(editor.text).toBe('b');
  });

  describe('a suggested next message', () => {
    function suggested(text = 'run the tests'): LineEditor {
      const editor = new LineEditor();
      editor.suggest(text);
      return editor;
    }

    it('stands in the empty line without being its text', () => {
      const editor = suggested();
      expect(editor.suggestion).toBe('run the tests');
      expect(editor.text).toBe('');
      expect(editor.message).toBe('');
    });

    it('Enter on the empty line sends it as if typed, and it lands in history', () => {
      const editor = suggested();
      expect(editor.submit()).toBe('run the tests');
      expect(editor.suggestion).toBe('');
      expect(editor.text).toBe('');
      editor.historyUp();
      expect(editor.text).toBe('run the tests');
    });

    it('Enter takes it to edit instead when the user cannot read all of it, sending nothing', () => {
      const editor = suggested();
      expect(editor.submit(false)).toBe('');
      expect(editor.text).toBe('run the tests');
      expect(editor.cursor).toBe('run the tests'.length);
      expect(editor.submit(false)).toBe('run the tests');
    });

    it('Tab (takeSuggestion) and → make it the line, cursor at its end, to edit', () => {
      for (const take of [(editor: LineEditor) => editor.takeSuggestion(), (editor: LineEditor) => editor.right()]) {
        const editor = suggested();
        take(editor);
        expect(editor.text).toBe('run the tests');
        expect(editor.cursor).toBe(13);
        expect(editor.suggestion).toBe('');
        editor.insert(' again');
        expect(editor.submit()).toBe('run the tests again');
      }
      expect(new LineEditor().takeSuggestion()).toBe(false);
    });

    it('typing anything replaces it: the typed text is the line, and the suggestion does not come back', () => {
      const editor = suggested();
      editor.insert('w');
      expect(editor.suggestion).toBe('');
      expect(editor.text).toBe('w');
      editor.backspace();
      expect(editor.text).toBe('');
      expect(editor.suggestion).toBe('');
      expect(editor.submit()).toBe('');
    });

    it('a paste replaces it too; so does browsing history', () => {
      const pasted = suggested();
      pasted.paste('from the clipboard');
      expect(pasted.suggestion).toBe('');
      expect(pasted.submit()).toBe('from the clipboard');
      pasted.suggest('next');
      pasted.historyUp();
      pasted.historyDown();
      expect(pasted.text).toBe('');
      expect(pasted.suggestion).toBe('');
    });

    it('is dropped when it arrives after the user has typed something', () => {
      const editor = typed('my own');
      editor.suggest('run the tests');
      expect(editor.suggestion).toBe('');
      expect(editor.submit()).toBe('my own');
    });

    it('can be dismissed (a new turn started, Ctrl+C)', () => {
      const editor = suggested();
      editor.dismissSuggestion();
      expect(editor.submit()).toBe('');
    });
  });

  describe('pasted text', () => {
    it('puts one line in place, control characters as spaces', () => {
      const editor = typed('say ');
      editor.paste('hello\tworld\x1b');
      expect(editor.text).toBe('say hello world ');
      expect(editor.message).toBe('say hello world ');
    });

    it('shows several lines as one placeholder and sends them in its place, newlines kept', () => {
      const editor = typed('look: ');
      editor.paste('first\r\nsecond\rthird\tend\n');
      editor.insert(' please');
      expect(editor.text).toBe('look: [Pasted text #1 +3 lines] please');
      expect(editor.submit()).toBe('look: first\nsecond\nthird\tend please');
      editor.paste('a\x1b[31m\nb');
      expect(editor.text).toBe('[Pasted text #2 +2 lines]');
      expect(editor.message).toBe('a[31m\nb');
    });

    it('recalls a pasted message from history with its text', () => {
      const editor = new LineEditor();
      editor.paste('one\ntwo');
      editor.submit();
      editor.historyUp();
      expect(editor.text).toBe('[Pasted text #1 +2 lines]');
      expect(editor.submit()).toBe('one\ntwo');
    });

    it('deletes a placeholder as a whole, from either side', () => {
      const editor = typed('a');
      editor.paste('x\ny');
      editor.insert('b');
      editor.left();
      editor.backspace();
      expect(editor.text).toBe('ab');
      editor.paste('x\ny');
      editor.home();
      editor.right();
      editor.deleteForward();
      expect(editor.text).toBe('ab');
      // Inside one, a key deletes a character: the placeholder is then plain text.
      editor.paste('x\ny');
      editor.left();
      editor.backspace();
      expect(editor.text).toBe('a[Pasted text #3 +2 line]b');
      expect(editor.message).toBe('a[Pasted text #3 +2 line]b');
    });

    it('recalls messages sent before the screen opened, older than its own, several lines as a placeholder', () => {
      const editor = new LineEditor();
      editor.insert('mine');
      editor.submit();
      editor.remember(['first', 'first', 'line one\nline two', '  ']);
      editor.historyUp();
      expect(editor.text).toBe('mine');
      editor.historyUp();
      expect(editor.text).toBe('[Pasted text #1 +2 lines]');
      expect(editor.message).toBe('line one\nline two');
      editor.historyUp();
      expect(editor.text).toBe('first');
      editor.historyUp();
      expect(editor.text).toBe('first');
    });

    it('forgets a paste once neither the line nor the history shows it', () => {
      const editor = new LineEditor(1);
      editor.paste('one\ntwo');
      editor.submit();
      editor.insert('next');
      editor.submit();
      editor.insert('[Pasted text #1 +2 lines]');
      expect(editor.message).toBe('[Pasted text #1 +2 lines]');
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('inputRow', () => {
  const text = (row: { line: StyledLine }) => row.line.segments.map((segment) => segment.text).join('');

  it('shows the prompt and the text, the cursor after what is before it (wide characters count two)', () => {
    const row = inputRow('日本 ok', 2, '› ', 'hint', 40);
    expect(text(row)).toBe('› 日本 ok');
    expect(row.cursorColumn).toBe(2 + 4);
  });

  it('scrolls sideways so the cursor stays in view, with a column left for it at the end', () => {
    const row = inputRow('abcdefghij', 10, '› ', '', 8);
    expect(text(row)).toBe('› fghij');
    expect(row.cursorColumn).toBe(7);
  });

  it('shows a suggestion dimmed in the empty line, the cursor before it, with the keys that take it', () => {
    const row = inputRow('', 0, '› ', 'Type a message', 60, { text: 'run the tests', editKey: 'Tab' });
    expect(text(row)).toBe('› run the tests  ↵ send · Tab edit');
    expect(row.line.segments.find((segment) => segment.text === 'run the tests')?.role).toBe('input.suggestion');
    expect(row.cursorColumn).toBe(2);
    expect(row.suggestionCut).toBe(false);
    // The keys go first when room is short; the suggestion is cut (and marked so) only when it cannot fit.
    expect(text(inputRow('', 0, '› ', '', 20, { text: 'run the tests', editKey: 'Tab' }))).toBe('› run the tests');
    const cut = inputRow('', 0, '› ', '', 12, { text: 'run the tests', editKey: 'Tab' });
    expect(text(cut)).toBe('› run the …');
    expect(cut.suggestionCut).toBe(true);
    // Typed text wins.
    expect(text(inputRow('x', 1, '› ', '', 60, { text: 'run the tests', editKey: 'Tab' }))).toBe('› x');
  });

  it('shows the hint only while the line is empty', () => {
    expect(text(inputRow('', 0, '› ', 'Type a message', 40))).toBe('› Type a message');
    expect(text(inputRow('x', 1, '› ', 'Type a message', 40))).toBe('› x');
  });
});

describe('keySequence and keyLabel', () => {
  it('gives the bytes a terminal sends', () => {
    expect(keySequence('C-a')).toBe('\x01');
    expect(keySequence('C-b')).toBe('\x02');
    expect(keySequence('C-z')).toBe('\x1a');
    expect(keySequence('M-x')).toBe('\x1bx');
    expect(keySequence('tab')).toBe('\t');
    expect(keySequence('enter')).toBe('\r');
    expect(keySequence('escape')).toBe('\x1b');
    expect(keySequence('f1')).toBe('\x1bOP');
    expect(keySequence('f5')).toBe('\x1b[15~');
    expect(keySequence('f12')).toBe('\x1b[24~');
    expect(keySequence('f13')).toBe('');
    expect(keySequence('nonsense')).toBe('');
  });

  it('labels keys for people', () => {
    expect(keyLabel('C-b')).toBe('Ctrl+B');
    expect(keyLabel('M-x')).toBe('Alt+X');
    expect(keyLabel('tab')).toBe('Tab');
    expect(keyLabel('escape')).toBe('Escape');
    expect(keyLabel('f5')).toBe('F5');
  });
});

describe('Keymap', () => {
  it('maps the default bindings and the focus-specific keys', () => {
    const keymap = new Keymap(DEFAULT_CONFIG.keys);
    expect(keymap.action('input', 'C-b')).toBe('background');
    expect(keymap.action('list', 'C-b')).toBe('background');
    expect(keymap.action('input', 'tab')).toBe('focusNext');
    expect(keymap.action('input', 'C-q')).toBe('quit');
    expect(keymap.action('input', 'C-c')).toBe('interrupt');
    expect(keymap.action('input', 'up')).toBe('historyUp');
    expect(keymap.action('list', 'up')).toBe('selectUp');
    expect(keymap.action('list', 'j')).toBe('selectDown');
    expect(keymap.action('input', 'j')).toBeUndefined();
    expect(keymap.action('input', 'enter')).toBe('submit');
    expect(keymap.action('list', 'enter')).toBe('attachSelected');
    expect(keymap.action('input', 'C-w')).toBe('deleteWordBack');
    expect(keymap.action('input', 'C-u')).toBe('deleteToStart');
    expect(keymap.backgroundSequence).toBe('\x02');
    expect(keymap.label('background')).toBe('Ctrl+B');
  });

  it('follows custom bindings, which win over focus keys', () => {
    const keymap = new Keymap({ background: 'C-a', focusNext: 'f2', quit: 'M-q', interrupt: 'C-g' });
    expect(keymap.action('input', 'C-a')).toBe('background');
    expect(keymap.action('input', 'C-b')).toBeUndefined();
    expect(keymap.action('list', 'f2')).toBe('focusNext');
    expect(keymap.action('input', 'tab')).toBeUndefined();
    expect(keymap.action('input', 'M-q')).toBe('quit');
    expect(keymap.action('input', 'C-q')).toBeUndefined();
    expect(keymap.action('input', 'C-g')).toBe('interrupt');
    expect(keymap.backgroundSequence).toBe('\x01');
    expect(keymap.label('background')).toBe('Ctrl+A');
    expect(keymap.label('focusNext')).toBe('F2');
    expect(keymap.label('quit')).toBe('Alt+Q');
  });
});

// ---------------------------------------------------------------------------------------------

describe('textWidth, fitText and padText', () => {
  it('counts wide characters as two columns', () => {
    expect(textWidth('')).toBe(0);
    expect(textWidth('abc')).toBe(3);
    expect(textWidth('日本語')).toBe(6);
    expect(textWidth('a日b')).toBe(4);
  });

  it('fitText keeps what fits and cuts with an ellipsis', () => {
    expect(fitText('hello', 5)).toBe('hello');
    expect(fitText('hello', 3)).toBe('he…');
    expect(fitText('hello', 1)).toBe('…');
    expect(fitText('hello', 0)).toBe('');
    expect(fitText('日本語', 6)).toBe('日本語');
    expect(fitText('日本語', 4)).toBe('日…');
    expect(fitText('日本語', 5)).toBe('日本…');
  });

  it('padText gives exactly the width, left or right aligned', () => {
    expect(padText('ab', 5)).toBe('ab   ');
    expect(padText('ab', 5, 'right')).toBe('   ab');
    expect(padText('hello world', 5)).toBe('hell…');
    expect(padText('日本語', 4)).toBe('日… ');
    for (const text of ['', 'x', 'hello world', '日本語テキスト', 'a日b本c', '😀 ok']) {
      for (let width = 0; width <= 16; width++) {
        expect(textWidth(padText(text, width)), `${text} @ ${width}`).toBe(width);
        expect(textWidth(padText(text, width, 'right')), `${text} @ ${width}`).toBe(width);
        expect(textWidth(fitText(text, width))).toBeLessThanOrEqual(width);
      }
    }
  });
});

describe('wrapText', () => {
  it('wraps at word boundaries', () => {
    expect(wrapText('hello big world', 9)).toEqual(['hello big', 'world']);
    expect(wrapText('hello world', 5)).toEqual(['hello', 'world']);
    expect(wrapText('short', 80)).toEqual(['short']);
  });

  it('keeps paragraphs and empty lines', () => {
    expect(wrapText('a\n\nb', 10)).toEqual(['a', '', 'b']);
    expect(wrapText('', 10)).toEqual(['']);
  });

  it('breaks words longer than a row', () => {
    expect(wrapText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrapText('go abcdefghij', 4)).toEqual(['go', 'abcd', 'efgh', 'ij']);
  });

  it('breaks wide characters without splitting one across rows', () => {
    const rows = wrapText('日本語テキスト', 5);
    expect(rows).toEqual(['日本', '語テ', 'キス', 'ト']);
  });

  it('never exceeds the width and loses no visible character', () => {
    const samples = [
      'The quick brown fox jumps over the lazy dog',
      'supercalifragilisticexpialidocious is a long word',
      '日本語のテキストと English words mixed together 中文字符',
      'a  b   c    d',
      'line one\nline two is longer than the width\n\nend',
      '😀😀😀 emoji 😀😀',
    ];
    for (const text of samples) {
      for (let width = 2; width <= 30; width++) {
        const rows = wrapText(text, width);
        for (const row of rows) expect(textWidth(row), `${JSON.stringify(text)} @ ${width}: ${JSON.stringify(row)}`).toBeLessThanOrEqual(width);
        expect(rows.join('').replace(/\s+/g, ''), `${JSON.stringify(text)} @ ${width}`).toBe(text.replace(/\s+/g, ''));
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('chatRows', () => {
  it('bottom-aligns a short history', () => {
    const { rows, maxScroll } = chatRows([entry(1, 'system', 'welcome'), entry(2, 'user', 'hi')], 40, 6, 0);
    expect(rows).toHaveLength(6);
    expect(rows.map(rowText)).toEqual(['', '', '', 'welcome', '', '› hi']);
    expect(maxScroll).toBe(0);
  });

  it('prefixes roles and indents wrapped lines', () => {
    const { rows } = chatRows([entry(1, 'user', 'one two three'), entry(2, 'error', 'bad thing')], 9, 4, 0);
    expect(rows.map(rowText)).toEqual(['› one two', '  three', '✖ bad', '  thing']);
  });

  it('shows a flash entry with its glyph', () => {
    const flash: Flash = { name: 'build', word: 'failed', durationMs: 2000, exitCode: 2 };
    const { rows } = chatRows([entry(1, 'event', describeFlash(flash), flash)], 60, 1, 0);
    expect(rowText(rows[0])).toBe('✖ build failed · after 2s · exit 2');
  });

  it('shows the main agent\'s reply as text, with a cursor while it streams, and a running tool with "…"', () => {
    const open = chatRows([entry(1, 'user', 'hi'), { ...entry(2, 'assistant', 'Hello **there**'), open: true }, { ...entry(3, 'tool', 'bash ls'), open: true }], 40, 6, 0);
    expect(open.rows.map(rowText)).toEqual(['', '› hi', '', 'Hello there', '▍', '⚙ bash ls …']);
    const closed = chatRows([entry(1, 'user', 'hi'), entry(2, 'assistant', 'Hello'), entry(3, 'tool', 'bash ls')], 40, 5, 0);
    expect(closed.rows.map(rowText)).toEqual(['', '› hi', '', 'Hello', '⚙ bash ls']);
  });

  it('leaves out an empty reply once it is closed, separator included', () => {
    const { rows } = chatRows([entry(1, 'user', 'hi'), entry(2, 'assistant', ''), entry(3, 'notice', 'retrying')], 40, 3, 0);
    expect(rows.map(rowText)).toEqual(['', '› hi', '· retrying']);
  });

  it('scrolls back, clamped to the history', () => {
    const entries = Array.from({ length: 10 }, (_, i) => entry(i, 'system', `line ${i}`));
    const newest = chatRows(entries, 40, 4, 0);
    expect(newest.rows.map(rowText)).toEqual(['line 6', 'line 7', 'line 8', 'line 9']);
    expect(newest.maxScroll).toBe(6);
    expect(chatRows(entries, 40, 4, 2).rows.map(rowText)).toEqual(['line 4', 'line 5', 'line 6', 'line 7']);
    expect(chatRows(entries, 40, 4, 6).rows.map(rowText)).toEqual(['line 0', 'line 1', 'line 2', 'line 3']);
    expect(chatRows(entries, 40, 4, 1000).rows.map(rowText)).toEqual(['line 0', 'line 1', 'line 2', 'line 3']);
    expect(chatRows(entries, 40, 4, -5).rows.map(rowText)).toEqual(newest.rows.map(rowText));
  });

  it('keeps every row within the width', () => {
    const entries = [entry(1, 'user', 'x'.repeat(100)), entry(2, 'assistant', '日本語'.repeat(20)), entry(3, 'error', 'y '.repeat(50))];
    for (const row of chatRows(entries, 20, 50, 0).rows) expect(textWidth(rowText(row))).toBeLessThanOrEqual(20);
  });
});

describe('agentListRows', () => {
  const now = 125_000;

  it('shows name, state glyph and word, elapsed time and last line', () => {
    const rows = agentListRows([agent({ name: 'build', lastLine: 'compiling foo.c', startedAt: 0 })], 0, false, 30, 20, now).map(rowText);
    expect(rows[0]).toBe(' agents (1)');
    expect(rows[1]).toMatch(/^ ● build\s+2m05s$/);
    expect(rows[2]).toBe('   running · compiling foo.c');
  });

  it('shows the exit code of a failed agent and its end time', () => {
    const rows = agentListRows([agent({ name: 'lint', state: 'failed', exitCode: 2, startedAt: 0, endedAt: 4000 })], 0, false, 30, 20, now).map(rowText);
    expect(rows[1]).toMatch(/^ ✖ lint\s+4s$/);
    expect(rows[2]).toBe('   failed 2');
  });

  it('says where a CLI agent\'s state comes from when that is a weak signal', () => {
    const rows = agentListRows([agent({ name: 'mycli', kind: 'cli', state: 'waiting', stateFrom: 'bell', lastLine: 'Proceed? (y/n)' })], 0, false, 40, 20, now).map(rowText);
    expect(rows[2]).toBe('   waiting (bell) · Proceed? (y/n)');
  });

  it('shows the host beside the name, and a link that is down with its time', () => {
    const at = new Date(2026, 11, 7, 12, 3).getTime();
    const remote = agent({ name: 'train', host: 'gpu', hostLink: 'agentmux', state: 'unknown', linkDownSince: at, lastLine: 'epoch 3' });
    const rows = agentListRows([remote], 0, false, 44, 20, now).map(rowText);
    expect(rows[1]).toMatch(/^ \S train@gpu\s+2m05s$/);
    expect(rows[2]).toBe('   unknown (link down since 12:03) · epoch 3');
    // A list too narrow for all of it keeps the time: the glyph says unknown.
    expect(agentListRows([remote], 0, false, 30, 20, now).map(rowText)[2]).toBe('   link down since 12:03 · ep…');
    // In a narrow list the name gives way before the host.
    const narrow = agentListRows([agent({ name: 'a-very-long-agent-name', host: 'build' })], 0, false, 24, 20, now).map(rowText);
    expect(narrow[1]).toContain('@build');
    expect(narrow[1]).toBe(" ● a-very-l…@build 2m05s");
  });

  it('marks unread agents', () => {
    const agents = [agent({ name: 'done', state: 'finished', unread: true, endedAt: 1000 }), agent({ name: 'seen', state: 'finished', endedAt: 1000 })];
    const rows = agentListRows(agents, 0, false, 30, 20, now);
    expect(rowText(rows[1])).toMatch(/done\s+• 1s$/);
    expect(rows[1].segments.some((segment) => segment.text.includes('•') && segment.role === 'list.unread')).toBe(true);
    expect(rowText(rows[3])).not.toContain('•');
  });

  it('highlights the selected agent only when the list has focus, and waiting agents always', () => {
    const agents = [agent({ name: 'a' }), agent({ name: 'b', state: 'waiting' }), agent({ name: 'c' })];
    const focused = agentListRows(agents, 2, true, 30, 20, now);
    expect(focused.map((row) => row.fill)).toEqual([undefined, undefined, undefined, 'list.waiting', 'list.waiting', 'list.selected', 'list.selected']);
    const unfocused = agentListRows(agents, 2, false, 30, 20, now);
    expect(unfocused.map((row) => row.fill)).toEqual([undefined, undefined, undefined, 'list.waiting', 'list.waiting', undefined, undefined]);
  });

  it('shows a waiting agent\'s question instead of its last line', () => {
    const rows = agentListRows([agent({ name: 'asker', state: 'waiting', question: 'Run rm -rf build?', lastLine: 'old output' })], 0, false, 40, 20, now);
    expect(rowText(rows[2])).toBe('   waiting · Run rm -rf build?');
    expect(rows[2].segments[2].role).toBe('state.waiting');
  });

  it('says which agent profile a worker runs as', () => {
    const rows = agentListRows([agent({ name: 'audit', kind: 'claude', profile: 'reviewer', lastLine: 'reading src/auth.ts' })], 0, false, 40, 20, now);
    expect(rowText(rows[2])).toBe('   running as reviewer · reading src/au…');
  });

  it('adds a meter row for agents with usage and keeps the selected one visible', () => {
    const rows = agentListRows([agent({ name: 'claude-a', kind: 'claude', usage: meter(12_345, 0.04, 6000, 200_000) })], 0, false, 40, 20, now);
    expect(rows.map(rowText)).toEqual([' agents (1)', expect.stringMatching(/^ ● claude-a/), '   running', '   12k↑ 0↓ cache 0/0 $0.04 ctx 3%']);
    // Narrower, the meter drops the breakdown before it drops cost and context.
    const narrow = agentListRows([agent({ name: 'claude-a', kind: 'claude', usage: meter(12_345, 0.04, 6000, 200_000) })], 0, false, 26, 20, now);
    expect(rowText(narrow[3])).toBe('   12k↑ 0↓ $0.04 ctx 3%');
    const many = Array.from({ length: 6 }, (_, i) => agent({ name: `w-${i}`, kind: 'claude', usage: meter(i, 0) }));
    const shown = agentListRows(many, 5, true, 40, 7, now); // title + 2 agents of 3 rows
    expect(shown.length).toBeLessThanOrEqual(7);
    expect(shown.map(rowText).join('\n')).toContain('w-5 ');
    expect(shown.map(rowText).join('\n')).not.toContain('w-3 ');
  });

  it('never returns more rows than the height', () => {
    const agents = Array.from({ length: 5 }, (_, i) => agent({ name: `a-${i}` }));
    for (let height = 1; height <= 12; height++) {
      expect(agentListRows(agents, 4, true, 30, height, now).length, `height ${height}`).toBeLessThanOrEqual(height);
    }
  });

  it('keeps every row within the width, cutting long names and last lines', () => {
    const agents = [agent({ name: 'a'.repeat(48), lastLine: 'z'.repeat(200), unread: true, state: 'failed', exitCode: 127 })];
    for (const row of agentListRows(agents, 0, true, 26, 10, now)) expect(textWidth(rowText(row))).toBeLessThanOrEqual(26);
    for (const row of agentListRows(agents, 0, true, 26, 10, now).slice(1)) expect(textWidth(rowText(row))).toBe(26);
  });

  it('scrolls to keep the selected agent visible', () => {
    const agents = Array.from({ length: 12 }, (_, i) => agent({ name: `agent-${i}` }));
    const height = 7; // title + 3 agents
    for (let selected = 0; selected < agents.length; selected++) {
      const rows = agentListRows(agents, selected, true, 30, height, now);
      expect(rows.length).toBeLessThanOrEqual(height);
      const names = rows.slice(1).filter((_, i) => i % 2 === 0).map((row) => /agent-\d+/.exec(rowText(row))?.[0]);
      expect(names, `selected ${selected}`).toContain(`agent-${selected}`);
      const selectedRow = rows.find((row) => row.fill === 'list.selected');
      expect(rowText(selectedRow!)).toContain(`agent-${selected} `);
    }
    const top = agentListRows(agents, 0, true, 30, height, now).map(rowText).join('\n');
    expect(top).toContain('agent-0 ');
    expect(top).not.toContain('agent-3 ');
    const bottom = agentListRows(agents, 11, true, 30, height, now).map(rowText).join('\n');
    expect(bottom).toContain('agent-9 ');
    expect(bottom).toContain('agent-11 ');
    expect(bottom).not.toContain('agent-8 ');
  });

  it('says how to start an agent when there are none', () => {
    const text = agentListRows([], 0, false, 30, 10, now).map(rowText).join('\n');
    expect(text).toContain('No agents yet.');
    expect(text).toContain('/run -- COMMAND');
  });
});

describe('statusRow', () => {
  const hints = [{ key: 'Tab', label: 'focus' }, { key: 'Ctrl+Q', label: 'quit' }];

  it('shows hints, totals and the theme, filling the width exactly', () => {
    const agents = [
      agent({ name: 'a' }), agent({ name: 'b' }), agent({ name: 'c', state: 'waiting' }),
      agent({ name: 'd', state: 'finished', unread: true }), agent({ name: 'e', state: 'failed' }),
    ];
    const row = statusRow(80, hints, agents, {}, 'dark');
    const text = rowText(row);
    expect(textWidth(text)).toBe(80);
    expect(text).toMatch(/^ Tab focus Ctrl\+Q quit/);
    expect(text).toMatch(/ 2 running · 1 waiting · 1 new · dark $/);
    expect(row.fill).toBe('status');
  });

  it('leaves out zero waiting and unread counts', () => {
    const text = rowText(statusRow(60, hints, [], {}, 'light'));
    expect(text).toMatch(/ 0 running · light $/);
    expect(text).not.toContain('waiting');
    expect(text).not.toContain('new');
  });

  it('adds token and cost totals over the main agent and every agent with a meter', () => {
    const agents = [
      agent({ name: 'a', kind: 'claude', usage: meter(10_000, 0.5) }),
      agent({ name: 'b', kind: 'claude', state: 'finished', usage: meter(2_345, 0.25) }),
      agent({ name: 'c' }),
    ];
    const text = rowText(statusRow(100, hints, agents, { mainUsage: meter(655, 0.004) }, 'dark'));
    expect(text).toMatch(/ 2 running · 13k tok \$0\.75 · dark $/);
    expect(rowText(statusRow(100, hints, [], { mainUsage: meter(500, undefined) }, 'dark'))).toMatch(/ 0 running · 500 tok · dark $/);
    const unknownCost = [agent({ name: 'x', kind: 'claude', usage: meter(1000, undefined) })];
    expect(rowText(statusRow(100, hints, unknownCost, { mainUsage: meter(1000, 1) }, 'dark'))).toMatch(/ 1 running · 2\.0k tok · dark $/);
  });

  it('counts the prompt suggestions\' requests in the totals', () => {
    expect(rowText(statusRow(100, hints, [], { mainUsage: meter(1000, 0.5), suggestionUsage: meter(200, 0.01) }, 'dark'))).toMatch(/ 0 running · 1\.2k tok \$0\.51 · dark $/);
  });

  it('shows the session\'s budget beside what it cost', () => {
    expect(rowText(statusRow(100, hints, [], { mainUsage: meter(1000, 0.5), budgetUsd: 5 }, 'dark'))).toMatch(/ 0 running · 1\.0k tok \$0\.50 of \$5\.00 · dark $/);
    expect(rowText(statusRow(100, hints, [], { budgetUsd: 5 }, 'dark'))).toMatch(/ 0 running · budget \$5\.00 · dark $/);
  });

  it('drops the theme name first when narrow, then cuts hints; totals stay', () => {
    const text = rowText(statusRow(30, hints, [agent({ name: 'a' })], {}, 'high-contrast'));
    expect(textWidth(text)).toBe(30);
    expect(text).toMatch(/ 1 running $/);
    expect(text).not.toContain('high-contrast');
    const wide = rowText(statusRow(100, hints, [agent({ name: 'a' })], {}, 'high-contrast'));
    expect(wide).toMatch(/ 1 running · high-contrast $/);
  });
});

describe('flashRows', () => {
  it('shows one row per flash with the flash text, role and width', () => {
    const flashes = [
      { flash: { name: 'build', word: 'finished', durationMs: 3000, exitCode: 0 } as Flash, until: 10 },
      { flash: { name: 'deploy', word: 'needs input', durationMs: 1000 } as Flash, until: 20 },
      { flash: { name: 'x', word: 'failed', durationMs: 0, exitCode: 1, summary: 'y'.repeat(200) } as Flash, until: 30 },
    ];
    const rows = flashRows(flashes, 40);
    expect(rows.map(rowText)).toEqual([
      ' ✔ build finished · after 3s · exit 0',
      ' ◆ deploy needs input · after 1s',
      expect.stringMatching(/^ ✖ x failed · after 0s · exit 1 · y+…$/),
    ]);
    expect(rows.map((row) => row.fill)).toEqual(['flash.success', 'flash.attention', 'flash.failure']);
    for (const row of rows) expect(textWidth(rowText(row))).toBeLessThanOrEqual(40);
  });

  it('shows a refusal of the screen\'s own like a failure', () => {
    const [row] = flashRows([{ refusal: 'the paste is too long for an agent (2049 KB): paste it in parts', until: 10 }], 40);
    expect(rowText(row)).toBe(' ✖ the paste is too long for an agent …');
    expect(row.fill).toBe('flash.failure');
  });
});

// ---------------------------------------------------------------------------------------------

function frameOf(rows: number, full: boolean, lines: Array<[number, string]>, cursor = { x: 0, y: 0, visible: true }): ScreenFrame {
  return {
    cols: 20,
    rows,
    full,
    lines: lines.map(([y, text]): FrameLine => ({ y, runs: [{ text, fg: DEFAULT_COLOR, bg: DEFAULT_COLOR, attrs: 0 }] })),
    cursor,
    history: 0,
    scrollBack: 0,
  };
}

describe('ClientModel', () => {
  function model(flashMs = 1000) {
    const clock = { now: 1000 };
    return { clock, model: new ClientModel(flashMs, () => clock.now) };
  }

  it('takes agents, chat and model status from the welcome', () => {
    const { model: m } = model();
    m.apply({ type: 'welcome', version: 2, serverVersion: '0.1.0', workspace: '/repo', agents: [agent({ name: 'a' })], chat: [entry(1, 'system', 'hi')], model: { configured: true }, session: { busy: true } });
    expect(m.agents.map((a) => a.name)).toEqual(['a']);
    expect(m.chat.map((c) => c.text)).toEqual(['hi']);
    expect(m.model).toEqual({ configured: true });
    expect(m.session).toEqual({ busy: true });
  });

  it('follows session changes', () => {
    const { model: m } = model();
    expect(m.session).toEqual({ busy: false });
    m.apply({ type: 'session', session: { busy: true, foreground: 'npm-test' } });
    expect(m.session).toEqual({ busy: true, foreground: 'npm-test' });
  });

  it('replaces a chat entry sent again with the same id (streamed text), and appends new ones', () => {
    const { model: m } = model();
    m.apply({ type: 'chat', entry: { ...entry(5, 'assistant', 'Hel'), open: true } });
    m.apply({ type: 'chat', entry: entry(6, 'tool', 'bash ls') });
    m.apply({ type: 'chat', entry: { ...entry(5, 'assistant', 'Hello'), open: true } });
    m.apply({ type: 'chat', entry: entry(5, 'assistant', 'Hello, world') });
    expect(m.chat.map((c) => [c.id, c.text, c.open ?? false])).toEqual([[5, 'Hello, world', false], [6, 'bash ls', false]]);
  });

  it('never merges local notes (id -1) or errors with each other', () => {
    const { model: m } = model();
    m.note('system', 'one');
    m.apply({ type: 'error', message: 'two' });
    m.apply({ type: 'chat', entry: entry(-1, 'system', 'three') });
    expect(m.chat.map((c) => c.text)).toEqual(['one', 'two', 'three']);
  });

  it('drops a removed agent from the list', () => {
    const { model: m } = model();
    m.apply({ type: 'agent', agent: agent({ name: 'a' }) });
    m.apply({ type: 'agent', agent: agent({ name: 'b' }) });
    m.apply({ type: 'removed', name: 'a' });
    expect(m.agents.map((a) => a.name)).toEqual(['b']);
  });

  it('adds new agents and replaces known ones in place', () => {
    const { model: m } = model();
    m.apply({ type: 'agent', agent: agent({ name: 'a' }) });
    m.apply({ type: 'agent', agent: agent({ name: 'b' }) });
    m.apply({ type: 'agent', agent: agent({ name: 'a', state: 'finished', lastLine: 'done' }) });
    expect(m.agents.map((a) => `${a.name}:${a.state}:${a.lastLine}`)).toEqual(['a:finished:done', 'b:running:']);
    expect(m.agent('a')?.state).toBe('finished');
    expect(m.agent('zzz')).toBeUndefined();
  });

  it('shows flashes until they expire on the injected clock', () => {
    const { clock, model: m } = model(1000);
    const first: Flash = { name: 'a', word: 'finished', durationMs: 1 };
    const second: Flash = { name: 'b', word: 'failed', durationMs: 1 };
    expect(m.apply({ type: 'flash', flash: first })).toEqual([first]);
    clock.now = 1500;
    expect(m.apply({ type: 'flash', flash: second })).toEqual([second]);
    expect(m.flashes.map((shown) => shown.until)).toEqual([2000, 2500]);
    clock.now = 1999;
    expect(m.expireFlashes()).toBe(2000);
    expect(m.flashes).toHaveLength(2);
    clock.now = 2000;
    expect(m.expireFlashes()).toBe(2500);
    expect(m.flashes).toEqual([{ flash: second, until: 2500 }]);
    clock.now = 3000;
    expect(m.expireFlashes()).toBeUndefined();
    expect(m.flashes).toEqual([]);
  });

  it('shows a refusal in the chat and as a flash that expires', () => {
    const { clock, model: m } = model(1000);
    m.refuse('not like that');
    expect(m.chat.map((entry) => [entry.role, entry.text])).toEqual([['error', 'not like that']]);
    expect(m.flashes).toEqual([{ refusal: 'not like that', until: 2000 }]);
    clock.now = 2000;
    expect(m.expireFlashes()).toBeUndefined();
    expect(m.flashes).toEqual([]);
  });

  it('returns no flashes for other events', () => {
    const { model: m } = model();
    const events: ServerEvent[] = [
      { type: 'agent', agent: agent({ name: 'a' }) },
      { type: 'chat', entry: entry(1, 'user', 'x') },
      { type: 'error', message: 'no' },
      { type: 'done', id: 1 },
      { type: 'log', name: 'a', data: 'x' },
      { type: 'logEnd', name: 'a' },
    ];
    for (const event of events) expect(m.apply(event)).toEqual([]);
  });

  it('applies screen frames only for the attached agent', () => {
    const { model: m } = model();
    m.apply({ type: 'screen', name: 'a', frame: frameOf(3, true, [[0, 'ignored']]) });
    expect(m.attached).toBeUndefined();
    m.apply({ type: 'attached', name: 'a' });
    m.apply({ type: 'screen', name: 'a', frame: frameOf(3, true, [[0, 'top'], [1, 'mid'], [2, 'bottom']], { x: 3, y: 2, visible: true }) });
    m.apply({ type: 'screen', name: 'b', frame: frameOf(3, true, [[0, 'other agent']]) });
    m.apply({ type: 'screen', name: 'a', frame: frameOf(3, false, [[1, 'MID']], { x: 1, y: 1, visible: false }) });
    const screen = m.attached!;
    expect(screen.name).toBe('a');
    expect(screen.lines.map((l) => l.runs.map((r) => r.text).join(''))).toEqual(['top', 'MID', 'bottom']);
    expect(screen.cursor).toEqual({ x: 1, y: 1, visible: false });
    expect([screen.cols, screen.rows]).toEqual([20, 3]);
  });

  it('forgets the screen on detach of that agent only', () => {
    const { model: m } = model();
    m.apply({ type: 'attached', name: 'a' });
    m.apply({ type: 'detached', name: 'b' });
    expect(m.attached?.name).toBe('a');
    m.apply({ type: 'detached', name: 'a' });
    expect(m.attached).toBeUndefined();
  });

  it('starts a fresh screen when attaching to another agent', () => {
    const { model: m } = model();
    m.apply({ type: 'attached', name: 'a' });
    m.apply({ type: 'screen', name: 'a', frame: frameOf(2, true, [[0, 'from a']]) });
    m.apply({ type: 'attached', name: 'b' });
    expect(m.attached?.name).toBe('b');
    expect(m.attached?.lines).toEqual([]);
  });

  it('puts refused commands into the chat as errors, and notes', () => {
    const { clock, model: m } = model();
    m.apply({ type: 'chat', entry: entry(1, 'user', 'hello') });
    clock.now = 4242;
    m.apply({ type: 'error', message: 'no agent named x' });
    m.note('system', 'help text');
    expect(m.chat.map((c) => [c.role, c.text])).toEqual([['user', 'hello'], ['error', 'no agent named x'], ['system', 'help text']]);
    expect(m.chat[1].at).toBe(4242);
  });

  it('records why the server let this screen go', () => {
    const { model: m } = model();
    expect(m.goodbye).toBeUndefined();
    m.apply({ type: 'goodbye', message: 'the agentmux server stopped' });
    expect(m.goodbye).toBe('the agentmux server stopped');
  });

  it('shows another conversation in place of the chat after a resume or fork', () => {
    const { model: m } = model();
    m.apply({ type: 'chat', entry: entry(1, 'user', 'old') });
    m.apply({ type: 'chatReset', chat: [entry(7, 'user', 'resumed'), entry(8, 'assistant', 'answer')] });
    expect(m.chat.map((c) => c.text)).toEqual(['resumed', 'answer']);
  });

  it('lists conversations for /resume, newest first, marking the current one', () => {
    const { model: m } = model();
    m.apply({ type: 'session', session: { id: 'aaaaaaaa-1111', busy: false } });
    m.apply({ type: 'sessions', sessions: [
      { id: 'aaaaaaaa-1111', createdAt: 0, updatedAt: Date.UTC(2026, 10, 28, 9, 30), title: 'fix the login', messages: 4 },
      { id: 'bbbbbbbb-2222', createdAt: 0, updatedAt: Date.UTC(2026, 10, 27, 8, 0), title: 'try the risky way', messages: 2, forkedFrom: 'aaaaaaaa-1111' },
    ] });
    const text = m.chat[m.chat.length - 1].text.split('\n');
    expect(text[1]).toBe('aaaaaaaa  2026-11-28 09:30  4 messages  fix the login  (current)');
    expect(text[2]).toBe('bbbbbbbb  2026-11-27 08:00  2 messages  try the risky way  (fork of aaaaaaaa)');
  });

  it('keeps the chat bounded', () => {
    const { model: m } = model();
    for (let i = 0; i < 2100; i++) m.apply({ type: 'chat', entry: entry(i, 'system', `m${i}`) });
    expect(m.chat.length).toBeLessThanOrEqual(2000);
    expect(m.chat[m.chat.length - 1].text).toBe('m2099');
  });
});

// ---------------------------------------------------------------------------------------------

describe('notificationBytes', () => {
  const flash: Flash = { name: 'build', word: 'finished', durationMs: 2000, exitCode: 0 };

  it('rings the bell and sends an OSC 9 notification, each configurable', () => {
    const osc = '\x1b]9;agentmux: build finished · after 2s · exit 0\x1b\\';
    expect(notificationBytes(flash, { bell: true, osc9: true })).toBe(`\x07${osc}`);
    expect(notificationBytes(flash, { bell: true, osc9: false })).toBe('\x07');
    expect(notificationBytes(flash, { bell: false, osc9: true })).toBe(osc);
    expect(notificationBytes(flash, { bell: false, osc9: false })).toBe('');
  });

  it('cannot be ended early or extended by control characters in the flash', () => {
    const evil: Flash = {
      name: 'x',
      word: 'failed',
      durationMs: 0,
      exitCode: 1,
      signal: 'SIG\x07',
      summary: 'a\x1b\\b\x07c\x9cd\x1b]0;pwned\x07e\x1b[2Jf\u009b31mg\r\nh',
    };
    const bytes = notificationBytes(evil, { bell: false, osc9: true });
    expect(bytes.startsWith('\x1b]9;agentmux: x failed')).toBe(true);
    expect(bytes.endsWith('\x1b\\')).toBe(true);
    const body = bytes.slice('\x1b]9;'.length, -2);
    expect(body).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(body).toContain('a \\b c d ]0;pwned e [2Jf 31mg  h');
  });
});

describe('blessedTerminal', () => {
  it('uses blessed\'s own xterm descriptions for xterm-like terminals', () => {
    expect(blessedTerminal('xterm-256color', undefined)).toBe('xterm-256color');
    expect(blessedTerminal('screen-256color', undefined)).toBe('xterm-256color');
    expect(blessedTerminal('tmux-256color', undefined)).toBe('xterm-256color');
    expect(blessedTerminal('xterm-direct', undefined)).toBe('xterm-256color');
    expect(blessedTerminal('xterm', 'truecolor')).toBe('xterm-256color');
    expect(blessedTerminal('alacritty', '24bit')).toBe('xterm-256color');
    expect(blessedTerminal('xterm', undefined)).toBe('xterm');
    expect(blessedTerminal('screen', '')).toBe('xterm');
  });

  it('keeps other terminal names and defaults to xterm', () => {
    expect(blessedTerminal('linux', undefined)).toBe('linux');
    expect(blessedTerminal('vt100', 'truecolor')).toBe('vt100');
    expect(blessedTerminal(undefined, undefined)).toBe('xterm');
    expect(blessedTerminal('', undefined)).toBe('xterm');
  });
});

// ---------------------------------------------------------------------------------------------

describe('encodeCursorKeys', () => {
  it('re-encodes cursor keys for the agent\'s DECCKM mode', () => {
    expect(encodeCursorKeys('\x1b[A\x1b[B\x1b[C\x1b[D\x1b[H\x1b[F', true)).toBe('\x1bOA\x1bOB\x1bOC\x1bOD\x1bOH\x1bOF');
    expect(encodeCursorKeys('\x1bOA\x1bOB\x1bOC\x1bOD\x1bOH\x1bOF', false)).toBe('\x1b[A\x1b[B\x1b[C\x1b[D\x1b[H\x1b[F');
    expect(encodeCursorKeys('\x1b[A', false)).toBe('\x1b[A');
    expect(encodeCursorKeys('\x1bOA', true)).toBe('\x1bOA');
  });

  it('leaves text and other keys alone', () => {
    expect(encodeCursorKeys('ls -la\r', true)).toBe('ls -la\r');
    expect(encodeCursorKeys('x\x1b[Ay', true)).toBe('x\x1bOAy');
    expect(encodeCursorKeys('\x1bOP\x1b[15~\x1b[1;5A\x1b[3~', true)).toBe('\x1bOP\x1b[15~\x1b[1;5A\x1b[3~');
    expect(encodeCursorKeys('\x1bOP\x1b[15~\x1b[1;5A\x1b[3~', false)).toBe('\x1bOP\x1b[15~\x1b[1;5A\x1b[3~');
  });
});

describe('encodePaste', () => {
  it('brackets text when the agent asked for bracketed paste', () => {
    expect(encodePaste('hello', true)).toBe('\x1b[200~hello\x1b[201~');
    expect(encodePaste('hello', false)).toBe('hello');
  });

  it('removes paste brackets from the text itself', () => {
    expect(encodePaste('a\x1b[201~rm -rf ~\x1b[200~b', true)).toBe('\x1b[200~arm -rf ~b\x1b[201~');
    expect(encodePaste('a\x1b[201~b', false)).toBe('ab');
  });

  it('leaves no end bracket even when removing one joins its neighbours into another', () => {
    const crafted = 'safe\x1b[20\x1b[201~1~; echo injected';
    const encoded = encodePaste(crafted, true);
    const inner = encoded.slice('\x1b[200~'.length, -'\x1b[201~'.length);
    expect(inner).not.toContain('\x1b[201~');
  });
});

describe('keyHints', () => {
  const labels = { background: 'Ctrl+B', focusNext: 'Tab', quit: 'Ctrl+Q', interrupt: 'Ctrl+C' };
  const keys = (hints: Array<{ key: string }>) => hints.map((hint) => hint.key);

  it('names the keys of each focus, with the configured labels', () => {
    expect(keys(keyHints({ focus: 'input', labels, diffOpen: false, session: { busy: false } }))).toEqual(['Tab', '/help', 'Ctrl+Q']);
    expect(keys(keyHints({ focus: 'input', labels, diffOpen: false, session: { busy: true } }))).toEqual(['Ctrl+C', 'Tab', 'Ctrl+Q']);
    expect(keyHints({ focus: 'input', labels, diffOpen: false, session: { busy: true, foreground: 'npm-test' } })[0])
      .toEqual({ key: 'Ctrl+B', label: 'npm-test to background' });
    expect(keys(keyHints({ focus: 'list', labels, diffOpen: false, session: { busy: false } }))).toEqual(['↑↓', 'Enter', 'Tab', 'Ctrl+Q']);
    expect(keys(keyHints({ focus: 'agent', labels, attached: { name: 'kitty', ended: false }, diffOpen: false, session: { busy: false } })))
      .toEqual(['Ctrl+B', '', 'Shift+PgUp']);
    expect(keyHints({ focus: 'agent', labels, attached: { name: 'kitty', ended: true }, diffOpen: false, session: { busy: false } }))
      .toEqual([{ key: 'any key', label: 'back to chat' }]);
    expect(keys(keyHints({ focus: 'compare', labels, diffOpen: true, session: { busy: false } }))).toContain('PgUp/PgDn');
  });
});
