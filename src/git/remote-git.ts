// Git on an SSH host: each call is one `ssh -T OPTIONS -- DEST 'sh -c SCRIPT sh ARGS…'` through an
// injected runner, sharing agentmux's ssh connection (the ControlPath in `controlDir`). A script runs
// several git commands in one round trip; its own exit codes (1-9) say which step refused.
import { sshCommand, sshFailure, type SshHost } from '../core/hosts.js';
import { WorktreeError, gitMessage } from './errors.js';

export interface RemoteCommandResult {
  /** Its exit status; null when a signal (or the timeout) ended it. */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs a short program to its end (the server hands in src/pty/command-runner.ts's runCommand). */
export type RemoteCommandRunner = (
  file: string, args: readonly string[], options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number },
) => Promise<RemoteCommandResult>;

/** ssh's own failures (no connection, refused login, changed host key) end it with 255. */
const SSH_FAILED = 255;

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class RemoteGit {
  /**
   * `name`: the host's name in agentmux (it starts every message); `controlDir`: the private short
   * directory of agentmux's ssh connection sockets.
   */
  constructor(
    readonly name: string,
    readonly host: SshHost,
    readonly controlDir: string,
    private readonly run: RemoteCommandRunner,
  ) {}

  /** The host's checkout as the config gives it (`~/…` expands there); its login directory without one. */
  get checkout(): string {
    return this.host.cwd ?? '.';
  }

  /**
   * Runs `script` with `sh -c` on the host, `args` as $1, $2, …; resolves with its exit code and output.
   * Rejects with one line when ssh itself failed or the host did not answer.
   */
  async script(script: string, args: readonly string[]): Promise<ScriptResult> {
    const { file, args: sshArgs } = sshCommand(this.host, this.controlDir, ['sh', '-c', script, 'sh', ...args], false);
    const result = await this.run(file, sshArgs);
    if (result.timedOut || result.code === null) {
      throw new WorktreeError('git-failed', `${this.name}: ${this.host.ssh} did not answer in time: check the link (ssh ${this.host.ssh})`);
    }
    if (result.code === SSH_FAILED) throw new WorktreeError('git-failed', sshFailure(this.name, this.host.ssh, result.stderr));
    return { code: result.code, stdout: result.stdout, stderr: result.stderr };
  }

  /** A failure of git on the host that none of a script's own codes names. */
  failed(what: string, result: ScriptResult): WorktreeError {
    return new WorktreeError('git-failed', `${this.name}: ${what} failed: ${gitMessage(result.stderr || `exit code ${result.code}`)}`);
  }
}
