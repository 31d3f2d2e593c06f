// The processes of one run of an agent: its process group, and every process whose environment
// carries the run's marker (AGENTMUX_RUN=<random>, set when the run starts and inherited by all
// it starts) — so also daemons that left the group and the session (setsid, a double fork).
// Found in /proc (Linux); where there is none, only the process group is known.
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';

export const RUN_ENV = 'AGENTMUX_RUN';

export interface RunProcess {
  pid: number;
  /** Its command name (/proc/PID/comm). */
  name: string;
}

/** What a kill needs of a run's processes; the tests hand in their own. */
export interface ProcessTree {
  /** The run's processes still alive (zombies are dead). */
  find(): Promise<RunProcess[]>;
  /** Sends `signal` to the run's process group (also what `find` cannot see, where there is no /proc); one already gone is no error. */
  signalGroup(signal: NodeJS.Signals): void;
  /** Sends `signal` to each of `processes`; one already gone is no error. */
  signalEach(processes: readonly RunProcess[], signal: NodeJS.Signals): void;
}

/** A fresh marker value for a run. */
export function newRunMarker(): string {
  return randomBytes(12).toString('hex');
}

export class RunProcesses implements ProcessTree {
  private readonly variable: Buffer;

  /** `group`: the run's process group (its first process's pid); `marker`: the value of its RUN_ENV. */
  constructor(private readonly group: number, marker: string) {
    this.variable = Buffer.from(`${RUN_ENV}=${marker}\0`);
  }

  async find(): Promise<RunProcess[]> {
    let entries: string[];
    try {
      entries = await readdir('/proc');
    } catch {
      // No /proc (macOS, the BSDs): the process group is all that can be seen.
      return groupAlive(this.group) ? [{ pid: this.group, name: 'process group' }] : [];
    }
    const found = await Promise.all(entries.filter((entry) => /^\d+$/.test(entry)).map((entry) => this.member(Number(entry))));
    return found.filter((process): process is RunProcess => process !== undefined);
  }

  signalGroup(signal: NodeJS.Signals): void {
    send(-this.group, signal);
  }

  signalEach(processes: readonly RunProcess[], signal: NodeJS.Signals): void {
    for (const { pid } of processes) send(pid, signal);
  }

  /** The process, when it is alive and in the group or marked. */
  private async member(pid: number): Promise<RunProcess | undefined> {
    if (pid === process.pid) return undefined;
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      // The name is in parentheses and may hold both: the fields after it start after the last ')'.
      const close = stat.lastIndexOf(')');
      const [state, , group] = stat.slice(close + 2).split(' ');
      if (state === 'Z' || state === 'X') return undefined;
      const name = stat.slice(stat.indexOf('(') + 1, close);
      if (Number(group) === this.group) return { pid, name };
      return this.marked(await readFile(`/proc/${pid}/environ`)) ? { pid, name } : undefined;
    } catch (error) {
      // Gone while we looked, or not ours to read (another user's).
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ESRCH' || code === 'EACCES' || code === 'EPERM') return undefined;
      throw error;
    }
  }

  private marked(environ: Buffer): boolean {
    for (let at = environ.indexOf(this.variable); at !== -1; at = environ.indexOf(this.variable, at + 1)) {
      if (at === 0 || environ[at - 1] === 0) return true;
    }
    return false;
  }
}

function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

function send(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ESRCH' && code !== 'EPERM') throw error;
  }
}
