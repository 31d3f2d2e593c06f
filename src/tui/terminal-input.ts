// Raw reads from the terminal, before blessed turns them into keypresses: the terminal's
// answers to our questions, pastes, and keys for the attached agent are taken here, and
// blessed's keypresses for a read taken here are then ignored. Everything else is keys for
// blessed (the chat input, the list, the compare view).
import { PasteSplitter, type InputPart } from './paste-splitter.js';
import type { TerminalQueries } from './terminal-queries.js';

export interface TerminalInputDeps {
  queries: TerminalQueries;
  /** Hands keys to the screen's input again (to here, then to blessed), as if just typed. */
  retype(keys: string): void;
  /** An agent is in front: typed keys are its. */
  agentInFront(): boolean;
  typedToAgent(keys: string): void;
  pasted(text: string): void;
  /** The parts of a read with a paste in it have been handled. */
  handled(): void;
}

export class TerminalInput {
  private readonly pastes = new PasteSplitter();
  private taken = false;
  /** Set while the keys of a read that held a paste go through the input again. */
  private retyping = false;

  constructor(private readonly deps: TerminalInputDeps) {}

  /** blessed's keypresses of the read being handled belong to what took it here, not to the screen. */
  get keysTaken(): boolean {
    return this.taken;
  }

  /** One read. blessed parses the same bytes into keypresses right after this. */
  read(data: string): void {
    const { deps } = this;
    if (deps.queries.awaiting) {
      // First: keys typed meanwhile are handed back after this read, and must not count as part of it.
      this.takeThisRead();
      deps.queries.take(data);
      return;
    }
    if (!this.retyping && !this.pastes.isPlainKeys(data)) {
      const parts = this.pastes.split(data);
      if (parts.length !== 1 || parts[0].kind !== 'keys' || parts[0].text !== data) {
        this.takeThisRead();
        this.handleInOrder(parts);
        return;
      }
    }
    if (!deps.agentInFront()) return;
    // Also when these keys detach the agent: the rest of the read is the agent's, not the chat's.
    this.takeThisRead();
    deps.typedToAgent(data);
  }

  /** A read with a paste in it, part by part once blessed is done with the read: keys go round again. */
  private handleInOrder(parts: InputPart[]): void {
    setImmediate(() => {
      for (const part of parts) {
        if (part.kind === 'paste') {
          this.deps.pasted(part.text);
          continue;
        }
        this.retyping = true;
        this.deps.retype(part.text);
        this.retyping = false;
      }
      this.deps.handled();
    });
  }

  private takeThisRead(): void {
    this.taken = true;
    setImmediate(() => { this.taken = false; });
  }
}
