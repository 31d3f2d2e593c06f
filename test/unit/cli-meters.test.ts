// A Claude Code agent's meter from its transcript: its tokens per model when it used more than one
// (its side requests to a small model), each priced at its own model's rate.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliMeters } from '../../src/server/cli-meters.js';

let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'amux-cli-meters-'));
  path = join(dir, 'session.jsonl');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const assistant = (id: string, model: string, input: number, output: number) => `${JSON.stringify({
  type: 'assistant', message: { id, model, content: [{ type: 'text' }], usage: { input_tokens: input, output_tokens: output } },
})}\n`;

describe('CliMeters', () => {
  it('gives the tokens of each model when not all are of the last one, priced each at its rate', () => {
    appendFileSync(path, assistant('m1', 'claude-sonnet-4-5', 100_000, 2_000) + assistant('m2', 'claude-haiku-4-5', 50_000, 2_000)
      // Claude Code's own messages (an API error shown as a reply) name no real model and use no tokens.
      + assistant('m3', '<synthetic>', 0, 0));
    const meter = new CliMeters().meter('fix', path);
    expect(meter?.byModel).toEqual([
      { model: 'claude-sonnet-4-5', usage: { input: 100_000, output: 2_000, cacheRead: 0, cacheWrite: 0 } },
      { model: 'claude-haiku-4-5', usage: { input: 50_000, output: 2_000, cacheRead: 0, cacheWrite: 0 } },
    ]);
    expect(meter?.total).toEqual({ input: 150_000, output: 4_000, cacheRead: 0, cacheWrite: 0 });
    // 100k × $3 + 2k × $15 (sonnet 4.5), 50k × $1 + 2k × $5 (haiku 4.5), per million: $0.39.
    expect(meter?.costUsd).toBeCloseTo(0.39, 9);
  });

  it('leaves them out when every token is of the meter\'s model', () => {
    appendFileSync(path, assistant('m1', 'claude-sonnet-4-5', 10, 1) + assistant('m2', 'claude-sonnet-4-5', 20, 2));
    const meter = new CliMeters().meter('fix', path);
    expect(meter).toMatchObject({ model: 'claude-sonnet-4-5', total: { input: 30, output: 3 } });
    expect(meter?.byModel).toBeUndefined();
  });
});
