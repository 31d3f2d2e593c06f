// The chat input line: text, cursor and history. Pure state; the view only draws it.
// A suggested next message stands in the empty line until the user takes it (Tab, →, Enter), types,
// or something newer comes; once the line has text, the suggestion is gone.
// A pasted text of several lines stands in the line as one placeholder, `[Pasted text #2 +14 lines]`,
// and the message sent has the text in its place (the line has one row; the paste keeps its newlines).
import { printable, printableLines } from '../core/printable.js';

const PASTE_LABEL = /\[Pasted text #\d+ \+\d+ lines\]/g;

export class LineEditor {
  private chars: string[] = [];
  private cursorIndex = 0;
  private readonly history: string[] = [];
  /** Position while browsing history; history.length means "the line being written". */
  private historyIndex = 0;
  private draft: string[] = [];
  /** Each placeholder's text, for as long as the line or its history shows the placeholder. */
  private readonly pastes = new Map<string, string>();
  private pasteCount = 0;
  private suggested = '';

  constructor(private readonly historyLimit = 500) {}

  get text(): string {
    return this.chars.join('');
  }

  /** The line as it is sent: each paste placeholder replaced by its text. */
  get message(): string {
    return this.text.replace(PASTE_LABEL, (label) => this.pastes.get(label) ?? label);
  }

  /** The suggestion the empty line shows; empty when there is none. */
  get suggestion(): string {
    return this.suggested;
  }

  /** A suggested next message: shown while the line stays empty; dropped when the user has typed something. */
  suggest(text: string): void {
    if (!this.chars.length) this.suggested = text;
  }

  dismissSuggestion(): void {
    this.suggested = '';
  }

  /** Tab or →: the suggestion becomes the line, to edit. False when there is none. */
  takeSuggestion(): boolean {
    if (!this.suggested) return false;
    this.insert(this.suggested);
    return true;
  }

  /** A pasted text: inline when it is one line, else as a placeholder. */
  paste(text: string): void {
    this.insert(this.asLine(text));
  }

  /** Text typed on another screen and not sent: it fills an empty line. */
  restore(draft: string): void {
    if (!this.chars.length) this.insert(this.asLine(draft));
  }

  /** Messages sent before this screen opened (the chat's), oldest first: ↑ recalls them too. */
  remember(messages: readonly string[]): void {
    const lines = messages.map((message) => this.asLine(message))
      .filter((line, index, all) => line.trim() && line !== all[index - 1]);
    this.history.splice(0, 0, ...lines);
    if (this.history.length > this.historyLimit) this.history.splice(0, this.history.length - this.historyLimit);
    this.historyIndex = this.history.length;
  }

  /** How `text` stands in the line: itself when it is one line, else a placeholder for it. */
  private asLine(text: string): string {
    const lines = text.replace(/\r\n?/g, '\n').replace(/\n$/, '');
    if (!lines.includes('\n')) return printable(lines);
    const label = `[Pasted text #${++this.pasteCount} +${lines.split('\n').length} lines]`;
    this.pastes.set(label, printableLines(lines));
    return label;
  }

  get cursor(): number {
    return this.cursorIndex;
  }

  insert(text: string): void {
    const added = Array.from(text.replace(/[\r\n]+/g, ' '));
    if (added.length) this.suggested = '';
    this.chars.splice(this.cursorIndex, 0, ...added);
    this.cursorIndex += added.length;
  }

  /** Deletes the character before the cursor, or the whole paste placeholder that ends there. */
  backspace(): void {
    if (this.cursorIndex === 0) return;
    const length = this.placeholderLength(this.chars.slice(0, this.cursorIndex).join(''), (text, label) => text.endsWith(label));
    this.cursorIndex -= length;
    this.chars.splice(this.cursorIndex, length);
  }

  /** Deletes the character under the cursor, or the whole paste placeholder that starts there. */
  deleteForward(): void {
    const length = this.placeholderLength(this.chars.slice(this.cursorIndex).join(''), (text, label) => text.startsWith(label));
    this.chars.splice(this.cursorIndex, length);
  }

  left(): void {
    this.cursorIndex = Math.max(0, this.cursorIndex - 1);
  }

  /** → at the end of the line; on an empty line with a suggestion, takes it to edit. */
  right(): void {
    if (this.takeSuggestion()) return;
    this.cursorIndex = Math.min(this.chars.length, this.cursorIndex + 1);
  }

  home(): void {
    this.cursorIndex = 0;
  }

  end(): void {
    this.cursorIndex = this.chars.length;
  }

  /** Ctrl+U: delete everything before the cursor. */
  deleteToStart(): void {
    this.chars.splice(0, this.cursorIndex);
    this.cursorIndex = 0;
  }

  /** Ctrl+W: delete the word before the cursor. */
  deleteWordBack(): void {
    let start = this.cursorIndex;
    while (start > 0 && this.chars[start - 1] === ' ') start--;
    while (start > 0 && this.chars[start - 1] !== ' ') start--;
    this.chars.splice(start, this.cursorIndex - start);
    this.cursorIndex = start;
  }

  historyUp(): void {
    if (this.historyIndex === 0) return;
    this.suggested = '';
    if (this.historyIndex === this.history.length) this.draft = this.chars;
    this.historyIndex--;
    this.load(Array.from(this.history[this.historyIndex]));
  }

  historyDown(): void {
    if (this.historyIndex >= this.history.length) return;
    this.historyIndex++;
    this.load(this.historyIndex === this.history.length ? this.draft : Array.from(this.history[this.historyIndex]));
  }

  /**
   * Returns the message and starts a new line; non-blank lines go into history, placeholders and all.
   * On an empty line the suggestion is sent, as if typed; but unless the user can read all of it
   * (`suggestionRead`: not cut short by the line's width, and drawn already), it is taken to edit instead
   * and nothing is sent.
   */
  submit(suggestionRead = true): string {
    if (!suggestionRead && this.takeSuggestion()) return '';
    this.takeSuggestion();
    const line = this.text;
    const message = this.message;
    if (line.trim() && this.history[this.history.length - 1] !== line) {
      this.history.push(line);
      if (this.history.length > this.historyLimit) this.history.shift();
    }
    this.historyIndex = this.history.length;
    this.load([]);
    this.draft = [];
    for (const label of this.pastes.keys()) {
      if (!this.history.some((entry) => entry.includes(label))) this.pastes.delete(label);
    }
    return message;
  }

  private load(chars: string[]): void {
    this.chars = chars.slice();
    this.cursorIndex = this.chars.length;
  }

  /** Characters one deletion removes from `text`'s side: a whole placeholder `at` finds there, else one. */
  private placeholderLength(text: string, at: (text: string, label: string) => boolean): number {
    for (const label of this.pastes.keys()) {
      if (at(text, label)) return Array.from(label).length;
    }
    return 1;
  }
}
