// Auto-compaction: the pause the user sees when the main conversation reaches the swap mark (80%),
// against a manual /compact of the same conversation. The main agent (the AgentServer from dist/) talks
// through the real SDK to the scripted Messages API server on loopback, which answers like a model:
// the first token after FIRST_TOKEN_MS, then one token every TOKEN_MS, and usage counted from the
// request's size (4 characters a token) on a model with a 200k context. The developer pastes a large
// log, then keeps asking short questions with a few pages of output each, until the context passes 80%.
// Auto: the summary was prepared in the background since 60% (the questions went on meanwhile), and is
// swapped in when the threshold turn ends. Manual: no auto-compaction; at the threshold the developer
// types /compact and waits for the summary. Either way the next question follows; the pause is from
// the end of the threshold turn's reply until the first words of the next answer show (the developer
// typing in no time).
import { performance } from 'node:perf_hooks';
import { AgentServer } from '../../dist/server/agent-server.js';
import { createModelClient } from '../../dist/llm/anthropic-client.js';
import { startScriptedServer } from '../../dist/llm/scripted-server.js';
import { EmulatorPool } from '../../dist/pty/emulator-pool.js';
import { createPtyRuntime } from '../../dist/pty/pty-runtime.js';
import { COMPACTION_REQUEST } from '../../dist/core/prompt-markers.js';
import { tempDir } from './lib/fixtures.mjs';
import { fmtMs, fmtRatio, sleep } from './lib/stats.mjs';

/** A model of Sonnet's price with a 200k context (in the price table's terms). */
const MODEL = 'bench-sonnet-200k';
const WINDOW = 200_000;
const PRICES = { [MODEL]: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, contextWindow: WINDOW } };
const API_KEY = 'sk-bench-compaction-0123456789';
const FIRST_TOKEN_MS = 500;
/** About 65 tokens a second, as a Sonnet model writes. */
const TOKEN_MS = 15;
const SUMMARY_TOKENS = 500;
const REPLY_TOKENS = 30;
const CHARS_PER_TOKEN = 4;
/** The log pasted first (57% of the context), then each question's output. */
const PASTED_LOG_CHARS = 114_000 * CHARS_PER_TOKEN;
const QUESTION_CHARS = 4_000 * CHARS_PER_TOKEN;
const MAX_TURNS = 40;

/** 0.06×, and a ratio too small for two decimals with one significant digit (0.003×). */
const ratio = (value) => (value < 0.01 ? `${value.toPrecision(1)}×` : fmtRatio(value));

const tokens = (count, word) => Array.from({ length: count }, (_, index) => `${word}${index % 10} `);
const logText = (chars, seed) => Array.from({ length: Math.ceil(chars / 64) }, (_, line) => `${seed} ${String(line).padStart(6, '0')} build step ok: compiled module in 12 ms ……`.slice(0, 63)).join('\n').slice(0, chars);

function isSummaryRequest(request) {
  const last = request.messages.at(-1);
  const blocks = typeof last?.content === 'string' ? [{ type: 'text', text: last.content }] : last?.content ?? [];
  return blocks.some((block) => block.type === 'text' && block.text.includes(COMPACTION_REQUEST));
}

async function startModel() {
  return startScriptedServer({
    apiKey: API_KEY,
    respond: async (request) => {
      await sleep(FIRST_TOKEN_MS);
      const input = Math.ceil(JSON.stringify({ system: request.system, tools: request.tools, messages: request.messages }).length / CHARS_PER_TOKEN);
      const summary = isSummaryRequest(request);
      const words = summary ? tokens(SUMMARY_TOKENS, 'summary') : tokens(REPLY_TOKENS, 'answer');
      return { text: words, delayMs: TOKEN_MS, usage: { input, output: words.length } };
    },
  });
}

/** A screen's view of the server: every event with the time it came. */
class Client {
  constructor(server) {
    this.events = [];
    this.connection = server.connect((event) => this.events.push({ at: performance.now(), event: structuredClone(event) }));
  }

  send(command) {
    this.connection.handle(command);
  }

  chatSince(index) {
    return this.events.slice(index).filter(({ event }) => event.type === 'chat');
  }

  session() {
    const last = this.events.findLast(({ event }) => event.type === 'session' || event.type === 'welcome');
    return last?.event.session;
  }

  async waitFor(what, probe, timeoutMs = 120_000) {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value) return value;
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}; the chat's last lines:\n${this.lastLines()}`);
      await sleep(5);
    }
  }

  lastLines() {
    const latest = new Map();
    for (const { event } of this.chatSince(0)) latest.set(event.entry.id, event.entry);
    return [...latest.values()].slice(-8).map((entry) => `  ${entry.role}: ${entry.text.slice(0, 160)}`).join('\n');
  }

  /** Says `text`; resolves with when its answer's first words showed and when the turn ended. */
  async say(text) {
    const from = this.events.length;
    this.send({ type: 'chat', text });
    const first = await this.waitFor('the first words of the answer', () => this.chatSince(from).find(({ event }) => event.entry.role === 'assistant' && event.entry.text !== ''));
    const closed = await this.waitFor('the answer to close', () => this.chatSince(from).find(({ event }) => event.entry.role === 'assistant' && !event.entry.open));
    await this.waitFor('the main agent to be idle', () => this.session()?.busy === false);
    return { firstWords: first.at, ended: closed.at };
  }
}

/** One conversation up to the swap mark, then the next question; `manual`: no auto-compaction, /compact at the mark. */
async function runOnce(model, pool, manual, log) {
  const home = tempDir('agentmux-bench-compaction-');
  const server = new AgentServer({
    runtime: createPtyRuntime(pool, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home }, scrollback: 100, killGraceMs: 500 }),
    model: { configured: true, model: MODEL },
    cwd: home,
    access: { client: createModelClient({ apiKey: API_KEY, baseURL: model.url }), model: MODEL, prices: PRICES, workerCredentials: { apiKey: API_KEY, baseURL: model.url } },
    ...(manual ? {} : { compaction: { prepareAt: 60, swapAt: 80 } }),
    stateDir: home,
  });
  const client = new Client(server);
  try {
    // Where the threshold turn's events start: an auto-compaction's swap comes at its end.
    let from = client.events.length;
    let turn = await client.say(`Here is the build log:\n${logText(PASTED_LOG_CHARS, 'log')}`);
    let turns = 1;
    while (client.session().mainUsage.contextTokens < 0.8 * WINDOW) {
      if (++turns > MAX_TURNS) throw new Error(`the context never passed 80% in ${MAX_TURNS} turns`);
      from = client.events.length;
      turn = await client.say(`Question ${turns}: what does this part mean?\n${logText(QUESTION_CHARS, `q${turns}`)}`);
    }
    const threshold = client.session().mainUsage.contextTokens;
    const compactedLine = () => client.chatSince(from).find(({ event }) => event.entry.role === 'notice' && event.entry.text.startsWith('compacted:') && !event.entry.open);
    if (manual) client.send({ type: 'compact' });
    const compacted = await client.waitFor('the compaction', compactedLine, 60_000);
    await client.waitFor('the main agent to be idle', () => client.session()?.busy === false);
    const next = await client.say('So what should I fix first?');
    const boundary = client.chatSince(from).findLast(({ event }) => event.entry.text.startsWith('compacted:')).event.entry.text;
    const pause = next.firstWords - turn.ended;
    const swap = compacted.at - turn.ended;
    log(`  ${manual ? 'manual /compact' : 'auto-compaction'}: ${turns} turns to ${Math.round((threshold / WINDOW) * 100)}% of ${WINDOW / 1000}k; `
      + `compaction done ${fmtMs(swap)} after the threshold turn, next answer's first words ${fmtMs(pause)} after it; "${boundary}"; `
      + `context at the next request ${Math.round(client.session().mainUsage.contextTokens / 1000)}k`);
    return { pause, swap };
  } finally {
    server.dispose();
  }
}

export default async function compaction({ log }) {
  const model = await startModel();
  const pool = new EmulatorPool();
  try {
    const auto = await runOnce(model, pool, false, log);
    const manual = await runOnce(model, pool, true, log);
    return [
      {
        benchmark: `pause at the 80% threshold until the next answer's first words (${SUMMARY_TOKENS}-token summary, ${TOKEN_MS} ms a token, ${FIRST_TOKEN_MS} ms to the first)`,
        agentmux: `auto ${fmtMs(auto.pause)}`, reference: `/compact ${fmtMs(manual.pause)}`, ratio: ratio(auto.pause / manual.pause), target: '—',
      },
      {
        benchmark: 'compaction on the critical path (threshold turn ends → compacted line)',
        agentmux: `auto ${fmtMs(auto.swap)}`, reference: `/compact ${fmtMs(manual.swap)}`, ratio: ratio(auto.swap / manual.swap), target: '—',
      },
    ];
  } finally {
    await pool.dispose();
    await model.close();
  }
}
