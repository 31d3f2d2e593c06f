import { describe, expect, it } from 'vitest';
import { endStateOf, isEnded, type AgentState } from '../../src/core/agent.js';

describe('endStateOf', () => {
  it('is finished only for exit 0 without a signal', () => {
    expect(endStateOf({ exitCode: 0 }, false)).toBe('finished');
    expect(endStateOf({ exitCode: 0, signal: 0 }, false)).toBe('finished');
  });

  it('is failed for a non-zero exit or a signal nobody asked for', () => {
    expect(endStateOf({ exitCode: 1 }, false)).toBe('failed');
    expect(endStateOf({ exitCode: 255 }, false)).toBe('failed');
    expect(endStateOf({ exitCode: 0, signal: 9 }, false)).toBe('failed');
    expect(endStateOf({ exitCode: 0, signal: 15 }, false)).toBe('failed');
  });

  it('is killed whenever the user asked for it, however the process ended', () => {
    expect(endStateOf({ exitCode: 0 }, true)).toBe('killed');
    expect(endStateOf({ exitCode: 1 }, true)).toBe('killed');
    expect(endStateOf({ exitCode: 0, signal: 15 }, true)).toBe('killed');
  });
});

describe('endStateOf with a worker\'s reported outcome', () => {
  it('fails a worker that reported failure even when it exited 0', () => {
    expect(endStateOf({ exitCode: 0 }, false, 'failed')).toBe('failed');
    expect(endStateOf({ exitCode: 0 }, false, 'finished')).toBe('finished');
  });

  it('never believes a reported success over a failing exit', () => {
    expect(endStateOf({ exitCode: 1 }, false, 'finished')).toBe('failed');
    expect(endStateOf({ exitCode: 0, signal: 9 }, false, 'finished')).toBe('failed');
  });

  it('is killed when the user asked, whatever was reported', () => {
    expect(endStateOf({ exitCode: 0 }, true, 'finished')).toBe('killed');
  });
});

describe('isEnded', () => {
  it('is true exactly for the end states', () => {
    const all: AgentState[] = ['queued', 'running', 'waiting', 'finished', 'failed', 'killed', 'lost', 'unknown'];
    expect(all.filter((state) => isEnded(state))).toEqual(['finished', 'failed', 'killed', 'lost']);
  });
});
