// A program's report of its own state on its terminal (OSC 7501 `state=…:app=…:kind=…:msg=…`, the
// program status report Codex writes: `working`, `blocked` with `kind=permission`, `done`, `idle`).
// It is the program's own word, but it comes on its terminal, where anything the program lets
// through could write it too: a weak signal, labelled so. Pure: the sequence's text in, the report out.

export const PROGRAM_STATUS_OSC = 7501;

export type ProgramState = 'idle' | 'working' | 'done' | 'blocked' | 'error' | 'clear';
const STATES: readonly ProgramState[] = ['idle', 'working', 'done', 'blocked', 'error', 'clear'];

export interface ProgramStatus {
  state: ProgramState;
  /** What a blocked program waits for (`permission`, `question`, `auth`, …). */
  kind?: string;
  /** Its own words on it. */
  message?: string;
}

/** Base64 text, or undefined when it is not. */
function decoded(value: string): string | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return undefined;
  const text = Buffer.from(value, 'base64').toString('utf8');
  return text === '' || text.includes('\uFFFD') ? undefined : text;
}

/**
 * The report in an OSC 7501 sequence's text, or undefined: a query (`?`), an unknown state, or a
 * report of one of its tasks (`id=…`) rather than of the program itself.
 */
export function parseProgramStatus(data: string): ProgramStatus | undefined {
  const fields = new Map<string, string>();
  for (const field of data.split(':')) {
    const at = field.indexOf('=');
    if (at > 0) fields.set(field.slice(0, at), field.slice(at + 1));
  }
  const state = fields.get('state') as ProgramState | undefined;
  if (state === undefined || !STATES.includes(state) || fields.has('id')) return undefined;
  const kind = fields.get('kind');
  const message = fields.has('msg') ? decoded(fields.get('msg') ?? '') : undefined;
  return { state, ...(kind && /^[a-z-]{1,32}$/.test(kind) ? { kind } : {}), ...(message ? { message } : {}) };
}
