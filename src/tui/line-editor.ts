// The chat input line: text, cursor and history. Pure state; the view only draws it.

export class LineEditor {
  private chars: string[] = [];
  private cursorIndex = 0;
  private readonly history: string[] = [];
  /** Position while browsing history; history.length means "the line being written". */
  private historyIndex = 0;
  private draft: string[] = [];

  constructor(private readonly historyLimit = 500) {}

  get text(): string {
    return this.chars.join('');
  }

  get cursor(): number {
    return this.cursorIndex;
  }

  insert(text: string): void {
    const added = Array.from(text.replace(/[\r\n]+/g, ' '));
    this.chars.splice(this.cursorIndex, 0, ...added);
    this.cursorIndex += added.length;
  }

  backspace(): void {
    if (this.cursorIndex === 0) return;
    this.chars.splice(--this.cursorIndex, 1);
  }

  deleteForward(): void {
    this.chars.splice(this.cursorIndex, 1);
  }

  left(): void {
    this.cursorIndex = Math.max(0, this.cursorIndex - 1);
  }

  right(): void {
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
    if (this.historyIndex === this.history.length) this.draft = this.chars;
    this.historyIndex--;
    this.load(Array.from(this.history[this.historyIndex]));
  }

  historyDown(): void {
    if (this.historyIndex >= this.history.length) return;
    this.historyIndex++;
    this.load(this.historyIndex === this.history.length ? this.draft : Array.from(this.history[this.historyIndex]));
  }

  /** Returns the line and starts a new one; non-blank lines go into history. */
  submit(): string {
    const line = this.text;
    if (line.trim() && this.history[this.history.length - 1] !== line) {
      this.history.push(line);
      if (this.history.length > this.historyLimit) this.history.shift();
    }
    this.historyIndex = this.history.length;
    this.load([]);
    this.draft = [];
    return line;
  }

  private load(chars: string[]): void {
    this.chars = chars.slice();
    this.cursorIndex = this.chars.length;
  }
}
