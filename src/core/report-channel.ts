// The private channel between a built-in worker and agentmux (spec §8). agentmux opens a Unix socket
// for one worker process and names it in the worker's environment (AGENTMUX_CHANNEL); the worker
// connects before it runs any tool, and the socket then stops listening, so no later process — a
// command the worker runs — can connect. Over that one connection agentmux hands the worker what it
// must not have in its environment (the model's key), and the worker sends its reports: state, usage,
// activity and result, one JSON message a line. Nothing printed on the worker's terminal is a report.
// agentmux in turn tells a worker its budget, to pause before its next model request, and to go on.
import { budgetValueError, type Budget } from './budget.js';
import { isObject } from './is-object.js';
import { modelPriceError, type ModelPrice, type UsageMeter } from './usage.js';

/** The environment variable naming the channel's socket. */
export const CHANNEL_ENV = 'AGENTMUX_CHANNEL';
export const CHANNEL_VERSION = 2;
/** Longest message either side accepts (a final report may be long). */
export const MAX_CHANNEL_MESSAGE_BYTES = 256 * 1024;

/** The worker's first message. */
export interface WorkerHello {
  type: 'hello';
  version: number;
}

/** What a worker needs to reach the model, sent in agentmux's answer to its hello. */
export interface WorkerCredentials {
  apiKey: string;
  baseURL: string;
  /** The model's price when configuration overrides the bundled table. */
  price?: ModelPrice;
}

/** `credentials` for a built-in worker; none for a run agentmux only renders (print-run). */
export type ChannelAnswer = { type: 'welcome'; credentials?: WorkerCredentials } | { type: 'refused'; message: string };

export type WorkerReport =
  /** `pausedForBudget`: it waits for agentmux to let it go on (its budget, or the session's, is reached). */
  | { type: 'state'; state: 'running' | 'waiting'; question?: string; pausedForBudget?: boolean }
  | { type: 'usage'; meter: UsageMeter }
  /** One line about what the worker is doing ("read_file src/auth.ts"). */
  | { type: 'activity'; text: string }
  /** It wrote this file (relative to its working directory). */
  | { type: 'wrote'; path: string }
  | { type: 'result'; outcome: 'finished' | 'failed'; text: string }
  /**
   * From the link to an agent on another host (`agentmux remote-link`): its connection went down (the
   * agent goes on there; its state is unknown meanwhile) or came back, output since the drop caught up.
   */
  | { type: 'link'; up: boolean };

/** What agentmux tells a worker after the welcome. */
export type WorkerCommand =
  /** The budget in force from now on (the user changed it). */
  | { type: 'budget'; budget: Budget }
  /** Stop before the next model request, with this question, until `goOn`. */
  | { type: 'pause'; question: string }
  | { type: 'goOn' };

const isString = (value: unknown): value is string => typeof value === 'string';
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

function isUsage(value: unknown): boolean {
  return isObject(value) && ['input', 'output', 'cacheRead', 'cacheWrite'].every((key) => isCount(value[key]));
}

function isMeter(value: unknown): value is UsageMeter {
  return isObject(value) && isString(value.model) && isUsage(value.total) && isCount(value.contextTokens)
    && (value.costUsd === undefined || isCount(value.costUsd))
    && (value.contextWindow === undefined || isCount(value.contextWindow));
}

export function isWorkerHello(value: unknown): value is WorkerHello {
  return isObject(value) && value.type === 'hello' && typeof value.version === 'number';
}

export function isWorkerReport(value: unknown): value is WorkerReport {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'state':
      return (value.state === 'running' || value.state === 'waiting') && (value.question === undefined || isString(value.question))
        && (value.pausedForBudget === undefined || value.pausedForBudget === true);
    case 'usage':
      return isMeter(value.meter);
    case 'activity':
      return isString(value.text);
    case 'wrote':
      return isString(value.path);
    case 'result':
      return (value.outcome === 'finished' || value.outcome === 'failed') && isString(value.text);
    case 'link':
      return typeof value.up === 'boolean';
    default:
      return false;
  }
}

/** agentmux's answer to a hello, or why it is not one. */
export function parseChannelAnswer(value: unknown): ChannelAnswer | { error: string } {
  if (isObject(value) && value.type === 'refused' && isString(value.message)) return { type: 'refused', message: value.message };
  if (!isObject(value) || value.type !== 'welcome') return { error: 'not an answer to the hello' };
  if (value.credentials === undefined) return { type: 'welcome' };
  if (!isObject(value.credentials)) return { error: 'the credentials are not an object' };
  const { apiKey, baseURL, price } = value.credentials;
  if (!isString(apiKey) || apiKey === '' || !isString(baseURL) || baseURL === '') return { error: 'the credentials lack a key or an endpoint' };
  if (price !== undefined) {
    const problem = modelPriceError(price);
    if (problem) return { error: `the model's price: ${problem.key ? `${problem.key}: ` : ''}${problem.message}` };
  }
  return { type: 'welcome', credentials: { apiKey, baseURL, ...(price !== undefined ? { price: price as ModelPrice } : {}) } };
}

/** A command from agentmux, or why it is not one. */
export function parseWorkerCommand(value: unknown): WorkerCommand | { error: string } {
  if (!isObject(value)) return { error: 'not an object' };
  switch (value.type) {
    case 'budget': {
      const { budget } = value;
      if (!isObject(budget) || Object.keys(budget).some((key) => key !== 'usd' && key !== 'tokens')) return { error: 'the budget is not {usd?, tokens?}' };
      for (const part of ['usd', 'tokens'] as const) {
        const problem = budget[part] === undefined ? undefined : budgetValueError(part, budget[part]);
        if (problem) return { error: `budget.${part}: ${problem}` };
      }
      return {
        type: 'budget',
        budget: { ...(budget.usd !== undefined ? { usd: budget.usd as number } : {}), ...(budget.tokens !== undefined ? { tokens: budget.tokens as number } : {}) },
      };
    }
    case 'pause':
      return isString(value.question) ? { type: 'pause', question: value.question } : { error: 'a pause without its question' };
    case 'goOn':
      return { type: 'goOn' };
    default:
      return { error: 'not a command agentmux gives' };
  }
}
