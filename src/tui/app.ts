// The screen: composition of views over one ClientModel. Keys map to actions; actions
// change local state or send protocol commands; server events update the model.
import blessed from 'blessed';
import type { Config } from '../core/config-schema.js';
import type { ClientCommand, ServerEvent } from '../core/protocol.js';
import type { ComparisonView } from '../core/worktree.js';
import { isEnded } from '../core/agent.js';
import { preferUtf8Drawing, renderInOneWrite } from './blessed-internals.js';
import { ClientModel } from './client-model.js';
import { CompareSelection, type CompareFit } from './compare-state.js';
import { helpText } from './help-text.js';
import { Keymap, type Action } from './keymap.js';
import { agentPaneSize, layoutFor, type Layout, type Rect } from './layout.js';
import { LineEditor } from './line-editor.js';
import { messageTooLong } from './message-limits.js';
import { notificationBytes } from './notifier.js';
import { StyleCache, styledBox, terminalBox } from './painter.js';
import { submitLine } from './slash-actions.js';
import type { StyledLine } from './styled-text.js';
import type { ResolvedTheme } from './theme.js';
import { agentListRows } from './views/agent-list-view.js';
import { flashRows, headerRow, statusRow, type Focus, type KeyHint } from './views/bars.js';
import { chatRows } from './views/chat-view.js';
import { inputRow } from './views/input-view.js';
import { keyHints } from './views/key-hints.js';
import { AttachedInput } from './attached-input.js';
import { FramePacer } from './frame-pacer.js';
import { DraftSync } from './draft-sync.js';
import { DISABLE_BRACKETED_PASTE, ENABLE_BRACKETED_PASTE } from './paste-splitter.js';
import { TerminalInput } from './terminal-input.js';
import { TerminalQueries } from './terminal-queries.js';
import { compareView } from './views/compare-view.js';
import type { SpendCharts } from './spend-charts.js';
import { SpendWatch } from './spend-watch.js';
import { spendView, type SpendFrame } from './views/spend-view.js';

export interface AppOptions {
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
  terminal: string;
  config: Config;
  theme: ResolvedTheme;
  /** Loads a theme by name for /theme; resolves to an error message when it cannot. */
  loadTheme(name: string): Promise<ResolvedTheme | string>;
  cwd: string;
  /** Loads the spend view's charts (blessed-contrib), which the screen needs only once `/cost` is typed. */
  spendCharts(): Promise<typeof SpendCharts>;
  send(command: ClientCommand): void;
  /** The screen is done: the user quit (no reason) or the server went away (its reason). */
  onExit(reason?: string): void;
}

const PROMPT = '› ';
const MIN_FRAME_MS = 16;
/**
 * What the screen may write to the terminal per second once a burst is spent (while an
 * attached agent streams output): about what tmux writes for a busy pane, gentle on SSH.
 */
const OUTPUT_BYTES_PER_SECOND = 24 * 1024;
const OUTPUT_BURST_BYTES = 96 * 1024;

export class App {
  private readonly screen: blessed.Widgets.Screen;
  private readonly model: ClientModel;
  private readonly editor = new LineEditor();
  private readonly drafts: DraftSync;
  private readonly attachedInput: AttachedInput;
  private readonly keymap: Keymap;
  private readonly styles: StyleCache;
  private layout: Layout;
  private focus: Focus = 'input';
  private selected = 0;
  private chatScroll = 0;
  private chatMaxScroll = 0;
  /** The compare view replaces the chat from a `/compare` until Esc. */
  private compareOpen = false;
  /** This screen sent `/compare`: the answer opens the view (a check result alone does not). */
  private compareWanted = false;
  private readonly compare = new CompareSelection();
  private compareFit: CompareFit = { diffMaxScroll: 0, page: 1 };
  /** The spend view replaces the chat from a `/cost` until Esc. */
  private readonly spend: SpendWatch;
  private spendFrame: SpendFrame | undefined;
  private charts: SpendCharts | undefined;
  private chartsLoading = false;
  private quitting = false;
  private readonly terminalInput: TerminalInput;
  /** Set while the terminal's answer to a query is awaited. */
  private readonly queries: TerminalQueries;
  /** The terminal supports synchronized output (DECSET 2026). */
  private synchronizedOutput = false;
  private renderScheduled = false;
  private readonly pacer = new FramePacer({ minIntervalMs: MIN_FRAME_MS, bytesPerSecond: OUTPUT_BYTES_PER_SECOND, burstBytes: OUTPUT_BURST_BYTES }, Date.now());
  private clockTimer: NodeJS.Timeout | undefined;
  private flashTimer: NodeJS.Timeout | undefined;
  private readonly boxes: Record<'header' | 'chat' | 'input' | 'terminal' | 'compare' | 'spend' | 'list' | 'status' | 'flash', blessed.Widgets.BoxElement>;

  constructor(private readonly options: AppOptions) {
    this.model = new ClientModel(options.config.flashMs);
    this.keymap = new Keymap(options.config.keys);
    this.styles = new StyleCache(options.theme);
    this.screen = blessed.screen({
      input: options.input,
      output: options.output,
      terminal: options.terminal,
      smartCSR: true,
      fullUnicode: true,
      forceUnicode: true,
      autoPadding: false,
      warnings: false,
      sendFocus: false,
      useBCE: false,
    });
    preferUtf8Drawing(this.screen);
    this.layout = layoutFor(this.screen.cols as number, this.screen.rows as number);
    const styles = this.styles;
    this.boxes = {
      header: styledBox({}, styles, (width) => [this.headerLine(width)]),
      chat: styledBox({}, styles, (width, height) => this.chatLines(width, height)),
      input: styledBox({}, styles, (width) => [this.inputLine(width)]),
      terminal: terminalBox({}, () => ({ lines: this.model.attached?.lines ?? [], noColor: this.styles.current.noColor })),
      compare: styledBox({}, styles, (width, height) => this.compareLines(width, height)),
      spend: styledBox({}, styles, () => this.spendFrame?.rows ?? []),
      list: styledBox({}, styles, (width, height) => this.listLines(width, height)),
      status: styledBox({}, styles, (width) => [this.statusLine(width)]),
      flash: styledBox({}, styles, (width, height) => flashRows(this.model.flashes.slice(-height), width)),
    };
    for (const box of Object.values(this.boxes)) this.screen.append(box);
    this.spend = new SpendWatch(() => this.options.send({ type: 'spend' }));
    this.place();
    this.attachedInput = new AttachedInput({
      model: this.model,
      backgroundSequence: this.keymap.backgroundSequence,
      send: (command) => this.options.send(command),
      detach: () => this.detach(),
      pageLines: () => Math.max(1, this.layout.body.height - 2),
      changed: () => this.requestRender(),
      refused: (reason) => {
        this.model.refuse(reason);
        this.scheduleFlashExpiry();
        this.requestRender();
      },
    });
    this.queries = new TerminalQueries({
      write: (query) => this.screen.program.write(query),
      typed: (keys) => this.screen.program.input.emit('data', Buffer.from(keys)),
    });
    this.drafts = new DraftSync((text) => this.options.send({ type: 'draft', text }), () => this.editor.message);
    this.screen.on('resize', () => this.resized());
    this.screen.on('keypress', (ch: string | undefined, key: blessed.Widgets.Events.IKeyEventArg) => this.keypress(ch, key));
    this.terminalInput = new TerminalInput({
      queries: this.queries,
      retype: (keys) => this.screen.program.input.emit('data', Buffer.from(keys)),
      agentInFront: () => this.focus === 'agent' && this.model.attached !== undefined,
      typedToAgent: (keys) => this.attachedInput.typed(keys),
      pasted: (text) => this.pasted(text),
      handled: () => this.requestRender(),
    });
    this.screen.program.on('data', (data: Buffer | string) => this.terminalInput.read(String(data)));
    this.screen.on('render', () => this.placeCursor());
  }

  start(): void {
    this.screen.program.write(ENABLE_BRACKETED_PASTE);
    this.sendPaneSize();
    this.requestRender();
    void this.queries.synchronizedOutput().then((supported) => {
      this.synchronizedOutput = supported;
    });
  }

  /** A server event arrived. */
  receive(event: ServerEvent): void {
    const previousComparison = this.model.comparison;
    const flashes = this.model.apply(event);
    this.spend.seen(event, this.model);
    if (flashes.length > 0) {
      const bytes = flashes.map((flash) => notificationBytes(flash, this.options.config.notifications)).join('');
      if (bytes) this.screen.program.write(bytes);
      this.scheduleFlashExpiry();
    }
    if (event.type === 'welcome') {
      this.editor.remember(event.chat.filter((entry) => entry.role === 'user').map((entry) => entry.text));
      if (event.draft) {
        this.editor.restore(event.draft);
        this.drafts.known(event.draft);
      }
      if (event.suggestion) this.editor.suggest(event.suggestion);
    }
    if (event.type === 'suggestion') this.editor.suggest(event.text);
    // A turn started, here or on another screen, or another conversation is shown: the suggestion is stale.
    if ((event.type === 'session' && event.session.busy) || event.type === 'chatReset') this.editor.dismissSuggestion();
    if (event.type === 'attached') this.focus = 'agent';
    if (event.type === 'detached' && this.focus === 'agent') this.focus = this.mainFocus();
    if (event.type === 'chat' || event.type === 'error' || event.type === 'notice') this.chatScroll = 0;
    if (event.type === 'comparison') this.showComparison(previousComparison);
    if (event.type === 'error') {
      this.compareWanted = false;
      this.compare.failed(event.message);
    }
    if (this.model.goodbye !== undefined) {
      this.quitting = true;
      this.options.onExit(this.model.goodbye);
      return;
    }
    this.updateClock();
    this.requestRender();
  }

  /** A line from this screen itself (not the server) in the chat. */
  note(role: 'system' | 'error', text: string): void {
    this.model.note(role, text);
    this.requestRender();
  }

  destroy(): void {
    clearInterval(this.clockTimer);
    clearTimeout(this.flashTimer);
    this.drafts.dispose();
    this.screen.program.write(DISABLE_BRACKETED_PASTE);
    this.screen.destroy();
  }

  // ---- layout and rendering ----

  private place(): void {
    const { layout } = this;
    const attached = this.focus === 'agent' || this.model.attached !== undefined;
    const comparing = !attached && this.compareOpen && this.model.comparison !== undefined;
    const spending = !attached && !comparing && this.spend.open;
    const chatArea: Rect = { ...layout.body, height: Math.max(1, layout.body.height - 1) };
    this.position(this.boxes.header, layout.header);
    this.position(this.boxes.chat, chatArea);
    this.position(this.boxes.input, layout.input);
    this.position(this.boxes.terminal, layout.body);
    this.position(this.boxes.compare, layout.body);
    this.position(this.boxes.spend, layout.body);
    this.position(this.boxes.list, layout.list);
    this.position(this.boxes.status, layout.status);
    const flashCount = this.model.flashes.length;
    // Over an attached agent a flash takes the header row, so it hides nothing of the agent's screen.
    const flashArea = attached
      ? layout.header
      : { left: layout.body.left, top: layout.body.top, width: layout.body.width, height: Math.max(1, flashCount) };
    this.position(this.boxes.flash, flashArea);
    const continuing = attached && this.attachedInput.continuable;
    if (continuing) {
      this.position(this.boxes.terminal, { ...layout.body, height: Math.max(1, layout.body.height - 1) });
      this.position(this.boxes.input, { ...layout.body, top: layout.body.top + layout.body.height - 1, height: 1 });
    }
    this.show(this.boxes.chat, !attached && !comparing && !spending);
    this.show(this.boxes.input, (!attached && !comparing && !spending) || continuing);
    this.show(this.boxes.terminal, attached);
    this.show(this.boxes.compare, comparing);
    this.show(this.boxes.spend, spending);
    // The view's rows and its charts' places come from one frame, made before blessed draws either.
    this.spendFrame = spending ? spendView(this.model.spend, layout.body.width, layout.body.height) : undefined;
    this.charts?.show(this.spendFrame, layout.body, this.styles.current);
    this.show(this.boxes.flash, flashCount > 0);
  }

  private position(box: blessed.Widgets.BoxElement, rect: Rect): void {
    box.left = rect.left;
    box.top = rect.top;
    box.width = rect.width;
    box.height = rect.height;
  }

  private show(box: blessed.Widgets.BoxElement, visible: boolean): void {
    if (visible) box.show();
    else box.hide();
  }

  /** Renders soon: at most once per MIN_FRAME_MS however many events arrive, and paced by the bytes it writes. */
  private requestRender(): void {
    if (this.renderScheduled) return;
    this.renderScheduled = true;
    const render = () => {
      this.renderScheduled = false;
      if (this.quitting) return;
      this.place();
      this.pacer.drawn(renderInOneWrite(this.screen, this.synchronizedOutput), Date.now());
    };
    const wait = this.pacer.delay(Date.now());
    if (wait > 0) setTimeout(render, wait);
    else setImmediate(render);
  }

  private resized(): void {
    preferUtf8Drawing(this.screen);
    this.layout = layoutFor(this.screen.cols as number, this.screen.rows as number);
    this.sendPaneSize();
    this.requestRender();
  }

  private sendPaneSize(): void {
    const size = agentPaneSize(this.layout);
    this.options.send({ type: 'resize', cols: size.cols, rows: size.rows });
  }

  private placeCursor(): void {
    const program = this.screen.program;
    const attached = this.model.attached;
    if (this.focus === 'agent' && attached && this.attachedInput.continuable) {
      program.cup(this.layout.body.top + this.layout.body.height - 1, this.layout.body.left + this.inputCursorColumn);
      program.showCursor();
      return;
    }
    if (this.focus === 'agent' && attached) {
      const { cursor } = attached;
      if (cursor.visible && cursor.y < this.layout.body.height && cursor.x < this.layout.body.width) {
        program.cup(this.layout.body.top + cursor.y, this.layout.body.left + cursor.x);
        program.showCursor();
      } else program.hideCursor();
      return;
    }
    if (this.focus === 'input') {
      program.cup(this.layout.input.top, this.layout.input.left + this.inputCursorColumn);
      program.showCursor();
      return;
    }
    program.hideCursor();
  }

  private inputCursorColumn = 0;
  /** The suggestion as last drawn whole in the input line (empty when cut short): Enter sends only that. */
  private suggestionDrawn = '';

  private inputLine(width: number): StyledLine {
    const continuing = this.focus === 'agent' && this.attachedInput.continuable;
    const editor = continuing ? this.attachedInput.continueLine : this.editor;
    const name = this.model.attached?.name ?? '';
    const resumes = this.model.agent(name)?.kind === 'cli';
    const prompt = continuing ? `${resumes ? 'resume' : 'continue'} ${name} ${PROMPT}` : PROMPT;
    const hint = !continuing ? (this.focus === 'input' && this.model.chat.length === 0 ? 'Type a message, or /help for commands' : '')
      : resumes ? 'Enter resumes its session (with what you type as its next prompt)' : 'what next? Enter continues';
    const suggestion = continuing ? undefined : { text: this.editor.suggestion, editKey: this.keymap.label('focusNext') };
    const { line, cursorColumn, suggestionCut } = inputRow(editor.text, editor.cursor, prompt, hint, width, suggestion);
    this.inputCursorColumn = cursorColumn;
    this.suggestionDrawn = suggestion && !suggestionCut ? suggestion.text : '';
    return line;
  }

  private headerLine(width: number): StyledLine {
    const attached = this.model.attached ? this.model.agent(this.model.attached.name) : undefined;
    const view = this.compareOpen && this.model.comparison ? 'compare' : this.spend.open ? 'spend' : 'chat';
    return headerRow(width, attached, this.model.model, this.model.session.busy, Date.now(), view, this.model.attached?.scrollBack ?? 0);
  }

  private chatLines(width: number, height: number): StyledLine[] {
    const { rows, maxScroll } = chatRows(this.model.chat, width - 1, height, this.chatScroll);
    this.chatMaxScroll = maxScroll;
    return rows.map((row) => ({ ...row, segments: [{ text: ' ' }, ...row.segments] }));
  }

  private compareLines(width: number, height: number): StyledLine[] {
    const comparison = this.model.comparison;
    if (!comparison) return [];
    const { rows, ...fit } = compareView(comparison, this.compare, width, height, this.model.fileDiff);
    this.compareFit = fit;
    return rows;
  }

  private listLines(width: number, height: number): StyledLine[] {
    const border = { text: '│', role: this.focus === 'list' ? 'border.focus' as const : 'border' as const, ignoreFill: true };
    // Agents removed from under the selection: it stays on the last one.
    this.selected = Math.min(this.selected, Math.max(0, this.model.agents.length - 1));
    const rows = agentListRows(this.model.agents, this.selected, this.focus === 'list', width - 1, height, Date.now());
    return Array.from({ length: height }, (_, index) => {
      const row = rows[index];
      return { fill: row?.fill, segments: [border, ...(row?.segments ?? [])] };
    });
  }

  private statusLine(width: number): StyledLine {
    const { session } = this.model;
    return statusRow(width, this.hints(), this.model.agents, session, this.styles.current.name);
  }

  private hints(): KeyHint[] {
    const { keymap, model } = this;
    return keyHints({
      focus: this.focus,
      labels: {
        background: keymap.label('background'), focusNext: keymap.label('focusNext'), quit: keymap.label('quit'), interrupt: keymap.label('interrupt'),
      },
      ...(model.attached ? {
        attached: {
          name: model.attached.name, ended: this.attachedInput.ended, continuable: this.attachedInput.continuable,
          resumes: model.agent(model.attached.name)?.kind === 'cli',
        },
      } : {}),
      diffOpen: this.compare.diff !== undefined,
      session: model.session,
    });
  }

  // ---- timers: only while something on screen changes with time ----

  private updateClock(): void {
    const ticking = this.model.agents.some((agent) => !isEnded(agent.state));
    if (ticking && !this.clockTimer) this.clockTimer = setInterval(() => this.requestRender(), 1000);
    if (!ticking && this.clockTimer) {
      clearInterval(this.clockTimer);
      this.clockTimer = undefined;
    }
  }

  private scheduleFlashExpiry(): void {
    clearTimeout(this.flashTimer);
    const next = this.model.expireFlashes();
    if (next === undefined) return;
    this.flashTimer = setTimeout(() => {
      this.scheduleFlashExpiry();
      this.requestRender();
    }, Math.max(10, next - Date.now()));
  }

  // ---- input ----

  /** A paste goes to the agent in front, else into the input line (from the agent list too). */
  private pasted(text: string): void {
    if (this.focus === 'agent' && this.model.attached) {
      if (this.attachedInput.pasted(text)) return;
      // An ended agent reads nothing: like a key, the paste goes back to the chat, and into its line.
      this.detach();
    }
    if (this.focus === 'compare' || this.focus === 'spend') return;
    this.focus = 'input';
    this.editor.paste(text);
    this.drafts.changed();
  }

  private detach(): void {
    this.focus = this.mainFocus();
    this.options.send({ type: 'detach' });
    this.requestRender();
  }

  private keypress(ch: string | undefined, key: blessed.Widgets.Events.IKeyEventArg): void {
    if (this.focus === 'agent' || this.terminalInput.keysTaken || this.quitting) return;
    // blessed reports Enter twice, as "return" and as "enter".
    if (key.name === 'return') return;
    const action = this.keymap.action(this.focus, key.full);
    if (action) {
      this.perform(action);
    } else if (this.focus === 'input' && ch && !key.ctrl && !key.meta && ch >= ' ' && ch !== '\x7f') {
      this.editor.insert(ch);
    } else {
      return;
    }
    if (this.focus === 'input') this.drafts.changed();
    this.requestRender();
  }

  private perform(action: Action): void {
    const editor = this.editor;
    switch (action) {
      case 'background':
        if (this.model.session.foreground) this.options.send({ type: 'background' });
        return;
      case 'focusNext':
        if (this.focus === 'input' && editor.takeSuggestion()) return;
        this.focus = this.focus === 'list' ? this.mainFocus() : 'list';
        return;
      case 'focusInput': this.focus = this.mainFocus(); return;
      case 'quit': this.quit(); return;
      case 'interrupt':
        // Like a shell: Ctrl+C drops what is typed; on an empty line it stops the main agent's turn.
        if (editor.text) {
          editor.end();
          editor.deleteToStart();
        } else if (editor.suggestion) editor.dismissSuggestion();
        else if (this.model.session.busy) this.options.send({ type: 'interrupt' });
        return;
      case 'submit': this.submit(); return;
      case 'historyUp': editor.historyUp(); return;
      case 'historyDown': editor.historyDown(); return;
      case 'cursorLeft': editor.left(); return;
      case 'cursorRight': editor.right(); return;
      case 'cursorHome': editor.home(); return;
      case 'cursorEnd': editor.end(); return;
      case 'deleteBack': editor.backspace(); return;
      case 'deleteForward': editor.deleteForward(); return;
      case 'deleteToStart': editor.deleteToStart(); return;
      case 'deleteWordBack': editor.deleteWordBack(); return;
      case 'scrollUp': this.chatScroll = Math.min(this.chatMaxScroll, this.chatScroll + this.pageSize()); return;
      case 'scrollDown': this.chatScroll = Math.max(0, this.chatScroll - this.pageSize()); return;
      case 'selectUp': this.selected = Math.max(0, this.selected - 1); return;
      case 'selectDown': this.selected = Math.min(Math.max(0, this.model.agents.length - 1), this.selected + 1); return;
      case 'attachSelected': {
        const agent = this.model.agents[this.selected];
        if (agent) this.options.send({ type: 'attach', name: agent.name });
        return;
      }
      case 'compareFileUp': this.compare.moveFile(-1, this.model.comparison); return;
      case 'compareFileDown': this.compare.moveFile(1, this.model.comparison); return;
      case 'compareAttemptLeft': this.compare.moveAttempt(-1, this.model.comparison); return;
      case 'compareAttemptRight': this.compare.moveAttempt(1, this.model.comparison); return;
      case 'comparePageUp': this.compare.page(-1, this.model.comparison, this.compareFit); return;
      case 'comparePageDown': this.compare.page(1, this.model.comparison, this.compareFit); return;
      case 'compareDiff': {
        const request = this.compare.openDiff(this.model.comparison);
        if (request) this.options.send({ type: 'fileDiff', ...request });
        return;
      }
      case 'compareBack':
        if (!this.compare.closeDiff()) this.closeComparison();
        return;
      case 'spendBack':
        this.spend.stop();
        this.focus = 'input';
        return;
    }
  }

  /** Where focus goes in the main pane: the compare or spend view while it is open, else the input line. */
  private mainFocus(): Focus {
    return this.compareOpen ? 'compare' : this.spend.open ? 'spend' : 'input';
  }

  /** `/cost`: the spend view, in front until Esc; its charts' library is loaded the first time. */
  private showSpend(): void {
    this.spend.start(this.model);
    this.focus = 'spend';
    if (this.charts || this.chartsLoading) return;
    this.chartsLoading = true;
    void this.options.spendCharts().then((Charts) => {
      this.charts = new Charts(this.boxes.spend);
      this.requestRender();
    });
  }

  /** A comparison arrived: opens the view for this screen's `/compare`, refreshes it when open. */
  private showComparison(previous: ComparisonView | undefined): void {
    const comparison = this.model.comparison;
    if (!comparison || (!this.compareOpen && !this.compareWanted)) return;
    this.compare.follow(this.compareOpen ? previous : undefined, comparison);
    this.compareWanted = false;
    if (this.compareOpen) return;
    this.compareOpen = true;
    if (this.focus !== 'agent') this.focus = 'compare';
  }

  private closeComparison(): void {
    this.compareOpen = false;
    this.focus = 'input';
  }

  private pageSize(): number {
    return Math.max(1, this.layout.body.height - 2);
  }

  private submit(): void {
    const tooLong = messageTooLong(this.editor.message);
    if (tooLong) {
      this.model.note('error', tooLong);
      this.chatScroll = 0;
      return;
    }
    submitLine(this.editor.submit(this.editor.suggestion === this.suggestionDrawn), {
      model: this.model,
      cwd: this.options.cwd,
      send: (command) => {
        if (command.type === 'compare') this.compareWanted = true;
        this.options.send(command);
      },
      note: (role, text) => {
        this.model.note(role, text);
        this.chatScroll = 0;
      },
      help: () => helpText(this.keymap),
      showSpend: () => this.showSpend(),
      setTheme: (name) => void this.switchTheme(name),
      quit: () => this.quit(),
    });
  }

  private async switchTheme(name: string): Promise<void> {
    const concrete = name === 'auto' ? (await this.queries.background()) ?? 'dark' : name;
    const theme = await this.options.loadTheme(concrete);
    if (typeof theme === 'string') {
      this.model.note('error', theme);
    } else {
      this.styles.setTheme(theme);
      this.model.note('system', `theme: ${theme.name}`);
    }
    this.requestRender();
  }

  /** Closes this screen only: the agents go on in the server. */
  private quit(): void {
    if (this.quitting) return;
    this.quitting = true;
    this.drafts.flush();
    this.options.onExit();
  }
}
