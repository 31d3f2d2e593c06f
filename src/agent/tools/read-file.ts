// read_file {path}: the UTF-8 text of a file inside the working directory (up to 1 MB, not binary).
import { resolveInside } from '../paths.js';
import { readTextFile } from './files.js';
import { defineTool, inputObject, neverAsks, stringField, toolError } from './tool.js';

export interface ReadFileInput {
  path: string;
}

export const readFileTool = defineTool<ReadFileInput>({
  name: 'read_file',
  description: 'Read a UTF-8 text file inside the working directory and return its full content. '
    + 'The path is relative to the working directory. Files over 1 MB and binary files are refused.',
  inputSchema: {
    type: 'object',
    properties: { path: { type: 'string', description: 'File path relative to the working directory, e.g. "src/index.ts".' } },
    required: ['path'],
  },
  validate(input) {
    const fields = inputObject(input, 'a "path" field');
    if (!fields.ok) return fields;
    const path = stringField(fields.value, 'path');
    if (!path.ok) return path;
    return { ok: true, value: { path: path.value as string } };
  },
  ...neverAsks,
  summary: (value) => value.path,
  async run(value, ctx) {
    const resolved = await resolveInside(ctx.cwd, value.path);
    if (!resolved.ok) return toolError(resolved.error);
    const text = await readTextFile(resolved.absolute, resolved.relative);
    if (!text.ok) return toolError(text.error);
    return { content: text.value === '' ? `(${resolved.relative} is empty)` : text.value };
  },
});
