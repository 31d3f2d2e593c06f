// The shape of a worker tool (gemini-cli practice): a declared object that validates its input, may
// ask for approval, and returns failures as data ({ isError: true }) rather than throwing.
import type { ToolDefinition } from '../../llm/types.js';
import type { PermissionSession } from '../permission.js';

export type Validation<T> = { ok: true; value: T } | { ok: false; error: string };

export interface ToolResult {
  /** What the model gets back (and, shortened and sanitized, what the screen shows). */
  content: string;
  isError?: boolean;
  /** The file it wrote, relative to the working directory (agentmux warns when two agents write one file). */
  wrote?: string;
}

export interface ToolContext {
  /** Absolute path of the agent's working directory; every path resolves inside it. */
  cwd: string;
  /** Aborted on Ctrl+C: long-running tools stop. */
  signal?: AbortSignal;
  /** The environment for commands (bash); defaults to process.env. Model credentials and the report channel are always removed. */
  env?: NodeJS.ProcessEnv;
}

export interface ApprovalContext {
  permissions: PermissionSession;
  /** The agent's working directory: read-only commands run without asking only if they stay inside it. */
  cwd: string;
}

export interface Tool<T = unknown> {
  name: string;
  description: string;
  inputSchema: ToolDefinition['input_schema'];
  /** The input as the tool's value, or an error naming the field that is missing or wrong. */
  validate(input: unknown): Validation<T>;
  /** undefined when the call may run now; otherwise the question to ask ("Allow bash: rm -rf build?"). */
  approval(value: T, ctx: ApprovalContext): string | undefined;
  /** The user answered "always": remember it for the session. */
  allowAlways(value: T, ctx: ApprovalContext): void;
  /** One line for the screen and the activity report: the tool's arguments, briefly ("src/auth.ts"). */
  summary(value: T): string;
  run(value: T, ctx: ToolContext): Promise<ToolResult>;
}

/** Erases a tool's value type so tools of different inputs share one list (values only ever come from validate). */
export function defineTool<T>(tool: Tool<T>): Tool {
  return tool as unknown as Tool;
}

export const toolError = (content: string): ToolResult => ({ content, isError: true });

export function definitionOf(tool: Tool): ToolDefinition {
  return { name: tool.name, description: tool.description, input_schema: tool.inputSchema };
}

// ---- input validation helpers: errors name the field -------------------------------------------

export type Fields = Record<string, unknown>;

/** The input as an object, or an error listing the fields the tool expects. */
export function inputObject(input: unknown, expected: string): Validation<Fields> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, error: `input must be an object with ${expected}` };
  }
  return { ok: true, value: input as Fields };
}

export function stringField(fields: Fields, name: string, options: { optional?: boolean; allowEmpty?: boolean } = {}): Validation<string | undefined> {
  const value = fields[name];
  if (value === undefined || value === null) {
    return options.optional ? { ok: true, value: undefined } : { ok: false, error: `missing required field "${name}" (a string)` };
  }
  if (typeof value !== 'string') return { ok: false, error: `field "${name}" must be a string, not ${describeType(value)}` };
  if (!options.allowEmpty && value === '') return { ok: false, error: `field "${name}" must not be empty` };
  return { ok: true, value };
}

export function integerField(fields: Fields, name: string, min: number, max: number): Validation<number | undefined> {
  const value = fields[name];
  if (value === undefined || value === null) return { ok: true, value: undefined };
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return { ok: false, error: `field "${name}" must be an integer, not ${describeType(value)}` };
  }
  if (value < min || value > max) return { ok: false, error: `field "${name}" must be between ${min} and ${max} (got ${value})` };
  return { ok: true, value };
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return `${value}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** Tools that never ask: reading inside the working directory is fine in every mode. */
export const neverAsks = {
  approval: (): undefined => undefined,
  allowAlways: (): void => undefined,
};
