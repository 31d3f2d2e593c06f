import { describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/core/agent.js';
import { removedMessage } from '../../src/core/removed-agents.js';

function agent(name: string, info: Partial<AgentInfo> = {}): AgentInfo {
  return { name, kind: 'command', task: 'true', cwd: '/repo', state: 'finished', startedAt: 0, lastLine: '', unread: false, ...info };
}

describe('removedMessage', () => {
  it('names the agents, says their names are free and their logs stay until agentmux gc', () => {
    expect(removedMessage([agent('build')])).toBe('Removed build: its name is free again; its log stays until agentmux gc.');
    expect(removedMessage([agent('a'), agent('b'), agent('c')])).toBe('Removed a, b and c: their names are free again; their logs stay until agentmux gc.');
  });

  it('says that a worktree agent\'s worktree and branch stay', () => {
    const worktree = { branch: 'agentmux/ui-dark', path: '/src/app.agentmux-worktrees/ui-dark', baseCommit: 'abc' };
    expect(removedMessage([agent('ui-dark', { worktree }), agent('notes')])).toBe([
      'Removed ui-dark and notes: their names are free again; their logs stay until agentmux gc.',
      'ui-dark\'s worktree /src/app.agentmux-worktrees/ui-dark and branch agentmux/ui-dark stay: agentmux gc removes them.',
    ].join('\n'));
  });
});
