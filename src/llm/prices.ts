// What each model costs and how much context it holds (prices.json), looked up by model id.
import type { ModelCatalog } from '../core/agent-profile.js';
import { DEFAULT_CONFIG } from '../core/config-schema.js';
import type { ModelPrice } from '../core/usage.js';
import prices from './prices.json' with { type: 'json' };

/** The model agentmux talks to unless the user picks another. */
export const DEFAULT_MODEL = DEFAULT_CONFIG.model;

/** Model id → price; the shape of prices.json's `models` and of price overrides from configuration. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/** The bundled table (USD per million tokens, context window in tokens). */
export const PRICES: PriceTable = prices.models;

/** Claude Code's model aliases (an agent profile's `model: sonnet`) → the model ids they stand for here. */
export const MODEL_ALIASES: Readonly<Record<string, string>> = prices.aliases;

/** `claude-sonnet-4-5-20250929` → `claude-sonnet-4-5` (also the `@20250929` form of some cloud providers). */
export function withoutDateSuffix(model: string): string {
  return model.replace(/[-@]\d{8}$/, '');
}

/**
 * The price of `model`: the exact id first, then the id without a date suffix; `overrides` (e.g. from
 * configuration) win over the bundled table at each step. undefined when the model is not on file.
 */
export function priceFor(model: string, overrides?: PriceTable): ModelPrice | undefined {
  for (const id of [model, withoutDateSuffix(model)]) {
    const price = (overrides && Object.hasOwn(overrides, id) ? overrides[id] : undefined)
      ?? (Object.hasOwn(PRICES, id) ? PRICES[id] : undefined);
    if (price) return price;
  }
  return undefined;
}

/** The models an agent profile may name: the aliases, and every id with a price on file (`overrides` from configuration too). */
export function modelCatalog(overrides?: PriceTable): ModelCatalog {
  return { aliases: MODEL_ALIASES, known: (id) => priceFor(id, overrides) !== undefined };
}
