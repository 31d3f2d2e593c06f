import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchFile } from '../../src/store/file-watch.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'amux-watch-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('watchFile', () => {
  it('tells when the file grows, and nothing once closed', async () => {
    const path = join(dir, 'transcript.jsonl');
    writeFileSync(path, '{"a":1}\n');
    let changes = 0;
    let told!: () => void;
    const grown = new Promise<void>((resolve) => { told = resolve; });
    const watch = watchFile(path, () => {
      changes += 1;
      told();
    });
    expect(watch).not.toBeNull();
    appendFileSync(path, '{"b":2}\n');
    await grown;
    watch?.close();
    const seen = changes;
    appendFileSync(path, '{"c":3}\n');
    // A write after close: a watch made afterwards sees it, the closed one does not.
    const after = new Promise<void>((resolve) => { const again = watchFile(path, () => { again?.close(); resolve(); }); appendFileSync(path, '{"d":4}\n'); });
    await after;
    expect(changes).toBe(seen);
  });

  it('is null for a file that does not exist yet', () => {
    expect(watchFile(join(dir, 'missing.jsonl'), () => undefined)).toBeNull();
  });
});
