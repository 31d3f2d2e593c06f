// The main conversation as the screen shows it: an append-only list of entries.
import type { ChatEntry, ChatRole, Flash } from '../core/protocol.js';

export class ChatLog {
  private readonly entries: ChatEntry[] = [];
  private nextId = 1;

  constructor(private readonly now: () => number) {}

  add(role: ChatRole, text: string, flash?: Flash): ChatEntry {
    const entry: ChatEntry = { id: this.nextId++, at: this.now(), role, text, ...(flash ? { flash } : {}) };
    this.entries.push(entry);
    return entry;
  }

  all(): ChatEntry[] {
    return this.entries.slice();
  }
}
