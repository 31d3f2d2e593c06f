import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/core/agent.js';
import { AgentRecords, type AgentRecord } from '../../src/store/agent-records.js';

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentmux-records-'));
  file = join(dir, 'agents.jsonl');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function record(name: string, info: Partial<AgentInfo> = {}, extra: Partial<AgentRecord> = {}): AgentRecord {
  return {
    info: { name, kind: 'command', task: 'npm test', cwd: '/repo', state: 'running', startedAt: 1000, lastLine: '', unread: false, ...info },
    notified: false,
    log: `logs/${name}.log`,
    ...extra,
  };
}

const lines = (): string[] => readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');
const line = (value: unknown): string => `${JSON.stringify(value)}\n`;

describe('AgentRecords', () => {
  it('has no records before anything is saved', () => {
    expect(new AgentRecords(dir).load()).toEqual({ records: [], notices: [] });
    expect(existsSync(file)).toBe(false);
  });

  it('appends one versioned line per save, in a private file', () => {
    const records = new AgentRecords(join(dir, 'ws'));
    records.save(record('build'));
    const path = join(dir, 'ws', 'agents.jsonl');
    expect(readFileSync(path, 'utf8')).toBe(line({ v: 1, record: record('build') }));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'ws')).mode & 0o777).toBe(0o700);
  });

  it('keeps the last record per agent, in the order agents first appeared', () => {
    const records = new AgentRecords(dir);
    const full = record('review', { kind: 'claude', state: 'finished', endedAt: 5000, exitCode: 0, result: 'ok', profile: 'reviewer',
      usage: {
        model: 'm', total: { input: 1, output: 2, cacheRead: 3, cacheWrite: 4 }, costUsd: 0.1, contextTokens: 10, contextWindow: 200,
        byModel: [{ model: 'm', usage: { input: 1, output: 1, cacheRead: 3, cacheWrite: 4 } }, { model: 'small', usage: { input: 0, output: 1, cacheRead: 0, cacheWrite: 0 } }],
      },
      worktree: { branch: 'agentmux/review', path: '/wt', baseCommit: 'abc', ahead: 1, uncommitted: false } },
    { notified: true, transcript: 'workers/review.jsonl', worker: {
      model: 'm', permissionMode: 'edits', budgetUsd: 2, profile: { name: 'reviewer', prompt: 'You review.', tools: ['read_file', 'grep'] },
    } });
    records.save(record('build'));
    records.save(record('review', { kind: 'claude' }));
    records.save(record('build', { state: 'failed', exitCode: 2 }));
    records.save(full);
    const loaded = new AgentRecords(dir).load();
    expect(loaded.notices).toEqual([]);
    expect(loaded.records).toEqual([record('build', { state: 'failed', exitCode: 2 }), full]);
  });

  it('drops an agent at a line saying it was removed, until a later record of the name', () => {
    const records = new AgentRecords(dir);
    records.save(record('build', { state: 'finished' }));
    records.save(record('test', { state: 'finished' }));
    records.remove('build');
    expect(lines().at(-1)).toBe('{"v":1,"removed":"build"}');
    expect(new AgentRecords(dir).load().records.map((r) => r.info.name)).toEqual(['test']);
    records.save(record('build', { task: 'npm run build -- again' }));
    expect(new AgentRecords(dir).load().records.map((r) => [r.info.name, r.info.task])).toEqual([['test', 'npm test'], ['build', 'npm run build -- again']]);
    expect(existsSync(`${file}.bad`)).toBe(false);
  });

  it('tolerates a torn last line, then cuts it off so the next save lands on a line of its own', () => {
    const records = new AgentRecords(dir);
    records.save(record('build'));
    appendFileSync(file, '{"v":1,"record":{"info":{"na');
    const loaded = records.load();
    expect(loaded.records).toEqual([record('build')]);
    expect(loaded.notices).toEqual([`${file}: the last line (line 2) was cut off by a crash while it was written, skipped`]);
    records.save(record('test'));
    expect(readFileSync(file, 'utf8')).toBe(line({ v: 1, record: record('build') }) + line({ v: 1, record: record('test') }));
    expect(records.load()).toEqual({ records: [record('build'), record('test')], notices: [] });
    expect(existsSync(`${file}.bad`)).toBe(false);
  });

  it('read only (beside a running server), it changes nothing on disk and says nothing: a torn line may be a write in progress', () => {
    const records = new AgentRecords(dir);
    records.save(record('build'));
    appendFileSync(file, 'garbage{\n');
    records.save(record('test'));
    appendFileSync(file, '{"v":1,"record":{"info":{"na');
    const before = readFileSync(file);
    expect(records.load({ readOnly: true })).toEqual({ records: [record('build'), record('test')], notices: [] });
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(existsSync(`${file}.bad`)).toBe(false);
  });

  it('moves damaged lines in the middle to agents.jsonl.bad and says so once, with the lines as ranges', () => {
    const good = [line({ v: 1, record: record('a') }), line({ v: 1, record: record('b') }), line({ v: 1, record: record('c') })];
    writeFileSync(file, `${good[0]}garbage{\n{"v":1,\n\n${line({ v: 1, record: record('Bad Name') })}${good[1]}not json\n${good[2]}`);
    const loaded = new AgentRecords(dir).load();
    expect(loaded.records.map((r) => r.info.name)).toEqual(['a', 'b', 'c']);
    expect(loaded.notices).toEqual([`${file}: 4 unreadable lines skipped (lines 2–3, 5, 7), kept in agents.jsonl.bad`]);
    expect(readFileSync(`${file}.bad`, 'utf8')).toBe(`garbage{\n{"v":1,\n${line({ v: 1, record: record('Bad Name') })}not json\n`);
    expect(statSync(`${file}.bad`).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(good.join(''));
    expect(existsSync(`${file}.tmp`)).toBe(false);
    expect(new AgentRecords(dir).load()).toEqual({ records: [record('a'), record('b'), record('c')], notices: [] });
  });

  it('sets aside a line that is not even UTF-8 byte for byte', () => {
    const damaged = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0xc0, 0x80, 0x7d]);
    writeFileSync(file, Buffer.concat([Buffer.from(line({ v: 1, record: record('a') })), damaged, Buffer.from('\n'), Buffer.from(line({ v: 1, record: record('b') }))]));
    expect(new AgentRecords(dir).load().notices).toEqual([`${file}: 1 unreadable line skipped (line 2), kept in agents.jsonl.bad`]);
    expect(readFileSync(`${file}.bad`).equals(Buffer.concat([damaged, Buffer.from('\n')]))).toBe(true);
  });

  it('sets aside lines that are not valid records: a bad field, a path out of the state directory, another version', () => {
    const good = record('good');
    const bad = [
      line({ v: 1, record: record('Bad Name') }),
      line({ v: 1, record: record('escape', {}, { log: '../../etc/passwd' }) }),
      line({ v: 1, record: record('absolute', {}, { log: '/etc/passwd' }) }),
      line({ v: 1, record: record('state', { state: 'sleeping' as AgentInfo['state'] }) }),
      line({ v: 1, record: record('kind', { kind: 'robot' as AgentInfo['kind'] }) }),
      line({ v: 1, record: record('started', { startedAt: '1000' as unknown as number }) }),
      line({ v: 1, record: record('mode', {}, { worker: { model: 'm', permissionMode: 'yolo' as 'ask' } }) }),
      line({ v: 1, record: record('worker-log', {}, { transcript: 'workers/../../x' }) }),
      line({ v: 1, record: record('by-model', { usage: { model: 'm', total: { input: 1, output: 0, cacheRead: 0, cacheWrite: 0 }, contextTokens: 1, byModel: [{ model: 'm' }] as never } }) }),
      line({ v: 2, record: record('future') }),
      line({ record: good }),
      line([good]),
      line({ v: 1, record: 'good' }),
    ];
    writeFileSync(file, [...bad, line({ v: 1, record: good })].join(''));
    const loaded = new AgentRecords(dir).load();
    expect(loaded).toEqual({ records: [good], notices: [`${file}: 13 unreadable lines skipped (lines 1–13), kept in agents.jsonl.bad`] });
    expect(readFileSync(`${file}.bad`, 'utf8')).toBe(bad.join(''));
  });

  it('sets damaged lines aside before compacting, so compaction loses none of them', () => {
    // Past the threshold, 4 × (3 agents + 50), with one damaged line among them.
    const saved = Array.from({ length: 250 }, (_, i) => line({ v: 1, record: record(`agent-${i % 3}`, { lastLine: `line ${i}` }) }));
    writeFileSync(file, [...saved.slice(0, 100), 'garbage{\n', ...saved.slice(100)].join(''));
    const loaded = new AgentRecords(dir).load();
    expect(loaded.notices).toEqual([`${file}: 1 unreadable line skipped (line 101), kept in agents.jsonl.bad`]);
    expect(readFileSync(`${file}.bad`, 'utf8')).toBe('garbage{\n');
    expect(lines()).toEqual([249, 247, 248].map((i) => JSON.stringify({ v: 1, record: record(`agent-${i % 3}`, { lastLine: `line ${i}` }) })));
  });

  it('keeps the last valid record when a later one for the same agent is invalid', () => {
    const records = new AgentRecords(dir);
    records.save(record('build', { state: 'finished' }));
    records.save(record('build', { state: 'bogus' as AgentInfo['state'] }));
    expect(records.load().records).toEqual([record('build', { state: 'finished' })]);
  });

  it('compacts a long file atomically to the latest record per agent', () => {
    const records = new AgentRecords(dir);
    // One line past the threshold, 4 × (3 agents + 50).
    for (let i = 0; i < 213; i++) records.save(record(`agent-${i % 3}`, { lastLine: `line ${i}` }));
    const before = statSync(file).ino;
    const loaded = records.load();
    const latest = [record('agent-0', { lastLine: 'line 210' }), record('agent-1', { lastLine: 'line 211' }), record('agent-2', { lastLine: 'line 212' })];
    expect(loaded).toEqual({ records: latest, notices: [] });
    // Written to a new file and renamed over the old one, never rewritten in place.
    expect(statSync(file).ino).not.toBe(before);
    expect(existsSync(`${file}.tmp`)).toBe(false);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(lines()).toEqual(latest.map((r) => JSON.stringify({ v: 1, record: r })));
    records.save(record('agent-3'));
    expect(records.load().records.map((r) => r.info.name)).toEqual(['agent-0', 'agent-1', 'agent-2', 'agent-3']);
  });

  it('leaves a file within the compaction threshold as it is', () => {
    const records = new AgentRecords(dir);
    // Exactly the threshold, 4 × (1 agent + 50).
    for (let i = 0; i < 204; i++) records.save(record('build', { lastLine: `line ${i}` }));
    const before = readFileSync(file);
    records.load();
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('ignores a temporary file left by a compaction cut short', () => {
    const records = new AgentRecords(dir);
    records.save(record('build'));
    writeFileSync(`${file}.tmp`, line({ v: 1, record: record('half') }).slice(0, 10));
    expect(records.load().records).toEqual([record('build')]);
  });
});
