// What agent CLIs' hook events say, for the CLIs whose payloads agentmux reads (Codex's notify
// program, Gemini CLI's hooks, Aider's notifications command); Claude Code's are tested through its stand-in.
import { describe, expect, it } from 'vitest';
import { interpretHook } from '../../src/core/cli-signals.js';

// As Codex 0.171.0 sends it (seen with the real CLI against a scripted model).
const TURN = {
  type: 'agent-turn-complete', 'thread-id': '01a24dc2-ea41-7802', 'turn-id': '01a24dc2-ec32-7503', cwd: '/repo', client: 'codex-tui',
  'input-messages': ['make the file'], 'last-assistant-message': 'Done: made the file',
};
const TITLE_TURN = {
  ...TURN, 'thread-id': '01a24dc2-ed8a-7f02',
  'input-messages': ['Generate a concise, single-line task title of at most 36 characters …\n\nUser prompt:\nmake the file'],
};

describe('Codex notifications', () => {
  it('end the agent\'s turn with its last message, its thread being the session', () => {
    expect(interpretHook('codex', 'notify', TURN)).toEqual({ state: 'idle', turnEnded: true, session: '01a24dc2-ea41-7802', result: 'Done: made the file' });
  });

  it('leave out the turn Codex takes to name a new thread, and turns of another thread than the agent\'s', () => {
    expect(interpretHook('codex', 'notify', TITLE_TURN)).toEqual({});
    expect(interpretHook('codex', 'notify', { ...TURN, 'thread-id': 'sub-agent' }, '01a24dc2-ea41-7802')).toEqual({});
    expect(interpretHook('codex', 'notify', TURN, '01a24dc2-ea41-7802')).toMatchObject({ state: 'idle', turnEnded: true });
  });

  it('say nothing of a type they do not know', () => {
    expect(interpretHook('codex', 'notify', { type: 'approval-requested', 'thread-id': 'x' })).toEqual({});
  });
});

describe('Gemini CLI hooks', () => {
  const common = { session_id: 'g-1', transcript_path: '/tmp/g-1.json', cwd: '/repo', timestamp: '2026-01-01T00:00:00Z' };

  it('say running, waiting with the permission asked, idle with the turn\'s response', () => {
    expect(interpretHook('gemini', 'BeforeAgent', { ...common, prompt: 'go' })).toMatchObject({ state: 'running', session: 'g-1' });
    expect(interpretHook('gemini', 'BeforeTool', { ...common, tool_name: 'run_shell_command', tool_input: { command: 'touch x' } }))
      .toMatchObject({ state: 'running', activity: 'run_shell_command touch x' });
    // As Gemini CLI 0.61.0 sends it.
    const details = { type: 'exec', title: 'Confirm Shell Command', command: 'touch x', rootCommand: 'touch' };
    expect(interpretHook('gemini', 'Notification', { ...common, notification_type: 'ToolPermission', message: 'Tool Confirm Shell Command requires execution', details }))
      .toMatchObject({ state: 'waiting', question: 'Tool Confirm Shell Command requires execution: touch x' });
    expect(interpretHook('gemini', 'Notification', { ...common, notification_type: 'ToolPermission', message: 'Tool Edit requires confirmation', details: {} }))
      .toMatchObject({ state: 'waiting', question: 'Tool Edit requires confirmation' });
    expect(interpretHook('gemini', 'AfterAgent', { ...common, prompt: 'go', prompt_response: 'Done.' }))
      .toMatchObject({ state: 'idle', turnEnded: true, result: 'Done.' });
  });

  it('take a notification of another kind for no question', () => {
    expect(interpretHook('gemini', 'Notification', { ...common, notification_type: 'Other', message: 'hello' })).toEqual({ session: 'g-1', transcript: '/tmp/g-1.json' });
  });
});

describe('Aider notifications', () => {
  it('say it waits for the user after a reply', () => {
    expect(interpretHook('aider', 'waiting', undefined)).toEqual({ state: 'idle', turnEnded: true });
    expect(interpretHook('aider', 'other', undefined)).toEqual({});
  });
});
