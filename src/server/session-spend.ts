// What the session has spent: the report of the main agent's, the prompt suggestions' and the agents' meters priced from the
// table (configuration over the bundled prices), and the session's cost over time, a point each time
// it changes. The series lives in memory: it starts when the server does, at what the records say
// the agents had spent before.
import type { AgentInfo } from '../core/agent.js';
import { MAIN_AGENT_NAME, SUGGESTIONS_NAME, spendReport, spendTotal, type SpendReport, type SpendSource } from '../core/spend.js';
import { SpendSeries } from '../core/spend-series.js';
import type { ModelPrice, UsageMeter } from '../core/usage.js';

export interface SpendSources {
  /** The main agent's meter; undefined without a model. */
  main(): UsageMeter | undefined;
  /** The prompt suggestions' meter; undefined when none were asked for. */
  suggestions(): UsageMeter | undefined;
  agents(): AgentInfo[];
  priceOf(model: string): ModelPrice | undefined;
  now(): number;
}

export class SessionSpend {
  private readonly series = new SpendSeries();
  /** Each agent's meter as last counted: most changes to an agent (its last line, its state) leave it as it was. */
  private readonly counted = new Map<string, UsageMeter | undefined>();

  constructor(private readonly from: SpendSources) {}

  /** An agent changed: counted again only when its meter did (meters are replaced, never changed in place). */
  agentChanged(info: AgentInfo): void {
    if (this.counted.has(info.name) && this.counted.get(info.name) === info.usage) return;
    this.counted.set(info.name, info.usage);
    this.changed();
  }

  /** A meter may have changed, or agents were removed. */
  changed(): void {
    this.series.record(this.from.now(), spendTotal(this.sources(), this.from.priceOf));
  }

  report(): SpendReport {
    return spendReport(this.sources(), this.from.priceOf, this.series.all, this.from.now());
  }

  private sources(): SpendSource[] {
    const main = this.from.main();
    const suggestions = this.from.suggestions();
    const agents = this.from.agents().flatMap((info): SpendSource[] => (info.usage ? [{ name: info.name, kind: info.kind, meter: info.usage }] : []));
    return [
      ...(main ? [{ name: MAIN_AGENT_NAME, kind: 'main' as const, meter: main }] : []),
      ...(suggestions ? [{ name: SUGGESTIONS_NAME, kind: 'suggestions' as const, meter: suggestions }] : []),
      ...agents,
    ];
  }
}
