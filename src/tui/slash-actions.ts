// What the screen does with a line typed into the chat input.
import { describeBudget, formatUsd, spentOf } from '../core/budget.js';
import { formatCost, formatDuration } from '../core/format.js';
import type { ClientCommand } from '../core/protocol.js';
import { parseSlashCommand } from '../core/slash-commands.js';
import type { ClientModel } from './client-model.js';
import { elapsedOf } from './views/agent-list-view.js';

export interface SlashContext {
  model: ClientModel;
  cwd: string;
  send(command: ClientCommand): void;
  note(role: 'system' | 'error', text: string): void;
  help(): string;
  /** Opens the spend view. */
  showSpend(): void;
  setTheme(name: string): void;
  quit(): void;
}

function agentsSummary(model: ClientModel, now: number): string {
  if (model.agents.length === 0) return 'No agents. Start one with /run -- COMMAND';
  return model.agents
    .map((agent) => `${agent.name}  ${agent.state}${agent.unread ? ' (new)' : ''}  ${formatDuration(elapsedOf(agent, now))}  ${agent.profile ? `as ${agent.profile}: ` : ''}${agent.task}`)
    .join('\n');
}

/** `/budget NAME`, `/budget --session`: what was spent, of what budget. */
function budgetSummary(model: ClientModel, name: string | undefined): { text: string } | { error: string } {
  if (name === undefined) {
    const meters = [...(model.session.mainUsage ? [model.session.mainUsage] : []), ...model.agents.flatMap((agent) => (agent.usage ? [agent.usage] : []))];
    // What the server counts against the budget: every cost that is known.
    const spent = formatCost(meters.reduce((sum, meter) => sum + (meter.costUsd ?? 0), 0));
    const budget = model.session.budgetUsd;
    return { text: budget === undefined ? `the session: spent ${spent} · no budget (/budget --session USD sets one)` : `the session: spent ${spent} of its ${formatUsd(budget)} budget` };
  }
  const agent = model.agent(name);
  if (!agent) return { error: `no agent named ${name} (/agents lists them)` };
  return { text: `${name}: ${describeBudget(spentOf(agent.usage), agent.budget)}` };
}

export function submitLine(line: string, context: SlashContext): void {
  const text = line.trim();
  if (!text) return;
  if (!text.startsWith('/')) {
    context.send({ type: 'chat', text });
    return;
  }
  const parsed = parseSlashCommand(text);
  if (!parsed.ok) {
    context.note('error', parsed.usage ? `${parsed.error} — usage: ${parsed.usage}` : parsed.error);
    return;
  }
  const command = parsed.command;
  switch (command.kind) {
    case 'run':
      context.send({
        type: 'run', command: command.command, cwd: context.cwd,
        ...(command.name ? { name: command.name } : {}), ...(command.worktree ? { worktree: command.worktree } : {}),
        ...(command.after ? { after: command.after } : {}), ...(command.host ? { host: command.host } : {}),
      });
      return;
    case 'compare':
      context.send({ type: 'compare', names: command.names });
      return;
    case 'merge':
      context.send({ type: 'merge', name: command.name, squash: command.squash, ...(command.into ? { into: command.into } : {}) });
      return;
    case 'discard':
      context.send({ type: 'discard', names: command.names, force: command.force });
      return;
    case 'spawn':
      context.send({
        type: 'spawn', task: command.task, cwd: context.cwd,
        ...(command.name ? { name: command.name } : {}), ...(command.budgetUsd !== undefined ? { budgetUsd: command.budgetUsd } : {}),
        ...(command.budgetTokens !== undefined ? { budgetTokens: command.budgetTokens } : {}),
        ...(command.worktree ? { worktree: command.worktree } : {}), ...(command.after ? { after: command.after } : {}),
        ...(command.agent ? { agent: command.agent } : {}), ...(command.host ? { host: command.host } : {}),
      });
      return;
    case 'new':
      context.send({
        type: 'new', cli: command.cli, cwd: context.cwd,
        ...(command.task ? { task: command.task } : {}), ...(command.name ? { name: command.name } : {}),
        ...(command.worktree ? { worktree: command.worktree } : {}), ...(command.after ? { after: command.after } : {}),
        ...(command.print ? { print: true } : {}), ...(command.budgetUsd !== undefined ? { budgetUsd: command.budgetUsd } : {}),
        ...(command.budgetTokens !== undefined ? { budgetTokens: command.budgetTokens } : {}), ...(command.host ? { host: command.host } : {}),
      });
      return;
    case 'budget': {
      if (command.usd === undefined && command.tokens === undefined) {
        const summary = budgetSummary(context.model, command.name);
        if ('error' in summary) context.note('error', summary.error);
        else context.note('system', summary.text);
        return;
      }
      context.send({
        type: 'budget', ...(command.name !== undefined ? { name: command.name } : { session: true }),
        ...(command.usd !== undefined ? { usd: command.usd } : {}), ...(command.tokens !== undefined ? { tokens: command.tokens } : {}),
      });
      return;
    }
    case 'fg':
      context.send({ type: 'attach', name: command.name });
      return;
    case 'kill':
      context.send({ type: 'kill', name: command.name });
      return;
    case 'rm':
      context.send({ type: 'remove', names: command.names });
      return;
    case 'send':
      context.send({ type: 'send', name: command.name, text: command.text });
      return;
    case 'agents':
      if (command.profiles) context.send({ type: 'profiles' });
      else context.note('system', agentsSummary(context.model, Date.now()));
      return;
    case 'cost':
      context.showSpend();
      return;
    case 'compact':
      context.send({ type: 'compact', ...(command.instructions ? { instructions: command.instructions } : {}) });
      return;
    case 'fork':
      context.send({ type: 'fork' });
      return;
    case 'resume':
      context.send({ type: 'resume', ...(command.session ? { session: command.session } : {}) });
      return;
    case 'theme':
      context.setTheme(command.theme);
      return;
    case 'help':
      context.note('system', context.help());
      return;
    case 'quit':
      context.quit();
      return;
  }
}
