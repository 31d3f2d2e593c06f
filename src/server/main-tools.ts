// The main agent's tools (spec §7, plus `bash`, run in the foreground and movable to the
// background with Ctrl+B). Inputs come from the model: validated, errors returned as data.
import { hostNameError } from '../core/hosts.js';
import { isEnded, type AgentInfo } from '../core/agent.js';
import { budgetValueError } from '../core/budget.js';
import { CLI_NAME_PATTERN } from '../core/cli-kinds.js';
import type { ToolDefinition } from '../llm/types.js';

export const MAIN_TOOLS: ToolDefinition[] = [
  {
    name: 'spawn_agent',
    description: 'Start a background agent (a separate Claude worker with file and shell tools in the working directory) on a self-contained task. '
      + 'Returns at once with the agent\'s name; you are notified with its result when it ends. Use it for long or parallel work.',
    input_schema: {
      type: 'object',
      properties: {
        task: { type: 'string', description: 'What the agent should do, complete enough to work alone.' },
        name: { type: 'string', description: 'Optional lowercase slug name, e.g. security-audit-auth.' },
        worktree: { type: 'boolean', description: 'Give the agent its own git worktree and branch agentmux/NAME, for attempts that must not collide.' },
        agent: {
          type: 'string',
          description: 'Start the worker as this agent profile (one listed in your instructions): its role, its tools only, its model.',
        },
        cli: {
          type: 'string',
          description: 'Run this agent CLI on the task instead of a built-in worker: claude (Claude Code), codex, gemini, aider, or one the user configured. '
            + 'It works in its own terminal; the user can bring it to the front.',
        },
        after: { type: 'string', description: 'Start only once this agent has finished (it waits, queued, until then).' },
        budget_usd: { type: 'number', description: 'What it may spend in USD; it pauses there until the user raises it.' },
        max_tokens: { type: 'number', description: 'How many tokens it may use in all; it pauses there until the user raises it.' },
        host: { type: 'string', description: 'Run it on this host from the user\'s config (an SSH machine or a container) instead of this machine.' },
      },
      required: ['task'],
    },
  },
  {
    name: 'list_agents',
    description: 'List every agent with its state, task and token usage.',
    input_schema: { type: 'object', properties: {} },
  },
  {
    name: 'agent_result',
    description: 'The final result of an agent, or its state if it has not ended.',
    input_schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
  },
  {
    name: 'bash',
    description: 'Run a shell command in the working directory and wait for it. The user may move a long run into the background; '
      + 'you are then told its name and notified when it ends.',
    input_schema: {
      type: 'object',
      properties: { command: { type: 'string' }, timeout_ms: { type: 'number', description: 'Default 120000, at most 600000.' } },
      required: ['command'],
    },
  },
];

export type MainToolInput =
  | {
    tool: 'spawn_agent'; task: string; name?: string; worktree?: boolean; after?: string; cli?: string; agent?: string; budgetUsd?: number; budgetTokens?: number;
    host?: string;
  }
  | { tool: 'list_agents' }
  | { tool: 'agent_result'; name: string }
  | { tool: 'bash'; command: string; timeoutMs: number };

const DEFAULT_BASH_TIMEOUT_MS = 120_000;
const MAX_BASH_TIMEOUT_MS = 600_000;

function record(input: unknown): Record<string, unknown> | undefined {
  return input && typeof input === 'object' && !Array.isArray(input) ? input as Record<string, unknown> : undefined;
}

/** The validated input of a tool call, or the error the model reads. */
export function validateMainTool(name: string, input: unknown): MainToolInput | { error: string } {
  const fields = record(input);
  if (!fields) return { error: `${name}: the input must be an object` };
  switch (name) {
    case 'spawn_agent': {
      if (typeof fields.task !== 'string' || !fields.task.trim()) return { error: 'spawn_agent: "task" must be a non-empty string' };
      if (fields.name !== undefined && typeof fields.name !== 'string') return { error: 'spawn_agent: "name" must be a string' };
      if (fields.worktree !== undefined && typeof fields.worktree !== 'boolean') return { error: 'spawn_agent: "worktree" must be true or false' };
      if (fields.agent !== undefined && typeof fields.agent !== 'string') return { error: 'spawn_agent: "agent" must be the name of an agent profile' };
      if (fields.agent !== undefined && fields.cli !== undefined) return { error: 'spawn_agent: an agent profile is for a built-in worker: give "agent" or "cli", not both' };
      if (fields.after !== undefined && typeof fields.after !== 'string') return { error: 'spawn_agent: "after" must be the name of an agent' };
      const badHost = fields.host === undefined ? undefined : typeof fields.host === 'string' ? hostNameError(fields.host) : 'it must be a string';
      if (badHost) return { error: `spawn_agent: "host": ${badHost}` };
      if (fields.cli !== undefined && (typeof fields.cli !== 'string' || !CLI_NAME_PATTERN.test(fields.cli))) {
        return { error: 'spawn_agent: "cli" must be the name of an agent CLI, such as "claude" or "codex"' };
      }
      for (const [field, part] of [['budget_usd', 'usd'], ['max_tokens', 'tokens']] as const) {
        const problem = fields[field] === undefined ? undefined : budgetValueError(part, fields[field]);
        if (problem) return { error: `spawn_agent: "${field}": ${problem}` };
      }
      return {
        tool: 'spawn_agent', task: fields.task, ...(typeof fields.name === 'string' ? { name: fields.name } : {}), ...(fields.worktree === true ? { worktree: true } : {}),
        ...(typeof fields.after === 'string' ? { after: fields.after } : {}), ...(typeof fields.cli === 'string' ? { cli: fields.cli } : {}),
        ...(typeof fields.agent === 'string' ? { agent: fields.agent } : {}), ...(typeof fields.host === 'string' ? { host: fields.host } : {}),
        ...(typeof fields.budget_usd === 'number' ? { budgetUsd: fields.budget_usd } : {}), ...(typeof fields.max_tokens === 'number' ? { budgetTokens: fields.max_tokens } : {}),
      };
    }
    case 'list_agents':
      return { tool: 'list_agents' };
    case 'agent_result':
      if (typeof fields.name !== 'string') return { error: 'agent_result: "name" must be a string' };
      return { tool: 'agent_result', name: fields.name };
    case 'bash': {
      if (typeof fields.command !== 'string' || !fields.command.trim()) return { error: 'bash: "command" must be a non-empty string' };
      const timeout = fields.timeout_ms ?? DEFAULT_BASH_TIMEOUT_MS;
      if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0) return { error: 'bash: "timeout_ms" must be a positive number' };
      return { tool: 'bash', command: fields.command, timeoutMs: Math.min(timeout, MAX_BASH_TIMEOUT_MS) };
    }
    default:
      return { error: `unknown tool ${name}: use ${MAIN_TOOLS.map((tool) => tool.name).join(', ')}` };
  }
}

/** list_agents' answer. */
export function describeAgents(agents: readonly AgentInfo[]): string {
  if (agents.length === 0) return 'No agents.';
  return JSON.stringify(agents.map((agent) => ({
    name: agent.name,
    kind: agent.kind,
    state: agent.state,
    task: agent.task,
    ...(agent.exitCode !== undefined ? { exit_code: agent.exitCode } : {}),
    ...(agent.usage ? {
      tokens: agent.usage.total.input + agent.usage.total.output + agent.usage.total.cacheRead + agent.usage.total.cacheWrite,
      ...(agent.usage.costUsd !== undefined ? { cost_usd: Number(agent.usage.costUsd.toFixed(4)) } : {}),
    } : {}),
    ...(agent.budget?.usd !== undefined ? { budget_usd: agent.budget.usd } : {}),
    ...(agent.budget?.tokens !== undefined ? { max_tokens: agent.budget.tokens } : {}),
    ...(agent.state === 'waiting' && agent.question ? { question: agent.question } : {}),
  })), null, 1);
}

/** agent_result's answer. */
export function describeResult(agent: AgentInfo, output: string): string {
  if (!isEnded(agent.state)) return `${agent.name} is ${agent.state}; it has no result yet. You will be notified when it ends.`;
  const header = `${agent.name} ${agent.state}${agent.exitCode !== undefined ? ` (exit ${agent.exitCode})` : ''}`;
  const body = agent.kind === 'claude' ? agent.result ?? output : output;
  return `${header}\n${body}`;
}
