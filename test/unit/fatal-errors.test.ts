import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FATAL_STATUS, logFatalErrors } from '../../src/cli/fatal-errors.js';

/** A process as far as logFatalErrors sees it: its events, and the codes it was asked to exit with. */
class FakeProcess extends EventEmitter {
  readonly exits: number[] = [];
  exit(code: number): void {
    this.exits.push(code);
  }
}

function wired(): { events: FakeProcess; written: string[] } {
  const events = new FakeProcess();
  const written: string[] = [];
  logFatalErrors(events, (text) => written.push(text), 'agentmux server (pid 42)', () => new Date('2026-01-02T03:04:05.678Z'));
  return { events, written };
}

describe('logFatalErrors', () => {
  it('writes an uncaught exception with its stack and the time, then ends the process with a non-zero code', () => {
    const { events, written } = wired();
    const error = new Error('attach went wrong');
    events.emit('uncaughtException', error);
    expect(written).toEqual([`2026-01-02T03:04:05.678Z agentmux server (pid 42): uncaught exception: ${error.stack}\n`]);
    expect(written[0]).toContain('fatal-errors.test.ts');
    expect(events.exits).toEqual([FATAL_STATUS]);
    expect(FATAL_STATUS).not.toBe(0);
  });

  it('writes an unhandled rejection, whatever it was rejected with, before the process ends', () => {
    const { events, written } = wired();
    const error = new TypeError('no such pane');
    events.emit('unhandledRejection', error);
    events.emit('unhandledRejection', { code: 'EPIPE', fd: 7 });
    expect(written).toEqual([
      `2026-01-02T03:04:05.678Z agentmux server (pid 42): unhandled rejection: ${error.stack}\n`,
      "2026-01-02T03:04:05.678Z agentmux server (pid 42): unhandled rejection: { code: 'EPIPE', fd: 7 }\n",
    ]);
    expect(events.exits).toEqual([FATAL_STATUS, FATAL_STATUS]);
  });

  it('writes the exit code as the process ends, so that only a signal leaves no last word', () => {
    const { events, written } = wired();
    events.emit('exit', 0);
    expect(written).toEqual(['2026-01-02T03:04:05.678Z agentmux server (pid 42): exits with code 0\n']);
  });

  it('writes before it ends the process', () => {
    const order: string[] = [];
    const events = new EventEmitter() as EventEmitter & { exit(code: number): void };
    events.exit = (code) => order.push(`exit ${code}`);
    logFatalErrors(events, () => order.push('write'), 'agentmux server');
    events.emit('uncaughtException', new Error('x'));
    expect(order).toEqual(['write', `exit ${FATAL_STATUS}`]);
  });
});
