// `agentmux logs NAME [-f] [--raw]`: an agent's output log as written so far, then (following)
// what it prints until it ends. The log is read up to its size at the moment of asking while new
// output is held back, so nothing is missed or sent twice. Plain text comes from an emulator's
// cells (runtime.outputText), a line at a time as lines become final; `--raw` is the bytes as written.
import { StringDecoder } from 'node:string_decoder';
import type { Watcher } from './agent-table.js';
import type { AgentJournal } from './agent-journal.js';
import type { OutputTextHandle } from './runtime.js';

/** Where a follower's output goes: the client, as raw text or rendered. */
interface Sink {
  write(data: Buffer): void;
  /** Everything written has been sent. */
  end(): Promise<void>;
  dispose(): void;
}

interface Follow {
  client: Watcher;
  name: string;
  sink: Sink;
  /** Output that arrived while the log was being read; written after it. */
  held: Buffer[] | undefined;
  /** The agent ended while its log was being read. */
  ended: boolean;
}

export type TextRenderer = (follow: boolean, onText: (text: string) => void) => OutputTextHandle;

export class LogFollowers {
  private readonly follows = new Set<Follow>();

  constructor(private readonly journal: AgentJournal | undefined, private readonly render: TextRenderer) {}

  /** Sends the log to `client`; keeps sending new output when `follow`. Resolves with a refusal or nothing. */
  async start(client: Watcher, name: string, options: { follow: boolean; raw: boolean }): Promise<string | undefined> {
    if (!this.journal) return 'this server keeps no output logs';
    const size = this.journal.logSize(name);
    const send = (data: string) => client.send({ type: 'log', name, data });
    const entry: Follow = { client, name, sink: options.raw ? rawSink(send) : textSink(this.render(options.follow, send)), held: [], ended: false };
    if (options.follow) this.follows.add(entry);
    entry.sink.write(await this.journal.readLogRange(name, 0, size));
    for (const data of entry.held ?? []) entry.sink.write(data);
    entry.held = undefined;
    if (!options.follow || entry.ended) await this.end(entry);
    return undefined;
  }

  output(name: string, data: Buffer): void {
    for (const entry of this.follows) {
      if (entry.name !== name) continue;
      // `data` is only lent to us (the emulator takes its memory next): what is kept or handed on is a copy.
      if (entry.held) entry.held.push(Buffer.from(data));
      else entry.sink.write(Buffer.from(data));
    }
  }

  /** The agent ended: every follower gets the rest and the end. */
  ended(name: string): void {
    for (const entry of this.follows) {
      if (entry.name !== name) continue;
      if (entry.held) entry.ended = true;
      else void this.end(entry);
    }
  }

  forget(client: Watcher): void {
    for (const entry of this.follows) {
      if (entry.client !== client) continue;
      this.follows.delete(entry);
      entry.sink.dispose();
    }
  }

  private async end(entry: Follow): Promise<void> {
    this.follows.delete(entry);
    await entry.sink.end();
    entry.sink.dispose();
    entry.client.send({ type: 'logEnd', name: entry.name });
  }
}

function rawSink(send: (data: string) => void): Sink {
  const decoder = new StringDecoder('utf8');
  const sendText = (text: string) => {
    if (text) send(text);
  };
  return {
    write: (data) => sendText(decoder.write(data)),
    end: async () => sendText(decoder.end()),
    dispose: () => undefined,
  };
}

function textSink(text: OutputTextHandle): Sink {
  return {
    write: (data) => text.write(data),
    end: () => text.end(),
    dispose: () => text.dispose(),
  };
}
