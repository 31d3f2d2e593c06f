// End-to-end screen harness: runs a program in a real pty, renders its output in a headless
// xterm.js emulator and lets tests read the screen, type keys and wait for conditions.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pty from 'node-pty';
import xterm from '@xterm/headless';
import { stopServer } from './cli-runner.js';
import type { IBufferCell, IBufferLine, Terminal as XTerminal } from '@xterm/headless';

const { Terminal } = xterm;

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI_ENTRY = join(REPO_ROOT, 'dist', 'cli', 'main.js');

const DEFAULT_TIMEOUT_MS = 10_000;
const POLL_INTERVAL_MS = 50;
const KILL_GRACE_MS = 2_000;
const RAW_INITIAL_CAPACITY = 64 * 1024;

/** Variables never inherited from the test runner's environment; a caller may still pass them explicitly. */
const SCRUBBED_ENV = ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'NO_COLOR'] as const;

export interface ScreenOptions {
  /** Program to run. Default: the node binary running the tests, with `<repo>/dist/cli/main.js` as first argument. */
  command?: string;
  /** Arguments of `command`; when `command` is omitted, extra arguments passed to the agentmux CLI. */
  args?: string[];
  cols?: number;
  rows?: number;
  /** Working directory. Default: the harness HOME. */
  cwd?: string;
  /** HOME of the program. Default: a fresh temporary directory, removed by close(). */
  home?: string;
  /** Merged over the clean base environment; an `undefined` value removes a variable. */
  env?: Record<string, string | undefined>;
  /** Start from the runner's environment (minus the scrubbed variables) instead of a minimal one. Default false. */
  inheritEnv?: boolean;
  /** Forward the emulator's own replies (DA, DSR, ...) back to the program, as a real terminal does. Default true. */
  answerQueries?: boolean;
  /** When set, answer the OSC 11 background colour query with this value (e.g. 'rgb:ffff/ffff/ffff'). */
  osc11Reply?: string;
  /** Lines of scrollback kept by the emulator. Default 1000. */
  scrollback?: number;
}

export interface WaitOptions {
  timeoutMs?: number;
  /** Description of the awaited condition, shown in the timeout error. */
  message?: string;
}

export interface Position {
  x: number;
  y: number;
}

/** 'default', a palette index (0-255), or a true colour as '#rrggbb'. */
export type CellColor = 'default' | number | `#${string}`;

export interface CellStyle {
  chars: string;
  width: number;
  fg: CellColor;
  bg: CellColor;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  blink: boolean;
  inverse: boolean;
  invisible: boolean;
  strikethrough: boolean;
}

export interface ExitStatus {
  exitCode: number;
  signal: NodeJS.Signals | null;
}

export type ScreenPredicate = (text: string, screen: ScreenHarness) => unknown;
export type RawPredicate = (raw: Buffer) => unknown;

type Letter =
  | 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h' | 'i' | 'j' | 'k' | 'l' | 'm'
  | 'n' | 'o' | 'p' | 'q' | 'r' | 's' | 't' | 'u' | 'v' | 'w' | 'x' | 'y' | 'z';

const NAMED_KEYS = {
  enter: '\r',
  tab: '\t',
  'shift-tab': '\x1b[Z',
  backspace: '\x7f',
  escape: '\x1b',
  space: ' ',
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  home: '\x1b[H',
  end: '\x1b[F',
  pageup: '\x1b[5~',
  pagedown: '\x1b[6~',
  delete: '\x1b[3~',
} as const;

export type KeyName = keyof typeof NAMED_KEYS | `ctrl-${Letter}` | `alt-${Letter}`;

/** Bytes a terminal sends for a named key (cursor keys in normal, not application, mode). */
export function keySequence(key: KeyName): string {
  if (Object.hasOwn(NAMED_KEYS, key)) return NAMED_KEYS[key as keyof typeof NAMED_KEYS];
  const modified = /^(ctrl|alt)-([a-z])$/.exec(key);
  if (!modified) throw new Error(`Unknown key name: ${JSON.stringify(key)}`);
  const [, modifier, letter] = modified;
  return modifier === 'ctrl' ? String.fromCharCode(letter.charCodeAt(0) & 0x1f) : `\x1b${letter}`;
}

/** The environment the program runs with: a clean base, HOME/XDG dirs inside `home`, then the caller's overrides. */
export function buildEnv(home: string, options: Pick<ScreenOptions, 'env' | 'inheritEnv'> = {}): Record<string, string> {
  const base: Record<string, string | undefined> = options.inheritEnv
    ? { ...process.env }
    : { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', SHELL: process.env.SHELL ?? '/bin/sh' };
  for (const name of SCRUBBED_ENV) delete base[name];
  const merged: Record<string, string | undefined> = {
    ...base,
    HOME: home,
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_RUNTIME_DIR: join(home, '.run'),
    ...options.env,
  };
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(merged)) if (value !== undefined) env[name] = value;
  return env;
}

interface Waiter {
  /** Returns true when done; may settle the waiter's promise itself. */
  check(): boolean;
  fail(error: Error): void;
}

export class ScreenHarness {
  readonly home: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly terminal: XTerminal;

  private readonly process: pty.IPty;
  private readonly ownsHome: boolean;
  private readonly waiters = new Set<Waiter>();
  private readonly disposers: Array<() => void> = [];
  private raw = Buffer.alloc(RAW_INITIAL_CAPACITY);
  private rawLength = 0;
  private pendingWrites = 0;
  private exit: ExitStatus | undefined;
  private readonly exited: Promise<ExitStatus>;
  private closing: Promise<void> | undefined;
  /** The environment the program runs with (a test runs `agentmux ls` and the like in the same one). */
  readonly env: Record<string, string>;
  readonly cwd: string;
  private readonly runsAgentmux: boolean;

  constructor(options: ScreenOptions = {}) {
    const cols = options.cols ?? 100;
    const rows = options.rows ?? 30;
    this.command = options.command ?? process.execPath;
    this.args = options.command === undefined ? [CLI_ENTRY, ...(options.args ?? [])] : [...(options.args ?? [])];

    const givenHome = options.home ?? options.env?.HOME;
    this.ownsHome = givenHome === undefined;
    this.home = givenHome ?? mkdtempSync(join(tmpdir(), 'agentmux-screen-'));
    const env = buildEnv(this.home, options);
    this.env = env;
    this.cwd = options.cwd ?? this.home;
    this.runsAgentmux = options.command === undefined;
    for (const name of ['XDG_CONFIG_HOME', 'XDG_STATE_HOME', 'XDG_DATA_HOME']) mkdirSync(env[name], { recursive: true });
    mkdirSync(env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });

    this.terminal = new Terminal({ cols, rows, allowProposedApi: true, scrollback: options.scrollback ?? 1000 });
    try {
      this.process = pty.spawn(this.command, [...this.args], {
        name: env.TERM,
        cols,
        rows,
        cwd: options.cwd ?? this.home,
        env,
        encoding: null,
      });
    } catch (error) {
      this.terminal.dispose();
      if (this.ownsHome) rmSync(this.home, { recursive: true, force: true });
      throw error;
    }

    if (options.answerQueries ?? true) {
      const replies = this.terminal.onData((data) => this.writeToProgram(data));
      this.disposers.push(() => replies.dispose());
    }
    const osc11Reply = options.osc11Reply;
    if (osc11Reply !== undefined) {
      const handler = this.terminal.parser.registerOscHandler(11, (data) => {
        if (data !== '?') return false; // a colour being set, not queried: let xterm handle it
        this.writeToProgram(`\x1b]11;${osc11Reply}\x1b\\`);
        return true;
      });
      this.disposers.push(() => handler.dispose());
    }

    // With `encoding: null` node-pty emits Buffers, although its typings say string.
    const output = this.process.onData((chunk: string | Buffer) => this.receive(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
    this.disposers.push(() => output.dispose());
    this.exited = new Promise((resolve) => {
      const exit = this.process.onExit(({ exitCode, signal }) => {
        this.exit = { exitCode, signal: signalName(signal) };
        resolve(this.exit);
        this.notify();
      });
      this.disposers.push(() => exit.dispose());
    });
  }

  get pid(): number {
    return this.process.pid;
  }

  get cols(): number {
    return this.terminal.cols;
  }

  get rows(): number {
    return this.terminal.rows;
  }

  /** Exit status once the program has exited. */
  get exitStatus(): ExitStatus | undefined {
    return this.exit;
  }

  // ---- reading the screen -------------------------------------------------------------------

  /** The visible screen, one line per row (trailing blanks trimmed), joined by '\n'. */
  text(): string {
    return this.lines().join('\n');
  }

  lines(): string[] {
    return Array.from({ length: this.rows }, (_, y) => this.line(y));
  }

  /** Row `y` of the visible screen (0-based), trailing blanks trimmed. */
  line(y: number): string {
    return this.bufferLine(y)?.translateToString(true) ?? '';
  }

  /** Cursor position relative to the visible screen (0-based). */
  cursor(): Position {
    const buffer = this.terminal.buffer.active;
    return { x: buffer.cursorX, y: buffer.baseY + buffer.cursorY - buffer.viewportY };
  }

  /** Character and attributes of the cell at column `x`, row `y` of the visible screen. */
  cellStyle(x: number, y: number): CellStyle {
    const cell = this.bufferLine(y)?.getCell(x);
    if (!cell) throw new Error(`No cell at (${x}, ${y}) on a ${this.cols}x${this.rows} screen`);
    return {
      chars: cell.getChars(),
      width: cell.getWidth(),
      fg: cellColor(cell, 'fg'),
      bg: cellColor(cell, 'bg'),
      bold: cell.isBold() !== 0,
      dim: cell.isDim() !== 0,
      italic: cell.isItalic() !== 0,
      underline: cell.isUnderline() !== 0,
      blink: cell.isBlink() !== 0,
      inverse: cell.isInverse() !== 0,
      invisible: cell.isInvisible() !== 0,
      strikethrough: cell.isStrikethrough() !== 0,
    };
  }

  /** Screen position (column, row) of the first occurrence of `needle`, scanning rows top to bottom. */
  findText(needle: string): Position | undefined {
    for (let y = 0; y < this.rows; y++) {
      const row = this.bufferLine(y);
      if (!row) continue;
      const { text, columns } = rowWithColumns(row, this.cols);
      const index = text.indexOf(needle);
      if (index >= 0) return { x: columns[index], y };
    }
    return undefined;
  }

  /** Every byte the program has written so far. */
  rawBytes(): Buffer {
    return this.raw.subarray(0, this.rawLength);
  }

  /** The raw output decoded as UTF-8. */
  rawText(): string {
    return this.rawBytes().toString('utf8');
  }

  /** The screen framed with row numbers, as shown in timeout errors. */
  formatScreen(): string {
    const { x, y } = this.cursor();
    const width = String(this.rows - 1).length;
    const rule = '-'.repeat(this.cols);
    const body = this.lines().map((line, row) => `${String(row).padStart(width)} |${line}`);
    return [
      `Screen ${this.cols}x${this.rows}, cursor at (${x}, ${y}):`,
      `${' '.repeat(width)} +${rule}`,
      ...body,
      `${' '.repeat(width)} +${rule}`,
    ].join('\n');
  }

  // ---- waiting ------------------------------------------------------------------------------

  /**
   * Resolves with the screen text once `condition` holds: a substring, a RegExp, or a predicate
   * (which may also throw, e.g. a failing `expect`, to mean "not yet"). Re-checked after each
   * parsed write and every 50 ms. Rejects on timeout, or as soon as the program has exited and all
   * its output is on screen without the condition holding.
   */
  waitFor(condition: string | RegExp | ScreenPredicate, options: WaitOptions = {}): Promise<string> {
    const description = options.message ?? describeCondition(condition);
    const test = (): boolean => {
      const text = this.text();
      if (typeof condition === 'string') return text.includes(condition);
      if (condition instanceof RegExp) return condition.test(text);
      return Boolean(condition(text, this));
    };
    return this.wait(description, options.timeoutMs, test, () => this.text(), true);
  }

  /** Like waitFor, but on the raw output; a string or RegExp is matched against its UTF-8 decoding. */
  waitForRaw(condition: string | RegExp | RawPredicate, options: WaitOptions = {}): Promise<Buffer> {
    const description = `raw output matching ${options.message ?? describeCondition(condition)}`;
    const test = (): boolean => {
      if (typeof condition === 'string') return this.rawText().includes(condition);
      if (condition instanceof RegExp) return condition.test(this.rawText());
      return Boolean(condition(this.rawBytes()));
    };
    return this.wait(description, options.timeoutMs, test, () => this.rawBytes(), false);
  }

  /** Resolves with the exit status once the program has exited and its output has been parsed. */
  waitForExit(options: { timeoutMs?: number } = {}): Promise<ExitStatus> {
    return this.wait(
      'the program to exit',
      options.timeoutMs,
      () => this.exit !== undefined && this.pendingWrites === 0,
      () => this.exit as ExitStatus,
      false,
    );
  }

  // ---- writing ------------------------------------------------------------------------------

  /** Sends text to the program as if typed. */
  type(text: string): void {
    if (this.closing) throw new Error('ScreenHarness is closed');
    if (this.exit) throw new Error(`Cannot type ${JSON.stringify(text)}: ${this.describeProcess()}`);
    this.writeToProgram(text);
  }

  press(key: KeyName): void {
    this.type(keySequence(key));
  }

  /** Resizes the emulator and the pty, which sends SIGWINCH to the program. */
  resize(cols: number, rows: number): void {
    this.terminal.resize(cols, rows);
    if (!this.exit && !this.closing) this.process.resize(cols, rows);
    this.notify();
  }

  /** Stops the program (SIGTERM, SIGKILL after 2 s), disposes the emulator and removes the temporary HOME. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  // ---- internals ----------------------------------------------------------------------------

  private async shutdown(): Promise<void> {
    for (const waiter of [...this.waiters]) waiter.fail(new Error('ScreenHarness closed while waiting'));
    if (!this.exit) {
      this.signal('SIGTERM');
      if (!(await this.exitWithin(KILL_GRACE_MS))) {
        this.signal('SIGKILL');
        await this.exitWithin(KILL_GRACE_MS);
      }
    }
    for (const dispose of this.disposers) dispose();
    this.terminal.dispose();
    // The screen started the user's server, which outlives it by design: a test's server ends with the test.
    if (this.runsAgentmux) await stopServer(this.env, this.cwd);
    if (this.ownsHome) rmSync(this.home, { recursive: true, force: true, maxRetries: 3 });
  }

  /** Signals the program's process group (node-pty makes it a session leader), so its children go too. */
  private signal(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.process.pid, signal);
    } catch {
      this.process.kill(signal);
    }
  }

  private async exitWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    const exited = await Promise.race([this.exited.then(() => true), timeout]);
    clearTimeout(timer);
    return exited;
  }

  private receive(chunk: Buffer): void {
    this.appendRaw(chunk);
    this.pendingWrites++;
    this.terminal.write(chunk, () => {
      this.pendingWrites--;
      this.notify();
    });
    this.notify();
  }

  private appendRaw(chunk: Buffer): void {
    const needed = this.rawLength + chunk.length;
    if (needed > this.raw.length) {
      // Grow into a new buffer so Buffers handed out by rawBytes() stay valid snapshots.
      const grown = Buffer.alloc(Math.max(needed, this.raw.length * 2));
      this.raw.copy(grown, 0, 0, this.rawLength);
      this.raw = grown;
    }
    chunk.copy(this.raw, this.rawLength);
    this.rawLength = needed;
  }

  private writeToProgram(data: string): void {
    if (this.exit || this.closing) return;
    this.process.write(Buffer.from(data, 'utf8'));
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter.check();
  }

  private wait<T>(
    description: string,
    timeoutMs: number = DEFAULT_TIMEOUT_MS,
    test: () => boolean,
    result: () => T,
    failWhenExited: boolean,
  ): Promise<T> {
    if (this.closing) return Promise.reject(new Error(`ScreenHarness is closed; cannot wait for ${description}`));
    return new Promise<T>((resolve, reject) => {
      let lastError: unknown;
      const settle = (outcome: () => void): void => {
        clearInterval(poll);
        clearTimeout(timer);
        this.waiters.delete(waiter);
        outcome();
      };
      const waiter: Waiter = {
        check: () => {
          let met = false;
          try {
            met = test();
            lastError = undefined;
          } catch (error) {
            lastError = error;
          }
          if (met) {
            settle(() => resolve(result()));
            return true;
          }
          if (failWhenExited && this.exit && this.pendingWrites === 0) {
            settle(() => reject(this.waitError(`${this.describeProcess()} while waiting for ${description}`, lastError)));
            return true;
          }
          return false;
        },
        fail: (error) => settle(() => reject(error)),
      };
      const poll = setInterval(() => waiter.check(), POLL_INTERVAL_MS);
      const timer = setTimeout(
        () => settle(() => reject(this.waitError(`Timed out after ${timeoutMs} ms waiting for ${description}`, lastError))),
        timeoutMs,
      );
      this.waiters.add(waiter);
      waiter.check();
    });
  }

  private waitError(headline: string, lastError: unknown): Error {
    const parts = [headline, `Program: ${this.describeProcess()}`];
    if (lastError !== undefined) {
      parts.push(`Last predicate error: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
    }
    parts.push(this.formatScreen());
    return new Error(parts.join('\n'));
  }

  private describeProcess(): string {
    const command = [this.command, ...this.args].join(' ');
    if (!this.exit) return `${command} (pid ${this.process.pid}) is running`;
    const how = this.exit.signal ? `was killed by ${this.exit.signal}` : `exited with code ${this.exit.exitCode}`;
    return `${command} ${how}`;
  }

  private bufferLine(y: number): IBufferLine | undefined {
    if (y < 0 || y >= this.rows) return undefined;
    const buffer = this.terminal.buffer.active;
    return buffer.getLine(buffer.viewportY + y);
  }
}

/** Spawns `options.command` (default: the built agentmux CLI) in a pty with an emulated screen. */
export async function startScreen(options: ScreenOptions = {}): Promise<ScreenHarness> {
  return new ScreenHarness(options);
}

function cellColor(cell: IBufferCell, layer: 'fg' | 'bg'): CellColor {
  const isDefault = layer === 'fg' ? cell.isFgDefault() : cell.isBgDefault();
  if (isDefault) return 'default';
  const value = layer === 'fg' ? cell.getFgColor() : cell.getBgColor();
  const isRgb = layer === 'fg' ? cell.isFgRGB() : cell.isBgRGB();
  return isRgb ? `#${value.toString(16).padStart(6, '0')}` : value;
}

/** A row's text with, for each UTF-16 unit, the screen column it sits in (wide characters span two). */
function rowWithColumns(row: IBufferLine, cols: number): { text: string; columns: number[] } {
  let text = '';
  const columns: number[] = [];
  for (let x = 0; x < cols; x++) {
    const cell = row.getCell(x);
    if (!cell || cell.getWidth() === 0) continue; // second half of a wide character
    const chars = cell.getChars() || ' ';
    text += chars;
    for (let i = 0; i < chars.length; i++) columns.push(x);
  }
  return { text, columns };
}

function describeCondition(condition: string | RegExp | ((...args: never[]) => unknown)): string {
  if (typeof condition === 'string') return `text ${JSON.stringify(condition)}`;
  if (condition instanceof RegExp) return String(condition);
  const source = condition.toString().replace(/\s+/g, ' ');
  return `predicate ${source.length > 200 ? `${source.slice(0, 200)}...` : source}`;
}

function signalName(signal: number | undefined): NodeJS.Signals | null {
  if (!signal) return null;
  const entry = Object.entries(osConstants.signals).find(([, number]) => number === signal);
  return entry ? (entry[0] as NodeJS.Signals) : null;
}
