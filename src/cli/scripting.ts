// The scripting commands: each connects to the user's server (starting it when needed), asks
// for one thing, prints the answer (as JSON with --json) and exits with a status that says how
// it went. `agentmux wait` exits 0 when every agent finished, 1 when one failed, 3 killed, 4 lost;
// `agentmux agents` exits 1 when a profile file is malformed.
import { createInterface } from 'node:readline/promises';
import { isEnded, stateLabel, type AgentInfo } from '../core/agent.js';
import { describeBudget, formatUsd, spentOf } from '../core/budget.js';
import { formatCost, formatDuration, formatTokens } from '../core/format.js';
import { printableLines } from '../core/printable.js';
import { describeProfiles, type ProfileEntry } from '../core/profile-listing.js';
import { removedMessage } from '../core/removed-agents.js';
import type { ServerEvent } from '../core/protocol.js';
import { costTable } from './cost-table.js';
import { parseScriptCommand, type ScriptCommand } from './script-args.js';
import { probeServer, serverClosed, type ServerLink } from './server-link.js';
import { serverPaths } from './server-paths.js';
import { openLink } from './open-link.js';

/** Exit status of `agentmux wait` per outcome; with several agents, the highest. */
export const WAIT_STATUS = { finished: 0, failed: 1, killed: 3, lost: 4 } as const;
export const USAGE_STATUS = 2;

interface Io {
  out(text: string): void;
  err(text: string): void;
}

const io: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Runs `agentmux KIND ARGS…`; resolves with the exit status. */
export async function scriptMain(kind: ScriptCommand['kind'], argv: readonly string[]): Promise<number> {
  const parsed = parseScriptCommand(kind, argv);
  if (!parsed.ok) {
    io.err(`agentmux: ${parsed.error}\nusage: ${parsed.usage}\n`);
    return USAGE_STATUS;
  }
  const command = parsed.command;
  let failure: string | undefined;
  const fail = (message: string): never => {
    failure = message;
    throw new ScriptFailure(message);
  };
  try {
    const link = await openLink('script', { kind: 'current' }, undefined, fail, command.kind !== 'stop');
    if (!link) {
      // Only `server stop` does not start a server: none runs, so there is nothing to stop.
      io.err('agentmux: no server is running\n');
      return 0;
    }
    try {
      return await carryOut(command, link);
    } finally {
      link.close();
    }
  } catch (error) {
    if (!(error instanceof ScriptFailure)) throw error;
    // A server that goes away while we ask it to go (another stop got there first) has done what was asked.
    if (command.kind === 'stop' && await serverGoneWithin(STOP_WAIT_MS)) {
      io.err('agentmux: no server is running\n');
      return 0;
    }
    io.err(`agentmux: ${failure}\n`);
    return 1;
  }
}

const STOP_WAIT_MS = 10_000;

/** Whether the server stops answering within `timeoutMs` (polled: there is nothing to wait on). */
async function serverGoneWithin(timeoutMs: number): Promise<boolean> {
  const socket = serverPaths(process.env, false).socket;
  const deadline = Date.now() + timeoutMs;
  while (await probeServer(socket)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

class ScriptFailure extends Error {}

async function carryOut(command: ScriptCommand, link: ServerLink): Promise<number> {
  const cwd = process.cwd();
  switch (command.kind) {
    case 'ls':
      io.out(command.json ? `${JSON.stringify(link.welcome.agents, null, 2)}\n` : listing(link.welcome.agents, Date.now()));
      return 0;
    case 'agents':
      return profiles(link, command.json);
    case 'run':
    case 'spawn':
    case 'new': {
      const answer = await link.request(command.kind === 'run'
        ? { type: 'run', command: command.command, cwd, ...pick(command, ['name', 'worktree', 'after', 'host']) }
        : command.kind === 'spawn'
          ? { type: 'spawn', task: command.task, cwd, ...pick(command, ['name', 'worktree', 'after', 'budgetUsd', 'budgetTokens', 'agent', 'host']) }
          : { type: 'new', cli: command.cli, cwd, ...pick(command, ['task', 'name', 'worktree', 'after', 'print', 'budgetUsd', 'budgetTokens', 'host']) });
      if (answer.error) return refused(answer.error);
      io.out(command.json ? `${JSON.stringify({ name: answer.name })}\n` : `${answer.name}\n`);
      return 0;
    }
    case 'send': {
      const answer = await link.request({ type: 'send', name: command.name, text: command.text });
      return answer.error ? refused(answer.error) : 0;
    }
    case 'kill': {
      // All at once: each answer comes when that agent's processes are gone, after up to the grace period.
      const answers = await Promise.all(command.names.map((name) => link.request({ type: 'kill', name })));
      let status = 0;
      for (const answer of answers) if (answer.error) status = refused(answer.error);
      return status;
    }
    case 'rm': {
      const answer = await link.request({ type: 'remove', names: command.names });
      if (answer.error) return refused(answer.error);
      const known = new Map(link.welcome.agents.map((agent) => [agent.name, agent]));
      io.out(`${removedMessage([...new Set(command.names)].flatMap((name) => known.get(name) ?? []))}\n`);
      return 0;
    }
    case 'budget':
      return budget(link, command);
    case 'logs':
      return logs(link, command.name, command.follow, command.raw);
    case 'wait':
      return wait(link, command.names, command.json);
    case 'stop':
      return stop(link, command.force);
    case 'cost':
      return cost(link, command.json);
  }
}

/** `agentmux cost`: the session's spend, as a table or (`json`) the report itself. */
function cost(link: ServerLink, json: boolean): Promise<number> {
  return new Promise((resolve) => {
    link.onEvent((event) => {
      if (event.type !== 'spend') return;
      io.out(json ? `${JSON.stringify(event.report, null, 2)}\n` : costTable(event.report));
      resolve(0);
    });
    link.onClose((reason) => resolve(refused(reason ?? serverClosed(link.serverLog))));
    void link.request({ type: 'spend' }).then((answer) => {
      if (answer.error) resolve(refused(answer.error));
    });
  });
}

function pick<T extends object, K extends keyof T>(value: T, keys: K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((key) => value[key] !== undefined).map((key) => [key, value[key]])) as Partial<Pick<T, K>>;
}

/** `agentmux budget`: shows an agent's (or the session's) budget and spending, or sets it. */
async function budget(link: ServerLink, command: Extract<ScriptCommand, { kind: 'budget' }>): Promise<number> {
  const { name, usd, tokens } = command;
  if (usd === undefined && tokens === undefined) {
    if (name === undefined) {
      const { session, agents } = link.welcome;
      const spent = [session.mainUsage, ...agents.map((agent) => agent.usage)].reduce((sum, meter) => sum + (meter?.costUsd ?? 0), 0);
      io.out(`the session: spent ${formatCost(spent)}${session.budgetUsd === undefined ? ' · no budget' : ` of its ${formatUsd(session.budgetUsd)} budget`}\n`);
      return 0;
    }
    const agent = link.welcome.agents.find((candidate) => candidate.name === name);
    if (!agent) return refused(`no agent named ${name} (agentmux ls lists them)`);
    io.out(`${name}: ${describeBudget(spentOf(agent.usage), agent.budget)}\n`);
    return 0;
  }
  const answer = await link.request({
    type: 'budget', ...(name !== undefined ? { name } : { session: true }), ...(usd !== undefined ? { usd } : {}), ...(tokens !== undefined ? { tokens } : {}),
  });
  if (answer.error) return refused(answer.error);
  const parts = [...(usd !== undefined ? [formatUsd(usd)] : []), ...(tokens !== undefined ? [`${formatTokens(tokens)} tokens`] : [])];
  io.out(`${name ?? 'the session'}: budget ${parts.join(' · ')}\n`);
  return 0;
}

function refused(message: string): number {
  io.err(`agentmux: ${message}\n`);
  return 1;
}

function listing(agents: readonly AgentInfo[], now: number): string {
  if (agents.length === 0) return 'no agents\n';
  const rows = agents.map((agent) => [
    agent.host ? `${agent.name}@${agent.host}` : agent.name,
    stateLabel(agent),
    formatDuration((agent.endedAt ?? now) - agent.startedAt),
    agent.exitCode !== undefined ? `exit ${agent.exitCode}` : agent.signal ?? '',
    printableLines(agent.kind === 'claude' ? `claude${agent.profile ? ` as ${agent.profile}` : ''}: ${agent.task}` : agent.task),
  ]);
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column].length)));
  return `${rows.map((row) => row.map((cell, column) => (column < 4 ? cell.padEnd(widths[column]) : cell.replace(/\s+/g, ' ').slice(0, 80))).join('  ').trimEnd()).join('\n')}\n`;
}

/** The workspace's agent profiles, the malformed ones with their error (exit status 1 then). */
async function profiles(link: ServerLink, json: boolean): Promise<number> {
  let found: { profiles: ProfileEntry[]; searched: string[] } | undefined;
  link.onEvent((event) => {
    if (event.type === 'profiles') found = event;
  });
  const answer = await link.request({ type: 'profiles' });
  if (answer.error) return refused(answer.error);
  if (!found) return refused('the server sent no profiles');
  io.out(json ? `${JSON.stringify(found.profiles, null, 2)}\n` : `${describeProfiles(found.profiles, found.searched)}\n`);
  return found.profiles.some((entry) => entry.error !== undefined) ? 1 : 0;
}

/** Prints an agent's log; with `follow`, goes on until the agent ends. Plain text as its terminal shows it, unless `raw`. */
function logs(link: ServerLink, name: string, follow: boolean, raw: boolean): Promise<number> {
  return new Promise((resolve) => {
    link.onEvent((event: ServerEvent) => {
      if (event.type === 'log' && event.name === name) io.out(event.data);
      if (event.type === 'logEnd' && event.name === name) resolve(0);
    });
    link.onClose((reason) => resolve(refused(reason ?? serverClosed(link.serverLog))));
    void link.request({ type: 'logs', name, follow, ...(raw ? { raw } : {}) }).then((answer) => {
      if (answer.error) resolve(refused(answer.error));
    });
  });
}

/** Waits until every named agent has ended; the exit status is the worst outcome. */
function wait(link: ServerLink, names: readonly string[], json: boolean): Promise<number> {
  const known = new Map(link.welcome.agents.map((agent) => [agent.name, agent]));
  const missing = names.filter((name) => !known.has(name));
  if (missing.length > 0) {
    io.err(`agentmux: no agent named ${missing.join(', ')} (agentmux ls lists them)\n`);
    return Promise.resolve(USAGE_STATUS);
  }
  const told = new Set<string>();
  return new Promise((resolve) => {
    const check = () => {
      const agents = names.map((name) => known.get(name) as AgentInfo);
      for (const agent of agents) {
        if (agent.state === 'waiting' && !told.has(agent.name)) {
          told.add(agent.name);
          io.err(`agentmux: ${agent.name} needs input${agent.question ? `: ${printableLines(agent.question)}` : ''} (agentmux attach, or agentmux send ${agent.name} TEXT)\n`);
        }
      }
      if (!agents.every((agent) => isEnded(agent.state))) return;
      if (json) io.out(`${JSON.stringify(agents, null, 2)}\n`);
      else io.out(agents.map((agent) => `${agent.name} ${agent.state}${agent.exitCode !== undefined ? ` · exit ${agent.exitCode}` : ''}${agent.result ? ` · ${printableLines(agent.result.split('\n')[0])}` : ''}\n`).join(''));
      resolve(Math.max(...agents.map((agent) => WAIT_STATUS[agent.state as keyof typeof WAIT_STATUS] ?? 1)));
    };
    link.onEvent((event) => {
      if (event.type === 'agent' && known.has(event.agent.name)) {
        known.set(event.agent.name, event.agent);
        check();
      }
    });
    link.onClose((reason) => resolve(refused(reason ?? serverClosed(link.serverLog))));
    check();
  });
}

/** `agentmux server stop`: asks first when agents are running (unless --force), then waits for the server to go. */
async function stop(link: ServerLink, force: boolean): Promise<number> {
  const gone = new Promise<void>((resolve) => link.onClose(() => resolve()));
  let answer = await link.request({ type: 'shutdown', force });
  if (answer.error && answer.running && process.stdin.isTTY) {
    const prompt = createInterface({ input: process.stdin, output: process.stderr });
    const reply = (await prompt.question(`${answer.running} agent${answer.running === 1 ? ' is' : 's are'} running. Stop them and the server? [y/N] `)).trim().toLowerCase();
    prompt.close();
    if (reply !== 'y' && reply !== 'yes') {
      io.err('agentmux: nothing stopped\n');
      return 1;
    }
    answer = await link.request({ type: 'shutdown', force: true });
  }
  if (answer.error) {
    // The connection closed before the answer: another stop got there first, if the server goes now.
    if (answer.running === undefined && await serverGoneWithin(STOP_WAIT_MS)) {
      io.err('agentmux: server stopped\n');
      return 0;
    }
    return refused(answer.error);
  }
  await gone;
  io.err(`agentmux: server stopped${answer.running ? ` (${answer.running} agent${answer.running === 1 ? '' : 's'} stopped)` : ''}\n`);
  return 0;
}
