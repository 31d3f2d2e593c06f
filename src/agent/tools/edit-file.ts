// edit_file {path, old_string, new_string}: replaces the one occurrence of old_string in a file.
// Reads refuse hard-linked files; the edited text is a new file renamed over the old one (see files.ts).
import { resolveInside } from '../paths.js';
import { fileErrorMessage, readTextFile, replaceFile } from './files.js';
import { defineTool, inputObject, stringField, toolError } from './tool.js';

export interface EditFileInput {
  path: string;
  old_string: string;
  new_string: string;
}

/** Occurrences of `needle` in `haystack`, overlapping ones included (so "exactly once" means unambiguous). */
export function countOccurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) count += 1;
  return count;
}

const times = (count: number): string => (count === 1 ? 'once' : count === 2 ? 'twice' : `${count} times`);

export const editFileTool = defineTool<EditFileInput>({
  name: 'edit_file',
  description: 'Replace text in a file inside the working directory: old_string must occur exactly once in '
    + 'the file (include enough surrounding lines to make it unique) and is replaced by new_string. '
    + 'Read the file first; whitespace and indentation must match exactly.',
  inputSchema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'File path relative to the working directory.' },
      old_string: { type: 'string', description: 'The exact text to replace; must occur exactly once.' },
      new_string: { type: 'string', description: 'The text to put in its place.' },
    },
    required: ['path', 'old_string', 'new_string'],
  },
  validate(input) {
    const fields = inputObject(input, '"path", "old_string" and "new_string" fields');
    if (!fields.ok) return fields;
    const filePath = stringField(fields.value, 'path');
    if (!filePath.ok) return filePath;
    const oldString = stringField(fields.value, 'old_string');
    if (!oldString.ok) return oldString;
    const newString = stringField(fields.value, 'new_string', { allowEmpty: true });
    if (!newString.ok) return newString;
    if (oldString.value === newString.value) return { ok: false, error: 'old_string and new_string are the same: nothing to change' };
    return { ok: true, value: { path: filePath.value as string, old_string: oldString.value as string, new_string: newString.value as string } };
  },
  approval: (value, ctx) => (ctx.permissions.editNeedsApproval('edit_file') ? `Allow edit_file: ${value.path}?` : undefined),
  allowAlways: (_value, ctx) => ctx.permissions.allowTool('edit_file'),
  summary: (value) => value.path,
  async run(value, ctx) {
    const resolved = await resolveInside(ctx.cwd, value.path, 'write');
    if (!resolved.ok) return toolError(resolved.error);
    const text = await readTextFile(resolved.absolute, resolved.relative);
    if (!text.ok) return toolError(text.error);
    const count = countOccurrences(text.value, value.old_string);
    if (count === 0) {
      return toolError(`old_string was not found in ${resolved.relative}; read the file again and copy the text exactly, whitespace included`);
    }
    if (count > 1) {
      return toolError(`old_string occurs ${times(count)} in ${resolved.relative}; it must occur exactly once: include more surrounding lines to make it unique`);
    }
    const at = text.value.indexOf(value.old_string);
    // Spliced, not String.replace: "$&" and friends in new_string must stay literal.
    const edited = text.value.slice(0, at) + value.new_string + text.value.slice(at + value.old_string.length);
    try {
      await replaceFile(resolved.absolute, edited);
    } catch (error) {
      return toolError(fileErrorMessage(error, resolved.relative));
    }
    const removed = value.old_string.split('\n').length;
    const added = value.new_string === '' ? 0 : value.new_string.split('\n').length;
    return { content: `edited ${resolved.relative}: replaced ${removed} line${removed === 1 ? '' : 's'} with ${added}`, wrote: resolved.relative };
  },
});
