// The list's last line of an agent: output, never an agent CLI's input box or the hints under it.
// Screens as Claude Code and Codex draw them (their rows, as the emulator reads them back).
import { describe, expect, it } from 'vitest';
import { lastOutputLine } from '../../src/core/last-output-line.js';

const rows = (screen: string): string[] => screen.split('\n');

describe('lastOutputLine: an agent CLI\'s input area is not its last line', () => {
  it('Claude Code\'s start screen with its prompt box: the last tip above the box', () => {
    const screen = rows(`╭───────────────────────────────────────────────────╮
│ ✻ Welcome to Claude Code!                         │
│                                                   │
│   /help for help, /status for your current setup  │
│                                                   │
│   cwd: /home/me/repo                              │
╰───────────────────────────────────────────────────╯

 Tips for getting started:

 1. Run /init to create a CLAUDE.md file with instructions for Claude
 2. Use Claude to help with file analysis, editing, bash commands and git
 3. Be as specific as you would with another engineer for the best results

╭───────────────────────────────────────────────────╮
│ > Try "how does <filepath> work?"                 │
╰───────────────────────────────────────────────────╯
  ? for shortcuts`);
    expect(lastOutputLine(screen)).toBe('3. Be as specific as you would with another engineer for the best results');
    // The cursor in the box: the rows below it are not read.
    expect(lastOutputLine(screen.slice(0, -2))).toBe('3. Be as specific as you would with another engineer for the best results');
  });

  it('Claude Code 2\'s welcome box and rules around `❯`: the box\'s last line of text, without its edges', () => {
    expect(lastOutputLine(rows(`╭─── Claude Code v2.1.197 ──────────────────────────────────────────────╮
│                               │ Tips for getting started              │
│         Welcome back!         │ Run /init to create a CLAUDE.md file  │
│                               │ ───────────────────────────────────── │
│            ▐▛███▜▌            │ Recent activity                       │
│           ▝▜█████▛▘           │ No recent activity                    │
│   Opus 4.5 · Claude Max       │                                       │
│        ~/src/agentmux         │                                       │
╰───────────────────────────────────────────────────────────────────────╯

─────────────────────────────────────────────────────────────────────────
❯ Try "refactor <filepath>"
─────────────────────────────────────────────────────────────────────────
  ? for shortcuts`))).toBe('~/src/agentmux');
  });

  it('Claude Code 2 after a turn: the line above the rules, whatever the footer says', () => {
    const screen = `❯ what does this repository do?

⏺ It is a terminal multiplexer for AI coding agents.

✻ Cooked for 3s

─────────────────────────────────────────────────
❯ 
─────────────────────────────────────────────────
  ⏸ manual mode on · ? for shortcuts · ← for agents`;
    expect(lastOutputLine(rows(screen))).toBe('✻ Cooked for 3s');
    expect(lastOutputLine(rows(`${screen}\n  ⏵⏵ accept edits on (shift+tab to cycle)\n\n`))).toBe('✻ Cooked for 3s');
    // Cursor on the prompt row.
    expect(lastOutputLine(rows(screen).slice(0, -2))).toBe('✻ Cooked for 3s');
  });

  it('Claude Code at work: its spinner line above the box', () => {
    expect(lastOutputLine(rows(`⏺ Bash(npm test)
  ⎿  Running…

✶ Testing… (12s · ↓ 1.2k tokens · esc to interrupt)

──────────────────────────────────────────
❯ and then update the README
  with the new numbers
──────────────────────────────────────────
  ⏵⏵ accept edits on (shift+tab to cycle)`))).toBe('✶ Testing… (12s · ↓ 1.2k tokens · esc to interrupt)');
  });

  it('Claude Code asking before a command: the question above the choices', () => {
    expect(lastOutputLine(rows(`⏺ Bash(rm -rf build)
──────────────────────────────────────────
 Bash command

   rm -rf build
   Remove the build directory

 Do you want to proceed?
 ❯ 1. Yes
   2. No, and tell Claude what to do differently (esc)`))).toBe('Do you want to proceed?');
  });

  it('Codex\'s `›` composer and its footer: the last line of its answer', () => {
    const answer = `› fix the failing test

• Ran npm test
  └ 12 passed, 0 failed

• The failing test now passes: the fixture had a stale date.
`;
    expect(lastOutputLine(rows(`${answer}
› Ask Codex to do anything



  100% context left · ? for shortcuts`))).toBe('• The failing test now passes: the fixture had a stale date.');
    expect(lastOutputLine(rows(`${answer}
› Explain this codebase

  ? shortcuts
  @ for file paths                          ctrl + v to paste images
  esc again to edit previous message        ctrl + c to exit
                                            ctrl + t to view transcript`))).toBe('• The failing test now passes: the fixture had a stale date.');
    // The cursor in the composer.
    expect(lastOutputLine(rows(`${answer}\n› `))).toBe('• The failing test now passes: the fixture had a stale date.');
  });

  it('a bare prompt glyph is no last line: a `❯` prompt, a `>` continuation', () => {
    expect(lastOutputLine(['~/src/agentmux on main', '❯'])).toBe('~/src/agentmux on main');
    expect(lastOutputLine(['$ echo "unfinished', '> '])).toBe('$ echo "unfinished');
  });
});

describe('lastOutputLine: a command\'s output is its own last line', () => {
  it('a shell\'s prompt is output: it says the shell waits for a command', () => {
    expect(lastOutputLine(['me@box:~/repo$ ls', 'README.md  src', 'me@box:~/repo$ '])).toBe('me@box:~/repo$');
    expect(lastOutputLine(['# '])).toBe('#');
  });

  it('`> text` outside a box is output (npm\'s script lines, quotes)', () => {
    expect(lastOutputLine(['', '> agentmux@0.1.0 build', '> tsc -p tsconfig.json', ''])).toBe('> tsc -p tsconfig.json');
  });

  it('plain lines, blank rows under them', () => {
    expect(lastOutputLine(['tick 1', 'tick 2', '', ''])).toBe('tick 2');
    expect(lastOutputLine(['', ''])).toBe('');
    expect(lastOutputLine([])).toBe('');
  });

  it('a box with no prompt in it is output: its edges are left off, and what follows it stays the last line', () => {
    const notice = ['added 12 packages', '╭──────────────────────────────────────╮', '│   Update available! 8.1.0 → 9.0.0.   │', '╰──────────────────────────────────────╯'];
    expect(lastOutputLine(notice)).toBe('Update available! 8.1.0 → 9.0.0.');
    expect(lastOutputLine([...notice, 'done in 3s'])).toBe('done in 3s');
    expect(lastOutputLine(['┌──────┬────┐', '│ name │ ok │', '├──────┼────┤', '│ one  │ 12 │', '└──────┴────┘'])).toBe('one  │ 12');
  });

  it('a `›` line with more than a footer\'s worth of output under it is output too', () => {
    expect(lastOutputLine(['› step one', 'a', 'b', 'c', 'd', 'e'])).toBe('e');
  });
});
