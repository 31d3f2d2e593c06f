// Agent profiles (`--agent NAME`): a Markdown file in Claude Code's subagent format, YAML front
// matter (`name`, `description`, `tools`, `model`) between two `---` lines and the body as the
// agent's role. Pure: a file's text in, the profile or one line saying what is wrong out.
import { parseDocument } from 'yaml';
import { isObject } from './is-object.js';
import { NAME_RULE, NAME_PATTERN } from './names.js';

/** The built-in worker's tools (spec §8), in the order it offers them. */
export const WORKER_TOOL_NAMES = ['read_file', 'write_file', 'edit_file', 'list_files', 'grep', 'bash'] as const;
export type WorkerToolName = (typeof WORKER_TOOL_NAMES)[number];

/** Claude Code's names for the tools a worker has. */
const CLAUDE_CODE_TOOLS: Readonly<Record<string, WorkerToolName>> = {
  Read: 'read_file', Write: 'write_file', Edit: 'edit_file', MultiEdit: 'edit_file', Glob: 'list_files', Grep: 'grep', Bash: 'bash',
};

/** The most of a profile's body taken as a role: it travels in a worker's arguments. */
export const MAX_PROMPT_CHARS = 64 * 1024;

export interface AgentProfile {
  name: string;
  description: string;
  /** The worker tools it may use, in the worker's order; undefined: all of them. */
  tools?: WorkerToolName[];
  /** The model id it runs on; undefined: the configured model. */
  model?: string;
  /** The body: the agent's role, added to a worker's own instructions. */
  prompt: string;
}

export interface ModelCatalog {
  /** Claude Code's model aliases (`sonnet`, `opus`, `haiku`) → model ids. */
  aliases: Readonly<Record<string, string>>;
  /** Whether prices and a context window are on file for this model id. */
  known(id: string): boolean;
}

export type ProfileParse = { ok: true; profile: AgentProfile } | { ok: false; error: string };

/**
 * Reads profile `fileName` (`NAME.md`) from its text; `label` names the file in errors
 * (`.claude/agents/reviewer.md: tools: unknown tool "WebFetch" …`).
 */
export function parseAgentProfile(text: string, fileName: string, label: string, models: ModelCatalog): ProfileParse {
  const fail = (error: string): ProfileParse => ({ ok: false, error: `${label}: ${error}` });
  const split = splitFrontMatter(text);
  if ('error' in split) return fail(split.error);
  const document = parseDocument(split.frontMatter);
  const [yamlError] = document.errors;
  if (yamlError) return fail(describeYamlError(yamlError.message, yamlError.code, yamlError.linePos?.[0].line));
  let fields: unknown;
  try {
    fields = document.toJS({ maxAliasCount: 50 });
  } catch (error) {
    // yaml refuses aliases that would expand without end.
    return fail(`front matter: ${(error as Error).message}`);
  }
  if (!isObject(fields)) return fail('the front matter must be fields (name:, description:, and optionally tools: and model:)');

  const fileBase = fileName.replace(/\.md$/, '');
  const name = fields.name;
  if (name === undefined || name === null) return fail(`name: missing: add name: ${fileBase}`);
  if (typeof name !== 'string') return fail(`name: must be text, the file's name without .md (${fileBase})`);
  if (!NAME_PATTERN.test(name)) return fail(`name: ${JSON.stringify(name)} is not an agent name: use ${NAME_RULE}`);
  if (name !== fileBase) return fail(`name: ${JSON.stringify(name)} differs from the file's name (${fileName}): make them the same`);

  const description = fields.description;
  if (description === undefined || description === null) return fail('description: missing: say in a line when to use this agent');
  if (typeof description !== 'string' || !description.trim()) return fail('description: must be text saying when to use this agent');

  const tools = toolsOf(fields.tools);
  if (typeof tools === 'string') return fail(`tools: ${tools}`);
  const model = modelOf(fields.model, models);
  if (typeof model === 'string') return fail(`model: ${model}`);
  const prompt = split.body.trim();
  // A worker is handed its role in its arguments, where a NUL cannot go.
  if (prompt.includes('\0')) return fail('the body (the agent\'s role) holds a NUL character');
  if (prompt.length > MAX_PROMPT_CHARS) return fail(`the body (the agent's role) is ${prompt.length} characters: at most ${MAX_PROMPT_CHARS}`);
  return {
    ok: true,
    profile: { name, description: description.trim(), ...(tools.all ? {} : { tools: tools.names }), ...(model.id ? { model: model.id } : {}), prompt },
  };
}

/** The YAML between the first two `---` lines, and what follows. */
function splitFrontMatter(text: string): { frontMatter: string; body: string } | { error: string } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const missing = 'no front matter: the file must start with a --- line, then name: and description:, then another --- line';
  if (lines[0]?.trimEnd() !== '---') return { error: missing };
  const end = lines.findIndex((line, index) => index > 0 && line.trimEnd() === '---');
  if (end === -1) return { error: 'the front matter has no closing --- line' };
  return { frontMatter: lines.slice(1, end).join('\n'), body: lines.slice(end + 1).join('\n') };
}

/** yaml's message on one line, with the line in the file (the front matter starts on its second). */
function describeYamlError(message: string, code: string, line: number | undefined): string {
  const what = (message.split('\n', 1)[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
  const hint = code === 'BLOCK_AS_IMPLICIT_KEY' ? ' (a value with ": " in it needs quotes)' : '';
  return `front matter${line === undefined ? '' : ` line ${line + 1}`}: ${what}${hint}`;
}

const KNOWN_TOOLS = [...Object.keys(CLAUDE_CODE_TOOLS), ...WORKER_TOOL_NAMES].join(', ');

/** `tools`: a comma-separated list or a YAML list, of Claude Code's tool names or the worker's. */
function toolsOf(value: unknown): { all: true } | { all: false; names: WorkerToolName[] } | string {
  if (value === undefined || value === null) return { all: true };
  const shape = 'a comma-separated list or a YAML list of tool names';
  let words: string[];
  if (typeof value === 'string') words = value.split(',').map((word) => word.trim()).filter((word) => word !== '');
  else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) words = value.map((item: string) => item.trim());
  else return `must be ${shape}`;
  if (words.length === 0) return 'names no tool: leave it out for every tool, or name at least one';
  const chosen = new Set<WorkerToolName>();
  for (const word of words) {
    const tool = Object.hasOwn(CLAUDE_CODE_TOOLS, word) ? CLAUDE_CODE_TOOLS[word] : WORKER_TOOL_NAMES.find((known) => known === word);
    if (!tool) return `unknown tool ${JSON.stringify(word)} (known: ${KNOWN_TOOLS})`;
    chosen.add(tool);
  }
  return { all: false, names: WORKER_TOOL_NAMES.filter((tool) => chosen.has(tool)) };
}

/** `model`: `inherit` (or none) for the configured one, an alias, or a model id with a price on file. */
function modelOf(value: unknown, models: ModelCatalog): { id?: string } | string {
  if (value === undefined || value === null || value === 'inherit') return {};
  const choices = `${[...Object.keys(models.aliases), 'inherit'].join(', ')}, or a model id with a price on file (src/llm/prices.json or prices in your config)`;
  if (typeof value !== 'string' || !value.trim()) return `must be ${choices}`;
  if (Object.hasOwn(models.aliases, value)) return { id: models.aliases[value] };
  if (!models.known(value)) return `unknown model ${JSON.stringify(value)}: use ${choices}`;
  return { id: value };
}
