// Where a worktree agent's worktree goes on an SSH host: beside the host's checkout, as locally.
import { describe, expect, it } from 'vitest';
import { remoteWorktreePath } from '../../src/git/layout.js';

describe('remoteWorktreePath', () => {
  it('puts the worktree in <checkout>.agentmux-worktrees beside the checkout', () => {
    expect(remoteWorktreePath('/home/me/src/app', 'fix-login')).toBe('/home/me/src/app.agentmux-worktrees/fix-login');
  });

  it('ignores a trailing slash of the checkout', () => {
    expect(remoteWorktreePath('/srv/app/', 'a')).toBe('/srv/app.agentmux-worktrees/a');
  });
});
