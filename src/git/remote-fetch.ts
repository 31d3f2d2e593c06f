// The local copy of a host's attempt: its branch `agentmux/NAME` fetched from the host's checkout into
// the local repository (git over ssh on agentmux's shared connection), so that compare, merge and
// discard work on it as on a local attempt's branch.
import { gitSshCommand, sshFailure } from '../core/hosts.js';
import { writeBase } from './base-record.js';
import { gitEnvironment, type GitEnv } from './environment.js';
import { WorktreeError, gitMessage } from './errors.js';
import { agentBranch, agentRef, refCommit } from './refs.js';
import type { RemoteCommandRunner, RemoteGit } from './remote-git.js';
import { GitRunner } from './runner.js';

/** The local repository the branches of a host's attempts are fetched into. */
export interface LocalRepo {
  /** A directory in it (the workspace). */
  dir: string;
  /** Environment for git (default `process.env`). */
  env?: GitEnv;
  /** Runs git fetch (with GIT_SSH_COMMAND, which simple-git will not pass). */
  run: RemoteCommandRunner;
}

/** A fetch reads no more than a few packs; a slow link still finishes. */
const FETCH_TIMEOUT_MS = 120_000;

function localGit(local: LocalRepo): Promise<GitRunner> {
  return GitRunner.open(local.dir, local.env ?? process.env);
}

/** A remote attempt's branch is fetched over `agentmux/NAME` here: a local branch of that name must not be in the way. */
export async function requireLocalBranchFree(local: LocalRepo, name: string): Promise<void> {
  if (await refCommit(await localGit(local), agentRef(name))) {
    throw new WorktreeError('branch-exists', `branch ${agentBranch(name)} already exists in this repository: choose another name, or /discard ${name} first`);
  }
}

export async function fetchAttempt(remote: RemoteGit, local: LocalRepo, name: string, baseCommit: string): Promise<void> {
  const ref = agentRef(name);
  const env = { ...gitEnvironment(local.env ?? process.env).env, GIT_SSH_COMMAND: gitSshCommand(remote.host, remote.controlDir) };
  const source = `${remote.host.ssh}:${remote.checkout}`;
  const fetched = await local.run('git', ['-C', local.dir, 'fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--', source, `+${ref}:${ref}`], {
    env, timeoutMs: FETCH_TIMEOUT_MS,
  });
  if (fetched.code !== 0) throw fetchFailure(remote, name, fetched.stderr, fetched.timedOut);
  const git = await localGit(local);
  // A checkout that is not a clone of this repository brings history that cannot be compared or merged.
  const shared = await git.run(['merge-base', 'HEAD', ref], { allow: [1] });
  if (shared.exitCode !== 0) {
    await git.run(['branch', '--delete', '--force', '--', agentBranch(name)]);
    throw new WorktreeError(
      'unrelated',
      `${remote.name}: ${remote.checkout} shares no history with this repository, so ${name} cannot be compared or merged here: make the host's checkout a clone of this repository`,
    );
  }
  await writeBase(git, name, baseCommit);
}

function fetchFailure(remote: RemoteGit, name: string, stderr: string, timedOut: boolean): WorktreeError {
  const from = `${remote.checkout} on ${remote.name}`;
  if (timedOut) return new WorktreeError('git-failed', `${remote.name}: fetching ${agentBranch(name)} did not finish in time: check the link (ssh ${remote.host.ssh})`);
  if (/couldn't find remote ref/i.test(stderr)) {
    return new WorktreeError('not-found', `${remote.name}: branch ${agentBranch(name)} is gone from ${from}: nothing of ${name} can be fetched`);
  }
  if (/does not appear to be a git repository|not a git repository/i.test(stderr)) {
    return new WorktreeError('not-a-repo', `${from} is not a git checkout: point hosts.${remote.name}.cwd at the clone ${name} was made in`);
  }
  const sshLines = stderr.split('\n').filter((line) => !/^fatal: Could not read from remote repository|^Please make sure you have the correct access/i.test(line.trim()));
  if (/Could not read from remote repository/i.test(stderr)) return new WorktreeError('git-failed', sshFailure(remote.name, remote.host.ssh, sshLines.join('\n')));
  return new WorktreeError('git-failed', `${remote.name}: fetching ${agentBranch(name)} failed: ${gitMessage(stderr)}`);
}
