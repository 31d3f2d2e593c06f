// Outcomes of background agents (and their pauses at a budget) waiting to be told to the main
// agent. Each one is taken exactly once: never dropped, never delivered twice.
import type { AgentInfo } from '../core/agent.js';
import { describeBudget, spentOf } from '../core/budget.js';
import { formatDuration } from '../core/format.js';

export interface AgentNotification {
  name: string;
  state: string;
  durationMs: number;
  exitCode?: number;
  signal?: string;
  /** The worker's final report, or the tail of a command's output. */
  result: string;
}

const MAX_RESULT_CHARS = 8000;

export function notificationFor(info: AgentInfo, output: string): AgentNotification {
  const result = info.kind === 'claude' ? info.result ?? output : output;
  return {
    name: info.name,
    state: info.state,
    durationMs: (info.endedAt ?? info.startedAt) - info.startedAt,
    ...(info.exitCode !== undefined ? { exitCode: info.exitCode } : {}),
    ...(info.signal ? { signal: info.signal } : {}),
    result: result.length > MAX_RESULT_CHARS ? `[… ${result.length - MAX_RESULT_CHARS} characters before this are left out]\n${result.slice(-MAX_RESULT_CHARS)}` : result,
  };
}

/** An agent paused at its own budget: the main agent hears what it spent and what the user can do. */
export function pausedNotification(info: AgentInfo, now: number): AgentNotification {
  return {
    name: info.name,
    state: 'waiting',
    durationMs: now - info.startedAt,
    result: `paused: ${info.question ?? 'budget reached'}; ${describeBudget(spentOf(info.usage), info.budget)}. `
      + `It goes on when the user raises its budget (/budget ${info.name} USD); or the user stops it (/kill ${info.name}).`,
  };
}

function escapeAttribute(text: string): string {
  return text.replace(/[&"<>]/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** How a notification reads in the main conversation. */
export function notificationText(notification: AgentNotification): string {
  const attributes = [
    `name="${escapeAttribute(notification.name)}"`,
    `state="${notification.state}"`,
    `duration="${formatDuration(notification.durationMs)}"`,
    ...(notification.exitCode !== undefined ? [`exit_code="${notification.exitCode}"`] : []),
    ...(notification.signal ? [`signal="${notification.signal}"`] : []),
  ];
  return `<agent-notification ${attributes.join(' ')}>\n${notification.result}\n</agent-notification>`;
}

export class NotificationQueue {
  private pending: Array<{ notification: AgentNotification; wake: boolean }> = [];

  push(notification: AgentNotification, wake: boolean): void {
    this.pending.push({ notification, wake });
  }

  /** Something pending is worth a turn of its own. */
  get wakes(): boolean {
    return this.pending.some((item) => item.wake);
  }

  /** Everything pending, removed from the queue: the caller delivers it. */
  take(): AgentNotification[] {
    return this.pending.splice(0).map((item) => item.notification);
  }
}
