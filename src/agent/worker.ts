// The built-in background agent (spec §8): a model/tool loop that runs in its own process inside a pty.
// A human may watch its screen (streamed text, one line per tool call, shortened results); agentmux
// gets structured reports (state, usage, activity, result) over the worker's private channel
// (core/report-channel.ts), never from the screen. Everything shown that comes from the model, a tool
// or a file is sanitized first, so none of it can act on the terminal.
// With a transcript path the conversation is also kept on disk as it grows (agent/transcript.ts), and a
// worker started with an earlier conversation carries it on, the task being its next user message.
import { WORKER_MARKER } from '../core/prompt-markers.js';
import type { CompactionMarks } from '../core/compaction-settings.js';
import { formatTokens, truncate } from '../core/format.js';
import type { WorkerReport } from '../core/report-channel.js';
import { contextTokens, type ModelPrice } from '../core/usage.js';
import { AutoCompaction, compactionBoundary } from '../llm/auto-compaction.js';
import { ModelError, type ContentBlock, type Message, type ModelClient, type ToolDefinition, type TurnEvent } from '../llm/types.js';
import { UsageTracker } from '../llm/usage-tracker.js';
import type { BudgetGate } from './budget-gate.js';
import { PermissionSession, type PermissionMode } from './permission.js';
import { sanitize } from './sanitize.js';
import { Screen } from './screen.js';
import { TranscriptWriter, withText, type LoadedTranscript } from './transcript.js';
import { definitionOf, toolNamed, WORKER_TOOLS, type Tool, type ToolResult } from './tools/index.js';

export interface WorkerOptions {
  /** The agent's name (spec §2). */
  name: string;
  task: string;
  /** Absolute path of the agent's directory (its worktree when it has one); every tool path stays inside. */
  cwd: string;
  model: string;
  permissionMode: PermissionMode;
  client: ModelClient;
  /** Model requests before giving up (default 50). */
  maxTurns?: number;
  /** The model's price; the bundled price table otherwise. */
  price?: ModelPrice;
  /** max_tokens of each request (default 8192). */
  maxTokens?: number;
  /** SGR colours on the screen (default true; false for NO_COLOR). */
  color?: boolean;
  /** The tools offered to the model (default all of WORKER_TOOLS); a call of any other is refused. */
  tools?: readonly Tool[];
  /** The agent profile it runs as: its role joins the instructions. */
  role?: WorkerRole;
  /** Environment for commands (default process.env; model credentials and the report channel are always removed). */
  env?: NodeJS.ProcessEnv;
  /**
   * Absolute path of the transcript, where each message and the usage totals are kept as they come
   * (agent/transcript.ts). A new conversation replaces any file there; a resumed one appends to it.
   */
  transcriptPath?: string;
  /**
   * The earlier conversation to carry on (loadTranscript of `transcriptPath`): `task` becomes its next
   * user message, and the usage meter continues from its totals.
   */
  resume?: LoadedTranscript;
  /** Strings never written to the transcript (the API key). */
  secrets?: readonly string[];
  /** Auto-compaction's marks; absent: the conversation is never compacted. */
  compaction?: CompactionMarks;
}

export interface WorkerRole {
  profile: string;
  /** The profile's body. */
  prompt: string;
}

export interface WorkerIO {
  /** Writes to the worker's terminal. */
  write(text: string): void;
  /** Sends a report to agentmux (over the worker's channel). */
  report(report: WorkerReport): void;
  /** The next key the user presses (only keys pressed after the call). */
  readKey(): Promise<string>;
  /** The terminal's width now. */
  columns(): number;
  /** Aborted on Ctrl+C. */
  signal?: AbortSignal;
  /** When it must stop before its next model request (its budget), and agentmux's word to go on. */
  budget?: BudgetGate;
}

export interface WorkerOutcome {
  outcome: 'finished' | 'failed';
  /** The final report (finished) or what went wrong (failed). */
  result: string;
}

/** In every worker's system prompt (tests and logs recognise a worker request by it). */
export { WORKER_MARKER } from '../core/prompt-markers.js';
export const DEFAULT_MAX_TURNS = 50;
export const DEFAULT_MAX_TOKENS = 8192;

export function workerSystemPrompt(cwd: string, role?: WorkerRole): string {
  const base = [
    `You are ${WORKER_MARKER}, a background coding agent started by agentmux. You work autonomously on one task in`,
    `your working directory, ${cwd}. Nobody answers questions during the task: make reasonable assumptions and carry on.`,
    '',
    'Use the tools to explore, change files and run commands. Every path is relative to the working directory and',
    'must stay inside it. Read a file before editing it. Some tool calls may need the user\'s approval; if one is',
    'denied, do without it or explain in your report what you could not do.',
    '',
    'When the task is done, end with a concise final report (your last message, with no tool calls): what you found',
    'or changed (files, commands and their results) and anything left open. agentmux passes this report on as the',
    'result of your work.',
  ].join('\n');
  if (!role?.prompt) return base;
  return `${base}\n\nYou work as the agent profile "${role.profile}". Its instructions:\n\n${role.prompt}`;
}

type Answer = 'yes' | 'no' | 'always' | 'interrupted';

/** One line of text: whitespace runs (newlines included) become single spaces. */
const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

function compactJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function textOf(content: ContentBlock[]): string {
  return content.map((block) => (block.type === 'text' ? block.text : '')).join('').trim();
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class Stop extends Error {
  constructor(readonly result: string) {
    super(result);
  }
}

/** Runs the agent loop to its end: `finished` with the final report, or `failed` with the reason. */
export async function runWorker(options: WorkerOptions, io: WorkerIO): Promise<WorkerOutcome> {
  return new Worker(options, io).run();
}

class Worker {
  private readonly screen: Screen;
  private readonly permissions: PermissionSession;
  private readonly tracker: UsageTracker;
  private readonly tools: readonly Tool[];
  private readonly controller = new AbortController();
  private messages: Message[] = [];
  private readonly compaction: AutoCompaction | undefined;
  /** A swap happened: the next request measures the context after it. */
  private swapped = false;
  private transcript: TranscriptWriter | undefined;
  /** The totals last written to the transcript. */
  private lastRecordedUsage = '';
  private lastMeter = '';
  private requestCount = 0;
  /** The last non-empty text the model wrote (the result if its final message has none). */
  private lastText = '';
  /** Tool results are on screen last: the next text starts after a blank line. */
  private afterTools = false;

  constructor(private readonly options: WorkerOptions, private readonly io: WorkerIO) {
    this.screen = new Screen(io, options.color ?? true);
    this.permissions = new PermissionSession(options.permissionMode);
    this.tracker = new UsageTracker({
      model: options.model,
      prices: options.price ? { [options.model]: options.price } : undefined,
      ...(options.resume?.usage ? { initial: options.resume.usage } : {}),
    });
    this.tools = options.tools ?? WORKER_TOOLS;
    if (options.compaction) {
      this.compaction = new AutoCompaction({
        marks: options.compaction, client: options.client, tracker: this.tracker,
        setting: () => this.setting(),
        requestId: () => `request-${++this.requestCount}`,
        usage: () => this.reportUsage(),
        stopped: (reason) => this.screen.line(`auto-compaction stopped: the summary failed 3 times in a row (last: ${oneLine(reason)}); the conversation is unchanged`, 'yellow'),
      });
    }
  }

  private get signal(): AbortSignal {
    return this.controller.signal;
  }

  async run(): Promise<WorkerOutcome> {
    const onAbort = (): void => this.controller.abort();
    if (this.io.signal?.aborted) this.controller.abort();
    this.io.signal?.addEventListener('abort', onAbort, { once: true });
    this.io.report({ type: 'state', state: 'running' });
    this.reportUsage();
    let outcome: WorkerOutcome;
    try {
      this.openTranscript();
      outcome = { outcome: 'finished', result: await this.loop() };
      this.screen.line('── finished ──', 'bold');
    } catch (error) {
      const result = error instanceof Stop ? error.result : this.failureOf(error);
      outcome = { outcome: 'failed', result };
      this.screen.line(`── failed: ${oneLine(result)}`, 'red');
    } finally {
      this.io.signal?.removeEventListener('abort', onAbort);
      this.compaction?.dispose();
    }
    this.reportUsage();
    this.io.report({ type: 'result', outcome: outcome.outcome, text: outcome.result });
    return outcome;
  }

  private failureOf(error: unknown): string {
    if (this.io.signal?.aborted || (error instanceof ModelError && error.kind === 'aborted')) return 'interrupted';
    if (error instanceof ModelError) return `model error (${error.kind}): ${error.message}`;
    return `error: ${errorMessage(error)}`;
  }

  private openTranscript(): void {
    const path = this.options.transcriptPath;
    if (path === undefined) return;
    const options = {
      secrets: this.options.secrets ?? [],
      onError: (message: string) => this.screen.line(`warning: ${message}`, 'yellow'),
    };
    this.transcript = this.options.resume ? TranscriptWriter.append(path, options) : TranscriptWriter.create(path, options);
    this.lastRecordedUsage = JSON.stringify(this.tracker.meter().total);
  }

  /** Adds `message` to the conversation, and to the transcript. */
  private commit(message: Message): void {
    this.messages.push(message);
    this.transcript?.message(message);
  }

  /** The conversation the loop starts from: the task alone, or the earlier one with the task as next user message. */
  private start(): void {
    const resume = this.options.resume;
    const task: Message = { role: 'user', content: this.options.task };
    if (!resume) {
      this.commit(task);
      return;
    }
    this.messages.push(...resume.messages);
    // Results made up for calls that never ran are not on disk yet.
    for (const message of resume.added) this.transcript?.message(message);
    const last = this.messages.at(-1);
    if (last?.role === 'user') {
      // Two user messages in a row become one, here as when the transcript is read back.
      this.messages[this.messages.length - 1] = withText(last, this.options.task);
      this.transcript?.message(task);
    } else {
      this.commit(task);
    }
  }

  /** The totals so far, in the transcript (when they changed since the last record). */
  private recordUsage(): void {
    if (!this.transcript) return;
    const meter = this.tracker.meter();
    const key = JSON.stringify(meter.total);
    if (key === this.lastRecordedUsage) return;
    this.lastRecordedUsage = key;
    this.transcript.usage(meter.total, meter.costUsd);
  }

  private checkInterrupted(): void {
    if (this.signal.aborted) throw new Stop('interrupted');
  }

  /** The model/tool loop; returns the final report. */
  private async loop(): Promise<string> {
    const maxTurns = this.options.maxTurns ?? DEFAULT_MAX_TURNS;
    this.start();
    for (let turn = 0; turn < maxTurns; turn += 1) {
      this.checkInterrupted();
      await this.pauseForBudget();
      this.swapIfDue();
      const done = await this.request();
      const text = textOf(done.content);
      if (text !== '') this.lastText = text;
      // The API refuses an empty assistant message in later requests: such a reply is not kept.
      if (done.content.length > 0) this.commit({ role: 'assistant', content: done.content });
      this.measured(contextTokens(done.usage));
      const toolUses = done.content.filter((block): block is Extract<ContentBlock, { type: 'tool_use' }> => block.type === 'tool_use');
      if (toolUses.length === 0) {
        this.screen.breakLine();
        if (done.stopReason === 'refusal') throw new Stop('the model declined the task (stop reason: refusal)');
        return text || this.lastText || '(the agent ended without a final report)';
      }
      // Over budget, the work this reply asks for waits too (stopped there, a continued worker tells the model its calls never ran).
      await this.pauseForBudget();
      const results: ContentBlock[] = [];
      try {
        for (const toolUse of toolUses) {
          const result = await this.runTool(toolUse);
          results.push(result.isError
            ? { type: 'tool_result', tool_use_id: toolUse.id, content: result.content, is_error: true }
            : { type: 'tool_result', tool_use_id: toolUse.id, content: result.content });
          this.checkInterrupted();
        }
      } catch (error) {
        // Stopped part way: the results so far are kept; a continued worker hears that the others never ran.
        if (results.length > 0) this.commit({ role: 'user', content: results });
        throw error;
      }
      this.commit({ role: 'user', content: results });
    }
    throw new Stop(`stopped after ${maxTurns} model requests without a final report`);
  }

  /** The prepared summary replaces the conversation once the context is past the swap mark: no model request. */
  private swapIfDue(): void {
    const swap = this.compaction?.swap(this.messages);
    if (!swap) return;
    this.messages = swap.messages;
    this.transcript?.compacted(swap.summary, swap.kept);
    this.screen.line(`── ${compactionBoundary(swap.before, swap.after, false)} ──`, 'bold');
    this.swapped = true;
  }

  private measured(tokens: number): void {
    if (this.swapped) this.screen.line(`   the context after compaction, measured: ${formatTokens(tokens)} tokens`, 'dim');
    this.swapped = false;
    this.compaction?.measured(this.messages, tokens, this.tracker.meter().contextWindow);
  }

  /** Every request's model, system prompt, tools and size limit. */
  private setting(): { model: string; system: string; tools: ToolDefinition[]; maxTokens: number } {
    return {
      model: this.options.model,
      system: workerSystemPrompt(this.options.cwd, this.options.role),
      tools: this.tools.map(definitionOf),
      maxTokens: this.options.maxTokens ?? DEFAULT_MAX_TOKENS,
    };
  }

  /** Streams one model request to its `done` event. Text is shown as it arrives; tools run later. */
  private async request(): Promise<Extract<TurnEvent, { type: 'done' }>> {
    this.requestCount += 1;
    const requestId = `request-${this.requestCount}`;
    const request = { ...this.setting(), messages: [...this.messages] };
    let done: Extract<TurnEvent, { type: 'done' }> | undefined;
    this.screen.breakLine();
    try {
      for await (const event of this.options.client.stream(request, this.signal)) {
        this.tracker.observe(requestId, event);
        switch (event.type) {
          case 'retry':
            // The attempt's text is on screen already, but void: the answer starts again.
            this.screen.line(`retrying (${event.attempt}/${event.maxAttempts}) after ${oneLine(event.reason)}`, 'yellow');
            this.reportUsage();
            break;
          case 'text':
            if (this.afterTools) this.screen.blankLine();
            this.afterTools = false;
            this.screen.stream(event.text);
            break;
          case 'tool_use':
            break; // run from the `done` event's content, once, after the whole answer arrived
          case 'usage':
            // A reply that is arriving is paid for: it is not cut off when the budget is reached.
            this.reportUsage();
            break;
          case 'done':
            done = event;
            this.reportUsage();
            break;
        }
      }
    } finally {
      this.tracker.end(requestId);
      this.recordUsage();
    }
    this.checkInterrupted();
    if (!done) throw new Error('the model stream ended without a final event');
    return done;
  }

  /**
   * Waits, in `waiting` with the reason as its question, while its budget (or the session's) is reached
   * or agentmux holds it paused; goes on when agentmux says so. Ctrl+C ends the wait (interrupted).
   */
  private async pauseForBudget(): Promise<void> {
    const gate = this.io.budget;
    let reason = gate?.pauseReason(this.tracker.meter());
    if (!gate || reason === undefined) return;
    this.reportUsage();
    let shown: string | undefined;
    while (reason !== undefined) {
      if (reason !== shown) {
        this.io.report({ type: 'state', state: 'waiting', question: sanitize(oneLine(reason)), pausedForBudget: true });
        this.screen.line(`paused: ${sanitize(oneLine(reason))}; it goes on once the budget is raised (/budget)`, 'question');
        shown = reason;
      }
      await gate.changed(this.signal);
      this.checkInterrupted();
      reason = gate.pauseReason(this.tracker.meter());
    }
    this.screen.line('→ going on', 'dim');
    this.io.report({ type: 'state', state: 'running' });
  }

  private reportUsage(): void {
    const meter = this.tracker.meter();
    const key = JSON.stringify(meter);
    if (key === this.lastMeter) return;
    this.lastMeter = key;
    this.io.report({ type: 'usage', meter });
  }

  /** Validates, asks if needed, runs and shows one tool call; failures come back as tool errors. */
  private async runTool(toolUse: { id: string; name: string; input: unknown }): Promise<ToolResult> {
    const tool = toolNamed(toolUse.name, this.tools);
    const validation = tool?.validate(toolUse.input);
    const summary = oneLine(tool && validation?.ok ? tool.summary(validation.value) : compactJson(toolUse.input));
    this.screen.toolLine(toolUse.name, summary);
    this.io.report({ type: 'activity', text: truncate(sanitize(oneLine(`${toolUse.name} ${summary}`)), 200) });
    let result: ToolResult;
    if (!tool) {
      result = { content: `unknown tool "${toolUse.name}"; the tools are: ${this.tools.map((known) => known.name).join(', ')}`, isError: true };
    } else if (!validation?.ok) {
      result = { content: `invalid input for ${tool.name}: ${validation?.ok === false ? validation.error : 'not validated'}`, isError: true };
    } else {
      result = await this.approveAndRun(tool, validation.value);
    }
    if (result.wrote !== undefined) this.io.report({ type: 'wrote', path: result.wrote });
    this.showResult(result);
    return result;
  }

  private async approveAndRun(tool: Tool, value: unknown): Promise<ToolResult> {
    const question = tool.approval(value, { permissions: this.permissions, cwd: this.options.cwd });
    if (question !== undefined) {
      const answer = await this.ask(question);
      if (answer === 'interrupted') return { content: 'interrupted by the user', isError: true };
      if (answer === 'no') return { content: 'the user denied this', isError: true };
      if (answer === 'always') tool.allowAlways(value, { permissions: this.permissions, cwd: this.options.cwd });
    }
    try {
      return await tool.run(value, { cwd: this.options.cwd, signal: this.signal, env: this.options.env });
    } catch (error) {
      return { content: `${tool.name} failed: ${errorMessage(error)}`, isError: true };
    }
  }

  /** Puts the agent in `waiting`, asks on screen with a bell, and waits for y / n / a. */
  private async ask(question: string): Promise<Answer> {
    const clean = sanitize(oneLine(question));
    this.io.report({ type: 'state', state: 'waiting', question: clean });
    try {
      for (;;) {
        this.screen.line(`${clean}  [y]es  [n]o  [a]lways`, 'question');
        this.screen.bell();
        const key = await this.nextKey();
        if (key === undefined) {
          this.screen.line('→ interrupted', 'red');
          return 'interrupted';
        }
        const answer = ({ y: 'yes', n: 'no', a: 'always' } as const)[key.charAt(0).toLowerCase() as 'y' | 'n' | 'a'];
        if (answer) {
          this.screen.line(`→ ${answer}`, answer === 'no' ? 'red' : 'dim');
          return answer;
        }
        this.screen.line('press y (yes), n (no) or a (always)', 'dim');
      }
    } finally {
      this.io.report({ type: 'state', state: 'running' });
    }
  }

  /** The next key, or undefined once Ctrl+C aborted the worker; a closed input counts as "no". */
  private nextKey(): Promise<string | undefined> {
    if (this.signal.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const onAbort = (): void => resolve(undefined);
      this.signal.addEventListener('abort', onAbort, { once: true });
      this.io.readKey().then(
        (key) => {
          this.signal.removeEventListener('abort', onAbort);
          resolve(key);
        },
        (error: unknown) => {
          this.signal.removeEventListener('abort', onAbort);
          this.screen.line(`no answer possible (${errorMessage(error)}): taken as no`, 'red');
          resolve('n');
        },
      );
    });
  }

  private showResult(result: ToolResult): void {
    this.screen.toolResult(result.content, result.isError === true);
    this.afterTools = true;
  }
}
