import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutputLog, outputLogSize, readOutputLogRange, readOutputLogTail } from '../../src/store/output-log.js';

async function readOutputLogFrom(path: string, offset: number): Promise<string> {
  return (await readOutputLogRange(path, offset, Number.MAX_SAFE_INTEGER)).toString('utf8');
}

function readOutputLog(path: string): Promise<string> {
  return readOutputLogFrom(path, 0);
}

let dir: string;
let path: string;
const logs: OutputLog[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentmux-log-'));
  path = join(dir, 'logs', 'build.log');
});
afterEach(() => {
  for (const log of logs.splice(0)) log.close();
  rmSync(dir, { recursive: true, force: true });
});

function openLog(limitBytes?: number): OutputLog {
  const log = new OutputLog(path, limitBytes === undefined ? {} : { limitBytes });
  logs.push(log);
  return log;
}

describe('OutputLog', () => {
  it('creates nothing until the first append, then a private file in a private directory', () => {
    const log = openLog();
    expect(existsSync(join(dir, 'logs'))).toBe(false);
    log.append('');
    expect(existsSync(path)).toBe(false);
    log.append('héllo\r\n');
    log.append('\x1b[31mred\x1b[0m');
    expect(readFileSync(path, 'utf8')).toBe('héllo\r\n\x1b[31mred\x1b[0m');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'logs')).mode & 0o777).toBe(0o700);
  });

  it('appends to an existing log, and opens again after close', () => {
    const first = openLog();
    first.append('one\n');
    first.close();
    first.append('two\n');
    first.close();
    openLog().append('three\n');
    expect(readFileSync(path, 'utf8')).toBe('one\ntwo\nthree\n');
  });

  it('rotates to .1 past the limit, replacing an older .1, and never splits a chunk', () => {
    const log = openLog(10);
    log.append('aaaa');
    log.append('bbbb');
    expect(existsSync(`${path}.1`)).toBe(false);
    log.append('cccc');
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('aaaabbbb');
    expect(readFileSync(path, 'utf8')).toBe('cccc');
    log.append('dddd');
    log.append('eeee');
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('ccccdddd');
    expect(readFileSync(path, 'utf8')).toBe('eeee');
    log.append('a chunk longer than the limit');
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('eeee');
    expect(readFileSync(path, 'utf8')).toBe('a chunk longer than the limit');
  });

  it('writes bytes as they came, even a character split between chunks', async () => {
    const log = openLog();
    const bytes = Buffer.from('né', 'utf8');
    log.append(bytes.subarray(0, 2));
    log.append(bytes.subarray(2));
    log.append(new Uint8Array(0));
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(await readOutputLog(path)).toBe('né');
  });

  it('counts bytes, not characters, against the limit', () => {
    const log = openLog(8);
    log.append('ééé');
    log.append('éé');
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('ééé');
    expect(readFileSync(path, 'utf8')).toBe('éé');
  });

  it('counts an existing file against the limit when it reopens it', () => {
    openLog(10).append('12345678');
    logs[0].close();
    openLog(10).append('abc');
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('12345678');
    expect(readFileSync(path, 'utf8')).toBe('abc');
  });
});

describe('reading a log', () => {
  it('gives nothing for a missing log', async () => {
    expect(await readOutputLog(path)).toBe('');
    expect(await readOutputLogFrom(path, 0)).toBe('');
    expect(outputLogSize(path)).toBe(0);
  });

  it('reads .1 then the current file', async () => {
    const log = openLog(10);
    for (const chunk of ['aaaa', 'bbbb', 'cccc', 'dd']) log.append(chunk);
    expect(await readOutputLog(path)).toBe('aaaabbbbccccdd');
    expect(outputLogSize(path)).toBe(14);
  });

  it('reads from an offset within .1, at the boundary and within the current file', async () => {
    const log = openLog(10);
    for (const chunk of ['aaaa', 'bbbb', 'cccc', 'dd']) log.append(chunk);
    expect(await readOutputLogFrom(path, 0)).toBe('aaaabbbbccccdd');
    expect(await readOutputLogFrom(path, 6)).toBe('bbccccdd');
    expect(await readOutputLogFrom(path, 8)).toBe('ccccdd');
    expect(await readOutputLogFrom(path, 11)).toBe('cdd');
    expect(await readOutputLogFrom(path, 14)).toBe('');
  });

  it('reads the last bytes across .1 and the current file', () => {
    const log = openLog(10);
    for (const chunk of ['aaaa', 'bbbb', 'cccc', 'dd']) log.append(chunk);
    expect(readOutputLogTail(path, 3).toString()).toBe('cdd');
    expect(readOutputLogTail(path, 9).toString()).toBe('bbbccccdd');
    expect(readOutputLogTail(path, 100).toString()).toBe('aaaabbbbccccdd');
    expect(readOutputLogTail(join(dir, 'missing.log'), 10).length).toBe(0);
  });

  it('reads a byte range across .1 and the current file, cut at the end', async () => {
    const log = openLog(10);
    for (const chunk of ['aaaa', 'bbbb', 'cccc', 'dd']) log.append(chunk);
    const range = async (start: number, end: number): Promise<string> => (await readOutputLogRange(path, start, end)).toString('utf8');
    expect(await range(0, 14)).toBe('aaaabbbbccccdd');
    expect(await range(2, 6)).toBe('aabb');
    expect(await range(6, 10)).toBe('bbcc');
    expect(await range(8, 12)).toBe('cccc');
    expect(await range(12, 100)).toBe('dd');
    expect(await range(5, 5)).toBe('');
    expect(await range(20, 30)).toBe('');
    expect(await readOutputLogRange(join(dir, 'missing.log'), 0, 10)).toEqual(Buffer.alloc(0));
  });

  it('follows a growing log by its size', async () => {
    const log = openLog();
    log.append('first ');
    const offset = outputLogSize(path);
    log.append('second ');
    log.append('third');
    expect(await readOutputLogFrom(path, offset)).toBe('second third');
  });

  it('keeps offsets valid across the first rotation', async () => {
    const log = openLog(10);
    log.append('aaaa');
    const offset = outputLogSize(path);
    log.append('bbbb');
    log.append('cccc');
    expect(existsSync(`${path}.1`)).toBe(true);
    expect(await readOutputLogFrom(path, offset)).toBe('bbbbcccc');
  });

});
