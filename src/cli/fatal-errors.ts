// A server that dies says why: its stderr is its log, and every uncaught exception or unhandled
// rejection is written there, with its stack and the time, before the process ends. So is its exit
// code whenever it ends: a log with no last word points at a signal (SIGKILL, the OOM killer).
import { inspect } from 'node:util';

/** The part of `process` this needs: its fatal events and its end. */
export interface FatalEvents {
  on(event: 'uncaughtException' | 'unhandledRejection' | 'exit', listener: (reason: unknown) => void): unknown;
  exit(code: number): void;
}

/** Exit status of a process ended by an error nobody caught. */
export const FATAL_STATUS = 1;

/**
 * From now on an uncaught exception or unhandled rejection is written with `write` (whole,
 * synchronously), then the process ends; the exit code is written as it ends.
 */
export function logFatalErrors(events: FatalEvents, write: (text: string) => void, label: string, now: () => Date = () => new Date()): void {
  const fatal = (what: string) => (reason: unknown) => {
    const details = reason instanceof Error ? reason.stack ?? String(reason) : inspect(reason);
    write(`${now().toISOString()} ${label}: ${what}: ${details}\n`);
    events.exit(FATAL_STATUS);
  };
  events.on('uncaughtException', fatal('uncaught exception'));
  events.on('unhandledRejection', fatal('unhandled rejection'));
  events.on('exit', (code) => write(`${now().toISOString()} ${label}: exits with code ${String(code)}\n`));
}
