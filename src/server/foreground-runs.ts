// The main agent's `bash`: a command agent it waits on in the foreground, until the command
// ends, times out, the turn is interrupted, or the user sends it to the background (Ctrl+B)
// where it goes on like any other agent.
import type { AgentEntry, AgentTable } from './agent-table.js';
import type { ChatLog } from './chat-log.js';
import type { ForegroundOutcome } from './main-agent.js';

export class ForegroundRuns {
  private current: { entry: AgentEntry; moved(): void } | undefined;

  constructor(private readonly agents: AgentTable, private readonly chat: ChatLog, private readonly changed: () => void) {}

  /** The agent running in the foreground, if any. */
  get name(): string | undefined {
    return this.current?.entry.info.name;
  }

  run(command: string, cwd: string, timeoutMs: number, signal: AbortSignal): Promise<ForegroundOutcome | string> {
    const { agents } = this;
    const started = agents.start({ kind: 'command', task: command, cwd, program: { shell: command }, modelDriven: true });
    if (typeof started === 'string') return Promise.resolve(started);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.chat.add('notice', `${started.info.name} timed out after ${timeoutMs} ms; stopping it`);
        agents.kill(started.info.name);
      }, timeoutMs);
      const onAbort = () => agents.kill(started.info.name);
      signal.addEventListener('abort', onAbort, { once: true });
      const settle = (outcome: ForegroundOutcome) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.current = undefined;
        this.changed();
        resolve(outcome);
      };
      started.foreground = { resolve: (entry) => settle({ ended: { ...entry.info } }) };
      this.current = { entry: started, moved: () => settle({ movedTo: started.info.name }) };
      this.changed();
    });
  }

  /** Ctrl+B in the chat: the main agent stops waiting on its foreground run, which goes on in the background. */
  toBackground(): string | undefined {
    const run = this.current;
    if (!run) return 'nothing runs in the foreground';
    run.entry.foreground = undefined;
    run.moved();
    return undefined;
  }
}
