// Token usage and cost: the API's own figures, priced from a table.

export interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export const ZERO_USAGE: Readonly<Usage> = Object.freeze({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });

/** USD per million tokens, and the model's context window in tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  contextWindow: number;
}

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
  };
}

export function totalTokens(usage: Usage): number {
  return usage.input + usage.output + usage.cacheRead + usage.cacheWrite;
}

export function isZeroUsage(usage: Usage): boolean {
  return usage.input === 0 && usage.output === 0 && usage.cacheRead === 0 && usage.cacheWrite === 0;
}

export function costOf(usage: Usage, price: ModelPrice | undefined): number | undefined {
  if (!price) return undefined;
  return (usage.input * price.input + usage.output * price.output
    + usage.cacheRead * price.cacheRead + usage.cacheWrite * price.cacheWrite) / 1_000_000;
}

/** Tokens the last request put in the context window (all input kinds plus what it wrote). */
export function contextTokens(lastRequest: Usage): number {
  return lastRequest.input + lastRequest.cacheRead + lastRequest.cacheWrite + lastRequest.output;
}

/** The tokens of one model among an agent's requests. */
export interface ModelUsage {
  model: string;
  usage: Usage;
}

/** What an agent's meter shows. */
export interface UsageMeter {
  model: string;
  /** Totals over every request the agent made. */
  total: Usage;
  /** Set when not all its tokens are of `model` (Claude Code's side requests to a small model): each model's tokens, adding up to `total`. */
  byModel?: ModelUsage[];
  /** undefined when the model has no price on file. */
  costUsd?: number;
  /** Tokens in the context window at the last request, and the window's size if known. */
  contextTokens: number;
  contextWindow?: number;
}

const PRICE_FIELDS = ['input', 'output', 'cacheRead', 'cacheWrite', 'contextWindow'] as const;

/** Why `value` is not a ModelPrice (e.g. from configuration): the key at fault, if one, and what is wrong. */
export function modelPriceError(value: unknown): { key?: string; message: string } | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { message: `expected an object with ${PRICE_FIELDS.join(', ')}` };
  const fields = value as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => !(PRICE_FIELDS as readonly string[]).includes(key));
  if (unknown) return { key: unknown, message: `unknown key (known: ${PRICE_FIELDS.join(', ')})` };
  for (const key of PRICE_FIELDS) {
    const field = fields[key];
    if (typeof field !== 'number' || !Number.isFinite(field) || field < 0) {
      return { key, message: key === 'contextWindow' ? 'expected a number of tokens' : 'expected USD per million tokens, 0 or more' };
    }
  }
  return undefined;
}
