// Everything about a workspace's agents that must outlive the server: their records
// (saved on every change that matters, not on every new last line) and their output logs.
import { join } from 'node:path';
import { isEnded, type AgentInfo } from '../core/agent.js';
import { redact, StreamRedactor, usableSecrets } from '../core/redact.js';
import { AgentRecords, type AgentRecord } from '../store/agent-records.js';
import { OutputLog, outputLogSize, readOutputLogRange, readOutputLogTail } from '../store/output-log.js';
import { setAside } from '../store/removed-files.js';

export type WorkerSettings = NonNullable<AgentRecord['worker']>;

export class AgentJournal {
  private readonly records: AgentRecords;
  private readonly saved = new Map<string, string>();
  /** Each agent's state as last saved. */
  private readonly states = new Map<string, AgentInfo['state']>();
  private readonly extras = new Map<string, Pick<AgentRecord, 'notified' | 'worker'>>();
  private readonly logs = new Map<string, { file: OutputLog; redactor: StreamRedactor }>();
  private readonly secrets: string[];

  /** `secrets` (the API key) never reach the disk: replaced in records and logs. */
  constructor(private readonly dir: string, secrets: readonly string[] = []) {
    this.records = new AgentRecords(dir);
    this.secrets = usableSecrets(secrets);
  }

  /** The records of an earlier server; agents that were still going are its to mark as lost. */
  load(): { records: AgentRecord[]; notices: string[] } {
    const loaded = this.records.load();
    for (const record of loaded.records) {
      this.saved.set(record.info.name, significant(record.info));
      this.states.set(record.info.name, record.info.state);
      this.extras.set(record.info.name, { notified: record.notified, ...(record.worker ? { worker: record.worker } : {}) });
    }
    return loaded;
  }

  /** An agent changed: saved when something other than its running last line or title did. */
  changed(info: AgentInfo, force = false): void {
    const key = significant(info);
    if (!force && this.saved.get(info.name) === key) return;
    this.saved.set(info.name, key);
    const extra = this.extras.get(info.name) ?? { notified: false };
    const before = this.states.get(info.name);
    this.states.set(info.name, info.state);
    // A new outcome (an end, or an agent CLI's end of turn) is news again, whatever was told before.
    if (extra.notified && before !== info.state && (isEnded(info.state) || info.state === 'idle' || info.state === 'running')) {
      extra.notified = false;
      this.extras.set(info.name, extra);
    }
    this.records.save(redact({
      info, notified: extra.notified, log: this.logName(info.name),
      ...(extra.worker ? { worker: extra.worker, transcript: this.transcriptName(info.name) } : {}),
    }, this.secrets));
  }

  /** A built-in worker: how it was started, so it can be continued from its transcript. */
  setWorker(name: string, worker: WorkerSettings): void {
    this.extras.set(name, { ...(this.extras.get(name) ?? { notified: false }), worker });
  }

  worker(name: string): WorkerSettings | undefined {
    return this.extras.get(name)?.worker;
  }

  /** The main agent has been told this agent's outcome. */
  notified(info: AgentInfo): void {
    this.extras.set(info.name, { ...(this.extras.get(info.name) ?? {}), notified: true });
    this.changed(info, true);
  }

  isNotified(name: string): boolean {
    return this.extras.get(name)?.notified ?? false;
  }

  /** Appends to the agent's log; returns what was written (secrets redacted, a possible secret's start held back). */
  output(name: string, data: Buffer): Buffer {
    let log = this.logs.get(name);
    if (!log) {
      log = { file: new OutputLog(this.logPath(name)), redactor: new StreamRedactor(this.secrets) };
      this.logs.set(name, log);
    }
    const written = log.redactor.push(data);
    log.file.append(written);
    return written;
  }

  /** The agent's process is gone: its log is complete. Returns the bytes written last. */
  closeLog(name: string): Buffer {
    const log = this.logs.get(name);
    if (!log) return Buffer.alloc(0);
    const rest = log.redactor.flush();
    log.file.append(rest);
    log.file.close();
    this.logs.delete(name);
    return rest;
  }

  /**
   * The agent was removed: a record says so, so that no later server brings it back, and its log and
   * transcript are set aside (kept until `agentmux gc`), so that an agent given its name starts afresh.
   */
  remove(name: string, at: number): void {
    this.closeLog(name);
    this.records.remove(name);
    this.saved.delete(name);
    this.extras.delete(name);
    setAside(this.dir, name, at);
  }

  logPath(name: string): string {
    return join(this.dir, this.logName(name));
  }

  transcriptPath(name: string): string {
    return join(this.dir, this.transcriptName(name));
  }

  logSize(name: string): number {
    return outputLogSize(this.logPath(name));
  }

  /** The last `maxBytes` of the log, read at once. */
  logTail(name: string, maxBytes: number): Buffer {
    return readOutputLogTail(this.logPath(name), maxBytes);
  }

  /** Bytes `start` to `end` of the log (`.1` and the current file as one). */
  readLogRange(name: string, start: number, end: number): Promise<Buffer> {
    return readOutputLogRange(this.logPath(name), start, end);
  }

  dispose(): void {
    for (const name of [...this.logs.keys()]) this.closeLog(name);
  }

  private logName(name: string): string {
    return `logs/${name}.log`;
  }

  private transcriptName(name: string): string {
    return `workers/${name}.jsonl`;
  }
}

/** What is worth a record: everything but a running agent's last line, which changes all the time. */
function significant(info: AgentInfo): string {
  // A running agent's last line and window title change all the time (a spinner in the title).
  return JSON.stringify(isEnded(info.state) ? info : { ...info, lastLine: '', windowTitle: undefined });
}
