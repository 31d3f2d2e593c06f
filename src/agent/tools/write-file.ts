// write_file {path, content}: creates or replaces a file inside the working directory (parents created).
// A replaced file is a new file renamed over the old one (see replaceFile): never written through.
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { resolveInside } from '../paths.js';
import { fileErrorMessage, replaceFile } from './files.js';
import { defineTool, inputObject, stringField, toolError } from './tool.js';

export interface WriteFileInput {
  path: string;
  content: string;
}

const lineCount = (text: string): number => (text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0));

export const writeFileTool = defineTool<WriteFileInput>({
  name: 'write_file',
  description: 'Create a file, or replace its whole content, inside the working directory. Missing parent '
    + 'directories are created. Prefer edit_file for changing part of an existing file.',
  inputSchema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'File path relative to the working directory.' },
      content: { type: 'string', description: 'The complete new content of the file.' },
    },
    required: ['path', 'content'],
  },
  validate(input) {
    const fields = inputObject(input, '"path" and "content" fields');
    if (!fields.ok) return fields;
    const filePath = stringField(fields.value, 'path');
    if (!filePath.ok) return filePath;
    const content = stringField(fields.value, 'content', { allowEmpty: true });
    if (!content.ok) return content;
    return { ok: true, value: { path: filePath.value as string, content: content.value as string } };
  },
  approval: (value, ctx) => (ctx.permissions.editNeedsApproval('write_file')
    ? `Allow write_file: ${value.path} (${lineCount(value.content)} lines)?` : undefined),
  allowAlways: (_value, ctx) => ctx.permissions.allowTool('write_file'),
  summary: (value) => `${value.path} (${lineCount(value.content)} lines)`,
  async run(value, ctx) {
    const resolved = await resolveInside(ctx.cwd, value.path, 'write');
    if (!resolved.ok) return toolError(resolved.error);
    if (resolved.relative === '.') return toolError('path must name a file, not the working directory itself');
    let existed = false;
    try {
      const info = await stat(resolved.absolute).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (info?.isDirectory()) return toolError(`${resolved.relative} is a directory; give the path of a file`);
      existed = info !== undefined;
      await mkdir(path.dirname(resolved.absolute), { recursive: true });
      await replaceFile(resolved.absolute, value.content);
    } catch (error) {
      return toolError(fileErrorMessage(error, resolved.relative));
    }
    const bytes = Buffer.byteLength(value.content, 'utf8');
    return { content: `${existed ? 'overwrote' : 'created'} ${resolved.relative} (${bytes} bytes, ${lineCount(value.content)} lines)`, wrote: resolved.relative };
  },
});
