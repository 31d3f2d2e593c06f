import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatEntry } from '../../src/core/protocol.js';
import { SessionStore } from '../../src/store/session-store.js';

let root: string;
let dir: string;
let clock: number;
let store: SessionStore;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'agentmux-sessions-'));
  dir = join(root, 'ws', 'sessions');
  clock = 1_000;
  store = new SessionStore(dir, () => clock);
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const fileOf = (id: string): string => join(dir, `${id}.jsonl`);
const chat = (role: ChatEntry['role'], text: string, id = 1): { type: 'chat'; entry: ChatEntry } => ({ type: 'chat', entry: { id, at: 5, role, text } });
const message = (text: string): { type: 'message'; message: unknown } => ({ type: 'message', message: { role: 'user', content: text } });
/** Every JSON value is a record. */
const anyValue = (value: unknown): unknown => value;
/** Only `message` lines are records. */
const messagesOnly = (value: unknown): unknown => ((value as { type?: unknown }).type === 'message' ? value : undefined);
/** Sets a session file's modification time, in seconds, so that list order does not depend on timing. */
const touch = (id: string, seconds: number): void => utimesSync(fileOf(id), seconds, seconds);

describe('SessionStore: create, append, read', () => {
  it('writes a header line first, in a private file', () => {
    const id = store.create('/repo/sub');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(readFileSync(fileOf(id), 'utf8')).toBe(`${JSON.stringify({ type: 'session', v: 1, id, createdAt: 1000, cwd: '/repo/sub' })}\n`);
    expect(statSync(fileOf(id)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('reads back the header and the appended records in order', () => {
    const id = store.create('/repo');
    store.append(id, [chat('user', 'hi'), message('hi')]);
    store.append(id, []);
    store.append(id, [chat('assistant', 'hello', 2)]);
    expect(readFileSync(fileOf(id), 'utf8').split('\n')).toHaveLength(5);
    expect(store.read(id, anyValue)).toEqual({
      header: { type: 'session', v: 1, id, createdAt: 1000, cwd: '/repo' },
      records: [chat('user', 'hi'), message('hi'), chat('assistant', 'hello', 2)],
      notices: [],
    });
  });

  it('tolerates a torn last line and cuts it off, so the next append starts a fresh line', () => {
    const id = store.create('/repo');
    store.append(id, [message('one')]);
    appendFileSync(fileOf(id), '{"type":"message","mess');
    const first = store.read(id, anyValue);
    expect(first.records).toEqual([message('one')]);
    expect(first.notices).toEqual([`${fileOf(id)}: the last line (line 3) was cut off by a crash while it was written, skipped`]);
    expect(existsSync(`${fileOf(id)}.bad`)).toBe(false);
    store.append(id, [message('two')]);
    expect(store.read(id, anyValue)).toMatchObject({ records: [message('one'), message('two')], notices: [] });
  });

  it('moves unreadable lines in the middle to <file>.bad, once, and reads on', () => {
    const id = store.create('/repo');
    const header = readFileSync(fileOf(id), 'utf8');
    appendFileSync(fileOf(id), 'not json\n');
    store.append(id, [message('after'), chat('user', 'not a record here')]);
    appendFileSync(fileOf(id), '{"type":"message","mess');
    expect(store.read(id, messagesOnly)).toEqual({
      header: expect.objectContaining({ id }) as unknown,
      records: [message('after')],
      notices: [
        `${fileOf(id)}: 2 unreadable lines skipped (lines 2, 4), kept in ${id}.jsonl.bad`,
        `${fileOf(id)}: the last line (line 5) was cut off by a crash while it was written, skipped`,
      ],
    });
    expect(readFileSync(fileOf(id), 'utf8')).toBe(`${header}${JSON.stringify(message('after'))}\n`);
    expect(readFileSync(`${fileOf(id)}.bad`, 'utf8')).toBe(`not json\n${JSON.stringify(chat('user', 'not a record here'))}\n`);
    expect(statSync(`${fileOf(id)}.bad`).mode & 0o777).toBe(0o600);
    expect(store.read(id, messagesOnly)).toMatchObject({ records: [message('after')], notices: [] });
    // More of them later are added to the same .bad file.
    appendFileSync(fileOf(id), 'garbage{\n');
    store.append(id, [message('last')]);
    expect(store.read(id, messagesOnly).notices).toEqual([`${fileOf(id)}: 1 unreadable line skipped (line 3), kept in ${id}.jsonl.bad`]);
    expect(readFileSync(`${fileOf(id)}.bad`, 'utf8')).toBe(`not json\n${JSON.stringify(chat('user', 'not a record here'))}\ngarbage{\n`);
  });

  it('refuses a file without a valid header', () => {
    store.create('/repo');
    const id = '0123abcd-0000-4000-8000-000000000000';
    writeFileSync(fileOf(id), `${JSON.stringify(message('x'))}\nnot json\n`);
    expect(() => store.read(id, anyValue)).toThrow(`${fileOf(id)} does not start with a valid session header: resume another session`);
    // A file it refuses is left as it is.
    expect(readFileSync(fileOf(id), 'utf8')).toBe(`${JSON.stringify(message('x'))}\nnot json\n`);
    expect(existsSync(`${fileOf(id)}.bad`)).toBe(false);
  });

  it('refuses a header that names another session', () => {
    const other = store.create('/repo');
    const id = '0123abcd-0000-4000-8000-000000000000';
    writeFileSync(fileOf(id), readFileSync(fileOf(other)));
    expect(() => store.read(id, anyValue)).toThrow(/does not start with a valid session header/);
  });

  it('refuses unknown and malformed ids before touching the filesystem', () => {
    expect(() => store.read('0123abcd-0000-4000-8000-000000000000', anyValue)).toThrow('no session 0123abcd-0000-4000-8000-000000000000 in this repository (agentmux --resume lists them)');
    expect(() => store.append('0123abcd-0000-4000-8000-000000000000', [message('x')])).toThrow(/no session/);
    expect(existsSync(fileOf('0123abcd-0000-4000-8000-000000000000'))).toBe(false);
    for (const bad of ['../x', '/etc/passwd', '', 'ABCDEF01-0000-4000-8000-000000000000']) {
      expect(() => store.read(bad, anyValue)).toThrow(`invalid session id ${JSON.stringify(bad)}: expected a UUID (agentmux --resume lists them)`);
      expect(() => store.append(bad, [message('x')])).toThrow(/invalid session id/);
      expect(() => store.fork(bad)).toThrow(/invalid session id/);
    }
    expect(existsSync(join(root, 'ws', 'x.jsonl'))).toBe(false);
  });
});

describe('SessionStore: list and latest', () => {
  it('has none in a new workspace', () => {
    expect(store.list()).toEqual([]);
    expect(store.latest()).toBeUndefined();
  });

  it('lists newest first, titled by the first thing the user said', () => {
    const a = store.create('/repo');
    store.append(a, [chat('system', 'welcome'), chat('user', `fix the ${'x'.repeat(100)}`), message('1'), chat('user', 'second'), message('2')]);
    clock = 2_000;
    const b = store.create('/repo');
    clock = 3_000;
    const c = store.create('/repo');
    store.append(c, [chat('assistant', 'nothing from the user'), { type: 'chat', entry: 'garbage' }, { type: 'other' }]);
    touch(a, 300);
    touch(b, 100);
    touch(c, 200);
    expect(store.list()).toEqual([
      { id: a, createdAt: 1000, updatedAt: 300_000, title: `fix the ${'x'.repeat(72)}`, messages: 2 },
      { id: c, createdAt: 3000, updatedAt: 200_000, title: '(empty)', messages: 0 },
      { id: b, createdAt: 2000, updatedAt: 100_000, title: '(empty)', messages: 0 },
    ]);
    expect(store.latest()).toBe(a);
    touch(b, 400);
    expect(store.latest()).toBe(b);
  });

  it('leaves out files that are not sessions', () => {
    const id = store.create('/repo');
    writeFileSync(join(dir, 'notes.txt'), 'x');
    writeFileSync(join(dir, `${id}.jsonl.tmp`), 'x');
    writeFileSync(fileOf('0123abcd-0000-4000-8000-000000000000'), '{"type":"session","v":1,"id":"0123ab');
    expect(store.list().map((s) => s.id)).toEqual([id]);
  });
});

describe('SessionStore: find', () => {
  const ids = ['abcd1111-0000-4000-8000-000000000000', 'abcd2222-0000-4000-8000-000000000000', 'abce0000-0000-4000-8000-000000000000'];
  beforeEach(() => {
    const header = store.create('/repo');
    for (const id of ids) writeFileSync(fileOf(id), readFileSync(fileOf(header), 'utf8').replaceAll(header, id));
    rmSync(fileOf(header));
  });

  it('finds an exact id or a unique prefix', () => {
    expect(store.find(ids[0])).toEqual({ id: ids[0] });
    expect(store.find('abcd1')).toEqual({ id: ids[0] });
    expect(store.find('abce')).toEqual({ id: ids[2] });
  });

  it('says when a prefix is ambiguous, unknown, too short or malformed', () => {
    expect(store.find('abcd')).toEqual({ error: `session prefix abcd is ambiguous (${ids[0]}, ${ids[1]}): give more characters` });
    expect(store.find('ffff')).toEqual({ error: 'no session ffff in this repository (agentmux --resume lists them)' });
    expect(store.find('abc')).toEqual({ error: 'session prefix "abc" is too short: give at least 4 characters' });
    for (const bad of ['../abcd', 'ABCD', 'abcd/', '', 'abcd1111-0000-4000-8000-000000000000.jsonl']) {
      expect(store.find(bad)).toEqual({ error: `invalid session id ${JSON.stringify(bad)}: use the characters 0-9, a-f and "-" (agentmux --resume lists them)` });
    }
  });

  it('finds nothing in a workspace without sessions', () => {
    expect(new SessionStore(join(root, 'none')).find('abcd')).toEqual({ error: 'no session abcd in this repository (agentmux --resume lists them)' });
  });
});

describe('SessionStore: fork', () => {
  it('copies the records under a new header and leaves the original byte for byte as it was', () => {
    const id = store.create('/repo');
    store.append(id, [chat('user', 'plan it'), message('plan it'), message('ok')]);
    appendFileSync(fileOf(id), '{"type":"message","torn');
    const original = readFileSync(fileOf(id));
    clock = 9_000;
    const copy = store.fork(id);
    expect(copy).not.toBe(id);
    expect(readFileSync(fileOf(id)).equals(original)).toBe(true);
    const body = original.subarray(original.indexOf(0x0a) + 1, original.lastIndexOf(0x0a) + 1);
    const copied = readFileSync(fileOf(copy));
    const header = { type: 'session', v: 1, id: copy, createdAt: 9000, cwd: '/repo', forkedFrom: id };
    expect(copied.equals(Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), body]))).toBe(true);
    expect(statSync(fileOf(copy)).mode & 0o777).toBe(0o600);
    expect(store.read(copy, anyValue)).toEqual({ header, records: [chat('user', 'plan it'), message('plan it'), message('ok')], notices: [] });
    expect(store.list().find((s) => s.id === copy)).toMatchObject({ forkedFrom: id, title: 'plan it', messages: 2 });
    expect(readdirSync(dir).sort()).toEqual([`${copy}.jsonl`, `${id}.jsonl`].sort());
  });

  it('refuses an unknown session', () => {
    expect(() => store.fork('0123abcd-0000-4000-8000-000000000000')).toThrow(/no session 0123abcd/);
  });
});
