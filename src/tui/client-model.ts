// What one screen knows, built only from server events. Pure: events in, state out.
import type { AgentInfo } from '../core/agent.js';
import type { ChatEntry, Flash, ModelStatus, ServerEvent, SessionStatus, SessionSummary } from '../core/protocol.js';
import { describeProfiles } from '../core/profile-listing.js';
import type { ComparisonView } from '../core/worktree.js';
import type { SpendReport } from '../core/spend.js';
import { applyFrame, type FrameLine, type ScreenFrame } from '../core/screen-frame.js';

export interface AttachedScreen {
  name: string;
  lines: FrameLine[];
  cursor: ScreenFrame['cursor'];
  cols: number;
  rows: number;
  /** Lines of history above the screen, and how far up the view is (0: live). */
  history: number;
  scrollBack: number;
}

/** An agent's flash, or a refusal of this screen's own (over an attached agent, where the chat is not seen). */
export type ShownFlash = { flash: Flash; until: number } | { refusal: string; until: number };

const MAX_CHAT_ENTRIES = 2000;

export class ClientModel {
  agents: AgentInfo[] = [];
  chat: ChatEntry[] = [];
  model: ModelStatus = { configured: false };
  session: SessionStatus = { busy: false };
  attached: AttachedScreen | undefined;
  flashes: ShownFlash[] = [];
  /** Why the screen must close (the server stopped, or refused this client). */
  goodbye: string | undefined;
  /** The last comparison the server sent, and the file diff asked for in it. */
  comparison: ComparisonView | undefined;
  fileDiff: { name: string; file: string; diff: string } | undefined;
  /** The last spend report the server sent (`/cost`). */
  spend: SpendReport | undefined;

  constructor(private readonly flashMs: number, private readonly now: () => number = Date.now) {}

  agent(name: string): AgentInfo | undefined {
    return this.agents.find((agent) => agent.name === name);
  }

  /** Applies one event; returns flashes that just arrived (the app rings the bell for them). */
  apply(event: ServerEvent): Flash[] {
    switch (event.type) {
      case 'welcome':
        this.agents = event.agents;
        this.chat = event.chat.slice(-MAX_CHAT_ENTRIES);
        this.model = event.model;
        this.session = event.session;
        return [];
      case 'session':
        this.session = event.session;
        return [];
      case 'agent': {
        const index = this.agents.findIndex((agent) => agent.name === event.agent.name);
        if (index === -1) this.agents.push(event.agent);
        else this.agents[index] = event.agent;
        return [];
      }
      case 'removed':
        this.agents = this.agents.filter((agent) => agent.name !== event.name);
        return [];
      case 'flash':
        this.flashes.push({ flash: event.flash, until: this.now() + this.flashMs });
        return [event.flash];
      case 'chat': {
        // Streamed text and running tools are sent again under the same id.
        const index = event.entry.id > 0 ? this.chat.findLastIndex((entry) => entry.id === event.entry.id) : -1;
        if (index !== -1) {
          this.chat[index] = event.entry;
          return [];
        }
        this.chat.push(event.entry);
        if (this.chat.length > MAX_CHAT_ENTRIES) this.chat.splice(0, this.chat.length - MAX_CHAT_ENTRIES);
        return [];
      }
      case 'attached':
        this.attached = { name: event.name, lines: [], cursor: { x: 0, y: 0, visible: false }, cols: 0, rows: 0, history: 0, scrollBack: 0 };
        return [];
      case 'detached':
        if (this.attached?.name === event.name) this.attached = undefined;
        return [];
      case 'screen':
        if (this.attached?.name === event.name) {
          const { frame } = event;
          this.attached = {
            name: event.name,
            lines: applyFrame(this.attached.lines, frame),
            cursor: frame.cursor,
            cols: frame.cols,
            rows: frame.rows,
            history: frame.history,
            scrollBack: frame.scrollBack,
          };
        }
        return [];
      case 'error':
        this.chat.push({ id: -1, at: this.now(), role: 'error', text: event.message });
        return [];
      case 'notice':
        this.note('system', event.message);
        return [];
      case 'chatReset':
        this.chat = event.chat.slice(-MAX_CHAT_ENTRIES);
        return [];
      case 'sessions':
        this.note('system', describeSessions(event.sessions, this.session.id));
        return [];
      case 'profiles':
        this.note('system', describeProfiles(event.profiles, event.searched));
        return [];
      case 'goodbye':
        this.goodbye = event.message;
        return [];
      case 'refused':
        this.goodbye = event.message;
        return [];
      case 'suggestion':
        // The input line's editor keeps it (the app hands it over).
        return [];
      case 'done':
      case 'log':
      case 'logEnd':
        // Answers for scripting clients; a screen sends no ids and asks for no logs.
        return [];
      case 'comparison':
        this.comparison = event.comparison;
        return [];
      case 'fileDiff':
        this.fileDiff = { name: event.name, file: event.file, diff: event.diff };
        return [];
      case 'spend':
        this.spend = event.report;
        return [];
    }
  }

  /** Adds a line only this screen shows (help, a refused command's usage). */
  /** What the user did cannot be done: an error line in the chat, and a flash so that it is seen over an agent too. */
  refuse(reason: string): void {
    this.note('error', reason);
    this.flashes.push({ refusal: reason, until: this.now() + this.flashMs });
  }

  note(role: 'system' | 'error', text: string): void {
    this.chat.push({ id: -1, at: this.now(), role, text });
  }

  /** Drops expired flashes; returns the time the next one expires, if any. */
  expireFlashes(): number | undefined {
    const now = this.now();
    this.flashes = this.flashes.filter((shown) => shown.until > now);
    return this.flashes.length ? Math.min(...this.flashes.map((shown) => shown.until)) : undefined;
  }
}

/** The conversations `/resume` can switch to, newest first. */
export function describeSessions(sessions: readonly SessionSummary[], current: string | undefined): string {
  if (sessions.length === 0) return 'No conversations in this repository yet.';
  const rows = sessions.map((session) => {
    const when = new Date(session.updatedAt).toISOString().slice(0, 16).replace('T', ' ');
    const marks = [session.id === current ? 'current' : '', session.forkedFrom ? `fork of ${session.forkedFrom.slice(0, 8)}` : ''].filter(Boolean);
    return `${session.id.slice(0, 8)}  ${when}  ${session.messages} messages  ${session.title}${marks.length ? `  (${marks.join(', ')})` : ''}`;
  });
  return ['Conversations (/resume ID to switch; the first 8 characters are enough):', ...rows].join('\n');
}
