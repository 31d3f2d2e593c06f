import { describe, expect, it } from 'vitest';
import { compactedConversation, cutIndex, replayCompaction } from '../../src/llm/compacted-conversation.js';
import type { Message } from '../../src/llm/types.js';

const user = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });
const answer = (text: string): Message => ({ role: 'assistant', content: [{ type: 'text', text }] });
const call = (id: string): Message => ({ role: 'assistant', content: [{ type: 'tool_use', id, name: 'read_file', input: { path: id } }] });
const result = (id: string, size = 10): Message => ({ role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: 'x'.repeat(size) }] });

/** Every tool_use is answered in the next message, and roles alternate from the user. */
function wellPaired(messages: readonly Message[]): boolean {
  return messages.every((message, index) => {
    if (message.role !== (index % 2 === 0 ? 'user' : 'assistant')) return false;
    const blocks = typeof message.content === 'string' ? [] : message.content;
    const next = messages[index + 1];
    const answered = next && typeof next.content !== 'string' ? next.content.flatMap((block) => (block.type === 'tool_result' ? [block.tool_use_id] : [])) : [];
    return blocks.every((block) => block.type !== 'tool_use' || answered.includes(block.id));
  });
}

describe('cutIndex', () => {
  it('keeps the latest messages verbatim and never parts a tool result from its call', () => {
    const worker = [user('task'), call('a'), result('a'), call('b'), result('b'), call('c'), result('c', 100_000), call('d'), result('d')];
    for (let length = 2; length <= worker.length; length++) {
      const messages = worker.slice(0, length);
      const cut = cutIndex(messages);
      if (cut === undefined) continue;
      expect(cut).toBeGreaterThan(0);
      expect(cut).toBeLessThan(length);
      // What the model sees after a swap, whatever came after the cut meanwhile.
      expect(wellPaired(compactedConversation('summary', worker.slice(cut))), `length ${length}, cut ${cut}`).toBe(true);
    }
    // A huge last result is kept with its call; fewer of the latest messages then.
    expect(cutIndex(worker.slice(0, 7))).toBe(5);
  });

  it('leaves too short a conversation alone', () => {
    expect(cutIndex([user('hello')])).toBeUndefined();
    expect(cutIndex([user('hello'), answer('hi')])).toBe(1);
  });
});

describe('replayCompaction', () => {
  it('rebuilds from the messages as written (runs of one role apart) what the agent held in memory', () => {
    const held = [user('one'), answer('two'), { role: 'user', content: [{ type: 'text', text: 'three' }, { type: 'text', text: 'four' }] } as Message, answer('five')];
    const written = [user('one'), answer('two'), user('three'), user('four'), answer('five')];
    expect(replayCompaction(written, 'S', 3)).toEqual(compactedConversation('S', held.slice(1)));
    expect(replayCompaction(written, 'S', 0)).toEqual(compactedConversation('S', []));
  });
});
