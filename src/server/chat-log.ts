// The main conversation as the screen shows it: entries that may grow while open
// (streamed text, a running tool), each change sent to every client.
import type { ChatEntry, ChatRole, Flash } from '../core/protocol.js';

const MAX_ENTRIES = 5000;

export class ChatLog {
  private readonly entries: ChatEntry[] = [];
  private nextId = 1;

  constructor(private readonly now: () => number, private readonly changed: (entry: ChatEntry) => void) {}

  add(role: ChatRole, text: string, options: { flash?: Flash; open?: boolean } = {}): ChatEntry {
    const entry: ChatEntry = {
      id: this.nextId++,
      at: this.now(),
      role,
      text,
      ...(options.flash ? { flash: options.flash } : {}),
      ...(options.open ? { open: true } : {}),
    };
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    this.changed(entry);
    return entry;
  }

  /** Changes an entry's text (and closes it unless `open`); clients replace it by id. */
  update(entry: ChatEntry, text: string, open = false): void {
    entry.text = text;
    if (open) entry.open = true;
    else delete entry.open;
    this.changed(entry);
  }

  /** Shows another conversation's lines instead (a resumed or forked session); numbering goes on after them. */
  reset(entries: readonly ChatEntry[]): void {
    this.entries.splice(0, this.entries.length, ...entries.slice(-MAX_ENTRIES).map((entry) => ({ ...entry })));
    this.nextId = Math.max(this.nextId, ...entries.map((entry) => entry.id + 1));
  }

  all(): ChatEntry[] {
    return this.entries.map((entry) => ({ ...entry }));
  }
}
