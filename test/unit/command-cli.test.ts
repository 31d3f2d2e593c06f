import { describe, expect, it } from 'vitest';
import { cliKinds } from '../../src/core/cli-kinds.js';
import { cliOfCommand } from '../../src/core/command-cli.js';

describe('cliOfCommand', () => {
  const kinds = cliKinds({ mine: { program: '/opt/tools/my-cli' } });

  it('is the CLI whose program the command starts with, by the program\'s file name', () => {
    expect(cliOfCommand(kinds, 'claude -p "fix the test"')?.name).toBe('claude');
    expect(cliOfCommand(kinds, '  /usr/local/bin/codex exec x')?.name).toBe('codex');
    expect(cliOfCommand(kinds, 'my-cli --fast')?.name).toBe('mine');
  });

  it('is none for any other command', () => {
    expect(cliOfCommand(kinds, 'npm test')).toBeUndefined();
    expect(cliOfCommand(kinds, 'echo claude')).toBeUndefined();
    expect(cliOfCommand(kinds, '   ')).toBeUndefined();
  });
});
