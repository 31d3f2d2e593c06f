// `agentmux host ls`: the configured hosts with where they point, whether they answer and the
// agents on each, as rows, a table or JSON. Pure.
import { isEnded, type AgentInfo, type AgentState } from './agent.js';
import type { HostReach } from './host-reach.js';
import { isSshHost, type HostConfig } from './hosts.js';

export interface HostRow {
  name: string;
  kind: 'ssh' | 'docker';
  /** The ssh destination, `container NAME` or `image IMAGE`. */
  where: string;
  reachable: boolean;
  status: string;
  agentmux?: string;
  node?: string;
  /** This workspace's agents on the host. */
  agents: Array<{ name: string; state: AgentState }>;
}

export function hostRows(hosts: Readonly<Record<string, HostConfig>>, reaches: Readonly<Record<string, HostReach>>, agents: readonly AgentInfo[]): HostRow[] {
  return Object.entries(hosts).map(([name, host]) => ({
    name,
    kind: isSshHost(host) ? 'ssh' : 'docker',
    where: isSshHost(host) ? host.ssh : host.image !== undefined ? `image ${host.image}` : `container ${host.docker}`,
    ...reaches[name],
    agents: agents.filter((agent) => agent.host === name).map((agent) => ({ name: agent.name, state: agent.state })),
  }));
}

export const NO_HOSTS = 'no hosts: add them to "hosts" in the config, e.g. {"hosts": {"build": {"ssh": "me@build.example"}, "box": {"docker": "my-sandbox"}}}';

export function hostTable(rows: readonly HostRow[]): string {
  if (rows.length === 0) return `${NO_HOSTS}\n`;
  const cells = [['HOST', 'KIND', 'WHERE', 'STATUS', 'AGENTS'], ...rows.map((row) => [row.name, row.kind, row.where, row.status, agentsCell(row.agents)])];
  const widths = [0, 1, 2, 3].map((column) => Math.max(...cells.map((line) => line[column].length)));
  return `${cells.map((line) => line.map((cell, column) => (column < 4 ? cell.padEnd(widths[column]) : cell)).join('  ').trimEnd()).join('\n')}\n`;
}

/** "2 (fix-auth running, tests finished)"; ended agents after the others. */
function agentsCell(agents: HostRow['agents']): string {
  if (agents.length === 0) return '0';
  const ordered = [...agents].sort((a, b) => Number(isEnded(a.state)) - Number(isEnded(b.state)));
  return `${agents.length} (${ordered.map((agent) => `${agent.name} ${agent.state}`).join(', ')})`;
}
