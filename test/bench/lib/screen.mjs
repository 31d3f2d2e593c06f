// A program in a pty whose output is rendered by a headless xterm.js, so a benchmark can
// type keys and time how long until something shows on screen. A minimal cousin of
// test/support/screen-harness.ts.
import { performance } from 'node:perf_hooks';
import * as pty from 'node-pty';
import xterm from '@xterm/headless';
import { killGroup, onCleanup } from './cleanup.mjs';
import { descendantsOf, startTime } from './proc.mjs';

const { Terminal } = xterm;

/** What a dark terminal answers to the OSC 11 background query. */
const DARK_BACKGROUND = 'rgb:1e1e/1e1e/1e1e';

export class Screen {
  constructor({ command, args = [], cols = 100, rows = 30, env, cwd }) {
    this.terminal = new Terminal({ cols, rows, scrollback: 0, allowProposedApi: true });
    this.process = pty.spawn(command, args, { name: 'xterm-256color', cols, rows, env, cwd, encoding: null });
    this.checks = new Set();
    this.outputListeners = new Set();
    this.exited = false;
    /** Bytes the program has written so far. */
    this.bytesReceived = 0;
    this.dropCleanup = onCleanup(() => killGroup(this.process.pid));
    // Answer queries as a real terminal does (DA1, cursor position; OSC 11 for --theme auto).
    this.terminal.onData((data) => this.write(data));
    this.terminal.parser.registerOscHandler(11, (data) => {
      if (data !== '?') return false;
      this.write(`\x1b]11;${DARK_BACKGROUND}\x1b\\`);
      return true;
    });
    this.process.onData((chunk) => {
      this.bytesReceived += chunk.length;
      for (const listener of this.outputListeners) listener(chunk);
      this.terminal.write(chunk, () => this.check());
    });
    this.process.onExit(() => {
      this.exited = true;
      this.check();
    });
  }

  get pid() {
    return this.process.pid;
  }

  /** Row `y` of the visible screen, trailing blanks trimmed. */
  line(y) {
    const buffer = this.terminal.buffer.active;
    return buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '';
  }

  text() {
    return Array.from({ length: this.terminal.rows }, (_, y) => this.line(y)).join('\n');
  }

  /** The character at column `x` of row `y`, '' for an empty cell. */
  charAt(x, y) {
    const buffer = this.terminal.buffer.active;
    return buffer.getLine(buffer.viewportY + y)?.getCell(x)?.getChars() ?? '';
  }

  write(data) {
    if (!this.exited) this.process.write(data);
  }

  /**
   * Resolves with performance.now() at the first parsed output after which `condition(screen)`
   * holds (or at once if it holds already); rejects after `timeoutMs`.
   */
  waitFor(condition, { timeoutMs = 10_000, what = String(condition) } = {}) {
    return new Promise((resolve, reject) => {
      const entry = {
        test: () => {
          if (condition(this)) return settle(() => resolve(performance.now()));
          if (this.exited) settle(() => reject(new Error(`${what}: the program exited\n${this.text()}`)));
        },
      };
      const timer = setTimeout(() => settle(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.text()}`))), timeoutMs);
      const settle = (outcome) => {
        clearTimeout(timer);
        this.checks.delete(entry);
        outcome();
      };
      this.checks.add(entry);
      entry.test();
    });
  }

  /** Calls `listener(chunk)` with every chunk of raw output (a Buffer); returns a function that stops it. */
  onOutput(listener) {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  /** Resolves once the program has exited. */
  waitForExit(options = {}) {
    return this.waitFor((screen) => screen.exited, { what: 'the program to exit', ...options });
  }

  /** Waits until `text` is somewhere on screen. */
  waitForText(text, options = {}) {
    return this.waitFor((screen) => screen.text().includes(text), { what: JSON.stringify(text), ...options });
  }

  check() {
    for (const entry of [...this.checks]) entry.test();
  }

  /**
   * Ends the program (SIGTERM to its group, then SIGKILL) and frees the emulator. Processes it
   * started in sessions of their own (agents in their ptys) get SIGKILL if they outlive it.
   */
  async close() {
    const descendants = descendantsOf(this.process.pid).map((pid) => ({ pid, started: startTime(pid) }));
    if (!this.exited) {
      try {
        process.kill(-this.process.pid, 'SIGTERM');
      } catch {
        // gone already
      }
      const deadline = Date.now() + 2000;
      while (!this.exited && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (!this.exited) killGroup(this.process.pid);
    for (const { pid, started } of descendants) {
      if (started !== undefined && startTime(pid) === started) killGroup(pid);
    }
    this.dropCleanup();
    this.terminal.dispose();
  }
}
