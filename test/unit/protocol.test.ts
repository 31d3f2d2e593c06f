import { describe, expect, it } from 'vitest';
import { describeFlash } from '../../src/core/protocol.js';

describe('describeFlash', () => {
  it('names the agent, the word, the duration and the exit code', () => {
    expect(describeFlash({ name: 'build-ui', word: 'failed', durationMs: 12_000, exitCode: 2 })).toBe('build-ui failed · after 12s · exit 2');
    expect(describeFlash({ name: 'tests', word: 'finished', durationMs: 65_000, exitCode: 0 })).toBe('tests finished · after 1m05s · exit 0');
  });

  it('adds the signal and the summary', () => {
    expect(describeFlash({ name: 'sleep', word: 'killed', durationMs: 3000, signal: 'SIGTERM' })).toBe('sleep killed · after 3s · SIGTERM');
    expect(describeFlash({ name: 'lint', word: 'failed', durationMs: 1000, exitCode: 1, summary: '3 errors' }))
      .toBe('lint failed · after 1s · exit 1 · 3 errors');
  });

  it('leaves the exit code out of "needs input"', () => {
    expect(describeFlash({ name: 'deploy', word: 'needs input', durationMs: 7000, exitCode: 0 })).toBe('deploy needs input · after 7s');
  });

  it('uses the contract words', () => {
    for (const word of ['finished', 'failed', 'killed', 'needs input', 'lost'] as const) {
      expect(describeFlash({ name: 'a', word, durationMs: 0 })).toBe(`a ${word} · after 0s`);
    }
  });

  it('is one line', () => {
    expect(describeFlash({ name: 'a', word: 'failed', durationMs: 0, exitCode: 1, signal: 'SIGKILL', summary: 'x' })).not.toContain('\n');
  });
});
