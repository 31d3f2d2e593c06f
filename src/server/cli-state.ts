// An agent CLI's state as its hooks tell it (core/cli-signals.ts), applied to its entry: waiting
// flashes `needs input` (once per question), a turn that ends makes it idle and tells the main
// agent (once per turn). A CLI with no hooks has weak signals only, from its
// terminal and labelled so: its bell says it waits for the user, its status report (OSC 7501) what
// it does — which also tells what Codex's notify program does not (that it runs, or waits for an
// approval). What is typed into a CLI whose signals never say it runs makes its state unknown again.
import { isEnded, type AgentInfo } from '../core/agent.js';
import type { CliSignals } from '../core/cli-kinds.js';
import type { CliSignal } from '../core/cli-signals.js';
import type { ProgramStatus } from '../core/program-status.js';
import { printable } from '../core/printable.js';
import { truncate } from '../core/format.js';
import type { Flash } from '../core/protocol.js';
import { MAX_QUESTION_CHARS } from '../core/report-bounds.js';

/** What applying a signal may do besides changing the entry. */
export interface CliStateEffects {
  publish(info: AgentInfo): void;
  flash(flash: Flash): void;
  /** The CLI is done with a turn: the main agent hears of it (`result`: its last message, when it said it). */
  turnEnded(result: string | undefined): void;
  now(): number;
}

/** The part of an agent's entry a CLI's signals change. */
export interface CliEntry {
  info: AgentInfo;
  /** Claude Code's transcript, where its usage is read from. */
  transcript?: string;
  /** Where its state comes from. */
  cliSignals?: CliSignals;
  /** It asks its questions directly (its late echoes of them say nothing). */
  asksDirectly?: boolean;
}

/** Signals that never say the CLI runs: once a line is typed in, nothing says what it does until the next. */
const NO_RUNNING_SIGNAL: ReadonlySet<CliSignals> = new Set<CliSignals>(['codex-notify', 'aider-notify', 'title-bell']);

export function applyCliSignal(entry: CliEntry, signal: CliSignal, effects: CliStateEffects): void {
  const info = entry.info;
  if (info.kind !== 'cli' || isEnded(info.state)) return;
  if (signal.session) info.cliSession = signal.session;
  if (signal.transcript) entry.transcript = signal.transcript;
  if (signal.asks) entry.asksDirectly = true;
  if (signal.echo && entry.asksDirectly) return;
  const before = info.state;
  if (signal.state === 'waiting') {
    const question = signal.question === undefined ? undefined : truncate(printable(signal.question).replace(/\s+/g, ' ').trim(), MAX_QUESTION_CHARS);
    info.state = 'waiting';
    if (question) info.question = question;
    else delete info.question;
    if (before !== 'waiting') {
      effects.flash({ name: info.name, word: 'needs input', durationMs: effects.now() - info.startedAt, ...(question ? { summary: question } : {}) });
    }
  } else if (signal.state) {
    info.state = signal.state;
    delete info.question;
  }
  // A state from hooks is no weak signal's; a payload that says no state leaves the one shown.
  if (signal.state) delete info.stateFrom;
  if (signal.turnEnded && before !== 'idle') effects.turnEnded(signal.result);
  effects.publish(info);
}

/** The CLI rang the terminal bell: for a CLI whose only signals are its title and bell, it waits for the user. */
export function applyBell(entry: CliEntry, effects: Pick<CliStateEffects, 'publish' | 'flash' | 'now'>): void {
  const info = entry.info;
  if (info.kind !== 'cli' || isEnded(info.state) || entry.cliSignals !== 'title-bell') return;
  if (info.state === 'waiting') return;
  info.state = 'waiting';
  info.stateFrom = 'bell';
  delete info.question;
  effects.flash({ name: info.name, word: 'needs input', durationMs: effects.now() - info.startedAt, summary: 'it rang the bell' });
  effects.publish(info);
}

/** What was typed into a CLI: the keys, or `paste` for pasted text (never an answer, never a line). */
export type Typed = string | { paste: true };

/** Keys that answer a CLI's question (a dialog's Enter, Esc or the number of a choice), as opposed to moving about in it. */
const ANSWER_KEYS = /\r|^\x1b$|^[0-9]$/;

/**
 * Something was typed into the CLI (`typed`: the keys, a line ending with Enter). What a weak signal
 * said it waits for is answered by any key, and a question its hooks asked by a key that answers a
 * dialog — what it does then only its next signal says (a refused tool call has no signal at all);
 * an idle CLI whose signals never say it runs starts on a line, and only its next signal says how
 * it goes.
 */
export function applyTyped(entry: CliEntry, typed: Typed, effects: Pick<CliStateEffects, 'publish'>): void {
  const info = entry.info;
  if (info.kind !== 'cli' || isEnded(info.state)) return;
  const keys = typeof typed === 'string' ? typed : '';
  const line = keys.includes('\r');
  const answered = info.state === 'waiting' && (info.stateFrom === 'bell' || info.stateFrom === 'status' || ANSWER_KEYS.test(keys));
  const turnStarted = line && entry.cliSignals !== undefined && NO_RUNNING_SIGNAL.has(entry.cliSignals) && (info.state === 'idle' || info.state === 'waiting');
  if (!answered && !turnStarted) return;
  info.state = 'unknown';
  delete info.stateFrom;
  delete info.question;
  effects.publish(info);
}

/** What a blocked program waits for, in a few words, when it does not say it. */
function blockedQuestion(kind: string | undefined): string | undefined {
  if (kind === 'permission') return 'asks for permission';
  return kind === undefined ? undefined : `waits for ${kind}`;
}

/**
 * The CLI's own status report on its terminal. For a CLI with only weak signals it says all it can;
 * for Codex only that it works or waits for an approval (its notify program says when a turn
 * ended, and a report that comes after that, behind on another path, is old: Codex works again only
 * once a prompt is typed in).
 */
export function applyStatus(entry: CliEntry, status: ProgramStatus, effects: CliStateEffects): void {
  const info = entry.info;
  if (info.kind !== 'cli' || isEnded(info.state)) return;
  const codex = entry.cliSignals === 'codex-notify';
  if (entry.cliSignals !== 'title-bell' && !codex) return;
  if (codex && (info.state === 'idle' || (status.state !== 'working' && status.state !== 'blocked'))) return;
  const before = info.state;
  delete info.question;
  info.stateFrom = 'status';
  switch (status.state) {
    case 'working':
      info.state = 'running';
      break;
    case 'blocked': {
      const question = status.message ?? blockedQuestion(status.kind);
      info.state = 'waiting';
      if (question) info.question = truncate(printable(question).replace(/\s+/g, ' ').trim(), MAX_QUESTION_CHARS);
      if (before !== 'waiting') {
        effects.flash({ name: info.name, word: 'needs input', durationMs: effects.now() - info.startedAt, ...(info.question ? { summary: info.question } : {}) });
      }
      break;
    }
    case 'idle':
    case 'done':
      info.state = 'idle';
      if (status.state === 'done' && before !== 'idle') effects.turnEnded(status.message);
      break;
    default:
      info.state = 'unknown';
      delete info.stateFrom;
  }
  effects.publish(info);
}
