// The main conversations (sessions) of one workspace: one JSONL transcript per session, a header
// line first, then the records the server appends.
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionSummary } from '../core/protocol.js';
import { appendJsonl, appendJsonlLines, loadJsonl, parseJsonl } from './jsonl.js';

export interface SessionHeader {
  type: 'session';
  v: 1;
  id: string;
  /** ms since the epoch. */
  createdAt: number;
  cwd: string;
  /** The session this one was copied from. */
  forkedFrom?: string;
}

const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FILE_PATTERN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/;
const MIN_PREFIX = 4;
const TITLE_MAX = 80;
const AMBIGUOUS_SHOWN = 3;

export class SessionStore {
  /** `dir`: the workspace's sessions directory (`<workspace state dir>/sessions`). */
  constructor(private readonly dir: string, private readonly now: () => number = Date.now) {}

  /** Starts a new session; returns its id. */
  create(cwd: string): string {
    const id = randomUUID();
    const header: SessionHeader = { type: 'session', v: 1, id, createdAt: this.now(), cwd };
    appendJsonl(this.file(id), header);
    return id;
  }

  /** Appends records (`{"type":"message",…}`, `{"type":"chat",…}`) to an existing session in one write. */
  append(id: string, records: readonly unknown[]): void {
    const file = this.file(id);
    // Appending would otherwise create a file without a header, which nothing could read.
    if (!existsSync(file)) throw new Error(unknownSession(id));
    appendJsonlLines(file, records);
  }

  /**
   * The session's header and the records `parse` accepts. Other lines are moved to `<file>.bad` and a
   * torn last line is cut off (both said once, in `notices`), so appends go on cleanly.
   */
  read<T>(id: string, parse: (value: unknown) => T | undefined): { header: SessionHeader; records: T[]; notices: string[] } {
    const file = this.file(id);
    if (!existsSync(file)) throw new Error(unknownSession(id));
    const header = headerOf(readFileSync(file), id);
    if (!header) throw new Error(`${file} does not start with a valid session header: resume another session`);
    const { records, notices } = loadJsonl(file, parse, { skip: 1 });
    return { header, records, notices };
  }

  /** Every readable session, most recently written first. */
  list(): SessionSummary[] {
    const summaries: SessionSummary[] = [];
    for (const id of this.ids()) {
      const file = this.file(id);
      const { records, badLines } = parseJsonl(readFileSync(file, 'utf8'));
      const header = validHeader(records[0], id, badLines);
      // A file without a header is a session whose creation was cut off: there is nothing to resume.
      if (!header) continue;
      const body = records.slice(1);
      summaries.push({
        id,
        createdAt: header.createdAt,
        updatedAt: Math.floor(statSync(file).mtimeMs),
        title: titleOf(body),
        messages: body.filter((record) => typeOf(record) === 'message').length,
        ...(header.forkedFrom ? { forkedFrom: header.forkedFrom } : {}),
      });
    }
    return summaries.sort((a, b) => b.updatedAt - a.updatedAt || b.createdAt - a.createdAt || a.id.localeCompare(b.id));
  }

  /** The most recently written session (`--continue`). */
  latest(): string | undefined {
    return this.list()[0]?.id;
  }

  /** A session by its id or a unique prefix of it (at least 4 characters). */
  find(idOrPrefix: string): { id: string } | { error: string } {
    const shown = JSON.stringify(idOrPrefix);
    if (!/^[0-9a-f-]+$/.test(idOrPrefix)) {
      return { error: `invalid session id ${shown}: use the characters 0-9, a-f and "-" (agentmux --resume lists them)` };
    }
    if (idOrPrefix.length < MIN_PREFIX) return { error: `session prefix ${shown} is too short: give at least ${MIN_PREFIX} characters` };
    const matches = this.ids().filter((id) => id.startsWith(idOrPrefix));
    if (matches.length === 0) return { error: unknownSession(idOrPrefix) };
    if (matches.length > 1) {
      const listed = matches.slice(0, AMBIGUOUS_SHOWN).join(', ') + (matches.length > AMBIGUOUS_SHOWN ? ', …' : '');
      return { error: `session prefix ${idOrPrefix} is ambiguous (${listed}): give more characters` };
    }
    return { id: matches[0] };
  }

  /**
   * Copies session `id` into a new one and returns the new id. The copy's lines after the header
   * are the original's, byte for byte (a torn last line left out); the original is only read.
   */
  fork(id: string): string {
    const source = this.file(id);
    if (!existsSync(source)) throw new Error(unknownSession(id));
    const bytes = readFileSync(source);
    const headerEnd = bytes.indexOf(0x0a);
    const original = headerOf(bytes, id);
    if (!original) throw new Error(`${source} does not start with a valid session header: it cannot be forked`);
    const copy = randomUUID();
    const header: SessionHeader = { type: 'session', v: 1, id: copy, createdAt: this.now(), cwd: original.cwd, forkedFrom: id };
    const body = bytes.subarray(headerEnd + 1, bytes.lastIndexOf(0x0a) + 1);
    writeAtomically(this.file(copy), Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), body]));
    return copy;
  }

  private file(id: string): string {
    // Ids reach the filesystem only in this form, never as '../x' or an absolute path.
    if (!ID_PATTERN.test(id)) throw new Error(`invalid session id ${JSON.stringify(id)}: expected a UUID (agentmux --resume lists them)`);
    return join(this.dir, `${id}.jsonl`);
  }

  private ids(): string[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names.flatMap((name) => FILE_PATTERN.exec(name)?.[1] ?? []).sort();
  }
}

function unknownSession(idOrPrefix: string): string {
  return `no session ${idOrPrefix} in this repository (agentmux --resume lists them)`;
}

/** The header of session `id`: the first line of its file, when it is a complete and valid one. */
function headerOf(bytes: Buffer, id: string): SessionHeader | undefined {
  const end = bytes.indexOf(0x0a);
  const { records, badLines } = parseJsonl(end < 0 ? '' : bytes.subarray(0, end + 1).toString('utf8'));
  return validHeader(records[0], id, badLines);
}

/** `value` as the header of session `id`, when it is one (and came from line 1). */
function validHeader(value: unknown, id: string, badLines: readonly number[]): SessionHeader | undefined {
  if (badLines.includes(1) || typeof value !== 'object' || value === null) return undefined;
  const header = value as Partial<Record<keyof SessionHeader, unknown>>;
  const valid = header.type === 'session' && header.v === 1 && header.id === id
    && typeof header.createdAt === 'number' && Number.isFinite(header.createdAt)
    && typeof header.cwd === 'string'
    && (header.forkedFrom === undefined || (typeof header.forkedFrom === 'string' && ID_PATTERN.test(header.forkedFrom)));
  return valid ? (value as SessionHeader) : undefined;
}

function typeOf(record: unknown): unknown {
  return typeof record === 'object' && record !== null ? (record as { type?: unknown }).type : undefined;
}

/** The text of the first thing the user said, as a title. */
function titleOf(records: readonly unknown[]): string {
  for (const record of records) {
    if (typeOf(record) !== 'chat') continue;
    const entry = (record as { entry?: unknown }).entry;
    if (typeof entry !== 'object' || entry === null) continue;
    const { role, text } = entry as { role?: unknown; text?: unknown };
    if (role === 'user' && typeof text === 'string') return text.slice(0, TITLE_MAX);
  }
  return '(empty)';
}

/** Writes a new file whole or not at all: a crash cannot leave a half-copied session behind. */
function writeAtomically(path: string, content: Buffer): void {
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}
