// `--theme auto`: asks the terminal for its background colour (OSC 11) to choose between the light and dark themes.

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/** What the query needs of stdin; a tty.ReadStream or any Readable fits. */
export type QueryInput = NodeJS.ReadableStream & {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
};

export interface QueryOutput {
  write(data: string): unknown;
}

// Every terminal answers DA1, and answers in order, so its reply marks the end of the OSC 11 reply, if any.
export const BACKGROUND_QUERY = '\x1b]11;?\x1b\\\x1b[c';
const OSC11_REPLY = /\x1b\]11;rgb:([0-9a-f]{1,4})\/([0-9a-f]{1,4})\/([0-9a-f]{1,4})(?:\x07|\x1b\\)/i;
const DA1_REPLY = /\x1b\[\?[\d;]*c/;
// The start of a reply cut off by the timeout; a lone ESC is left alone, as it may be the Escape key.
const PARTIAL_REPLY = /\x1b(?:\](?:1(?:1(?:;[^\x07\x1b]*\x1b?)?)?)?|\[\?[\d;]*)$/;

/** The colour in an OSC 11 reply (`ESC ] 11 ; rgb:RRRR/GGGG/BBBB` ended by BEL or ST), channels 0-255. */
export function parseOsc11Reply(text: string): Rgb | undefined {
  const match = OSC11_REPLY.exec(text);
  if (!match) return undefined;
  const [r, g, b] = match.slice(1, 4).map((hex) => Math.round((parseInt(hex, 16) / (16 ** hex.length - 1)) * 255));
  return { r, g, b };
}

/** Relative luminance (WCAG) above one half. */
export function isLightBackground({ r, g, b }: Rgb): boolean {
  const linear = (channel: number): number => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b) > 0.5;
}

function without(text: string, match: RegExpExecArray): string {
  return text.slice(0, match.index) + text.slice(match.index + match[0].length);
}

/** What the replies to BACKGROUND_QUERY received so far say; `complete` once the DA1 reply has come. */
export function readBackgroundReplies(received: string): { complete: boolean; background?: 'light' | 'dark' } {
  const rgb = parseOsc11Reply(received);
  const background = rgb && (isLightBackground(rgb) ? 'light' as const : 'dark' as const);
  return { complete: DA1_REPLY.test(received), ...(background ? { background } : {}) };
}

/**
 * Asks the terminal whether its background is light or dark; undefined if it does not say within `timeoutMs`.
 * Waits for the DA1 reply even after the OSC 11 one so that it does not reach the UI as keystrokes. Bytes that
 * belong to neither reply (keys typed meanwhile) are put back into `input`, which is left paused.
 */
export function queryTerminalBackground(
  input: QueryInput,
  output: QueryOutput,
  timeoutMs = 1000,
): Promise<'light' | 'dark' | undefined> {
  return new Promise((resolve) => {
    const enableRaw = input.isTTY === true && input.isRaw !== true && typeof input.setRawMode === 'function';
    let received = '';
    let answer: 'light' | 'dark' | undefined;

    const finish = (): void => {
      clearTimeout(timer);
      input.removeListener('data', onData);
      input.removeListener('end', finish);
      input.pause();
      if (enableRaw) input.setRawMode?.(false);
      const rest = received.replace(PARTIAL_REPLY, '');
      if (rest) input.unshift(Buffer.from(rest, 'latin1'));
      resolve(answer);
    };

    function onData(chunk: Buffer | string): void {
      // latin1 maps bytes to characters one to one, so whatever is put back is byte for byte what came in.
      received += typeof chunk === 'string' ? chunk : chunk.toString('latin1');
      const osc = OSC11_REPLY.exec(received);
      if (osc) {
        const rgb = parseOsc11Reply(osc[0]);
        answer = rgb && (isLightBackground(rgb) ? 'light' : 'dark');
        received = without(received, osc);
      }
      const da1 = DA1_REPLY.exec(received);
      if (da1) {
        received = without(received, da1);
        finish();
      }
    }

    const timer = setTimeout(finish, timeoutMs);
    if (enableRaw) input.setRawMode?.(true);
    input.on('data', onData);
    input.on('end', finish);
    input.resume();
    output.write(BACKGROUND_QUERY);
  });
}
