// How far back up the screen a program has ever reached from its cursor — moving it up (a
// progress bar redrawn a few rows up), placing it by row, erasing or scrolling what is above it.
// A program that reaches back at most N rows is taken to leave the rows further above its cursor
// as they are: those are final. Only the normal buffer counts; the alternate screen has a buffer
// of its own.
import type { Terminal } from '@xterm/headless';

type Params = ReadonlyArray<number | number[]>;

/** Parameter `index` as a count or row (1-based), `fallback` when it is absent or 0. */
function param(params: Params, index: number, fallback: number): number {
  const value = params[index];
  return typeof value === 'number' && value > 0 ? value : fallback;
}

export class CursorReach {
  /** The most rows the program has reached back above its cursor. */
  rows = 0;
  /** The row a saved cursor (DECSC, SCOSC, mode 1048) is on. */
  private saved = 0;

  constructor(private readonly terminal: Terminal) {
    const { parser } = terminal;
    const cursorRow = () => terminal.buffer.normal.cursorY;
    const up = (csi: (params: Params) => number) => (params: Params) => this.reach(() => csi(params));
    for (const final of ['A', 'F', 'k']) parser.registerCsiHandler({ final }, up((params) => param(params, 0, 1))); // CUU, CPL, VPB
    for (const final of ['H', 'f', 'd']) parser.registerCsiHandler({ final }, up((params) => cursorRow() - (param(params, 0, 1) - 1))); // CUP, HVP, VPA
    // Erasing above the cursor (1) or the whole screen (2); 0 erases below it, 3 the history.
    for (const prefix of [undefined, '?']) {
      parser.registerCsiHandler({ ...(prefix ? { prefix } : {}), final: 'J' }, up((params) => (params[0] === 1 || params[0] === 2 ? cursorRow() : 0)));
    }
    // Scrolling the region up or down (SU, SD), setting it (DECSTBM, which homes the cursor).
    for (const final of ['S', 'T', 'r']) parser.registerCsiHandler({ final }, up(() => cursorRow()));
    parser.registerCsiHandler({ final: 's' }, () => this.save());
    parser.registerCsiHandler({ final: 'u' }, up(() => cursorRow() - this.saved));
    parser.registerEscHandler({ final: '7' }, () => this.save());
    parser.registerEscHandler({ final: '8' }, () => this.reach(() => cursorRow() - this.saved));
    parser.registerEscHandler({ final: 'M' }, () => this.reach(() => 1)); // RI
    parser.registerEscHandler({ final: 'c' }, () => this.reach(() => cursorRow())); // RIS
    for (const final of ['h', 'l']) {
      parser.registerCsiHandler({ prefix: '?', final }, (params) => {
        if (params.includes(1048)) return final === 'h' ? this.save() : this.reach(() => cursorRow() - this.saved);
        if (params.includes(6)) return this.reach(() => cursorRow()); // origin mode homes the cursor
        if (params.includes(45)) return this.reach(() => terminal.rows); // reverse wrap: a backspace may climb any way up
        return false;
      });
    }
  }

  /** Records a reach measured before xterm acts on the sequence; returns false so that it does. */
  private reach(rows: () => number): boolean {
    if (this.terminal.buffer.active === this.terminal.buffer.normal) this.rows = Math.max(this.rows, rows());
    return false;
  }

  private save(): boolean {
    if (this.terminal.buffer.active === this.terminal.buffer.normal) this.saved = this.terminal.buffer.normal.cursorY;
    return false;
  }
}
