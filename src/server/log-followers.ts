// `agentmux logs NAME [-f]`: an agent's output log as written so far, then (following) what
// it prints until it ends. The log is read up to its size at the moment of asking while new
// output is held back, so nothing is missed or sent twice.
import { StringDecoder } from 'node:string_decoder';
import type { Watcher } from './agent-table.js';
import type { AgentJournal } from './agent-journal.js';

interface Follow {
  client: Watcher;
  name: string;
  decoder: StringDecoder;
  /** Output that arrived while the log was being read; sent after it. */
  held: Buffer[] | undefined;
  /** The agent ended while its log was being read. */
  ended: boolean;
}

export class LogFollowers {
  private readonly follows = new Set<Follow>();

  constructor(private readonly journal: AgentJournal | undefined) {}

  /** Sends the log to `client`; keeps sending new output when `follow`. Resolves with a refusal or nothing. */
  async start(client: Watcher, name: string, follow: boolean): Promise<string | undefined> {
    if (!this.journal) return 'this server keeps no output logs';
    const size = this.journal.logSize(name);
    const entry: Follow = { client, name, decoder: new StringDecoder('utf8'), held: [], ended: false };
    if (follow) this.follows.add(entry);
    const earlier = await this.journal.readLogRange(name, 0, size);
    if (earlier.length > 0) client.send({ type: 'log', name, data: entry.decoder.write(earlier) });
    for (const data of entry.held ?? []) this.send(entry, data);
    entry.held = undefined;
    if (!follow || entry.ended) {
      this.follows.delete(entry);
      this.end(entry);
    }
    return undefined;
  }

  output(name: string, data: Buffer): void {
    for (const entry of this.follows) {
      if (entry.name !== name) continue;
      // `data` is only lent to us (the emulator takes its memory next): what waits is a copy.
      if (entry.held) entry.held.push(Buffer.from(data));
      else this.send(entry, data);
    }
  }

  /** The agent ended: every follower gets the rest and the end. */
  ended(name: string): void {
    for (const entry of this.follows) {
      if (entry.name !== name) continue;
      if (entry.held) {
        entry.ended = true;
        continue;
      }
      this.follows.delete(entry);
      this.end(entry);
    }
  }

  forget(client: Watcher): void {
    for (const entry of this.follows) if (entry.client === client) this.follows.delete(entry);
  }

  private send(entry: Follow, data: Buffer): void {
    const text = entry.decoder.write(data);
    if (text) entry.client.send({ type: 'log', name: entry.name, data: text });
  }

  private end(entry: Follow): void {
    const rest = entry.decoder.end();
    if (rest) entry.client.send({ type: 'log', name: entry.name, data: rest });
    entry.client.send({ type: 'logEnd', name: entry.name });
  }
}
