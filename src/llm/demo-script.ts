// The offline DEMO model behind `agentmux --demo`: a scripted responder for the scripted server. It is
// plainly not Claude: it answers from fixed rules, derived only from the conversation it is sent.
//   main agent (system prompt contains `agentmux-main-agent`): sums up agent notifications, starts a
//     background agent (spawn_agent) when asked for background work, and otherwise explains itself;
//   worker (system prompt contains `agentmux-worker`): list_files → read_file → grep TODO → a report;
//   prompt suggestion (`agentmux-prompt-suggestion`): a next message that shows the demo's flow again.
import { COMPACTION_REQUEST, promptKind } from '../core/prompt-markers.js';
import type { MessagesRequestBody, ReplyPlan, Responder, ScriptedServer, StreamReply } from './scripted-server.js';
import { startScriptedServer } from './scripted-server.js';
import { plural } from '../core/format.js';

export { MAIN_AGENT_MARKER, WORKER_MARKER } from '../core/prompt-markers.js';

export interface DemoOptions {
  /** Pause between streamed chunks, so that streaming shows. Default 15 ms. */
  chunkDelayMs?: number;
}

const HOW_TO_TRY = 'try: run a security audit of the auth module in the background';

export function createDemoResponder(options: DemoOptions = {}): Responder {
  const chunkDelayMs = options.chunkDelayMs ?? 15;
  return (request) => {
    const kind = promptKind(systemText(request));
    const reply = kind === 'worker'
      ? workerTurn(request)
      : kind === 'main'
        ? mainTurn(request)
        : kind === 'suggestion'
          ? suggestionTurn(request)
          : { text: `This is the agentmux DEMO model; it only knows the agentmux main agent and worker prompts.` };
    return finish(request, reply, chunkDelayMs);
  };
}

/** The scripted server with the demo responder, for `--demo`. */
export function startDemoServer(options: DemoOptions = {}): Promise<ScriptedServer> {
  return startScriptedServer({ respond: createDemoResponder(options) });
}

interface Reply {
  text: string;
  toolUse?: { name: string; input: Record<string, unknown> };
}

// ---------------------------------------------------------------------------------------------------
// Main agent

function mainTurn(request: MessagesRequestBody): Reply {
  const last = request.messages.at(-1);
  if (!last || last.role !== 'user') return { text: 'DEMO: I have nothing to answer.' };
  const results = toolResults(last.content);
  if (results.length > 0) {
    const calls = toolUsesById(request);
    const lines = results.map((result) => {
      const call = calls.get(result.toolUseId);
      if (call?.name === 'spawn_agent') {
        if (result.isError) return `The background agent could not be started: ${firstLine(result.content)}`;
        const name = /\b(?:started|spawned)\s+([a-z0-9][a-z0-9-]*)/i.exec(result.content)?.[1];
        return `${name ? `Started ${name} in the background.` : firstSentence(result.content)} I'll tell you when it `
          + 'finishes; meanwhile you can keep chatting, or watch it in the agent list.';
      }
      return `${call?.name ?? 'The tool'} answered: ${firstLine(result.content)}`;
    });
    return { text: lines.join('\n') };
  }
  const said = textOf(last.content);
  if (said.includes(COMPACTION_REQUEST)) {
    const earlier = request.messages.length - 1;
    return { text: `DEMO summary (scripted, not Claude): the developer tried agentmux's demo over ${plural(earlier, 'message')}.` };
  }
  const notifications = parseNotifications(said);
  if (notifications.length > 0) {
    return { text: notifications.map(describeNotification).join('\n') };
  }
  if (/\b(background|audit|review|check|investigate|inspect|analy[sz]e|scan|look into|find)\b/i.test(said)) {
    const task = rephraseTask(said);
    return {
      text: `I'll hand that to a background agent so we can keep talking. (DEMO model: scripted, not Claude.)`,
      toolUse: { name: 'spawn_agent', input: { task } },
    };
  }
  return {
    text: 'Hello! This is the agentmux DEMO model: an offline script, not Claude, so it cannot really help '
      + 'with your code. It shows how agentmux works: ask for background work and it starts an agent, '
      + `which you can watch in the agent list and attach to; ${HOW_TO_TRY}.`,
  };
}

// ---------------------------------------------------------------------------------------------------
// Prompt suggestion: each one is background work, so that sending it shows an agent start again.

// Short enough to show whole beside the keys that take them on a 100-column screen.
export const DEMO_SUGGESTIONS = {
  afterStart: 'also review the tests in the background',
  afterResult: 'look into its TODOs in the background',
  otherwise: 'audit the auth module in the background',
} as const;

function suggestionTurn(request: MessagesRequestBody): Reply {
  const transcript = textOf(request.messages.at(-1)?.content ?? '');
  const lastReply = transcript.split('\n').filter((line) => line.startsWith('assistant: ')).at(-1) ?? '';
  if (/\bStarted [a-z0-9-]+ in the background\b/.test(lastReply)) return { text: DEMO_SUGGESTIONS.afterStart };
  if (/\bYour [a-z0-9-]+ (?:is complete|ended)\b/.test(lastReply)) return { text: DEMO_SUGGESTIONS.afterResult };
  return { text: DEMO_SUGGESTIONS.otherwise };
}

interface Notification {
  name: string;
  state?: string;
  body: string;
}

/** `<agent-notification name="x" state="finished">result…</agent-notification>` (attributes in any order). */
export function parseNotifications(text: string): Notification[] {
  const found: Notification[] = [];
  const pattern = /<agent-notification\b([^>]*)>([\s\S]*?)(?:<\/agent-notification>|$)/g;
  for (const match of text.matchAll(pattern)) {
    const attributes = match[1];
    const attribute = (key: string): string | undefined =>
      new RegExp(`\\b${key}\\s*=\\s*"([^"]*)"`).exec(attributes)?.[1]
      ?? new RegExp(`\\b${key}\\s*=\\s*'([^']*)'`).exec(attributes)?.[1];
    const body = match[2].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
    found.push({ name: attribute('name') ?? attribute('agent') ?? 'background agent', state: attribute('state'), body });
  }
  return found;
}

function describeNotification(notification: Notification): string {
  const summary = firstSentence(notification.body) || 'it left no result text';
  const state = notification.state;
  if (!state || state === 'finished' || state === 'done') return `Your ${notification.name} is complete: ${summary}`;
  return `Your ${notification.name} ended (${state}): ${summary}`;
}

/** "Please run a security audit of the auth module in the background." → "Run a security audit of the auth module" */
export function rephraseTask(request: string): string {
  let task = request.replace(/\s+/g, ' ').trim();
  task = task.replace(/^(?:(?:hey|hi|ok|okay|so),?\s+)?(?:please\s+|can you\s+|could you\s+|would you\s+|i want you to\s+|i'd like you to\s+)+/i, '');
  task = task.replace(/[\s,]*(?:please)?[.!?]*$/i, '');
  task = task.replace(/\s*,?\s*(?:(?:in|as) (?:the )?(?:a )?background(?: task| job)?|on the side)\b/gi, '');
  task = task.replace(/[\s,]*(?:please)?[.!?]*$/i, '').trim();
  if (!task) task = request.trim();
  return task.charAt(0).toUpperCase() + task.slice(1);
}

// ---------------------------------------------------------------------------------------------------
// Worker

function workerTurn(request: MessagesRequestBody): Reply {
  const calls = [...toolUsesById(request).values()];
  const results = new Map<string, { content: string; isError: boolean }>();
  for (const message of request.messages) {
    if (message.role !== 'user') continue;
    for (const result of toolResults(message.content)) results.set(result.toolUseId, result);
  }
  const resultOf = (name: string): { input: Record<string, unknown>; content: string; isError: boolean } | undefined => {
    const call = calls.filter((candidate) => candidate.name === name).at(-1);
    const result = call && results.get(call.id);
    return call && result ? { input: call.input, ...result } : undefined;
  };
  const listing = resultOf('list_files');
  const read = resultOf('read_file');
  const grep = resultOf('grep');
  const task = firstSentence(textOf(request.messages[0]?.content ?? '')) || 'the task';

  if (!calls.some((call) => call.name === 'list_files')) {
    return { text: `DEMO worker on: ${task}. First, a look at the files.`, toolUse: { name: 'list_files', input: {} } };
  }
  const files = listing && !listing.isError ? listedFiles(listing.content) : [];
  const readable = files.find((file) => !BINARY_EXTENSION.test(file));
  if (!calls.some((call) => call.name === 'read_file') && readable) {
    return { text: `Reading ${readable}.`, toolUse: { name: 'read_file', input: { path: readable } } };
  }
  if (!calls.some((call) => call.name === 'grep')) {
    return { text: 'Looking for TODO markers.', toolUse: { name: 'grep', input: { pattern: 'TODO' } } };
  }

  const bullets: string[] = [];
  bullets.push(listing?.isError
    ? `- Could not list the files: ${firstLine(listing.content)}`
    : `- Listed ${plural(files.length, 'file')} in the working directory${files.length ? ` (${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''})` : ''}.`);
  if (!read) {
    bullets.push('- There was no file to read.');
  } else if (read.isError) {
    bullets.push(`- Could not read ${String(read.input.path)}: ${firstLine(read.content)}`);
  } else {
    const lines = read.content.split('\n').filter((line) => line.trim() !== '');
    const opening = lines[0] ? `; it begins with: ${truncate(lines[0].trim(), 60)}` : '';
    bullets.push(`- Read ${String(read.input.path)} (${plural(lines.length, 'non-empty line')})${opening}`);
  }
  const hits = grep && !grep.isError ? grepHits(grep.content) : undefined;
  bullets.push(hits === undefined
    ? `- The TODO search failed${grep ? `: ${firstLine(grep.content)}` : ''}.`
    : `- Found ${hits === 0 ? 'no TODO markers' : plural(hits, 'TODO marker')}.`);
  const readPart = read && !read.isError ? `, read ${String(read.input.path)}` : '';
  const todoPart = hits === undefined ? '' : ` and found ${hits === 0 ? 'no TODO markers' : plural(hits, 'TODO marker')}`;
  const headline = `DEMO report: looked at ${plural(files.length, 'file')}${readPart}${todoPart}.`;
  return { text: `${headline} (Task: ${task})\n${bullets.join('\n')}` };
}

const BINARY_EXTENSION = /\.(png|jpe?g|gif|ico|webp|pdf|zip|gz|tgz|xz|woff2?|ttf|otf|eot|mp[34]|wasm|exe|dll|so|dylib|bin|class|jar)$/i;

/** Paths in a list_files result: one per line (a bullet or a trailing "(…)" note allowed); other lines skipped. */
export function listedFiles(content: string): string[] {
  return content
    .split('\n')
    .map((line) => line.trim().replace(/^[-*]\s+/, '').replace(/\s+\([^)]*\)$/, ''))
    .filter((line) => /^[^\s:()]+$/.test(line) && !line.endsWith('/'));
}

function grepHits(content: string): number {
  if (/^\s*$|no match/i.test(content)) return 0;
  return content.split('\n').filter((line) => line.trim() !== '' && /TODO/.test(line)).length;
}

// ---------------------------------------------------------------------------------------------------
// Conversation helpers

type RequestContent = MessagesRequestBody['messages'][number]['content'];

function systemText(request: MessagesRequestBody): string {
  const system = request.system;
  if (typeof system === 'string') return system;
  return (system ?? []).map((block) => block.text).join('\n');
}

function textOf(content: RequestContent): string {
  if (typeof content === 'string') return content;
  return content.flatMap((block) => (block.type === 'text' && typeof block.text === 'string' ? [block.text] : [])).join('\n');
}

function toolResults(content: RequestContent): Array<{ toolUseId: string; content: string; isError: boolean }> {
  if (typeof content === 'string') return [];
  return content.flatMap((block) => {
    if (block.type !== 'tool_result') return [];
    const inner = block.content;
    const text = typeof inner === 'string'
      ? inner
      : Array.isArray(inner)
        ? inner.map((part: { text?: unknown }) => (typeof part.text === 'string' ? part.text : '')).join('\n')
        : '';
    return [{ toolUseId: String(block.tool_use_id), content: text, isError: block.is_error === true }];
  });
}

function toolUsesById(request: MessagesRequestBody): Map<string, { id: string; name: string; input: Record<string, unknown> }> {
  const calls = new Map<string, { id: string; name: string; input: Record<string, unknown> }>();
  for (const message of request.messages) {
    if (message.role !== 'assistant' || typeof message.content === 'string') continue;
    for (const block of message.content) {
      if (block.type !== 'tool_use') continue;
      const input = typeof block.input === 'object' && block.input !== null ? (block.input as Record<string, unknown>) : {};
      calls.set(String(block.id), { id: String(block.id), name: String(block.name), input });
    }
  }
  return calls;
}

function firstLine(text: string): string {
  return truncate(text.split('\n').map((line) => line.trim()).find((line) => line !== '') ?? '', 160);
}

function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const end = /[.!?](?=\s|$)/.exec(flat);
  return truncate(end ? flat.slice(0, end.index + 1) : flat, 200);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

// ---------------------------------------------------------------------------------------------------
// Streaming and usage

/** Text in chunks of two words, so the stream shows. */
function chunk(text: string): string[] {
  const words = text.match(/\S+\s*|\s+/g) ?? [];
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += 2) chunks.push(words.slice(i, i + 2).join(''));
  return chunks;
}

/** Plausible token figures from the request's size: most of a later request is read from the cache. */
function demoUsage(request: MessagesRequestBody, reply: Reply): StreamReply['usage'] {
  const prompt = Math.ceil(
    (JSON.stringify(request.system ?? '').length + JSON.stringify(request.tools ?? []).length
      + JSON.stringify(request.messages).length) / 4,
  );
  const output = Math.ceil(reply.text.length / 4) + (reply.toolUse ? 20 + Math.ceil(JSON.stringify(reply.toolUse.input).length / 4) : 0);
  if (request.messages.length <= 1) {
    const cacheWrite = Math.floor(prompt * 0.9);
    return { input: Math.max(1, prompt - cacheWrite), output, cacheRead: 0, cacheWrite };
  }
  const cacheRead = Math.floor(prompt * 0.75);
  const cacheWrite = Math.floor(prompt * 0.2);
  return { input: Math.max(1, prompt - cacheRead - cacheWrite), output, cacheRead, cacheWrite };
}

function finish(request: MessagesRequestBody, reply: Reply, chunkDelayMs: number): ReplyPlan {
  const plan: StreamReply = { text: chunk(reply.text), usage: demoUsage(request, reply), delayMs: chunkDelayMs };
  if (reply.toolUse) plan.toolUses = [reply.toolUse];
  return plan;
}
