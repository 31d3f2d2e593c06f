// agentmux's end of a worker's report channel, for tests that run workerMain in process: the real
// WorkerChannel, collecting what the worker reports.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHANNEL_ENV, type WorkerCommand, type WorkerCredentials, type WorkerReport } from '../../src/core/report-channel.js';
import { WorkerChannel } from '../../src/pty/worker-channel.js';

export class TestChannel {
  readonly reports: WorkerReport[] = [];
  readonly problems: string[] = [];
  private readonly dir = mkdtempSync(join(tmpdir(), 'amux-test-channel-'));
  private readonly channel: WorkerChannel;

  /** `credentials`: what a worker is handed; none for a program that only reports (a link to a command agent). */
  constructor(credentials?: WorkerCredentials) {
    this.channel = new WorkerChannel(this.dir, credentials, {
      onReport: (report) => this.reports.push(report),
      onChannelProblem: (message) => this.problems.push(message),
    });
  }

  /** The variable that names the channel, for the worker's environment. */
  get env(): Record<string, string> {
    return { [CHANNEL_ENV]: this.channel.path };
  }

  /** Tells the worker (or the link relaying for one) something, as agentmux does. */
  tell(command: WorkerCommand): void {
    this.channel.tell(command);
  }

  /** Resolves once everything the worker sent has been read (its end closed). */
  ended(): Promise<void> {
    return this.channel.processEnded();
  }

  dispose(): void {
    this.channel.dispose();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
