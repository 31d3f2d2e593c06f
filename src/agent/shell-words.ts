// A command line split into words as /bin/sh does it (quotes removed, unquoted glob characters and
// braces noted), for the read-only allowlist's checks (permission.ts). Only for lines free of shell
// metacharacters: no expansions, redirections or pipelines to follow.

/** One word of a command line as /bin/sh passes it to the program. */
export interface ShellWord {
  /** After quote removal. */
  text: string;
  /** Where in `text` the unquoted glob characters (* ? [) are. */
  globs: number[];
  /** Whether it has an unquoted brace, which bash (some systems' /bin/sh) expands. */
  braces: boolean;
}

/**
 * The words of a command line free of SHELL_METACHARACTERS, as /bin/sh splits and unquotes them;
 * undefined when a quote or a backslash is left open.
 */
export function shellWords(command: string): ShellWord[] | undefined {
  const words: ShellWord[] = [];
  let word: ShellWord | undefined;
  const open = (): ShellWord => {
    word ??= { text: '', globs: [], braces: false };
    return word;
  };
  const add = (char: string, quoted: boolean): void => {
    const current = open();
    if (!quoted && '*?['.includes(char)) current.globs.push(current.text.length);
    if (!quoted && '{}'.includes(char)) current.braces = true;
    current.text += char;
  };
  for (let index = 0; index < command.length; index += 1) {
    const char = command[index];
    if (char === ' ' || char === '\t') {
      if (word) words.push(word);
      word = undefined;
    } else if (char === '\\') {
      if (index + 1 >= command.length) return undefined;
      index += 1;
      add(command[index], true);
    } else if (char === "'" || char === '"') {
      const close = closingQuote(command, index);
      if (close === -1) return undefined;
      open();
      const inside = command.slice(index + 1, close);
      for (const quotedChar of char === '"' ? inside.replace(/\\(["\\])/g, '$1') : inside) add(quotedChar, true);
      index = close;
    } else {
      add(char, false);
    }
  }
  if (word) words.push(word);
  return words;
}

/** The index of the quote that closes the one at `start` (in double quotes, \" and \\ are escaped), or -1. */
function closingQuote(command: string, start: number): number {
  const quote = command[start];
  for (let index = start + 1; index < command.length; index += 1) {
    if (quote === '"' && command[index] === '\\') index += 1;
    else if (command[index] === quote) return index;
  }
  return -1;
}
