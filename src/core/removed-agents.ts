// What removing ended agents says, in the chat and from `agentmux rm`: their names are free, their
// logs stay until `agentmux gc`, and so do the worktrees and branches of worktree agents.
import type { AgentInfo } from './agent.js';

export function removedMessage(agents: readonly AgentInfo[]): string {
  const one = agents.length === 1;
  const names = agents.map((agent) => agent.name);
  const listed = one ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  const lines = [`Removed ${listed}: ${one ? 'its name is' : 'their names are'} free again; ${one ? 'its log stays' : 'their logs stay'} until agentmux gc.`];
  for (const { name, worktree } of agents) {
    if (worktree) lines.push(`${name}'s worktree ${worktree.path} and branch ${worktree.branch} stay: agentmux gc removes them.`);
  }
  return lines.join('\n');
}
