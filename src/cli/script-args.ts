// Flags of the scripting commands (`agentmux ls|agents|run|spawn|new|logs|wait|send|kill|rm|cost|budget|server stop`).
// Pure: words in, a request or a one-line error out.
import { hostNameError } from '../core/hosts.js';
import { parseTokenCount, parseUsd, TOKENS_RULE, USD_RULE } from '../core/budget.js';
import { shellWord } from '../core/shell-word.js';

export type ScriptCommand =
  | { kind: 'ls'; json: boolean }
  | { kind: 'agents'; json: boolean }
  | { kind: 'run'; json: boolean; command: string; name?: string; worktree?: { base?: string }; after?: string; host?: string }
  | {
    kind: 'spawn'; json: boolean; task: string; name?: string; worktree?: { base?: string }; after?: string; budgetUsd?: number; budgetTokens?: number; host?: string;
    agent?: string;
  }
  | {
    kind: 'new'; json: boolean; cli: string; task?: string; name?: string; worktree?: { base?: string }; after?: string; print?: boolean; host?: string;
    budgetUsd?: number; budgetTokens?: number;
  }
  /** Without `usd` or `tokens`: show it; no `name`: the session's. */
  | { kind: 'budget'; name?: string; usd?: number; tokens?: number }
  | { kind: 'logs'; name: string; follow: boolean; raw: boolean }
  | { kind: 'wait'; json: boolean; names: string[] }
  | { kind: 'send'; name: string; text: string }
  | { kind: 'kill'; names: string[] }
  | { kind: 'rm'; names: string[] }
  | { kind: 'cost'; json: boolean }
  | { kind: 'stop'; force: boolean };

export const SCRIPT_USAGE: Record<ScriptCommand['kind'], string> = {
  ls: 'agentmux ls [--json]',
  agents: 'agentmux agents [--json]',
  run: 'agentmux run [--name NAME] [--host HOST] [--worktree [--base REF]] [--after NAME] [--json] -- COMMAND…',
  spawn: 'agentmux spawn [--name NAME] [--host HOST] [--worktree [--base REF]] [--after NAME] [--agent PROFILE] [--budget USD] [--max-tokens N] [--json] TASK…',
  new: 'agentmux new claude|codex|gemini|aider|KIND [--name NAME] [--host HOST] [--worktree [--base REF]] [--after NAME] [--print] [--budget USD] [--max-tokens N] [--json] [TASK…]',
  logs: 'agentmux logs NAME [-f|--follow] [--raw]',
  wait: 'agentmux wait NAME… [--json]',
  send: 'agentmux send NAME TEXT…',
  kill: 'agentmux kill NAME…',
  rm: 'agentmux rm NAME…',
  cost: 'agentmux cost [--json]',
  budget: 'agentmux budget NAME [USD] [--max-tokens N] | agentmux budget --session [USD]',
  stop: 'agentmux server stop [--force]',
};

export const SCRIPT_COMMANDS = ['ls', 'agents', 'run', 'spawn', 'new', 'logs', 'wait', 'send', 'kill', 'rm', 'cost', 'budget'] as const;

type Parsed = { ok: true; command: ScriptCommand } | { ok: false; error: string; usage: string };

interface Words {
  flags: Map<string, string | true>;
  rest: string[];
}

/** Splits flags from the other words; stops at `--` (all that follows is kept verbatim), or at the first word when `untilWord`. */
function words(argv: readonly string[], valued: readonly string[], switches: readonly string[], untilWord: boolean): Words | string {
  const flags = new Map<string, string | true>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (word === '--') {
      rest.push('--', ...argv.slice(i + 1));
      break;
    }
    if (!word.startsWith('-') || word === '-') {
      if (untilWord) {
        rest.push(...argv.slice(i));
        break;
      }
      rest.push(word);
      continue;
    }
    const [flag, inline] = word.startsWith('--') && word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined];
    if (switches.includes(flag)) {
      if (inline !== undefined) return `${flag} takes no value`;
      flags.set(flag, true);
    } else if (valued.includes(flag)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') return `${flag} needs a value`;
      flags.set(flag, value);
    } else {
      return `unknown option ${word}`;
    }
  }
  return { flags, rest };
}

function text(flags: Map<string, string | true>, flag: string): string | undefined {
  const value = flags.get(flag);
  return typeof value === 'string' ? value : undefined;
}


/** `--budget USD` and `--max-tokens N`, checked. */
function budgetOf(flags: Map<string, string | true>): { budgetUsd?: number; budgetTokens?: number } | string {
  const usd = text(flags, '--budget');
  const tokens = text(flags, '--max-tokens');
  const budgetUsd = usd === undefined ? undefined : parseUsd(usd);
  if (usd !== undefined && budgetUsd === undefined) return `--budget must be ${USD_RULE}, not ${JSON.stringify(usd)}`;
  const budgetTokens = tokens === undefined ? undefined : parseTokenCount(tokens);
  if (tokens !== undefined && budgetTokens === undefined) return `--max-tokens must be ${TOKENS_RULE}, not ${JSON.stringify(tokens)}`;
  return { ...(budgetUsd !== undefined ? { budgetUsd } : {}), ...(budgetTokens !== undefined ? { budgetTokens } : {}) };
}

/** `--host NAME`, checked: `{ host: { host } }`, or why not. */
function hostOf(flags: Map<string, string | true>): { host: { host?: string } } | string {
  const host = text(flags, '--host');
  if (host === undefined) return { host: {} };
  const error = hostNameError(host);
  return error ? `--host: ${error}` : { host: { host } };
}

function worktreeOf(flags: Map<string, string | true>): { base?: string } | undefined | string {
  const base = text(flags, '--base');
  if (base !== undefined && !flags.has('--worktree')) return '--base goes with --worktree';
  return flags.has('--worktree') ? { ...(base !== undefined ? { base } : {}) } : undefined;
}

export function parseScriptCommand(kind: ScriptCommand['kind'], argv: readonly string[]): Parsed {
  const usage = SCRIPT_USAGE[kind];
  const fail = (error: string): Parsed => ({ ok: false, error, usage });
  switch (kind) {
    case 'ls':
    case 'agents':
    case 'cost': {
      const parsed = words(argv, [], ['--json'], false);
      if (typeof parsed === 'string') return fail(parsed);
      if (parsed.rest.length > 0) return fail(`unexpected ${JSON.stringify(parsed.rest[0])}`);
      return { ok: true, command: { kind, json: parsed.flags.has('--json') } };
    }
    case 'run': {
      const parsed = words(argv, ['--name', '--base', '--after', '--host'], ['--worktree', '--json'], false);
      if (typeof parsed === 'string') return fail(parsed);
      if (parsed.rest[0] !== '--') return fail(parsed.rest.length > 0 ? `put -- before the command: ${usage}` : 'nothing to run: give a command after --');
      const command = parsed.rest.slice(1);
      if (command.length === 0) return fail('nothing to run: give a command after --');
      const worktree = worktreeOf(parsed.flags);
      if (typeof worktree === 'string') return fail(worktree);
      // One word is a command line as typed; several are the words of one command, quoted as needed.
      const line = command.length === 1 ? command[0] : command.map(shellWord).join(' ');
      const name = text(parsed.flags, '--name');
      const after = text(parsed.flags, '--after');
      const host = hostOf(parsed.flags);
      if (typeof host === 'string') return fail(host);
      return {
        ok: true,
        command: { kind, json: parsed.flags.has('--json'), command: line, ...(name ? { name } : {}), ...(worktree ? { worktree } : {}), ...(after ? { after } : {}), ...host.host },
      };
    }
    case 'spawn': {
      const parsed = words(argv, ['--name', '--base', '--after', '--budget', '--max-tokens', '--agent', '--host'], ['--worktree', '--json'], true);
      if (typeof parsed === 'string') return fail(parsed);
      const task = (parsed.rest[0] === '--' ? parsed.rest.slice(1) : parsed.rest).join(' ').trim();
      if (!task) return fail('nothing to do: give a task');
      const worktree = worktreeOf(parsed.flags);
      if (typeof worktree === 'string') return fail(worktree);
      const budget = budgetOf(parsed.flags);
      if (typeof budget === 'string') return fail(budget);
      const name = text(parsed.flags, '--name');
      const after = text(parsed.flags, '--after');
      const agent = text(parsed.flags, '--agent');
      const host = hostOf(parsed.flags);
      if (typeof host === 'string') return fail(host);
      return {
        ok: true,
        command: {
          kind, json: parsed.flags.has('--json'), task,
          ...(name ? { name } : {}), ...(worktree ? { worktree } : {}), ...(after ? { after } : {}), ...budget,
          ...(agent ? { agent } : {}), ...host.host,
        },
      };
    }
    case 'new': {
      const [cli, ...rest] = argv;
      if (cli === undefined || cli.startsWith('-')) return fail('give the kind of CLI to start first: claude, codex, gemini, aider, or one from your config');
      const parsed = words(rest, ['--name', '--base', '--after', '--budget', '--max-tokens', '--host'], ['--worktree', '--json', '--print'], true);
      if (typeof parsed === 'string') return fail(parsed);
      const budget = budgetOf(parsed.flags);
      if (typeof budget === 'string') return fail(budget);
      const task = (parsed.rest[0] === '--' ? parsed.rest.slice(1) : parsed.rest).join(' ').trim();
      const worktree = worktreeOf(parsed.flags);
      if (typeof worktree === 'string') return fail(worktree);
      const name = text(parsed.flags, '--name');
      const after = text(parsed.flags, '--after');
      const print = parsed.flags.has('--print');
      if (print && !task) return fail('--print runs the CLI once on a task: give the task');
      const host = hostOf(parsed.flags);
      if (typeof host === 'string') return fail(host);
      return {
        ok: true,
        command: {
          kind, json: parsed.flags.has('--json'), cli,
          ...(task ? { task } : {}), ...(name ? { name } : {}), ...(worktree ? { worktree } : {}), ...(after ? { after } : {}), ...(print ? { print } : {}),
          ...budget, ...host.host,
        },
      };
    }
    case 'logs': {
      const parsed = words(argv, [], ['-f', '--follow', '--raw'], false);
      if (typeof parsed === 'string') return fail(parsed);
      if (parsed.rest.length !== 1) return fail(parsed.rest.length === 0 ? 'give the agent\'s name' : 'give one agent\'s name');
      return { ok: true, command: { kind, name: parsed.rest[0], follow: parsed.flags.has('-f') || parsed.flags.has('--follow'), raw: parsed.flags.has('--raw') } };
    }
    case 'wait': {
      const parsed = words(argv, [], ['--json'], false);
      if (typeof parsed === 'string') return fail(parsed);
      if (parsed.rest.length === 0) return fail('give the names of the agents to wait for');
      return { ok: true, command: { kind, json: parsed.flags.has('--json'), names: [...new Set(parsed.rest)] } };
    }
    case 'send': {
      if (argv.length < 2) return fail('give an agent\'s name and the text to send');
      const [name, ...rest] = argv;
      if (name.startsWith('-')) return fail(`unknown option ${name}`);
      return { ok: true, command: { kind, name, text: rest.join(' ') } };
    }
    case 'kill': {
      const parsed = words(argv, [], [], false);
      if (typeof parsed === 'string') return fail(parsed);
      if (parsed.rest.length === 0) return fail('give the names of the agents to stop');
      return { ok: true, command: { kind, names: parsed.rest } };
    }
    case 'rm': {
      const parsed = words(argv, [], [], false);
      if (typeof parsed === 'string') return fail(parsed);
      if (parsed.rest.length === 0) return fail('give the names of the ended agents to remove');
      return { ok: true, command: { kind, names: parsed.rest } };
    }
    case 'budget': {
      const parsed = words(argv, ['--max-tokens'], ['--session'], false);
      if (typeof parsed === 'string') return fail(parsed);
      const session = parsed.flags.has('--session');
      const [name, amount, ...extra] = session ? [undefined, ...parsed.rest] : parsed.rest;
      if (!session && name === undefined) return fail('give an agent\'s name, or --session');
      if (extra.length > 0) return fail(`unexpected ${JSON.stringify(extra[0])}`);
      const usd = amount === undefined ? undefined : parseUsd(amount);
      if (amount !== undefined && usd === undefined) return fail(`the budget must be ${USD_RULE}, not ${JSON.stringify(amount)}`);
      const budget = budgetOf(parsed.flags);
      if (typeof budget === 'string') return fail(budget);
      if (session && budget.budgetTokens !== undefined) return fail('the session\'s budget is in USD: agentmux budget --session USD');
      return {
        ok: true,
        command: { kind, ...(name !== undefined ? { name } : {}), ...(usd !== undefined ? { usd } : {}), ...(budget.budgetTokens !== undefined ? { tokens: budget.budgetTokens } : {}) },
      };
    }
    case 'stop': {
      const parsed = words(argv, [], ['--force'], false);
      if (typeof parsed === 'string') return fail(parsed);
      if (parsed.rest.length > 0) return fail(`unexpected ${JSON.stringify(parsed.rest[0])}`);
      return { ok: true, command: { kind, force: parsed.flags.has('--force') } };
    }
  }
}
