// A yes/no question asked in the chat (a command's approval, a confirmation): the next
// line the user types answers it. One at a time; a new question ends the earlier one with no.
import type { ChatLog } from './chat-log.js';

export type Answer = 'yes' | 'no' | 'always';

const WORDS: Record<string, Answer> = { y: 'yes', yes: 'yes', n: 'no', no: 'no', a: 'always', always: 'always' };

export class ChatQuestion {
  private pending: { resolve(answer: Answer): void; always: boolean } | undefined;

  constructor(private readonly chat: ChatLog, private readonly changed: () => void) {}

  get open(): boolean {
    return this.pending !== undefined;
  }

  /** `always` offers "a (always)" as an answer; `signal` aborting answers no. */
  ask(question: string, always: boolean, signal?: AbortSignal): Promise<Answer> {
    this.cancel();
    this.chat.add('notice', `${question}?  Answer ${choices(always)}`);
    return new Promise((resolve) => {
      this.pending = { resolve, always };
      signal?.addEventListener('abort', () => this.cancel(), { once: true });
      this.changed();
    });
  }

  /** A line typed while the question is open: answers it, or says what would. */
  take(text: string): void {
    const pending = this.pending;
    if (!pending) return;
    this.chat.add('user', text);
    const answer = WORDS[text.trim().toLowerCase()];
    if (!answer || (answer === 'always' && !pending.always)) {
      this.chat.add('notice', `Answer ${choices(pending.always)}`);
      return;
    }
    this.pending = undefined;
    pending.resolve(answer);
  }

  /** Ends the open question, if any, with no. */
  cancel(): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.resolve('no');
  }
}

function choices(always: boolean): string {
  return always ? 'y (yes), n (no) or a (always)' : 'y (yes) or n (no)';
}
