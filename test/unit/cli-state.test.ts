// What weak signals (a CLI's bell, its status report on its terminal) and typed input do to a CLI
// agent's state, beside what its hooks say.
import { describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/core/agent.js';
import type { CliSignals } from '../../src/core/cli-kinds.js';
import type { Flash } from '../../src/core/protocol.js';
import { applyBell, applyCliSignal, applyStatus, applyTyped, type CliEntry, type CliStateEffects } from '../../src/server/cli-state.js';

function agent(cliSignals: CliSignals, state: AgentInfo['state'] = 'unknown'): CliEntry {
  return { cliSignals, info: { name: 'a', kind: 'cli', cli: 'x', task: '', cwd: '/', state, startedAt: 0, lastLine: '', unread: false } };
}

function effects(): CliStateEffects & { flashes: Flash[]; turns: (string | undefined)[] } {
  const flashes: Flash[] = [];
  const turns: (string | undefined)[] = [];
  return { flashes, turns, publish: () => undefined, flash: (flash) => flashes.push(flash), turnEnded: (result) => turns.push(result), now: () => 1000 };
}

describe('weak signals', () => {
  it('a bell: waiting, labelled, once, for a CLI with only its terminal; a CLI with hooks ignores it', () => {
    const entry = agent('title-bell');
    const fx = effects();
    applyBell(entry, fx);
    applyBell(entry, fx);
    expect(entry.info).toMatchObject({ state: 'waiting', stateFrom: 'bell' });
    expect(fx.flashes).toHaveLength(1);
    const hooked = agent('claude-hooks', 'running');
    applyBell(hooked, fx);
    expect(hooked.info.state).toBe('running');
  });

  it('a status report: all it says for a CLI with only its terminal, a turn ending on done', () => {
    const entry = agent('title-bell', 'running');
    const fx = effects();
    applyStatus(entry, { state: 'done', message: 'did it' }, fx);
    expect(entry.info).toMatchObject({ state: 'idle', stateFrom: 'status' });
    expect(fx.turns).toEqual(['did it']);
    applyStatus(entry, { state: 'error' }, fx);
    expect(entry.info.state).toBe('unknown');
    expect(entry.info.stateFrom).toBeUndefined();
  });

  it('Codex\'s status report: only that it works or waits, and nothing once its notify program said its turn ended', () => {
    const entry = agent('codex-notify');
    const fx = effects();
    applyStatus(entry, { state: 'idle' }, fx);
    expect(entry.info.state).toBe('unknown');
    applyStatus(entry, { state: 'blocked', kind: 'permission' }, fx);
    expect(entry.info).toMatchObject({ state: 'waiting', stateFrom: 'status', question: 'asks for permission' });
    applyStatus(entry, { state: 'working' }, fx);
    applyStatus(entry, { state: 'done' }, fx);
    expect(entry.info).toMatchObject({ state: 'running', stateFrom: 'status' });
    applyCliSignal(entry, { state: 'idle', turnEnded: true }, fx);
    expect(entry.info.state).toBe('idle');
    expect(entry.info.stateFrom).toBeUndefined();
    // A report from before the end of the turn, late on its way, is old.
    applyStatus(entry, { state: 'working' }, fx);
    expect(entry.info.state).toBe('idle');
  });
});

describe('typed input', () => {
  it('a key answers what a weak signal said the CLI waits for; a line starts an idle CLI that never says it runs', () => {
    const bell = agent('title-bell', 'waiting');
    bell.info.stateFrom = 'bell';
    applyTyped(bell, 'x', effects());
    expect(bell.info.state).toBe('unknown');

    const aider = agent('aider-notify', 'idle');
    applyTyped(aider, 'and run it', effects());
    expect(aider.info.state).toBe('idle');
    applyTyped(aider, '\r', effects());
    expect(aider.info.state).toBe('unknown');

    const claude = agent('claude-hooks', 'idle');
    applyTyped(claude, 'fix it\r', effects());
    expect(claude.info.state).toBe('idle');
  });

  it('a key that answers a dialog answers the question a CLI\'s hooks asked; moving about in the dialog does not', () => {
    for (const answer of ['\r', '\x1b', '2']) {
      const claude = agent('claude-hooks', 'waiting');
      claude.info.question = 'Allow Bash touch x?';
      applyTyped(claude, '\x1b[B', effects());
      applyTyped(claude, { paste: true }, effects());
      expect(claude.info.state).toBe('waiting');
      applyTyped(claude, answer, effects());
      expect(claude.info).toMatchObject({ state: 'unknown' });
      expect(claude.info.question).toBeUndefined();
    }
  });
});
