import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonErrorOffset, parseJson, readJsonFile } from '../../src/store/json-file.js';

describe('parseJson', () => {
  it('parses valid JSON', () => {
    expect(parseJson('{"a": [1, true, null]}', 'f.json')).toEqual({ ok: true, found: true, value: { a: [1, true, null] } });
  });

  it('names the file, line and column of a syntax error', () => {
    expect(parseJson('{\n  "a": 1,\n  "b": }\n', 'f.json')).toEqual({
      ok: false,
      error: 'f.json: invalid JSON at line 3, column 8: unexpected "}"',
    });
    expect(parseJson('{"a": 1', 'f.json')).toEqual({ ok: false, error: 'f.json: invalid JSON at line 1, column 8: unexpected end of file' });
  });
});

describe('jsonErrorOffset', () => {
  it.each([
    ['{"a":}', 5],
    ['{"a":1,}', 7],
    ['[1,]', 3],
    ['[1 2]', 3],
    ['{"a" 1}', 5],
    ["{'a': 1}", 1],
    ['{"a": 1} x', 9],
    ['truex', 4],
    ['01', 1],
    ['', 0],
    ['{"a": "x\ny"}', 6],
    ['{"a": [1, {"b": nul}]}', 16],
  ])('finds the error in %j at %i', (text, offset) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonErrorOffset(text)).toBe(offset);
  });

  it('finds none in valid JSON', () => {
    for (const text of ['{}', ' [ ] ', '{"a":{"b":[1,-2.5e3,"\\u00e9\\n"]}}', '"x"', '0']) {
      expect(jsonErrorOffset(text)).toBeUndefined();
    }
  });
});

describe('readJsonFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentmux-json-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports a missing file as not found', async () => {
    expect(await readJsonFile(join(dir, 'missing.json'))).toEqual({ ok: true, found: false });
    expect(await readJsonFile(join(dir, 'missing', 'deeper.json'))).toEqual({ ok: true, found: false });
  });

  it('reads a file, ignoring a byte order mark', async () => {
    await writeFile(join(dir, 'a.json'), '\uFEFF{"x": 1}');
    expect(await readJsonFile(join(dir, 'a.json'))).toEqual({ ok: true, found: true, value: { x: 1 } });
  });

  it('labels errors', async () => {
    await writeFile(join(dir, 'bad.json'), '{"x": 1,,}');
    expect(await readJsonFile(join(dir, 'bad.json'), 'bad.json')).toEqual({
      ok: false,
      error: 'bad.json: invalid JSON at line 1, column 9: unexpected ","',
    });
    const result = await readJsonFile(dir, 'the-dir');
    expect(result).toEqual({ ok: false, error: 'the-dir: cannot read (EISDIR)' });
  });
});
