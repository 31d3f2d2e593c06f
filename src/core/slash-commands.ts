// Parsing of the main input's slash commands (spec §5). Pure: text in, a command or an error out.
import { parseTokenCount, parseUsd } from './budget.js';
import { CLI_NAME_PATTERN } from './cli-kinds.js';
import { hostNameError } from './hosts.js';
import { nameError } from './names.js';

export type SlashCommand =
  | { kind: 'run'; command: string; name?: string; worktree?: { base?: string }; after?: string; host?: string }
  | {
    kind: 'spawn'; task: string; name?: string; budgetUsd?: number; budgetTokens?: number; worktree?: { base?: string }; after?: string; agent?: string;
    host?: string;
  }
  | {
    kind: 'new'; cli: string; task?: string; name?: string; worktree?: { base?: string }; after?: string; print?: boolean;
    budgetUsd?: number; budgetTokens?: number; host?: string;
  }
  /** Without `usd` or `tokens`: show the budget; `session`: the session's rather than an agent's. */
  | { kind: 'budget'; name?: string; session?: true; usd?: number; tokens?: number }
  | { kind: 'compare'; names: string[] }
  | { kind: 'merge'; name: string; into?: string; squash: boolean }
  | { kind: 'discard'; names: string[]; force: boolean }
  | { kind: 'fg'; name: string }
  | { kind: 'kill'; name: string }
  | { kind: 'rm'; names: string[] }
  | { kind: 'send'; name: string; text: string }
  | { kind: 'agents'; profiles?: boolean }
  | { kind: 'cost' }
  | { kind: 'compact'; instructions?: string }
  | { kind: 'fork' }
  | { kind: 'resume'; session?: string }
  | { kind: 'theme'; theme: string }
  | { kind: 'help' }
  | { kind: 'quit' };

export type ParseResult = { ok: true; command: SlashCommand } | { ok: false; error: string; usage?: string };

export const USAGE: Record<SlashCommand['kind'], string> = {
  run: '/run [--name NAME] [--host HOST] [--worktree [--base REF]] [--after NAME] -- COMMAND…',
  spawn: '/spawn [--name NAME] [--host HOST] [--worktree [--base REF]] [--after NAME] [--agent PROFILE] [--budget USD] [--max-tokens N] TASK…',
  new: '/new claude|codex|gemini|aider|KIND [--name NAME] [--host HOST] [--worktree [--base REF]] [--after NAME] [--print] [--budget USD] [--max-tokens N] [TASK…]',
  compare: '/compare NAME NAME…',
  merge: '/merge NAME [--into BRANCH] [--squash]',
  discard: '/discard NAME… [--force]',
  fg: '/fg NAME',
  kill: '/kill NAME',
  rm: '/rm NAME…',
  send: '/send NAME TEXT',
  budget: '/budget NAME [USD] [--max-tokens N] | /budget --session [USD]',
  agents: '/agents [--profiles]',
  cost: '/cost',
  compact: '/compact [INSTRUCTIONS…]',
  fork: '/fork',
  resume: '/resume [ID]',
  theme: '/theme dark|light|high-contrast|auto|NAME',
  help: '/help',
  quit: '/quit',
};

export const DESCRIPTIONS: Record<SlashCommand['kind'], string> = {
  run: 'start a shell command as a background agent',
  spawn: 'start a background Claude agent on a task',
  new: 'start an agent CLI (Claude Code, Codex, Gemini CLI, Aider, or one from config), on TASK if given',
  compare: 'put worktree agents\' attempts side by side',
  merge: 'merge a worktree agent\'s branch into the checked-out branch',
  discard: 'remove worktree agents\' worktrees and branches',
  fg: 'bring an agent to the front (Ctrl+B sends it back)',
  kill: 'stop an agent and every process it started, daemons included (SIGTERM, then SIGKILL)',
  rm: 'remove ended agents from the list and free their names (logs stay until agentmux gc)',
  send: 'type a line into an agent',
  budget: 'show or set what an agent (or the session) may spend; a paused agent under its new budget goes on',
  agents: 'list agents in the chat (--profiles: the agent profiles /spawn --agent takes)',
  cost: 'tokens and cost of the session, per agent',
  compact: 'replace the conversation the model sees with a summary of it (INSTRUCTIONS: what the summary must keep)',
  fork: 'go on in a copy of this conversation; the original stays as it is',
  resume: 'switch to another conversation of this repository (lists them without ID)',
  theme: 'switch the colour theme',
  help: 'show commands and keys',
  quit: 'close this screen; agents keep running in the server',
};

interface Words {
  head: string;
  rest: string;
}

function splitFirstWord(text: string): Words {
  const trimmed = text.trimStart();
  const match = /^(\S+)\s*([\s\S]*)$/.exec(trimmed);
  return match ? { head: match[1], rest: match[2] } : { head: '', rest: '' };
}

function fail(kind: SlashCommand['kind'], error: string): ParseResult {
  return { ok: false, error, usage: USAGE[kind] };
}

function parseName(kind: SlashCommand['kind'], text: string): { name: string; rest: string } | ParseResult {
  const { head, rest } = splitFirstWord(text);
  if (!head) return fail(kind, `/${kind} needs an agent name`);
  const error = nameError(head);
  if (error) return fail(kind, error);
  return { name: head, rest };
}

/** Flags before the free text of /run and /spawn: with a value, or without one. */
interface FlagSpec {
  withValue: readonly string[];
  switches?: readonly string[];
}

/** Reads `--flag value`, `--flag=value` and `--` until the free text; values are checked by the caller. */
function parseFlags(kind: SlashCommand['kind'], args: string, spec: FlagSpec): { flags: Map<string, string>; text: string } | ParseResult {
  const flags = new Map<string, string>();
  let rest = args;
  for (;;) {
    const { head, rest: after } = splitFirstWord(rest);
    if (head === '--') return { flags, text: after.trim() };
    if (!head.startsWith('-')) return { flags, text: rest.trim() };
    const equals = head.indexOf('=');
    const flag = head.startsWith('--') && equals !== -1 ? head.slice(0, equals) : head;
    if (spec.switches?.includes(head)) {
      flags.set(head, '');
      rest = after;
      continue;
    }
    if (!spec.withValue.includes(flag)) return fail(kind, `unknown option ${head}`);
    const next = splitFirstWord(after);
    const value = equals !== -1 ? head.slice(equals + 1) : next.head;
    if (!value || (equals === -1 && value.startsWith('--'))) return fail(kind, `${flag} needs ${flag === '--name' ? 'an agent name' : 'a value'}`);
    flags.set(flag, value);
    rest = equals !== -1 ? after : next.rest;
  }
}

/** `--after NAME`, checked. */
function afterOf(kind: 'run' | 'spawn' | 'new', flags: Map<string, string>): { after?: string } | ParseResult {
  const after = flags.get('--after');
  if (after === undefined) return {};
  const error = nameError(after);
  return error ? fail(kind, `--after: ${error}`) : { after };
}

/** `--budget USD` and `--max-tokens N`, checked. */
function budgetOf(kind: 'spawn' | 'new', flags: Map<string, string>): { budgetUsd?: number; budgetTokens?: number } | ParseResult {
  const usd = flags.get('--budget');
  const tokens = flags.get('--max-tokens');
  const budgetUsd = usd === undefined ? undefined : parseUsd(usd);
  if (usd !== undefined && budgetUsd === undefined) return fail(kind, `invalid budget ${JSON.stringify(usd)}: give an amount in USD, e.g. --budget 2.50`);
  const budgetTokens = tokens === undefined ? undefined : parseTokenCount(tokens);
  if (tokens !== undefined && budgetTokens === undefined) {
    return fail(kind, `invalid token budget ${JSON.stringify(tokens)}: give a whole number of tokens, e.g. --max-tokens 200000`);
  }
  return { ...(budgetUsd !== undefined ? { budgetUsd } : {}), ...(budgetTokens !== undefined ? { budgetTokens } : {}) };
}

/** `--host NAME`, checked. */
function hostOf(kind: 'run' | 'spawn' | 'new', flags: Map<string, string>): { host?: string } | ParseResult {
  const host = flags.get('--host');
  if (host === undefined) return {};
  const error = hostNameError(host);
  return error ? fail(kind, `--host: ${error}`) : { host };
}

/** `--worktree [--base REF]`, checked; undefined without --worktree. */
function worktreeOf(kind: 'run' | 'spawn' | 'new', flags: Map<string, string>): { worktree?: { base?: string } } | ParseResult {
  const base = flags.get('--base');
  if (!flags.has('--worktree')) return base === undefined ? {} : fail(kind, '--base goes with --worktree');
  return { worktree: base === undefined ? {} : { base } };
}

function parseRun(args: string): ParseResult {
  const parsed = parseFlags('run', args, { withValue: ['--name', '--base', '--after', '--host'], switches: ['--worktree'] });
  if ('ok' in parsed) return parsed;
  const name = parsed.flags.get('--name');
  const error = name === undefined ? undefined : nameError(name);
  if (error) return fail('run', error);
  const worktree = worktreeOf('run', parsed.flags);
  if ('ok' in worktree) return worktree;
  const after = afterOf('run', parsed.flags);
  if ('ok' in after) return after;
  const host = hostOf('run', parsed.flags);
  if ('ok' in host) return host;
  if (!parsed.text) return fail('run', '/run needs a command');
  return { ok: true, command: { kind: 'run', command: parsed.text, ...(name !== undefined ? { name } : {}), ...worktree, ...after, ...host } };
}

function parseSpawn(args: string): ParseResult {
  const parsed = parseFlags('spawn', args, { withValue: ['--name', '--budget', '--max-tokens', '--base', '--after', '--agent', '--host'], switches: ['--worktree'] });
  if ('ok' in parsed) return parsed;
  const name = parsed.flags.get('--name');
  const error = name === undefined ? undefined : nameError(name);
  if (error) return fail('spawn', error);
  const budget = budgetOf('spawn', parsed.flags);
  if ('ok' in budget) return budget;
  const worktree = worktreeOf('spawn', parsed.flags);
  if ('ok' in worktree) return worktree;
  const after = afterOf('spawn', parsed.flags);
  if ('ok' in after) return after;
  const agent = parsed.flags.get('--agent');
  const badAgent = agent === undefined ? undefined : nameError(agent);
  if (badAgent) return fail('spawn', `--agent: ${badAgent}`);
  const host = hostOf('spawn', parsed.flags);
  if ('ok' in host) return host;
  if (!parsed.text) return fail('spawn', '/spawn needs a task');
  return {
    ok: true,
    command: {
      kind: 'spawn', task: parsed.text, ...(name !== undefined ? { name } : {}), ...budget, ...worktree, ...after,
      ...(agent !== undefined ? { agent } : {}), ...host,
    },
  };
}

function parseNew(args: string): ParseResult {
  const { head: cli, rest } = splitFirstWord(args);
  if (!cli || cli.startsWith('-')) return fail('new', '/new needs the kind of CLI to start first: claude, codex, gemini, aider, or one from your config');
  if (!CLI_NAME_PATTERN.test(cli)) return fail('new', `${JSON.stringify(cli)} is not a CLI name: a lowercase word such as claude or codex`);
  const parsed = parseFlags('new', rest, { withValue: ['--name', '--base', '--after', '--budget', '--max-tokens', '--host'], switches: ['--worktree', '--print'] });
  if ('ok' in parsed) return parsed;
  const name = parsed.flags.get('--name');
  const error = name === undefined ? undefined : nameError(name);
  if (error) return fail('new', error);
  const budget = budgetOf('new', parsed.flags);
  if ('ok' in budget) return budget;
  const worktree = worktreeOf('new', parsed.flags);
  if ('ok' in worktree) return worktree;
  const after = afterOf('new', parsed.flags);
  if ('ok' in after) return after;
  const print = parsed.flags.has('--print');
  if (print && !parsed.text) return fail('new', '--print runs the CLI once on a task: give the task');
  const host = hostOf('new', parsed.flags);
  if ('ok' in host) return host;
  return {
    ok: true,
    command: {
      kind: 'new', cli, ...(parsed.text ? { task: parsed.text } : {}), ...(name !== undefined ? { name } : {}), ...worktree, ...after, ...(print ? { print } : {}),
      ...budget, ...host,
    },
  };
}

/** Names and flags in any order (`/discard a b --force`). */
function namesAndFlags(kind: 'compare' | 'merge' | 'discard' | 'rm', args: string, switches: readonly string[], withValue: readonly string[]):
{ names: string[]; flags: Map<string, string> } | ParseResult {
  const words = args.trim() ? args.trim().split(/\s+/) : [];
  const names: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (switches.includes(word)) flags.set(word, '');
    else if (withValue.includes(word)) {
      const value = words[++i];
      if (!value || value.startsWith('-')) return fail(kind, `${word} needs a value`);
      flags.set(word, value);
    } else if (word.startsWith('-')) return fail(kind, `unknown option ${word}`);
    else {
      const error = nameError(word);
      if (error) return fail(kind, error);
      if (!names.includes(word)) names.push(word);
    }
  }
  return { names, flags };
}

function parseCompare(args: string): ParseResult {
  const parsed = namesAndFlags('compare', args, [], []);
  if ('ok' in parsed) return parsed;
  if (parsed.names.length < 1) return fail('compare', '/compare needs the names of worktree agents');
  return { ok: true, command: { kind: 'compare', names: parsed.names } };
}

function parseMerge(args: string): ParseResult {
  const parsed = namesAndFlags('merge', args, ['--squash'], ['--into']);
  if ('ok' in parsed) return parsed;
  if (parsed.names.length !== 1) return fail('merge', '/merge takes one agent name');
  const into = parsed.flags.get('--into');
  return { ok: true, command: { kind: 'merge', name: parsed.names[0], squash: parsed.flags.has('--squash'), ...(into ? { into } : {}) } };
}

function parseDiscard(args: string): ParseResult {
  const parsed = namesAndFlags('discard', args, ['--force'], []);
  if ('ok' in parsed) return parsed;
  if (parsed.names.length === 0) return fail('discard', '/discard needs at least one agent name');
  return { ok: true, command: { kind: 'discard', names: parsed.names, force: parsed.flags.has('--force') } };
}

function parseRm(args: string): ParseResult {
  const parsed = namesAndFlags('rm', args, [], []);
  if ('ok' in parsed) return parsed;
  if (parsed.names.length === 0) return fail('rm', '/rm needs the names of ended agents');
  return { ok: true, command: { kind: 'rm', names: parsed.names } };
}

/** `/budget NAME [USD] [--max-tokens N]`, `/budget --session [USD]`. */
function parseBudget(args: string): ParseResult {
  const words = args.trim() ? args.trim().split(/\s+/) : [];
  const session = words[0] === '--session';
  let name: string | undefined;
  if (!session) {
    const parsed = parseName('budget', args);
    if ('ok' in parsed) return parsed;
    name = parsed.name;
  }
  const rest = words.slice(1);
  let usd: number | undefined;
  let tokens: number | undefined;
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i];
    if (word === '--max-tokens' && !session) {
      const value = rest[++i];
      if (value === undefined) return fail('budget', '--max-tokens needs a value');
      tokens = parseTokenCount(value);
      if (tokens === undefined) return fail('budget', `invalid token budget ${JSON.stringify(value)}: give a whole number of tokens, e.g. --max-tokens 200000`);
    } else if (word.startsWith('-') && !/^-\d/.test(word)) {
      return fail('budget', `unknown option ${word}`);
    } else if (usd === undefined) {
      usd = parseUsd(word);
      if (usd === undefined) return fail('budget', `invalid budget ${JSON.stringify(word)}: give an amount in USD, e.g. /budget ${name ?? '--session'} 2.50`);
    } else {
      return fail('budget', `unexpected ${JSON.stringify(word)}`);
    }
  }
  return {
    ok: true,
    command: { kind: 'budget', ...(name !== undefined ? { name } : { session: true }), ...(usd !== undefined ? { usd } : {}), ...(tokens !== undefined ? { tokens } : {}) },
  };
}

function parseNameOnly(kind: 'fg' | 'kill', args: string): ParseResult {
  const parsed = parseName(kind, args);
  if ('ok' in parsed) return parsed;
  if (parsed.rest.trim()) return fail(kind, `unexpected ${JSON.stringify(parsed.rest.trim())}`);
  return { ok: true, command: { kind, name: parsed.name } };
}

function parseNoArgs(kind: 'cost' | 'fork' | 'help' | 'quit', args: string): ParseResult {
  if (args.trim()) return fail(kind, `/${kind} takes no arguments`);
  return { ok: true, command: { kind } };
}

/** Parses a line that starts with "/". */
export function parseSlashCommand(line: string): ParseResult {
  const { head, rest } = splitFirstWord(line);
  const word = head.slice(1);
  switch (word) {
    case 'run':
      return parseRun(rest);
    case 'spawn':
      return parseSpawn(rest);
    case 'new':
      return parseNew(rest);
    case 'compare':
      return parseCompare(rest);
    case 'merge':
      return parseMerge(rest);
    case 'discard':
      return parseDiscard(rest);
    case 'rm':
      return parseRm(rest);
    case 'budget':
      return parseBudget(rest);
    case 'fg':
    case 'kill':
      return parseNameOnly(word, rest);
    case 'send': {
      const parsed = parseName('send', rest);
      if ('ok' in parsed) return parsed;
      if (!parsed.rest) return fail('send', '/send needs the text to send');
      return { ok: true, command: { kind: 'send', name: parsed.name, text: parsed.rest } };
    }
    case 'compact': {
      const instructions = rest.trim();
      return { ok: true, command: instructions ? { kind: 'compact', instructions } : { kind: 'compact' } };
    }
    case 'theme': {
      const theme = rest.trim();
      if (!theme || /\s/.test(theme)) return fail('theme', '/theme needs one theme name');
      return { ok: true, command: { kind: 'theme', theme } };
    }
    case 'resume': {
      const session = rest.trim();
      if (!session) return { ok: true, command: { kind: 'resume' } };
      if (!/^[0-9a-f-]{1,64}$/.test(session)) return fail('resume', `${JSON.stringify(session)} is not a session ID: /resume lists them`);
      return { ok: true, command: { kind: 'resume', session } };
    }
    case 'agents': {
      const option = rest.trim();
      if (option === '--profiles') return { ok: true, command: { kind: 'agents', profiles: true } };
      return option ? fail('agents', `/agents takes only --profiles, not ${JSON.stringify(option)}`) : { ok: true, command: { kind: 'agents' } };
    }
    case 'cost':
    case 'fork':
    case 'help':
    case 'quit':
      return parseNoArgs(word, rest);
    default:
      return { ok: false, error: `unknown command ${JSON.stringify(head)}`, usage: 'type /help for the list of commands' };
  }
}
