// An agent CLI's state as its hooks tell it (core/cli-signals.ts), applied to its entry: waiting
// flashes `needs input` (once per question), a turn that ends makes it idle and tells the main
// agent (once per turn), and a first prompt kept for a CLI that takes none in its arguments is
// typed in the first time it waits for input. A CLI with no hooks has weak signals only: its bell
// says it waits for the user (labelled so). What is typed into a CLI whose signals never say it
// runs makes its state unknown again.
import { isEnded, type AgentInfo } from '../core/agent.js';
import type { CliSignals } from '../core/cli-kinds.js';
import type { CliSignal } from '../core/cli-signals.js';
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
  /** Types a line into the agent (its first prompt). */
  typeLine(text: string): void;
  now(): number;
}

/** The part of an agent's entry a CLI's signals change. */
export interface CliEntry {
  info: AgentInfo;
  /** Its first prompt, still to be typed in. */
  typeIn?: string;
  /** Claude Code's transcript, where its usage is read from. */
  transcript?: string;
  /** Where its state comes from. */
  cliSignals?: CliSignals;
}

/** Signals that never say the CLI runs: once a line is typed in, nothing says what it does until the next. */
const NO_RUNNING_SIGNAL: ReadonlySet<CliSignals> = new Set<CliSignals>(['codex-notify', 'aider-notify', 'title-bell']);

export function applyCliSignal(entry: CliEntry, signal: CliSignal, effects: CliStateEffects): void {
  const info = entry.info;
  if (info.kind !== 'cli' || isEnded(info.state)) return;
  if (signal.session) info.cliSession = signal.session;
  if (signal.transcript) entry.transcript = signal.transcript;
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
  delete info.stateFrom;
  if (signal.state === 'idle' && entry.typeIn !== undefined) {
    const prompt = entry.typeIn;
    delete entry.typeIn;
    effects.typeLine(prompt);
    // It works on it now; only its next signal says how it goes.
    info.state = 'unknown';
  } else if (signal.turnEnded && before !== 'idle') {
    effects.turnEnded(signal.result);
  }
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

/**
 * Something was typed into the CLI (`line`: ending with Enter). A bell is answered by any key; an
 * idle CLI whose signals never say it runs starts on a line, and only its next signal says how it goes.
 */
export function applyTyped(entry: CliEntry, line: boolean, effects: Pick<CliStateEffects, 'publish'>): void {
  const info = entry.info;
  if (info.kind !== 'cli' || isEnded(info.state)) return;
  const bellAnswered = info.stateFrom === 'bell';
  const turnStarted = line && entry.cliSignals !== undefined && NO_RUNNING_SIGNAL.has(entry.cliSignals) && (info.state === 'idle' || info.state === 'waiting');
  if (!bellAnswered && !turnStarted) return;
  info.state = 'unknown';
  delete info.stateFrom;
  delete info.question;
  effects.publish(info);
}
