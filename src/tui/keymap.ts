// Keys map to action names; actions do the work. Bindings come from the config.
import type { KeyBindings } from '../core/config-schema.js';
import type { Focus } from './views/bars.js';

export type Action =
  | 'background' | 'focusNext' | 'quit' | 'interrupt'
  | 'submit' | 'historyUp' | 'historyDown' | 'cursorLeft' | 'cursorRight' | 'cursorHome' | 'cursorEnd'
  | 'deleteBack' | 'deleteForward' | 'deleteToStart' | 'deleteWordBack' | 'scrollUp' | 'scrollDown'
  | 'selectUp' | 'selectDown' | 'attachSelected' | 'focusInput'
  | 'compareFileUp' | 'compareFileDown' | 'compareAttemptLeft' | 'compareAttemptRight'
  | 'compareDiff' | 'compareBack' | 'comparePageUp' | 'comparePageDown'
  | 'spendBack';

const INPUT_KEYS: Record<string, Action> = {
  enter: 'submit',
  up: 'historyUp',
  down: 'historyDown',
  left: 'cursorLeft',
  right: 'cursorRight',
  home: 'cursorHome',
  end: 'cursorEnd',
  'C-a': 'cursorHome',
  'C-e': 'cursorEnd',
  backspace: 'deleteBack',
  delete: 'deleteForward',
  'C-u': 'deleteToStart',
  'C-w': 'deleteWordBack',
  pageup: 'scrollUp',
  pagedown: 'scrollDown',
};

const LIST_KEYS: Record<string, Action> = {
  up: 'selectUp',
  down: 'selectDown',
  k: 'selectUp',
  j: 'selectDown',
  enter: 'attachSelected',
  escape: 'focusInput',
  pageup: 'scrollUp',
  pagedown: 'scrollDown',
};

const COMPARE_KEYS: Record<string, Action> = {
  up: 'compareFileUp',
  down: 'compareFileDown',
  k: 'compareFileUp',
  j: 'compareFileDown',
  left: 'compareAttemptLeft',
  right: 'compareAttemptRight',
  h: 'compareAttemptLeft',
  l: 'compareAttemptRight',
  enter: 'compareDiff',
  escape: 'compareBack',
  pageup: 'comparePageUp',
  pagedown: 'comparePageDown',
};

const SPEND_KEYS: Record<string, Action> = {
  escape: 'spendBack',
  q: 'spendBack',
};

const FOCUS_KEYS: Record<Exclude<Focus, 'agent'>, Record<string, Action>> = {
  input: INPUT_KEYS,
  list: LIST_KEYS,
  compare: COMPARE_KEYS,
  spend: SPEND_KEYS,
};

export class Keymap {
  private readonly global: Map<string, Action>;

  constructor(private readonly bindings: KeyBindings) {
    this.global = new Map<string, Action>([
      [bindings.background, 'background'],
      [bindings.focusNext, 'focusNext'],
      [bindings.quit, 'quit'],
      [bindings.interrupt, 'interrupt'],
    ]);
  }

  /** The action for a key in chat, list, compare or spend focus (an attached agent gets raw keys instead). */
  action(focus: Exclude<Focus, 'agent'>, key: string): Action | undefined {
    return this.global.get(key) ?? FOCUS_KEYS[focus][key];
  }

  /** The bytes a terminal sends for the key that detaches an agent. */
  get backgroundSequence(): string {
    return keySequence(this.bindings.background);
  }

  label(action: 'background' | 'focusNext' | 'quit' | 'interrupt'): string {
    return keyLabel(this.bindings[action]);
  }
}

const FUNCTION_KEYS = ['\x1bOP', '\x1bOQ', '\x1bOR', '\x1bOS', '\x1b[15~', '\x1b[17~', '\x1b[18~', '\x1b[19~', '\x1b[20~', '\x1b[21~', '\x1b[23~', '\x1b[24~'];

/** What a terminal sends for a key name as the config writes it (validated there). */
export function keySequence(name: string): string {
  if (/^C-[a-z]$/.test(name)) return String.fromCharCode(name.charCodeAt(2) - 96);
  if (/^M-[a-z]$/.test(name)) return `\x1b${name[2]}`;
  if (name === 'tab') return '\t';
  if (name === 'enter') return '\r';
  if (name === 'escape') return '\x1b';
  const fn = /^f(\d+)$/.exec(name);
  if (fn) return FUNCTION_KEYS[Number(fn[1]) - 1] ?? '';
  return '';
}

/** "C-b" → "Ctrl+B", "tab" → "Tab". */
export function keyLabel(name: string): string {
  if (/^C-[a-z]$/.test(name)) return `Ctrl+${name[2].toUpperCase()}`;
  if (/^M-[a-z]$/.test(name)) return `Alt+${name[2].toUpperCase()}`;
  return name.charAt(0).toUpperCase() + name.slice(1);
}
