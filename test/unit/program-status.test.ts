// A program's status report on its terminal (OSC 7501), as Codex writes it.
import { describe, expect, it } from 'vitest';
import { parseProgramStatus } from '../../src/core/program-status.js';

describe('program status reports', () => {
  it('read the state, what a blocked program waits for, and its words', () => {
    expect(parseProgramStatus('state=working:app=codex')).toEqual({ state: 'working' });
    expect(parseProgramStatus('state=blocked:app=codex:kind=permission')).toEqual({ state: 'blocked', kind: 'permission' });
    expect(parseProgramStatus(`state=blocked:kind=question:msg=${Buffer.from('Merge it?').toString('base64')}`))
      .toEqual({ state: 'blocked', kind: 'question', message: 'Merge it?' });
    expect(parseProgramStatus('state=done:future=1:app=pi')).toEqual({ state: 'done' });
  });

  it('are no report when they query, name an unknown state, report one of the program\'s tasks, or garble their words', () => {
    expect(parseProgramStatus('?')).toBeUndefined();
    expect(parseProgramStatus('state=sleeping:app=pi')).toBeUndefined();
    expect(parseProgramStatus('state=working:id=us-east:app=x')).toBeUndefined();
    expect(parseProgramStatus('state=blocked:msg=not base64!')).toEqual({ state: 'blocked' });
  });
});
