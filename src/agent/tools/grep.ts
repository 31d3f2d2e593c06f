// grep {pattern, path?}: lines matching a JavaScript regular expression in the text files under a path
// inside the working directory, as file:line:text. Skips binary and very large files, caps the result.
// Never reads through a symbolic link met while walking (only a path given, checked by resolveInside),
// nor a file with more than one hard link (its other names may lie outside): those are counted in a note.
import { stat } from 'node:fs/promises';
import { resolveInside } from '../paths.js';
import { looksBinary, readFileContent, walkFiles, type FileContent } from './files.js';
import { defineTool, inputObject, neverAsks, stringField, toolError } from './tool.js';

export interface GrepInput {
  pattern: string;
  path?: string;
}

export const MAX_GREP_MATCHES = 200;
const MAX_LINE_CHARS = 300;

export const grepTool = defineTool<GrepInput>({
  name: 'grep',
  description: 'Search text files inside the working directory for lines matching a JavaScript regular '
    + 'expression; returns "file:line:text" lines. path (a file or directory, default the working '
    + `directory) narrows the search. Binary files, .git and node_modules are skipped; at most ${MAX_GREP_MATCHES} matches are shown.`,
  inputSchema: {
    type: 'object',
    properties: {
      pattern: { type: 'string', description: 'JavaScript regular expression (without slashes), e.g. "function\\s+login".' },
      path: { type: 'string', description: 'File or directory relative to the working directory (default ".").' },
    },
    required: ['pattern'],
  },
  validate(input) {
    const fields = inputObject(input, 'a "pattern" field and an optional "path" field');
    if (!fields.ok) return fields;
    const pattern = stringField(fields.value, 'pattern');
    if (!pattern.ok) return pattern;
    try {
      new RegExp(pattern.value as string);
    } catch (error) {
      return { ok: false, error: `field "pattern" is not a valid JavaScript regular expression: ${(error as Error).message}` };
    }
    const searchPath = stringField(fields.value, 'path', { optional: true, allowEmpty: true });
    if (!searchPath.ok) return searchPath;
    return { ok: true, value: searchPath.value ? { pattern: pattern.value as string, path: searchPath.value } : { pattern: pattern.value as string } };
  },
  ...neverAsks,
  summary: (value) => `${value.pattern}${value.path ? ` in ${value.path}` : ''}`,
  async run(value, ctx) {
    const resolved = await resolveInside(ctx.cwd, value.path ?? '.');
    if (!resolved.ok) return toolError(resolved.error);
    const info = await stat(resolved.absolute).catch(() => undefined);
    if (!info) return toolError(`path not found: ${resolved.relative}`);
    const regex = new RegExp(value.pattern);
    const matches: string[] = [];
    let capped = false;
    let skipped = 0;
    let hardLinked = 0;

    const searchFile = async (absolute: string, relative: string, followLinks: boolean): Promise<boolean> => {
      let content: FileContent;
      try {
        content = await readFileContent(absolute, { followLinks });
      } catch {
        return true; // unreadable or vanished: nothing to search
      }
      if (content.kind === 'too-large') skipped += 1;
      if (content.kind === 'hard-linked') hardLinked += 1;
      if (content.kind !== 'bytes' || looksBinary(content.bytes)) return true;
      const lines = content.bytes.toString('utf8').split('\n');
      for (let index = 0; index < lines.length; index += 1) {
        const line = lines[index].replace(/\r$/, '');
        if (!regex.test(line)) continue;
        if (matches.length >= MAX_GREP_MATCHES) {
          capped = true;
          return false;
        }
        const text = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line;
        matches.push(`${relative.split('\\').join('/')}:${index + 1}:${text}`);
      }
      return true;
    };

    if (info.isDirectory()) {
      await walkFiles(ctx.cwd, resolved.absolute, ({ absolute, relative }) => searchFile(absolute, relative, false), ctx.signal);
    } else {
      await searchFile(resolved.absolute, resolved.relative, true);
    }
    if (ctx.signal?.aborted) return toolError('interrupted');
    const notes: string[] = [];
    if (capped) notes.push(`[… more matches not shown: results capped at ${MAX_GREP_MATCHES}; narrow the pattern or the path]`);
    if (skipped > 0) notes.push(`[${skipped} file${skipped === 1 ? '' : 's'} over 1 MB not searched]`);
    if (hardLinked > 0) {
      notes.push(`[${hardLinked} file${hardLinked === 1 ? '' : 's'} with more than one hard link not searched: other names may lie outside the working directory; use bash (which asks the user) for them]`);
    }
    if (matches.length === 0) return { content: [`no matches for /${value.pattern}/ in ${resolved.relative}`, ...notes].join('\n') };
    return { content: [...matches, ...notes].join('\n') };
  },
});
