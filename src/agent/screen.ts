// What a worker (or a run agentmux renders, print-run.ts) shows on its terminal: text from outside
// sanitized (no escape sequence or control character of its own can act on the terminal), styled
// with SGR of our own, one line per tool call and a few lines of its result.
import { truncate } from '../core/format.js';
import { sanitize } from './sanitize.js';

/** Lines of a tool result shown on screen. */
const RESULT_PREVIEW_LINES = 4;

const SGR = {
  reset: '\x1b[0m',
  bold: '\x1b[1m',
  dim: '\x1b[2m',
  red: '\x1b[31m',
  yellow: '\x1b[33m',
  cyan: '\x1b[36m',
  question: '\x1b[1;30;43m',
} as const;

/** Where a screen writes, and how wide it is. */
export interface ScreenIO {
  write(text: string): void;
  columns(): number;
}

/** The worker's screen: sanitized text from outside, SGR styles of its own. */
export class Screen {
  private atLineStart = true;

  constructor(private readonly io: ScreenIO, private readonly color: boolean) {}

  width(): number {
    const columns = this.io.columns();
    return Number.isFinite(columns) && columns >= 20 ? Math.floor(columns) : 80;
  }

  private put(text: string): void {
    if (text === '') return;
    this.io.write(text);
    this.atLineStart = text.endsWith('\n');
  }

  /** Streamed model text (sanitized here). */
  stream(untrusted: string): void {
    this.put(sanitize(untrusted));
  }

  /** A whole line in a style; `text` is sanitized and must fit the line (callers shorten it). */
  line(text: string, style?: keyof typeof SGR): void {
    this.breakLine();
    const clean = sanitize(text);
    this.put(this.color && style ? `${SGR[style]}${clean}${SGR.reset}\n` : `${clean}\n`);
  }

  breakLine(): void {
    if (!this.atLineStart) this.put('\n');
  }

  blankLine(): void {
    this.breakLine();
    this.put('\n');
  }

  bell(): void {
    this.io.write('\x07');
  }

  /** "● read_file src/auth.ts", shortened to the width. */
  toolLine(name: string, summary: string): void {
    const room = Math.max(10, this.width() - name.length - 3);
    this.line(`● ${name} ${truncate(summary, room)}`, 'cyan');
  }

  /** The first lines of a tool's result under its line, and how many more there are. */
  toolResult(content: string, isError: boolean): void {
    const width = this.width();
    const lines = sanitize(content).replace(/\n+$/, '').split('\n');
    const shown = lines.slice(0, RESULT_PREVIEW_LINES);
    shown.forEach((line, index) => {
      this.line(`${index === 0 ? '  ⎿ ' : '    '}${truncate(line.replace(/\t/g, '  '), width - 5)}`, isError ? 'red' : 'dim');
    });
    if (lines.length > shown.length) this.line(`    … ${lines.length - shown.length} more lines`, 'dim');
  }
}
