// Switching the main conversation between sessions: the one a screen asks for when it opens,
// `/fork` into a copy, `/resume` of another. The model sees the new conversation from its next
// turn, and every screen's chat is replaced by the session's lines.
import type { SessionChoice, SessionSummary } from '../core/protocol.js';
import type { ChatLog } from './chat-log.js';
import { BUSY, type MainAgent } from './main-agent.js';
import type { LoadedSession, MainSession } from './main-session.js';

export interface ConversationSwitchDeps {
  sessions: MainSession;
  main?: MainAgent;
  chat: ChatLog;
  /** The chat and the session changed: tell every screen. */
  shown(): void;
  /** Says what was wrong with a file on disk, in the chat and the server log. */
  fileNotice(text: string): void;
}

export class ConversationSwitch {
  constructor(private readonly deps: ConversationSwitchDeps) {}

  /** Opens the chosen session; returns why it cannot. */
  open(choice: SessionChoice): string | undefined {
    const { sessions } = this.deps;
    if (choice.kind === 'current' && sessions.id === undefined) return undefined;
    if (choice.kind !== 'current' && this.deps.main?.isBusy) return BUSY;
    const loaded = sessions.open(choice);
    return 'error' in loaded ? loaded.error : this.show(loaded);
  }

  fork(): string | undefined {
    if (this.deps.main?.isBusy) return BUSY;
    const from = this.deps.sessions.id;
    const loaded = this.deps.sessions.fork();
    return this.show(loaded, `forked: this conversation goes on as session ${loaded.id}${from ? `; /resume ${from.slice(0, 8)} goes back to the original` : ''}`);
  }

  /** Switches to session `id` (or a unique prefix). */
  resume(id: string): string | undefined {
    if (this.deps.main?.isBusy) return BUSY;
    const loaded = this.deps.sessions.open({ kind: 'resume', id });
    return 'error' in loaded ? loaded.error : this.show(loaded, `resumed session ${loaded.id}`);
  }

  list(): SessionSummary[] {
    return this.deps.sessions.list();
  }

  private show(loaded: LoadedSession, notice?: string): string | undefined {
    const { main, chat } = this.deps;
    if (main && !main.replaceConversation(loaded.messages)) return BUSY;
    chat.reset(loaded.chat);
    this.deps.shown();
    for (const notice of loaded.fileNotices) this.deps.fileNotice(notice);
    for (const warning of loaded.warnings) chat.add('notice', warning);
    if (notice) chat.add('notice', notice);
    return undefined;
  }
}
