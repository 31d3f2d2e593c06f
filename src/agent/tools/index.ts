// The worker's tools (spec §8; names and inputs are contract).
import { bashTool } from './bash.js';
import { editFileTool } from './edit-file.js';
import { grepTool } from './grep.js';
import { listFilesTool } from './list-files.js';
import { readFileTool } from './read-file.js';
import type { Tool } from './tool.js';
import { writeFileTool } from './write-file.js';

export { bashTool, editFileTool, grepTool, listFilesTool, readFileTool, writeFileTool };
export { definitionOf, type ApprovalContext, type Tool, type ToolContext, type ToolResult, type Validation } from './tool.js';

export const WORKER_TOOLS: readonly Tool[] = [readFileTool, writeFileTool, editFileTool, listFilesTool, grepTool, bashTool];

export function toolNamed(name: string, tools: readonly Tool[] = WORKER_TOOLS): Tool | undefined {
  return tools.find((tool) => tool.name === name);
}
