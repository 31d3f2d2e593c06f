// What Claude Code's hook events mean (core/cli-signals.ts), and how a hook's signal changes an agent (server/cli-state.ts).
import { describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/core/agent.js';
import { interpretHook } from '../../src/core/cli-signals.js';
import type { Flash } from '../../src/core/protocol.js';
import { applyCliSignal, type CliEntry } from '../../src/server/cli-state.js';

const session = { session_id: 's-1', transcript_path: '/home/me/.claude/projects/p/s-1.jsonl' };

describe('interpretHook: Claude Code', () => {
  it('maps its events to states, keeping its session and transcript', () => {
    expect(interpretHook('claude', 'SessionStart', { ...session, source: 'startup' })).toEqual({ state: 'idle', session: 's-1', transcript: session.transcript_path });
    expect(interpretHook('claude', 'UserPromptSubmit', { ...session, prompt: 'x' })).toMatchObject({ state: 'running' });
    expect(interpretHook('claude', 'PreToolUse', { ...session, tool_name: 'Bash', tool_input: { command: 'ls' } })).toMatchObject({ state: 'running' });
    expect(interpretHook('claude', 'PermissionRequest', { ...session, tool_name: 'Edit', tool_input: { file_path: 'src/a.ts' } }))
      .toMatchObject({ state: 'waiting', question: 'Allow Edit src/a.ts?' });
    expect(interpretHook('claude', 'Notification', { ...session, message: 'Claude needs your permission to use Bash', notification_type: 'permission_prompt' }))
      .toMatchObject({ state: 'waiting', question: 'Claude needs your permission to use Bash', echo: true });
    expect(interpretHook('claude', 'Notification', { ...session, message: 'Claude is waiting for your input', notification_type: 'idle_prompt' })).toMatchObject({ state: 'idle' });
    expect(interpretHook('claude', 'Notification', { ...session, message: 'Claude is waiting for your input', notification_type: 'idle_prompt' }).turnEnded).toBeUndefined();
    expect(interpretHook('claude', 'Stop', { ...session, last_assistant_message: 'Done.' })).toMatchObject({ state: 'idle', turnEnded: true, result: 'Done.' });
    expect(interpretHook('claude', 'SessionEnd', { ...session, reason: 'other' })).toEqual({ session: 's-1', transcript: session.transcript_path });
  });

  it('tells the file a tool call that writes files wrote, and no other tool\'s', () => {
    expect(interpretHook('claude', 'PostToolUse', { ...session, tool_name: 'Write', tool_input: { file_path: '/repo/src/a.ts', content: 'x' } }))
      .toMatchObject({ state: 'running', wrote: '/repo/src/a.ts' });
    expect(interpretHook('claude', 'PostToolUse', { ...session, tool_name: 'NotebookEdit', tool_input: { notebook_path: '/repo/n.ipynb' } })).toMatchObject({ wrote: '/repo/n.ipynb' });
    expect(interpretHook('claude', 'PostToolUse', { ...session, tool_name: 'Read', tool_input: { file_path: '/repo/src/a.ts' } }).wrote).toBeUndefined();
    expect(interpretHook('claude', 'PreToolUse', { ...session, tool_name: 'Write', tool_input: { file_path: '/repo/src/a.ts' } }).wrote).toBeUndefined();
    expect(interpretHook('gemini', 'AfterTool', { ...session, tool_name: 'replace', tool_input: { file_path: '/repo/b.ts' } })).toMatchObject({ wrote: '/repo/b.ts' });
  });

  it('takes nothing from a payload that is not what it should be', () => {
    expect(interpretHook('claude', 'Stop', 'garbage')).toEqual({ state: 'idle', turnEnded: true });
    expect(interpretHook('claude', 'Stop', { session_id: 7, last_assistant_message: ['x'] })).toEqual({ state: 'idle', turnEnded: true });
    expect(interpretHook('claude', 'NoSuchEvent', session)).toEqual({ session: 's-1', transcript: session.transcript_path });
  });
});

function entry(state: AgentInfo['state'] = 'running'): CliEntry {
  return { info: { name: 'cc', kind: 'cli', cli: 'claude', task: '', cwd: '/', state, startedAt: 0, lastLine: '', unread: false } };
}

function effects() {
  const log = { flashes: [] as Flash[], turns: [] as Array<string | undefined>, published: 0 };
  return {
    log,
    effects: {
      publish: () => { log.published += 1; }, flash: (flash: Flash) => log.flashes.push(flash), turnEnded: (result: string | undefined) => log.turns.push(result),
      now: () => 5000,
    },
  };
}

describe('applyCliSignal', () => {
  it('flashes needs input once per question, keeps the sharper question, and ends a turn once', () => {
    const target = entry();
    const { log, effects: fx } = effects();
    applyCliSignal(target, { state: 'waiting', question: 'Allow Bash touch x?', asks: true }, fx);
    applyCliSignal(target, { state: 'waiting', question: 'Claude needs your permission', echo: true }, fx);
    expect(target.info).toMatchObject({ state: 'waiting', question: 'Allow Bash touch x?' });
    expect(log.flashes).toEqual([{ name: 'cc', word: 'needs input', durationMs: 5000, summary: 'Allow Bash touch x?' }]);
    applyCliSignal(target, { state: 'running' }, fx);
    expect(target.info.question).toBeUndefined();
    applyCliSignal(target, { state: 'idle', turnEnded: true, result: 'Done.' }, fx);
    applyCliSignal(target, { state: 'idle', turnEnded: true, result: 'Done.' }, fx);
    expect(log.turns).toEqual(['Done.']);
  });

  it('takes a late echo of a question for nothing once the CLI asks directly — also after it was answered', () => {
    const target = entry();
    const { log, effects: fx } = effects();
    applyCliSignal(target, { state: 'waiting', question: 'Allow Bash touch x?', asks: true }, fx);
    target.info.state = 'unknown'; // the user answered
    applyCliSignal(target, { state: 'waiting', question: 'Claude needs your permission', echo: true }, fx);
    expect(target.info.state).toBe('unknown');
    expect(log.flashes).toHaveLength(1);
    // A CLI that never asks directly: the echo is its question.
    const older = entry();
    applyCliSignal(older, { state: 'waiting', question: 'Claude needs your permission', echo: true }, fx);
    expect(older.info).toMatchObject({ state: 'waiting', question: 'Claude needs your permission' });
  });

  it('changes nothing of an agent that has ended or is not a CLI', () => {
    const ended = entry('finished');
    const { log, effects: fx } = effects();
    applyCliSignal(ended, { state: 'waiting', question: 'q' }, fx);
    expect(ended.info.state).toBe('finished');
    expect(log.published).toBe(0);
  });
});
