// The meters of Claude Code agents, from their transcripts (store/claude-transcript.ts): tokens as
// the API reported them, priced from the table (configuration over the bundled prices). An agent
// that changed sessions (a /clear, a resume into another) adds its transcripts up.
import { addUsage, contextTokens, costOf, isZeroUsage, ZERO_USAGE, type Usage, type UsageMeter } from '../core/usage.js';
import { priceFor, type PriceTable } from '../llm/prices.js';
import { ClaudeTranscript } from '../store/claude-transcript.js';

export class CliMeters {
  private readonly transcripts = new Map<string, ClaudeTranscript[]>();

  constructor(private readonly prices?: PriceTable) {}

  /** Agent `name`'s meter with its transcript at `path` read up to now; undefined before its first model response. */
  meter(name: string, path: string): UsageMeter | undefined {
    const transcripts = this.transcripts.get(name) ?? [];
    let transcript = transcripts.find((candidate) => candidate.path === path);
    if (!transcript) {
      transcript = new ClaudeTranscript(path);
      transcripts.push(transcript);
      this.transcripts.set(name, transcripts);
    }
    transcript.read();
    const last = transcript.last ?? transcripts.map((other) => other.last).find((usage) => usage !== undefined);
    if (!last) return undefined;
    let total = { ...ZERO_USAGE };
    let cost: number | undefined = 0;
    const byModel = new Map<string, Usage>();
    for (const message of transcripts.flatMap((each) => [...each.messages.values()])) {
      // Claude Code also writes messages of its own making (model "<synthetic>", no price on file) that used no tokens.
      if (isZeroUsage(message.usage)) continue;
      total = addUsage(total, message.usage);
      byModel.set(message.model, addUsage(byModel.get(message.model) ?? ZERO_USAGE, message.usage));
      const price = costOf(message.usage, priceFor(message.model, this.prices));
      cost = cost === undefined || price === undefined ? undefined : cost + price;
    }
    const window = priceFor(last.model, this.prices)?.contextWindow;
    return {
      model: last.model, total, contextTokens: contextTokens(last.usage),
      ...([...byModel.keys()].some((model) => model !== last.model) ? { byModel: [...byModel].map(([model, usage]) => ({ model, usage })) } : {}),
      ...(cost !== undefined ? { costUsd: cost } : {}), ...(window !== undefined ? { contextWindow: window } : {}),
    };
  }

  forget(name: string): void {
    this.transcripts.delete(name);
  }
}
