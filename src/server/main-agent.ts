// The main agent: the foreground conversation with Claude. User messages and background
// agents' outcomes come in; each turn streams a reply and runs tool calls until done.
import type { AgentInfo } from '../core/agent.js';
import type { AgentProfile } from '../core/agent-profile.js';
import { MAIN_AGENT_MARKER } from '../core/prompt-markers.js';
import type { CompactionMarks } from '../core/compaction-settings.js';
import type { ChatEntry } from '../core/protocol.js';
import { contextTokens, type UsageMeter } from '../core/usage.js';
import { AutoCompaction, compactionBoundary } from '../llm/auto-compaction.js';
import { summaryMessage, withUserText } from '../llm/compacted-conversation.js';
import { requestSummary } from '../llm/summary-request.js';
import { ModelError, type ContentBlock, type Message, type ModelClient } from '../llm/types.js';
import { UsageTracker } from '../llm/usage-tracker.js';
import type { ChatLog } from './chat-log.js';
import { compactionPrompt } from './compaction.js';
import { describeAgents, describeResult, MAIN_TOOLS, validateMainTool, type MainToolInput } from './main-tools.js';
import { notificationText, NotificationQueue, type AgentNotification } from './notifications.js';

const MAX_STEPS = 40;
const MAX_TOKENS = 8192;
const STREAM_UPDATE_MS = 40;
const TOOL_OUTPUT_LINES = 200;
/** How full the model's context must be before the chat suggests /compact (once per conversation). */
const CONTEXT_HINT_FILL = 0.8;

/** What a foreground run (the main agent's bash) came to. */
export type ForegroundOutcome = { ended: AgentInfo } | { movedTo: string };

export interface MainAgentHost {
  agents(): AgentInfo[];
  spawnWorker(task: string, options: SpawnHow): Promise<AgentInfo | string>;
  /** The agent profiles workers can be started as (read at the start of each turn). */
  profiles(): Promise<AgentProfile[]>;
  /** The agent profiles workers can be started as (read at the start of each turn). */
  profiles(): Promise<AgentProfile[]>;
  /** Starts agent CLI `cli` on `task`. */
  spawnCli(cli: string, task: string, options: SpawnHow): Promise<AgentInfo | string>;
  /** Starts a command agent the main agent waits on; resolves when it ends or is sent to the background. */
  runForeground(command: string, timeoutMs: number, signal: AbortSignal): Promise<ForegroundOutcome | string>;
  outputOf(name: string, maxLines: number): Promise<string>;
  /** Whether the user allows this action; asked in the chat. */
  approve(question: string, signal: AbortSignal): Promise<boolean>;
  sessionChanged(): void;
}

export interface SpawnHow {
  name?: string;
  worktree?: boolean;
  after?: string;
  /** A worker's agent profile. */
  agent?: string;
  budgetUsd?: number;
  budgetTokens?: number;
  /** The host (config `hosts`) it runs on. */
  host?: string;
}

export interface MainAgentOptions {
  client: ModelClient;
  model: string;
  cwd: string;
  chat: ChatLog;
  host: MainAgentHost;
  tracker: UsageTracker;
  /** The conversation so far (a resumed session). */
  history?: Message[];
  /** The agent profile it runs as: its body joins the instructions. */
  role?: { profile: string; prompt: string };
  /** The names of the hosts (config `hosts`) agents can run on. */
  hosts?: readonly string[];
  /** Each message as it joins the conversation (the session's transcript). */
  record?(message: Message): void;
  /** These agents' outcomes have just been handed to the model. */
  delivered?(names: string[]): void;
  /** The conversation was replaced by this summary of it, then its last `kept` messages (0 after /compact). */
  compacted?(summary: string, kept: number): void;
  /** Auto-compaction's marks; absent: the conversation is compacted only by /compact. */
  compaction?: CompactionMarks;
  /** Prompt suggestions: asked for after a turn that went well (not the first), cancelled by whatever comes next. */
  suggester?: Suggester;
  /** Why it may take no turn now (the session's budget is reached); what waits is taken once it may. */
  turnRefusal?(): string | undefined;
}

export interface Suggester {
  start(conversation: readonly Message[]): void;
  cancel(): void;
}

type Step = 'continue' | 'done';

export const BUSY = 'the main agent is busy: wait for its turn to end, or press Ctrl+C';

export class MainAgent {
  private messages: Message[];
  private readonly notifications = new NotificationQueue();
  private readonly queuedTexts: string[] = [];
  private busy = false;
  private contextHinted = false;
  private abort: AbortController | undefined;
  private requestCount = 0;
  /** The instructions of this turn's requests, with the profiles as they were when it started. */
  private system = '';
  private readonly compaction: AutoCompaction | undefined;
  /** The boundary line of the last swap, until the next request measures the context after it. */
  private boundary: { entry: ChatEntry; before: number } | undefined;

  constructor(private readonly options: MainAgentOptions) {
    this.messages = [...(options.history ?? [])];
    if (options.compaction) {
      const { client, model, tracker, chat, host } = options;
      this.compaction = new AutoCompaction({
        marks: options.compaction, client, tracker,
        setting: () => ({ model, system: this.system, tools: MAIN_TOOLS, maxTokens: MAX_TOKENS }),
        requestId: () => `main-${++this.requestCount}`,
        usage: () => host.sessionChanged(),
        ready: () => {
          if (!this.busy) this.swapIfDue();
        },
        stopped: (reason) => chat.add('error', `auto-compaction stopped: the summary failed 3 times in a row (last: ${reason}); the conversation is unchanged, and /compact makes room`),
      });
    }
  }

  /** Continues another conversation from here on (a resumed or forked session). False while a turn runs. */
  replaceConversation(messages: Message[]): boolean {
    if (this.busy) return false;
    this.options.suggester?.cancel();
    this.messages = [...messages];
    this.contextHinted = false;
    this.compaction?.reset();
    this.boundary = undefined;
    return true;
  }

  private commit(message: Message): void {
    this.messages.push(message);
    this.options.record?.(message);
  }

  get isBusy(): boolean {
    return this.busy;
  }

  get usage(): UsageMeter {
    return this.options.tracker.meter();
  }

  userMessage(text: string): void {
    this.queuedTexts.push(text);
    void this.run();
  }

  /**
   * A background agent ended: an idle main agent takes a turn at once, a busy one after its turn.
   * Without `wake`, it is told at its next turn, whenever that comes.
   */
  notify(notification: AgentNotification, { wake }: { wake: boolean }): void {
    this.notifications.push(notification, wake);
    if (wake) void this.run();
  }

  /**
   * /compact: the model summarizes the conversation, and the summary replaces it for the model.
   * Returns why it cannot start; how it went shows in the chat. Ctrl+C stops it, changing nothing.
   */
  compact(instructions: string | undefined): string | undefined {
    if (this.busy) return BUSY;
    if (!this.messages.some((message) => message.role === 'assistant')) return 'nothing to compact yet: the conversation has no replies';
    void this.runCompaction(instructions);
    return undefined;
  }

  /** It may take turns again (the session's budget was raised): what waits for one is taken now. */
  mayGoOn(): void {
    if (this.queuedTexts.length > 0 || this.notifications.wakes) void this.run();
  }

  /** Ctrl+C: stop the current turn. Returns false when there is none. */
  interrupt(): boolean {
    if (!this.abort) return false;
    this.abort.abort();
    return true;
  }

  /** Stops the current turn and a summary in the making. */
  dispose(): void {
    this.interrupt();
    this.compaction?.dispose();
  }

  private async run(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.options.suggester?.cancel();
    this.options.host.sessionChanged();
    try {
      let suggest = false;
      while ((this.queuedTexts.length > 0 || this.notifications.wakes) && this.options.turnRefusal?.() === undefined) {
        const first = !this.messages.some((message) => message.role === 'assistant');
        const notifications = this.notifications.take();
        this.addUserContent([...notifications.map((notification) => notificationText(notification)), ...this.queuedTexts.splice(0)]);
        if (notifications.length > 0) this.options.delivered?.(notifications.map((notification) => notification.name));
        this.abort = new AbortController();
        await this.readInstructions();
        suggest = (await this.turn(this.abort.signal)) && !first;
      }
      if (suggest) this.options.suggester?.start(this.messages);
      this.swapIfDue();
      this.hintContext();
    } finally {
      this.abort = undefined;
      this.busy = false;
      this.options.host.sessionChanged();
    }
  }

  private async runCompaction(instructions: string | undefined): Promise<void> {
    const { chat, host } = this.options;
    this.busy = true;
    this.options.suggester?.cancel();
    host.sessionChanged();
    const line = chat.add('notice', 'compacting the conversation…', { open: true });
    this.abort = new AbortController();
    try {
      await this.readInstructions();
      const summary = await this.summarize(instructions, this.abort.signal);
      const count = this.messages.length;
      this.messages = [summaryMessage(summary)];
      this.contextHinted = false;
      this.compaction?.reset();
      this.boundary = undefined;
      this.options.compacted?.(summary, 0);
      chat.update(line, `compacted: ${count} messages became a summary of ${summary.split(/\s+/).length} words, which the model sees from now on; the chat above stays`);
    } catch (error) {
      const aborted = error instanceof ModelError && error.kind === 'aborted';
      chat.update(line, `compacting ${aborted ? 'interrupted' : 'failed'}: the conversation is unchanged`);
      if (!aborted) chat.add('error', error instanceof Error ? error.message : String(error));
    } finally {
      this.abort = undefined;
      this.busy = false;
      host.sessionChanged();
      if (this.queuedTexts.length > 0 || this.notifications.wakes) void this.run();
    }
  }

  /** The system prompt for the requests to come: the profiles on disk now, and this agent's own role. */
  private async readInstructions(): Promise<void> {
    const profiles = await this.options.host.profiles().catch((error: Error) => {
      this.options.chat.add('error', `the agent profiles cannot be read: ${error.message}`);
      return [];
    });
    this.system = systemPrompt(this.options.cwd, profiles, this.options.role, this.options.hosts ?? []);
  }

  /** The prepared summary replaces the conversation when the context is past the swap mark: no model request. */
  private swapIfDue(): void {
    const swap = this.compaction?.swap(this.messages);
    if (!swap) return;
    this.messages = swap.messages;
    this.contextHinted = false;
    this.options.compacted?.(swap.summary, swap.kept);
    const entry = this.options.chat.add('notice', `${compactionBoundary(swap.before, swap.after, false)}; the chat above stays`);
    this.boundary = { entry, before: swap.before };
    this.options.host.sessionChanged();
  }

  /** The first request after a swap measured the context: the boundary line says what it is. */
  private measuredAfterSwap(tokens: number): void {
    if (!this.boundary) return;
    this.options.chat.update(this.boundary.entry, `${compactionBoundary(this.boundary.before, tokens, true)}; the chat above stays`);
    this.boundary = undefined;
  }

  /** Once the conversation fills most of the model's context, the chat says how to make room (auto-compaction aside). */
  private hintContext(): void {
    const { contextTokens, contextWindow } = this.usage;
    if (this.compaction?.active) return;
    if (this.contextHinted || !contextWindow || contextTokens < contextWindow * CONTEXT_HINT_FILL) return;
    this.contextHinted = true;
    this.options.chat.add('notice', `the conversation fills ${Math.round((contextTokens / contextWindow) * 100)}% of the model's context: /compact makes room`);
  }

  /** Asks the model for a summary of the conversation; its text only (a tool call it makes is not run). */
  private async summarize(instructions: string | undefined, signal: AbortSignal): Promise<string> {
    const { client, model, tracker, host } = this.options;
    const requestId = `main-${++this.requestCount}`;
    const messages = withUserText(this.messages, compactionPrompt(instructions));
    try {
      return await requestSummary(client, { model, system: this.system, messages, tools: MAIN_TOOLS, maxTokens: MAX_TOKENS }, signal, (event) => {
        tracker.observe(requestId, event);
        if (event.type === 'usage') host.sessionChanged();
      });
    } finally {
      tracker.end(requestId);
    }
  }

  /**
   * Adds to the conversation; merged into the last message when that is the user's (after a failed turn).
   * The transcript gets the new blocks as a message of their own: reading it back merges them the same way.
   */
  private addUserContent(texts: string[]): void {
    const blocks: ContentBlock[] = texts.map((text) => ({ type: 'text', text }));
    const last = this.messages[this.messages.length - 1];
    if (last?.role === 'user') {
      const earlier: ContentBlock[] = typeof last.content === 'string' ? [{ type: 'text', text: last.content }] : last.content;
      last.content = [...earlier, ...blocks];
      this.options.record?.({ role: 'user', content: blocks });
    } else {
      this.commit({ role: 'user', content: blocks });
    }
  }

  /** One turn, to its end; whether it ended well (not failed, cut short or interrupted). */
  private async turn(signal: AbortSignal): Promise<boolean> {
    const { chat } = this.options;
    try {
      for (let step = 0; step < MAX_STEPS; step++) {
        this.swapIfDue();
        if ((await this.step(signal)) === 'done') return true;
      }
      chat.add('error', `The main agent stopped after ${MAX_STEPS} steps in one turn; say how to go on.`);
    } catch (error) {
      if (error instanceof ModelError && error.kind === 'aborted') chat.add('notice', 'interrupted');
      else chat.add('error', error instanceof Error ? error.message : String(error));
    }
    return false;
  }

  /** One model request and the tool calls it asks for. */
  private async step(signal: AbortSignal): Promise<Step> {
    const { chat, client, model, tracker } = this.options;
    const requestId = `main-${++this.requestCount}`;
    let entry: ChatEntry | undefined;
    let text = '';
    let lastUpdate = 0;
    // Updates are throttled; the trailing one shows the last words when the stream pauses.
    let trailingUpdate: NodeJS.Timeout | undefined;
    const showText = (): void => {
      clearTimeout(trailingUpdate);
      trailingUpdate = undefined;
      if (entry) chat.update(entry, text, true);
      lastUpdate = Date.now();
    };
    let content: ContentBlock[] | undefined;
    let measured: number | undefined;
    try {
      const stream = client.stream({ model, system: this.system, messages: this.messages, tools: MAIN_TOOLS, maxTokens: MAX_TOKENS }, signal);
      for await (const event of stream) {
        tracker.observe(requestId, event);
        switch (event.type) {
          case 'retry':
            text = '';
            showText();
            chat.add('notice', `retrying (${event.attempt}/${event.maxAttempts}) after ${event.reason}`);
            break;
          case 'text':
            text += event.text;
            entry ??= chat.add('assistant', '', { open: true });
            if (Date.now() - lastUpdate >= STREAM_UPDATE_MS) showText();
            else trailingUpdate ??= setTimeout(showText, STREAM_UPDATE_MS - (Date.now() - lastUpdate));
            break;
          case 'usage':
            this.options.host.sessionChanged();
            break;
          case 'done':
            content = event.content;
            measured = contextTokens(event.usage);
            break;
          case 'tool_use':
            break;
        }
      }
    } catch (error) {
      // What the user saw of an interrupted reply stays in the conversation, marked as cut.
      if (signal.aborted && text.trim()) {
        this.commit({ role: 'assistant', content: [{ type: 'text', text: `${text.trim()}\n\n[interrupted by the user]` }] });
      }
      throw error;
    } finally {
      clearTimeout(trailingUpdate);
      tracker.end(requestId);
      if (entry) chat.update(entry, text.trim());
      this.options.host.sessionChanged();
    }
    if (!content || measured === undefined) throw new ModelError('the model ended its reply without finishing it', 'request');
    this.commit({ role: 'assistant', content });
    this.measuredAfterSwap(measured);
    this.compaction?.measured(this.messages, measured, this.usage.contextWindow);
    const toolUses = content.filter((block): block is Extract<ContentBlock, { type: 'tool_use' }> => block.type === 'tool_use');
    if (toolUses.length === 0) return 'done';
    const results: ContentBlock[] = [];
    for (const use of toolUses) {
      // Every tool_use gets its result, even after an interrupt, so the conversation stays well-formed.
      const result = signal.aborted
        ? { content: 'not run: the user interrupted the turn', isError: true }
        : await this.runTool(use.name, use.input, signal);
      results.push({ type: 'tool_result', tool_use_id: use.id, content: result.content, ...(result.isError ? { is_error: true } : {}) });
    }
    this.commit({ role: 'user', content: results });
    if (signal.aborted) throw new ModelError('interrupted', 'aborted');
    return 'continue';
  }

  private async runTool(name: string, input: unknown, signal: AbortSignal): Promise<{ content: string; isError?: boolean }> {
    const { chat } = this.options;
    const valid = validateMainTool(name, input);
    if ('error' in valid) {
      chat.add('tool', `${name} ✖ ${valid.error}`);
      return { content: valid.error, isError: true };
    }
    const line = chat.add('tool', toolLine(valid), { open: true });
    const result = await this.execute(valid, signal);
    chat.update(line, `${toolLine(valid)}${result.summary ? ` → ${result.summary}` : ''}`);
    return result;
  }

  private async execute(input: MainToolInput, signal: AbortSignal): Promise<{ content: string; isError?: boolean; summary?: string }> {
    const { host } = this.options;
    switch (input.tool) {
      case 'spawn_agent': {
        const how = {
          name: input.name, worktree: input.worktree, after: input.after, budgetUsd: input.budgetUsd, budgetTokens: input.budgetTokens,
          ...(input.agent !== undefined ? { agent: input.agent } : {}), ...(input.host !== undefined ? { host: input.host } : {}),
        };
        const started = await (input.cli === undefined ? host.spawnWorker(input.task, how) : host.spawnCli(input.cli, input.task, how));
        if (typeof started === 'string') return { content: started, isError: true, summary: started };
        const when = started.state === 'queued' ? `It starts when ${input.after} has finished and then runs in the background.` : 'It runs in the background.';
        return {
          content: `Started ${started.name}. ${when} You will be notified with its result when it ends; do not wait or poll for it.`,
          summary: `${started.state === 'queued' ? 'queued' : 'started'} ${started.name}`,
        };
      }
      case 'list_agents':
        return { content: describeAgents(host.agents()) };
      case 'agent_result': {
        const agent = host.agents().find((candidate) => candidate.name === input.name);
        if (!agent) return { content: `no agent named ${input.name}`, isError: true };
        return { content: describeResult(agent, await host.outputOf(agent.name, TOOL_OUTPUT_LINES)) };
      }
      case 'bash': {
        if (!(await host.approve(`Allow bash: ${input.command}`, signal))) {
          return { content: 'the user denied this command', isError: true, summary: 'denied' };
        }
        const outcome = await host.runForeground(input.command, input.timeoutMs, signal);
        if (typeof outcome === 'string') return { content: outcome, isError: true, summary: outcome };
        if ('movedTo' in outcome) {
          return {
            content: `moved to background as ${outcome.movedTo}: it keeps running, and you will be notified when it ends.`,
            summary: `moved to background as ${outcome.movedTo}`,
          };
        }
        const agent = outcome.ended;
        const output = await host.outputOf(agent.name, TOOL_OUTPUT_LINES);
        const status = agent.exitCode !== undefined ? `exit code ${agent.exitCode}` : agent.signal ?? agent.state;
        return { content: `${status}\n${output}`, isError: agent.state !== 'finished', summary: status };
      }
    }
  }
}

function toolLine(input: MainToolInput): string {
  switch (input.tool) {
    case 'spawn_agent': return `spawn_agent ${input.name ?? ''} ${JSON.stringify(input.task)}`.replace('  ', ' ');
    case 'list_agents': return 'list_agents';
    case 'agent_result': return `agent_result ${input.name}`;
    case 'bash': return `bash ${input.command}`;
  }
}

function systemPrompt(cwd: string, profiles: readonly AgentProfile[], role: MainAgentOptions['role'], hosts: readonly string[]): string {
  const lines = [
    `You are the main agent of agentmux (${MAIN_AGENT_MARKER}), a terminal multiplexer for AI coding agents.`,
    `You talk with a developer in the foreground. The working directory is ${cwd}.`,
    'Hand long, separable work (audits, reviews, investigations, refactors of a module, test runs) to background agents with spawn_agent, '
      + 'so the developer can keep working with you. Give each a complete task and a descriptive lowercase name.',
    'When a background agent ends, its outcome arrives as an <agent-notification> in a user message. Tell the developer what it found or did, '
      + 'briefly and concretely (e.g. "Your security audit is complete: three medium-severity issues in session handling …"). Each notification is news once.',
    'Use bash for quick commands you need now. Be concise; format with short paragraphs, lists and fenced code blocks.',
  ];
  if (profiles.length > 0) {
    lines.push('', 'Agent profiles: give spawn_agent an "agent" to start the worker as one, with its role, tools and model, when the task fits its description:');
    for (const profile of profiles) lines.push(`- ${profile.name}: ${profile.description.replace(/\s+/g, ' ')}`);
  }
  if (hosts.length > 0) lines.push('', `Hosts: give spawn_agent a "host" to run the agent there instead of this machine: ${hosts.join(', ')}.`);
  if (role?.prompt) lines.push('', `You work as the agent profile "${role.profile}". Its instructions:`, '', role.prompt);
  return lines.join('\n');
}
