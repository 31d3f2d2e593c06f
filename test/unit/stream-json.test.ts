// Claude Code's stream-json, read line by line.
import { describe, expect, it } from 'vitest';
import { streamEvents } from '../../src/core/stream-json.js';

describe('streamEvents', () => {
  it('reads the start, text, tool calls, usage, tool results and the result', () => {
    expect(streamEvents('{"type":"system","subtype":"init","model":"claude-opus-4-5","session_id":"s"}')).toEqual([{ kind: 'init', model: 'claude-opus-4-5', session: 's' }]);
    expect(streamEvents(JSON.stringify({
      type: 'assistant',
      message: { id: 'm1', model: 'm', content: [{ type: 'text', text: 'hi' }, { type: 'tool_use', name: 'Bash', input: { command: 'ls' } }], usage: { input_tokens: 3, output_tokens: 4 } },
    }))).toEqual([
      { kind: 'text', text: 'hi' }, { kind: 'tool', name: 'Bash', input: { command: 'ls' } },
      { kind: 'usage', id: 'm1', model: 'm', usage: { input: 3, output: 4, cacheRead: 0, cacheWrite: 0 } },
    ]);
    expect(streamEvents(JSON.stringify({ type: 'user', message: { content: [{ type: 'tool_result', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }], is_error: true }] } })))
      .toEqual([{ kind: 'tool-result', text: 'ab', isError: true }]);
    expect(streamEvents('{"type":"result","subtype":"success","is_error":false,"result":"All done."}')).toEqual([{ kind: 'result', ok: true, text: 'All done.' }]);
    expect(streamEvents('{"type":"result","subtype":"error_max_turns","is_error":true}')).toEqual([{ kind: 'result', ok: false, text: 'error_max_turns' }]);
  });

  it('shows a line that is not JSON as text, and ignores what it does not know', () => {
    expect(streamEvents('Error: something')).toEqual([{ kind: 'text', text: 'Error: something\n' }]);
    expect(streamEvents('{"type":"stream_event"}')).toEqual([]);
    expect(streamEvents('[1,2]')).toEqual([]);
  });
});
