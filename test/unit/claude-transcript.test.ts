// Claude Code's transcript read for its usage: once per response, incrementally, tolerant of what it does not know.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClaudeTranscript } from '../../src/store/claude-transcript.js';

let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'amux-transcript-'));
  path = join(dir, 'session.jsonl');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const assistant = (id: string, input: number, output: number, block = 'text') => `${JSON.stringify({
  type: 'assistant', message: { id, model: 'claude-opus-4-5', content: [{ type: block }], usage: { input_tokens: input, output_tokens: output, cache_read_input_tokens: 5, cache_creation_input_tokens: 7 } },
})}\n`;

describe('ClaudeTranscript', () => {
  it('counts each response once (its lines share an id; the latest wins), and reads only what was appended', () => {
    const transcript = new ClaudeTranscript(path);
    transcript.read();
    expect(transcript.messages.size).toBe(0);
    appendFileSync(path, `${JSON.stringify({ type: 'user', message: { role: 'user', content: 'hi' } })}\n${assistant('m1', 10, 1, 'thinking')}${assistant('m1', 10, 3)}`);
    transcript.read();
    expect([...transcript.messages.entries()]).toEqual([['m1', { model: 'claude-opus-4-5', usage: { input: 10, output: 3, cacheRead: 5, cacheWrite: 7 } }]]);
    appendFileSync(path, assistant('m2', 20, 2));
    transcript.read();
    expect([...transcript.messages.keys()]).toEqual(['m1', 'm2']);
    expect(transcript.last?.usage.input).toBe(20);
  });

  it('waits for the rest of a line being written, and skips lines it does not understand', () => {
    const transcript = new ClaudeTranscript(path);
    const line = assistant('m1', 10, 1);
    appendFileSync(path, `not json\n{"type":"summary"}\n${line.slice(0, 25)}`);
    transcript.read();
    expect(transcript.messages.size).toBe(0);
    appendFileSync(path, line.slice(25));
    transcript.read();
    expect(transcript.messages.get('m1')?.usage.output).toBe(1);
  });
});
