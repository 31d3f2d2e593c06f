// Checks what a client sends, field by field, before the server acts on it: a client on
// the socket may send anything. Each command type is a small schema (one checker per
// field); the compiler makes the table list every command and exactly its fields, so a
// new command is one line here. Only types and bounds are checked: a well-typed command
// that makes no sense (an unknown agent, a bad name) is the server's to answer.
import { hostNameError } from './hosts.js';
import { MAX_BUDGET_TOKENS } from './budget.js';
import { CLI_NAME_PATTERN } from './cli-kinds.js';
import type { ClientCommand, ClientHello, ClientMessage } from './protocol.js';

export type HelloParse = { ok: true; hello: ClientHello } | { ok: false; error: string; version?: number };
export type MessageParse = { ok: true; message: ClientMessage } | { ok: false; error: string };

/** Caps, in characters (UTF-16 code units). */
export const LIMITS = {
  name: 64,
  text: 64 * 1024,
  input: 256 * 1024,
  path: 4096,
  ref: 256,
  names: 16,
  scrollLines: 1_000_000,
  resizeMin: 2,
  resizeMax: 1000,
  envVariables: 4096,
  /** All of an environment's names and values together. */
  envCharacters: 512 * 1024,
} as const;

/** A check of one value: an error ending the sentence "`where` …", or undefined when it is fine. */
type Check = (value: unknown, where: string) => string | undefined;

interface RequiredField {
  optional: false;
  check: Check;
}
interface OptionalField {
  optional: true;
  check: Check;
}
type Field = RequiredField | OptionalField;

/** One checker per field of T (its `type` aside); optional fields must be marked optional, required ones not. */
type Schema<T> = {
  [K in Exclude<keyof T, 'type'>]-?: object extends Pick<T, K> ? OptionalField : RequiredField;
};

type CommandType = ClientCommand['type'];
type CommandOf<T extends CommandType> = Extract<ClientCommand, { type: T }>;

// ---- field checkers ----

const required = (check: Check): RequiredField => ({ optional: false, check });
const optional = (check: Check): OptionalField => ({ optional: true, check });

function string(max: number, options: { noNul?: boolean; absolute?: boolean } = {}): Check {
  return (value, where) => {
    if (typeof value !== 'string') return `${where} must be a string`;
    if (value.length > max) return `${where} must be at most ${max} characters`;
    if (options.noNul && value.includes('\0')) return `${where} must not contain a NUL character`;
    if (options.absolute && !value.startsWith('/')) return `${where} must be an absolute path`;
    return undefined;
  };
}

const name = string(LIMITS.name, { noNul: true });
/** Text for a model or a person: a task, a chat line, a line typed into an agent. */
const text = string(LIMITS.text);
/** A shell command line: a NUL can never reach a process's argv. */
const command = string(LIMITS.text, { noNul: true });
const input = string(LIMITS.input);
const absolutePath = string(LIMITS.path, { noNul: true, absolute: true });
const file = string(LIMITS.path, { noNul: true });
const ref = string(LIMITS.ref, { noNul: true });

const boolean: Check = (value, where) => (typeof value === 'boolean' ? undefined : `${where} must be true or false`);

function integer(min: number, max: number): Check {
  return (value, where) =>
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max ? undefined : `${where} must be an integer from ${min} to ${max}`;
}

const positiveNumber: Check = (value, where) =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? undefined : `${where} must be a number greater than 0`;

const tokenCount = integer(1, MAX_BUDGET_TOKENS);

function oneOf(...choices: readonly string[]): Check {
  const described = choices.map((choice) => JSON.stringify(choice));
  const list = described.length === 1 ? described[0] : `${described.slice(0, -1).join(', ')} or ${described.at(-1)}`;
  return (value, where) => (typeof value === 'string' && choices.includes(value) ? undefined : `${where} must be ${list}`);
}

const scrollLines: Check = (value, where) =>
  value === 'live' || (Number.isInteger(value) && Math.abs(value as number) <= LIMITS.scrollLines)
    ? undefined
    : `${where} must be an integer from ${-LIMITS.scrollLines} to ${LIMITS.scrollLines} or "live"`;

const names: Check = (value, where) => {
  if (!Array.isArray(value) || value.length < 1 || value.length > LIMITS.names) return `${where} must be an array of 1 to ${LIMITS.names} names`;
  for (const [index, item] of value.entries()) {
    const error = name(item, `${where}[${index}]`);
    if (error) return error;
  }
  return undefined;
};

/** Session IDs and their unique prefixes (they name files: nothing else gets in). */
const SESSION_ID = /^[0-9a-f-]{1,64}$/;
const sessionId: Check = (value, where) =>
  typeof value === 'string' && SESSION_ID.test(value) ? undefined : `${where} must be 1 to 64 characters of 0-9, a-f and "-"`;

const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
const modelId: Check = (value, where) =>
  typeof value === 'string' && MODEL_ID.test(value) ? undefined : `${where} must be a model id (up to 100 letters, digits, ".", "_", ":" or "-")`;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,255}$/;

/**
 * The part of a process environment a hello can carry: variables with names a shell accepts (a
 * program may set others); none at all when even that is past the caps (agents then inherit the
 * server's), so an odd environment never keeps a client from connecting.
 */
export function sendableEnvironment(env: Readonly<Record<string, string | undefined>>): Record<string, string> | undefined {
  const sendable = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] =>
    entry[1] !== undefined && ENV_NAME.test(entry[0]) && !entry[1].includes('\0')));
  return environment(sendable, 'env') === undefined ? sendable : undefined;
}
/** An environment: variable names a shell accepts, string values without NUL, within the caps. */
const environment: Check = (value, where) => {
  const shape = describeNonObject(value);
  if (shape) return `${where} must be an object, not ${shape}`;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > LIMITS.envVariables) return `${where} must have at most ${LIMITS.envVariables} variables`;
  let characters = 0;
  for (const [key, item] of entries) {
    if (!ENV_NAME.test(key)) return `${where} has a variable name that is not one: ${quote(key)}`;
    if (typeof item !== 'string' || item.includes('\0')) return `${where}.${key} must be a string without NUL`;
    characters += key.length + item.length;
  }
  return characters > LIMITS.envCharacters ? `${where} must be at most ${LIMITS.envCharacters} characters in all` : undefined;
};

/** A nested object with its own schema (no `type` of its own). */
function object(schema: Record<string, Field>): Check {
  return (value, where) => checkFields(value, where, schema).error;
}

/** A choice among shapes told apart by `kind`. */
function variants(key: string, schemas: Record<string, Record<string, Field>>): Check {
  const kinds = oneOf(...Object.keys(schemas));
  return (value, where) => {
    const shape = describeNonObject(value);
    if (shape) return `${where} must be an object, not ${shape}`;
    const record = value as Record<string, unknown>;
    const kindError = kinds(record[key], `${where}.${key}`);
    if (kindError) return kindError;
    return checkFields(value, where, schemas[record[key] as string], [key]).error;
  };
}

const worktree = object({ base: optional(ref) } satisfies Schema<{ base?: string }>);

const cliName: Check = (value, where) =>
  typeof value === 'string' && CLI_NAME_PATTERN.test(value) ? undefined : `${where} must be a CLI name (${CLI_NAME_PATTERN.source})`;

const hostName: Check = (value, where) => {
  if (typeof value !== 'string') return `${where} must be a host name`;
  const error = hostNameError(value);
  return error ? `${where}: ${error}` : undefined;
};

// ---- the commands ----

const COMMANDS: { [T in CommandType]: Schema<CommandOf<T>> } = {
  run: { command: required(command), name: optional(name), cwd: required(absolutePath), worktree: optional(worktree), after: optional(name), host: optional(hostName) },
  kill: { name: required(name) },
  attach: { name: required(name) },
  detach: {},
  input: { data: required(input) },
  paste: { text: required(input) },
  scroll: { lines: required(scrollLines) },
  send: { name: required(name), text: required(text) },
  resize: { cols: required(integer(LIMITS.resizeMin, LIMITS.resizeMax)), rows: required(integer(LIMITS.resizeMin, LIMITS.resizeMax)) },
  chat: { text: required(text) },
  compact: { instructions: optional(text) },
  draft: { text: required(text) },
  spawn: {
    task: required(text),
    name: optional(name),
    budgetUsd: optional(positiveNumber),
    budgetTokens: optional(tokenCount),
    cwd: required(absolutePath),
    worktree: optional(worktree),
    after: optional(name),
    agent: optional(name),
    host: optional(hostName),
  },
  profiles: {},
  new: {
    cli: required(cliName), task: optional(text), name: optional(name), cwd: required(absolutePath), worktree: optional(worktree), after: optional(name),
    print: optional(boolean), budgetUsd: optional(positiveNumber), budgetTokens: optional(tokenCount), host: optional(hostName),
  },
  budget: { name: optional(name), session: optional(boolean), usd: optional(positiveNumber), tokens: optional(tokenCount) },
  compare: { names: required(names) },
  fileDiff: { name: required(name), file: required(file) },
  merge: { name: required(name), into: optional(ref), squash: optional(boolean) },
  discard: { names: required(names), force: optional(boolean) },
  remove: { names: required(names) },
  interrupt: {},
  background: {},
  logs: { name: required(name), follow: optional(boolean), raw: optional(boolean) },
  shutdown: { force: optional(boolean) },
  fork: {},
  resume: { session: optional(sessionId) },
  spend: {},
};

const messageId: Check = (value, where) =>
  Number.isSafeInteger(value) && (value as number) >= 0 ? undefined : `${where} must be a non-negative integer`;

const HELLO: Schema<ClientHello> = {
  version: required((value, where) => (Number.isInteger(value) ? undefined : `${where} must be an integer`)),
  role: required(oneOf('screen', 'script')),
  cwd: required(absolutePath),
  flags: required(object({
    model: optional(modelId), permissionMode: optional(oneOf('ask', 'edits', 'auto')), demo: optional(boolean), agent: optional(name),
  })),
  session: required(
    variants('kind', {
      current: {},
      continue: { fork: optional(boolean) },
      resume: { id: required(sessionId), fork: optional(boolean) },
    }),
  ),
  env: optional(environment),
  latest: optional(boolean),
};

// ---- parsing ----

/** A command from a client, checked; the message returned is a fresh object holding only known fields. */
export function parseClientMessage(value: unknown): MessageParse {
  const shape = describeNonObject(value);
  if (shape) return { ok: false, error: `a message must be an object, not ${shape}` };
  const type = (value as Record<string, unknown>).type;
  if (type === undefined) return { ok: false, error: 'a message must have a type' };
  if (typeof type !== 'string') return { ok: false, error: 'type must be a string' };
  if (!Object.hasOwn(COMMANDS, type)) return { ok: false, error: `unknown command type ${quote(type)}` };
  const schema: Record<string, Field> = { ...COMMANDS[type as CommandType], id: optional(messageId) };
  const result = checkFields(value, type, schema, ['type']);
  if (result.error !== undefined) return { ok: false, error: result.error };
  return { ok: true, message: result.fields as ClientMessage };
}

/**
 * The first message of a connection, checked. Any integer version passes (the caller
 * answers another version with `refused`); when the rest is malformed but the version
 * was readable, it comes with the error, so another version's hello can still be answered.
 */
export function parseClientHello(value: unknown): HelloParse {
  const shape = describeNonObject(value);
  if (shape) return { ok: false, error: `hello must be an object, not ${shape}` };
  const record = value as Record<string, unknown>;
  const version = Number.isInteger(record.version) ? (record.version as number) : undefined;
  const fail = (error: string): HelloParse => (version === undefined ? { ok: false, error } : { ok: false, error, version });
  if (record.type !== 'hello') return fail('hello.type must be "hello"');
  const result = checkFields(value, 'hello', HELLO as Record<string, Field>, ['type']);
  if (result.error !== undefined) return fail(result.error);
  return { ok: true, hello: result.fields as unknown as ClientHello };
}

/**
 * Checks an object's fields against a schema: no unknown keys (`known` aside, copied
 * as they are), required ones present, every present one valid. An optional field set
 * to undefined (possible in-process, never from JSON) counts as absent.
 */
function checkFields(
  value: unknown,
  where: string,
  schema: Record<string, Field>,
  known: readonly string[] = [],
): { error: string; fields?: undefined } | { error?: undefined; fields: Record<string, unknown> } {
  const shape = describeNonObject(value);
  if (shape) return { error: `${where} must be an object, not ${shape}` };
  const record = value as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (known.includes(key)) fields[key] = record[key];
    else if (!Object.hasOwn(schema, key)) return { error: `${where} has an unknown field ${quote(key)}` };
  }
  for (const [key, field] of Object.entries(schema)) {
    const fieldValue = Object.hasOwn(record, key) ? record[key] : undefined;
    if (fieldValue === undefined) {
      if (!field.optional) return { error: `${where}.${key} is missing` };
      continue;
    }
    const error = field.check(fieldValue, `${where}.${key}`);
    if (error !== undefined) return { error };
    fields[key] = fieldValue;
  }
  return { fields };
}

/** What a value is when it is not a plain object ("null", "an array", "a string"…); undefined for an object. */
function describeNonObject(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return undefined;
  return value === undefined ? 'undefined' : `a ${typeof value}`;
}

/** A string from the client, quoted on one line and cut short. */
function quote(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return JSON.stringify(shown);
}
