// Questions the screen asks the terminal while blessed owns the input (its background colour,
// whether it supports synchronized output). Replies arrive as raw input: while one is awaited,
// input goes to `take` instead of being read as keys, and keys typed meanwhile are handed back
// afterwards. One question at a time.
import { BACKGROUND_QUERY, readBackgroundReplies } from './background-query.js';
import { readSyncOutputReplies, SYNC_OUTPUT_QUERY } from './sync-output-query.js';
import { keysBesideReplies } from './terminal-replies.js';

const REPLY_TIMEOUT_MS = 1000;

export interface TerminalIo {
  write(query: string): void;
  /** Feeds keys back to the screen's input, as if just typed. */
  typed(keys: string): void;
}

export class TerminalQueries {
  private reader: ((data: string) => void) | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly io: TerminalIo) {}

  /** A reply is awaited: raw input is for `take`, not keys. */
  get awaiting(): boolean {
    return this.reader !== undefined;
  }

  take(data: string): void {
    this.reader?.(data);
  }

  background(): Promise<'light' | 'dark' | undefined> {
    return this.ask(BACKGROUND_QUERY, readBackgroundReplies, undefined, (replies) => replies.background);
  }

  synchronizedOutput(): Promise<boolean> {
    return this.ask(SYNC_OUTPUT_QUERY, readSyncOutputReplies, false, (replies) => replies.supported);
  }

  /** Sends `query`; `fallback` when no complete answer comes in time. */
  private ask<R extends { complete: boolean }, T>(query: string, read: (received: string) => R, fallback: T, pick: (replies: R) => T): Promise<T> {
    const asked = this.queue.then(() => new Promise<T>((resolve) => {
      let received = '';
      const finish = (answer: T) => {
        clearTimeout(timer);
        this.reader = undefined;
        // Keys typed while the replies were awaited go where keys go now, once the chunk being
        // read (taken whole as replies) is done with.
        const keys = keysBesideReplies(received);
        if (keys) setImmediate(() => this.io.typed(keys));
        resolve(answer);
      };
      const timer = setTimeout(() => finish(received ? pick(read(received)) : fallback), REPLY_TIMEOUT_MS);
      this.reader = (data) => {
        received += data;
        const replies = read(received);
        if (replies.complete) finish(pick(replies));
      };
      this.io.write(query);
    }));
    this.queue = asked.then(() => undefined);
    return asked;
  }
}
