// RemoteGit: the ssh command line it runs a script with, and its one-line failures, with a fake runner.
import { describe, expect, it } from 'vitest';
import { RemoteGit, WorktreeError, type RemoteCommandResult } from '../../src/git/index.js';

function remoteGit(result: RemoteCommandResult) {
  const calls: Array<{ file: string; args: readonly string[] }> = [];
  const git = new RemoteGit('build', { ssh: 'me@build.example', cwd: '~/src/app', sshArgs: ['-p', '2222'] }, '/run/amx/ssh', (file, args) => {
    calls.push({ file, args });
    return Promise.resolve(result);
  });
  return { git, calls };
}

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(WorktreeError);
  return (error as Error).message;
}

describe('RemoteGit', () => {
  it('runs the script with sh -c on the host over the shared connection, its arguments quoted and ~/ left to expand there', async () => {
    const { git, calls } = remoteGit({ code: 0, stdout: 'out', stderr: '', timedOut: false });
    expect(await git.script('cd "$1" && echo "$2"', [git.checkout, "it's"])).toEqual({ code: 0, stdout: 'out', stderr: '' });
    const [{ file, args }] = calls;
    expect(file).toBe('ssh');
    expect(args.slice(0, 2)).toEqual(['-T', '-o']);
    expect(args).toContain('ControlPath=/run/amx/ssh/%C');
    expect(args.slice(-5)).toEqual(['-p', '2222', '--', 'me@build.example', `sh -c 'cd "$1" && echo "$2"' sh ~/src/app 'it'\\''s'`]);
  });

  it('says in one line when ssh itself failed, or the host did not answer', async () => {
    expect(await failure(remoteGit({ code: 255, stdout: '', stderr: 'me@build.example: Permission denied (publickey).\n', timedOut: false }).git.script('true', [])))
      .toMatch(/^build: me@build\.example refused the login/);
    expect(await failure(remoteGit({ code: null, stdout: '', stderr: '', timedOut: true }).git.script('true', [])))
      .toBe('build: me@build.example did not answer in time: check the link (ssh me@build.example)');
  });

  it('names the host and git\'s own message when git failed there', () => {
    const { git } = remoteGit({ code: 0, stdout: '', stderr: '', timedOut: false });
    expect(git.failed('git worktree add', { code: 128, stdout: '', stderr: 'Preparing...\nfatal: could not lock\n' }).message)
      .toBe('build: git worktree add failed: could not lock');
  });
});
