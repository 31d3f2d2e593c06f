// The input line's unsent text, told to the server a moment after typing stops, so that a screen
// that goes away (a dropped SSH link, a closed window) leaves it for the next screen to open.
import { LIMITS } from '../core/command-validation.js';

const DRAFT_DELAY_MS = 300;

export class DraftSync {
  private timer: NodeJS.Timeout | undefined;
  private sent = '';

  constructor(private readonly send: (text: string) => void, private readonly current: () => string) {}

  /** The server already has this draft (it came with the welcome). */
  known(text: string): void {
    this.sent = text;
  }

  /** The line may have changed: tell the server once typing pauses. */
  changed(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), DRAFT_DELAY_MS);
  }

  /** Tell the server now (the screen is closing). A draft too long to send keeps the one sent before. */
  flush(): void {
    clearTimeout(this.timer);
    const text = this.current();
    if (text === this.sent || text.length > LIMITS.text) return;
    this.sent = text;
    this.send(text);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
