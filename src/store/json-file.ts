// Reads a JSON file written by a person: a missing file is not an error, and a syntax error says where it is.

import { readFile } from 'node:fs/promises';

export type JsonRead =
  | { ok: true; found: false }
  | { ok: true; found: true; value: unknown }
  | { ok: false; error: string };

/** Reads and parses `path`; `label` (the path as the user should see it) starts every error message. */
export async function readJsonFile(path: string, label: string = path): Promise<JsonRead> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: true, found: false };
    return { ok: false, error: `${label}: cannot read (${code ?? String(error)})` };
  }
  return parseJson(text.replace(/^\uFEFF/, ''), label);
}

export function parseJson(text: string, label: string): JsonRead {
  try {
    return { ok: true, found: true, value: JSON.parse(text) };
  } catch (error) {
    const offset = jsonErrorOffset(text);
    if (offset === undefined) return { ok: false, error: `${label}: invalid JSON (${(error as Error).message})` };
    const before = text.slice(0, offset).split('\n');
    const found = offset < text.length ? `unexpected ${JSON.stringify(text[offset])}` : 'unexpected end of file';
    return {
      ok: false,
      error: `${label}: invalid JSON at line ${before.length}, column ${before[before.length - 1].length + 1}: ${found}`,
    };
  }
}

const STRING = /"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y;
const SCALAR = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

/**
 * The offset of the first syntax error in `text`, or undefined if it finds none. JSON.parse's messages
 * carry a position only for some errors and differ between Node versions, so this scans for it.
 */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const eat = (pattern: RegExp): boolean => {
    pattern.lastIndex = i;
    if (!pattern.test(text)) return false;
    i = pattern.lastIndex;
    return true;
  };
  const container = (close: string, keyed: boolean): boolean => {
    i++;
    skipSpace();
    while (text[i] !== close) {
      if (keyed) {
        if (!eat(STRING)) return false;
        skipSpace();
        if (text[i] !== ':') return false;
        i++;
      }
      if (!value()) return false;
      skipSpace();
      if (text[i] === ',') {
        i++;
        skipSpace();
        if (text[i] === close) return false;
      } else if (text[i] !== close) {
        return false;
      }
    }
    i++;
    return true;
  };
  const value = (): boolean => {
    skipSpace();
    if (text[i] === '{') return container('}', true);
    if (text[i] === '[') return container(']', false);
    return eat(STRING) || eat(SCALAR);
  };
  if (value()) {
    skipSpace();
    if (i === text.length) return undefined;
  }
  return i;
}
