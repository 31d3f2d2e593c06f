// What each connected screen has in front: the agent it attached (its keys, pastes and view of
// the history go there) and the size of its agent pane, which the agents' ptys take.
import { isEnded } from '../core/agent.js';
import type { AgentTable, Watcher } from './agent-table.js';

export interface Client extends Watcher {
  attached?: string;
  /** The size of this client's agent pane. */
  size?: { cols: number; rows: number };
  /** The client's environment, which the agents it starts inherit. */
  env?: Record<string, string>;
}

export interface ClientScreensDeps {
  agents: AgentTable;
  /** The end of an agent's output log, to rebuild the screen of an agent of an earlier server. */
  logTail?(name: string): Buffer;
}

export class ClientScreens {
  /** Who set each agent's pty size last: the client that attached it last. */
  private readonly sizeOwners = new Map<string, Client>();

  constructor(private readonly deps: ClientScreensDeps) {}

  attach(client: Client, name: string): string | undefined {
    const { agents, logTail } = this.deps;
    const entry = agents.lookup(name);
    if (typeof entry === 'string') return entry;
    // An agent of an earlier server: its screen is rebuilt from its log the first time someone looks.
    if (!entry.handle && logTail) agents.replay(entry, logTail(name));
    this.detach(client);
    client.attached = name;
    this.sizeOwners.set(name, client);
    if (client.size && !isEnded(entry.info.state)) entry.handle?.resize(client.size.cols, client.size.rows);
    agents.watch(entry, client);
    client.send({ type: 'attached', name });
    return undefined;
  }

  detach(client: Client): void {
    const name = client.attached;
    if (!name) return;
    client.attached = undefined;
    this.deps.agents.unwatch(name, client);
    if (this.sizeOwners.get(name) === client) this.sizeOwners.delete(name);
    client.send({ type: 'detached', name });
  }

  keys(client: Client, data: string): void {
    const entry = this.inFront(client);
    if (!entry) return;
    entry.handle?.writeKeys(data);
    this.deps.agents.typed(entry, data);
  }

  /** A paste: its newlines do not submit it (a program in bracketed paste takes them as text). */
  paste(client: Client, text: string): void {
    const entry = this.inFront(client);
    if (!entry) return;
    entry.handle?.paste(text);
    this.deps.agents.typed(entry, { paste: true });
  }

  scroll(client: Client, lines: number | 'live'): string | undefined {
    const entry = this.inFront(client);
    if (!entry) return 'no agent is in front to scroll';
    if (lines !== 'live' && !Number.isInteger(lines)) return `invalid scroll ${String(lines)}`;
    this.deps.agents.scroll(entry, client, lines);
    return undefined;
  }

  /**
   * A client's pane size. The agents it attached last take it; so do agents nobody attached when
   * it is a change of size (the user resized the terminal), as with tmux's latest client. The
   * first size of a screen that just connected leaves them alone: reflowing every agent's history
   * for each screen that connects would make attaching slow. New agents start at the latest size.
   */
  resize(client: Client, cols: number, rows: number): string | undefined {
    if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 2 || rows < 2 || cols > 1000 || rows > 1000) return `invalid size ${cols}x${rows}`;
    const connecting = client.size === undefined;
    client.size = { cols, rows };
    const { agents } = this.deps;
    agents.setDefaultSize(cols, rows);
    for (const entry of agents.running()) {
      const owner = this.sizeOwners.get(entry.info.name);
      if (owner === client || (!owner && !connecting)) entry.handle?.resize(cols, rows);
    }
    return undefined;
  }

  private inFront(client: Client) {
    return client.attached ? this.deps.agents.get(client.attached) : undefined;
  }
}
