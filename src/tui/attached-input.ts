// Keys typed while an agent is attached: they go to its pty as they are, except the background
// key (back to the chat) and Shift+PgUp/PgDn (its history). An ended agent reads nothing: any
// key goes back to the chat — unless it is a built-in worker, whose conversation what is typed
// then continues, or an agent CLI that said its session, which Enter resumes (on what was typed).
import { isEnded } from '../core/agent.js';
import type { ClientCommand } from '../core/protocol.js';
import type { ClientModel } from './client-model.js';
import { continueKeys } from './continue-input.js';
import { LineEditor } from './line-editor.js';
import { messageTooLong, pasteTooLong } from './message-limits.js';

const SHIFT_PAGE_UP = '\x1b[5;2~';
const SHIFT_PAGE_DOWN = '\x1b[6;2~';
const SCROLL_KEYS = /(\x1b\[[56];2~)/;

export interface AttachedInputDeps {
  model: ClientModel;
  backgroundSequence: string;
  send(command: ClientCommand): void;
  /** Back to the chat (or the compare view). */
  detach(): void;
  /** Lines a page of history scrolls. */
  pageLines(): number;
  changed(): void;
  /** What the user did cannot be done: say why (in the chat). */
  refused(reason: string): void;
}

export class AttachedInput {
  /** The line typed to continue an ended worker. */
  readonly continueLine = new LineEditor();

  constructor(private readonly deps: AttachedInputDeps) {}

  /** An ended built-in worker is in front and there is a model to continue it with, or an ended agent CLI with a session to resume. */
  get continuable(): boolean {
    const agent = this.attachedAgent();
    if (agent === undefined || !isEnded(agent.state)) return false;
    return agent.kind === 'cli' ? agent.cliSession !== undefined : agent.kind === 'claude' && this.deps.model.model.configured === true;
  }

  get ended(): boolean {
    const agent = this.attachedAgent();
    return agent !== undefined && isEnded(agent.state);
  }

  /** Raw bytes typed while the agent is in front. */
  typed(data: string): void {
    if (this.continuable) {
      this.continueTyped(data);
      return;
    }
    if (this.ended) {
      this.deps.detach();
      return;
    }
    const detachAt = data.indexOf(this.deps.backgroundSequence);
    this.forward(detachAt === -1 ? data : data.slice(0, detachAt));
    if (detachAt !== -1) this.deps.detach();
  }

  /** Text pasted while the agent is in front; false when nothing here takes it (an ended agent). */
  pasted(text: string): boolean {
    if (this.continuable) {
      this.continueLine.paste(text);
      this.deps.changed();
      return true;
    }
    if (this.ended) return false;
    const tooLong = pasteTooLong(text);
    if (tooLong) {
      this.deps.refused(tooLong);
      return true;
    }
    if ((this.deps.model.attached?.scrollBack ?? 0) > 0) this.deps.send({ type: 'scroll', lines: 'live' });
    this.deps.send({ type: 'paste', text });
    return true;
  }

  private attachedAgent() {
    const { model } = this.deps;
    return model.attached ? model.agent(model.attached.name) : undefined;
  }

  /** Keys for the agent; Shift+PgUp/PgDn look through its history instead, and any other key first returns to the live screen. */
  private forward(data: string): void {
    const { send, model } = this.deps;
    const page = this.deps.pageLines();
    let scrolledBack = (model.attached?.scrollBack ?? 0) > 0;
    for (const part of data.split(SCROLL_KEYS)) {
      if (!part) continue;
      if (part === SHIFT_PAGE_UP || part === SHIFT_PAGE_DOWN) {
        send({ type: 'scroll', lines: part === SHIFT_PAGE_UP ? page : -page });
        scrolledBack = true;
        continue;
      }
      if (scrolledBack) send({ type: 'scroll', lines: 'live' });
      scrolledBack = false;
      send({ type: 'input', data: part });
    }
  }

  private continueTyped(data: string): void {
    const name = this.deps.model.attached?.name;
    const keys = continueKeys(this.continueLine, data, this.deps.backgroundSequence, this.attachedAgent()?.kind === 'cli');
    if (keys.action === 'leave') {
      this.continueLine.end();
      this.continueLine.deleteToStart();
      this.deps.detach();
      return;
    }
    if (keys.action === 'submit' && name) {
      const tooLong = messageTooLong(this.continueLine.message);
      if (tooLong) this.deps.refused(tooLong);
      else this.deps.send({ type: 'send', name, text: this.continueLine.submit() });
    }
    this.deps.changed();
  }
}
