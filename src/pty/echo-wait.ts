// Waits until a program has taken text written to its terminal, so that the Enter sent after it
// arrives in a read of its own: a program reading its terminal in raw mode (Claude Code) takes
// text and Enter read together for pasted text, and does not submit it. The sign is the output
// that follows the write — its echo or redraw — once it has stopped for a moment (a long text is
// read and echoed in pieces). A program that echoes nothing is given a short while instead, and
// one that never stops printing (a spinner) a longer one.

/** Output that pauses this long after the write: the text has been read and echoed. */
const QUIET_MS = 50;
/** No output at all this long after the write: it reads without echoing (or not at all). */
const SILENT_MS = 500;
/** Whatever it prints, the wait ends after this long. */
const MAX_WAIT_MS = 2000;

interface Pending {
  end(): void;
  quiet?: NodeJS.Timeout;
  silent: NodeJS.Timeout;
  max: NodeJS.Timeout;
}

export class EchoWait {
  private pending: Pending | undefined;

  /** Call right after writing: resolves once the program has shown it took the text, as above. One wait at a time. */
  wait(): Promise<void> {
    this.end();
    return new Promise((resolve) => {
      const end = () => {
        clearTimeout(pending.quiet);
        clearTimeout(pending.silent);
        clearTimeout(pending.max);
        if (this.pending === pending) this.pending = undefined;
        resolve();
      };
      const pending: Pending = { end, silent: setTimeout(end, SILENT_MS), max: setTimeout(end, MAX_WAIT_MS) };
      this.pending = pending;
    });
  }

  /** The program printed something. */
  output(): void {
    const pending = this.pending;
    if (!pending) return;
    clearTimeout(pending.silent);
    clearTimeout(pending.quiet);
    pending.quiet = setTimeout(pending.end, QUIET_MS);
  }

  /** Ends a wait at once: the program is gone. */
  end(): void {
    this.pending?.end();
  }
}
