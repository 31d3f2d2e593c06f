// Helpers for the end-to-end tests: start agentmux in the screen harness and read the parts
// of its screen (main pane, agent list, status bar) the way a user would look at them.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { startScreen, type ScreenHarness, type ScreenOptions, type WaitOptions } from '../support/screen-harness.js';

export type { ScreenHarness } from '../support/screen-harness.js';

const open: ScreenHarness[] = [];
const homes: string[] = [];

/**
 * Starts agentmux (default 100×30, `--theme dark` so colours do not depend on OSC 11) and
 * remembers it for closeAll().
 */
export async function launch(options: ScreenOptions = {}): Promise<ScreenHarness> {
  const h = await startScreen({ cols: 100, rows: 30, ...options, args: options.args ?? ['--theme', 'dark'] });
  open.push(h);
  return h;
}

/** For afterEach: stops every agentmux started by launch() in this test and removes the HOMEs from newHome(). */
export async function closeAll(): Promise<void> {
  await Promise.all(open.splice(0).map((h) => h.close()));
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
}

/**
 * A HOME for `launch({ home })`, so files can be put there before agentmux starts (the harness
 * removes only the HOMEs it creates itself; closeAll() removes this one).
 */
export function newHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'agentmux-e2e-'));
  homes.push(home);
  return home;
}

/** Writes a file (creating its directory) and returns its path. */
export function writeFile(path: string, text: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** `$XDG_CONFIG_HOME/agentmux` of a harness HOME (the harness sets XDG_CONFIG_HOME to HOME/.config). */
export function configDir(home: string): string {
  return join(home, '.config', 'agentmux');
}

// ---- reading the screen ----------------------------------------------------------------------

/** Text of row `y` between columns `from` (inclusive) and `to` (exclusive), trailing spaces trimmed. */
export function rowText(h: ScreenHarness, y: number, from = 0, to = h.cols): string {
  const buffer = h.terminal.buffer.active;
  return (buffer.getLine(buffer.viewportY + y)?.translateToString(true, from, to) ?? '').replace(/ +$/, '');
}

/** Column of the border between the main pane and the agent list: the '│' on the top row, found from the right. */
export function borderColumn(h: ScreenHarness): number {
  for (let x = h.cols - 1; x >= 0; x--) {
    if (h.cellStyle(x, 0).chars === '│') return x;
  }
  throw new Error(`no list border on the top row\n${h.formatScreen()}`);
}

/** The main pane, one string per row above the status bar: header, body (chat or agent), input line. */
export function mainRows(h: ScreenHarness): string[] {
  const border = borderColumn(h);
  return Array.from({ length: h.rows - 1 }, (_, y) => rowText(h, y, 0, border));
}

/** The agent list, one string per row above the status bar, starting with its title. */
export function listRows(h: ScreenHarness): string[] {
  const border = borderColumn(h);
  return Array.from({ length: h.rows - 1 }, (_, y) => rowText(h, y, border + 1));
}

export function headerLine(h: ScreenHarness): string {
  return rowText(h, 0, 0, borderColumn(h));
}

export function statusLine(h: ScreenHarness): string {
  return rowText(h, h.rows - 1);
}

/** The chat's input row (the last row of the main pane). */
export function inputLine(h: ScreenHarness): string {
  return rowText(h, h.rows - 2, 0, borderColumn(h));
}

export interface ListEntry {
  /** "● name   12s" (glyph, name, unread mark, elapsed). */
  head: string;
  /** "  running · last line" */
  detail: string;
}

/** The two list rows of agent `name`, or undefined when it is not in the list. */
export function agentEntry(h: ScreenHarness, name: string): ListEntry | undefined {
  const rows = listRows(h);
  const head = new RegExp(`^ \\S ${escapeRegExp(name)}(?: |$)`);
  const index = rows.findIndex((row) => head.test(row));
  return index === -1 ? undefined : { head: rows[index], detail: rows[index + 1] ?? '' };
}

/** Name of the agent whose list row is highlighted as selected (list focus), if any. */
export function selectedAgent(h: ScreenHarness): string | undefined {
  const border = borderColumn(h);
  const title = h.cellStyle(border + 2, 0);
  for (let y = 1; y < h.rows - 1; y++) {
    const match = /^ \S ([a-z0-9-]+)/.exec(rowText(h, y, border + 1));
    if (!match) continue;
    const cell = h.cellStyle(border + 2, y);
    if (cell.bg !== title.bg || cell.inverse !== title.inverse) return match[1];
  }
  return undefined;
}

/** Main pane rows of the flash banner (top of the body, drawn with the flash role's fill). */
/** The flash rows: at the top of the chat, or in the header row over an attached agent. */
export function flashLines(h: ScreenHarness): string[] {
  const border = borderColumn(h);
  const plain = h.cellStyle(0, h.rows - 2);
  const header = h.cellStyle(0, 0);
  if (header.bg !== plain.bg || header.inverse !== plain.inverse) return [rowText(h, 0, 0, border)];
  const lines: string[] = [];
  for (let y = 1; y < h.rows - 2; y++) {
    const cell = h.cellStyle(0, y);
    const filled = cell.bg !== plain.bg || cell.inverse !== plain.inverse;
    if (!filled) break;
    lines.push(rowText(h, y, 0, border));
  }
  return lines;
}

/** Main pane rows of the chat history (the body without the flash banner), when the chat is in front. */
export function chatLines(h: ScreenHarness): string[] {
  const flashes = flashLines(h).length;
  return mainRows(h).slice(1 + flashes, h.rows - 2);
}

/**
 * The chat's "✖ " entries (errors, and flashes of failed agents), each as one string: a wrapped
 * entry's rows (continued with a two-space indent) joined with single spaces.
 */
export function errorEntries(h: ScreenHarness): string[] {
  const entries: string[] = [];
  let current: string[] | undefined;
  for (const line of chatLines(h)) {
    if (line.startsWith(' ✖ ')) {
      current = [line.slice(3)];
      entries.push('');
    } else if (current && line.startsWith('   ')) {
      current.push(line.trim());
    } else {
      current = undefined;
    }
    if (current) entries[entries.length - 1] = current.join(' ');
  }
  return entries;
}

// ---- waiting -------------------------------------------------------------------------------------

/**
 * Waits until `check` (expect() assertions on the screen) passes. agentmux's frames may reach the
 * screen in several pieces, so a plain expect() right after waiting for one part of the screen may
 * still see another part of the previous frame.
 */
export function eventually(h: ScreenHarness, check: (screen: ScreenHarness) => void, options: WaitOptions = {}): Promise<string> {
  return h.waitFor((_, s) => {
    check(s);
    return true;
  }, { message: 'the checks to pass', ...options });
}

/** Waits until agentmux has drawn its first screen (status bar with the theme name). */
export async function ready(h: ScreenHarness, theme = 'dark'): Promise<void> {
  await h.waitFor((_, s) => statusLine(s).endsWith(`running · ${theme}`), { message: `the status bar with theme ${theme}` });
}

/** Types a line into the focused input and presses Enter. */
export function submit(h: ScreenHarness, line: string): void {
  h.type(`${line}\r`);
}

/** Waits until agent `name` is in the list and `check` accepts its rows (check may throw to mean "not yet"). */
export async function waitForAgent(
  h: ScreenHarness,
  name: string,
  check: (entry: ListEntry) => unknown,
  options: WaitOptions = {},
): Promise<ListEntry> {
  let found: ListEntry | undefined;
  await h.waitFor(
    (_, s) => {
      found = agentEntry(s, name);
      if (!found) throw new Error(`${name} is not in the list`);
      return check(found);
    },
    { message: `agent ${name} in the list`, ...options },
  );
  return found as ListEntry;
}

/** Waits until agent `name`'s state word (second list row) starts with `state`. */
export function waitForState(h: ScreenHarness, name: string, state: string, options: WaitOptions = {}): Promise<ListEntry> {
  return waitForAgent(h, name, (entry) => {
    expect(entry.detail.trimStart().startsWith(state), `state of ${name}: ${entry.detail}`).toBe(true);
    return true;
  }, { message: `agent ${name} ${state}`, ...options });
}

/** Waits until the main pane shows the chat with its input prompt (no agent in front) and the chat's key hints. */
export function waitForChat(h: ScreenHarness): Promise<string> {
  return h.waitFor(
    (_, s) => headerLine(s).startsWith(' agentmux · chat') && inputLine(s).startsWith('›') && statusLine(s).startsWith(' Tab agents '),
    { message: 'the chat with its input prompt' },
  );
}

/**
 * Waits until agent `name` is in front: the header names it with its state, and the status bar says
 * where keys go (a running agent) or that any key goes back (an ended one).
 */
export function waitForAttached(h: ScreenHarness, name: string, state = 'running'): Promise<string> {
  const hint = state === 'running' ? `keys go to ${name}` : 'any key back to chat';
  return h.waitFor(
    (_, s) => new RegExp(`^ \\S ${escapeRegExp(name)} · ${state} · `).test(headerLine(s)) && statusLine(s).includes(hint),
    { message: `${name} attached (${state})` },
  );
}

/** Lines of the chat-or-agent body, i.e. the main pane without header and (in chat) the input row. */
export function bodyRows(h: ScreenHarness): string[] {
  return mainRows(h).slice(1);
}

// ---- processes -------------------------------------------------------------------------------------

/** Reads a pid an agent wrote with `echo $$ > FILE`, once the file is complete. */
export async function readPid(h: ScreenHarness, file: string): Promise<number> {
  await h.waitFor(() => /^\d+\n$/.test(readFileSafe(file)), { message: `a pid in ${file}` });
  return Number(readFileSafe(file));
}

/** Whether `pid` is a live process (a zombie, left unreaped in a container without init, counts as dead). */
export function processAlive(pid: number): boolean {
  const stat = readFileSafe(`/proc/${pid}/stat`);
  if (!stat) return false;
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

/** Waits until `pid` has ended. */
export async function waitForProcessEnd(h: ScreenHarness, pid: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (processAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} still alive after ${timeoutMs} ms\n${h.formatScreen()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Raw output of agentmux after `offset` bytes, decoded as latin1 so any byte sequence can be searched for. */
export function rawSince(h: ScreenHarness, offset: number): string {
  return h.rawBytes().subarray(offset).toString('latin1');
}
