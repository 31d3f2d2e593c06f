// list_files {pattern?}: files inside the working directory matching a glob ("src/**/*.ts"); all files
// without a pattern. Skips .git and node_modules, does not follow symbolic links, caps the list.
import { stat } from 'node:fs/promises';
import { resolveInside } from '../paths.js';
import { globToRegExp, hasMagic, staticPrefix } from './glob.js';
import { walkFiles } from './files.js';
import { defineTool, inputObject, neverAsks, stringField, toolError } from './tool.js';

export interface ListFilesInput {
  pattern?: string;
}

export const MAX_LISTED_FILES = 500;

const toSlashes = (relative: string): string => relative.split('\\').join('/');

export const listFilesTool = defineTool<ListFilesInput>({
  name: 'list_files',
  description: 'List files inside the working directory whose path matches a glob pattern relative to it: '
    + '"*" matches within one directory, "**" any number of directories, "?" one character, "{a,b}" '
    + 'alternatives, "[abc]" a character set; e.g. "src/**/*.ts" or "*.{json,md}". Without a pattern, '
    + `all files. A directory name lists everything below it. .git and node_modules are skipped; at most ${MAX_LISTED_FILES} paths are shown.`,
  inputSchema: {
    type: 'object',
    properties: { pattern: { type: 'string', description: 'Glob pattern relative to the working directory (default "**/*").' } },
  },
  validate(input) {
    const fields = inputObject(input ?? {}, 'an optional "pattern" field');
    if (!fields.ok) return fields;
    const pattern = stringField(fields.value, 'pattern', { optional: true, allowEmpty: true });
    if (!pattern.ok) return pattern;
    return { ok: true, value: pattern.value ? { pattern: pattern.value } : {} };
  },
  ...neverAsks,
  summary: (value) => value.pattern ?? '**/*',
  async run(value, ctx) {
    let pattern = toSlashes(value.pattern ?? '**/*').replace(/^(\.\/)+/, '');
    if (pattern.startsWith('/')) return toolError(`absolute patterns are not allowed (${JSON.stringify(pattern)}): give a pattern relative to the working directory`);
    if (pattern.split('/').includes('..')) return toolError(`pattern ${JSON.stringify(pattern)} leads outside the working directory: ".." is not allowed`);
    pattern = pattern.replace(/\/+$/, '');
    if (pattern === '' || pattern === '.') pattern = '**/*';

    // A plain directory name lists everything below it.
    if (!hasMagic(pattern)) {
      const resolved = await resolveInside(ctx.cwd, pattern);
      if (!resolved.ok) return toolError(resolved.error);
      const info = await stat(resolved.absolute).catch(() => undefined);
      if (info?.isDirectory()) pattern = `${pattern}/**/*`;
    }
    const base = staticPrefix(pattern);
    const resolvedBase = await resolveInside(ctx.cwd, base || '.');
    if (!resolvedBase.ok) return toolError(resolvedBase.error);
    const baseInfo = await stat(resolvedBase.absolute).catch(() => undefined);
    if (!baseInfo?.isDirectory()) return { content: `no files match ${pattern} (${base} is not a directory)` };

    const matcher = globToRegExp(pattern);
    const matches: string[] = [];
    let total = 0;
    await walkFiles(ctx.cwd, resolvedBase.absolute, ({ relative }) => {
      const slashed = toSlashes(relative);
      if (matcher.test(slashed)) {
        total += 1;
        if (matches.length < MAX_LISTED_FILES) matches.push(slashed);
      }
      return true;
    }, ctx.signal);
    if (ctx.signal?.aborted) return toolError('interrupted');
    if (total === 0) return { content: `no files match ${pattern}` };
    matches.sort();
    const more = total > matches.length ? `\n[… ${total - matches.length} more files not shown; use a narrower pattern]` : '';
    return { content: matches.join('\n') + more };
  },
});
