import { describe, expect, it } from 'vitest';
import { MAX_PROMPT_CHARS, parseAgentProfile, type ModelCatalog, type ProfileParse } from '../../src/core/agent-profile.js';
import { describeProfiles } from '../../src/core/profile-listing.js';
import { modelCatalog } from '../../src/llm/prices.js';

const MODELS: ModelCatalog = modelCatalog({ 'my-model': { input: 1, output: 2, cacheRead: 0.1, cacheWrite: 1.25, contextWindow: 100_000 } });
const LABEL = '.claude/agents/reviewer.md';

function parse(text: string, file = 'reviewer.md'): ProfileParse {
  return parseAgentProfile(text, file, LABEL, MODELS);
}

function error(text: string, file?: string): string {
  const result = parse(text, file);
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.profile)}`);
  return result.error;
}

const file = (frontMatter: string, body = 'You review code.\n') => `---\n${frontMatter}\n---\n${body}`;

describe('a good profile file', () => {
  it('reads Claude Code\'s format: front matter fields, the body as the role', () => {
    const text = file('name: reviewer\ndescription: Reviews code for security issues\ntools: Read, Grep, Glob\nmodel: opus', '\nYou are a security reviewer.\n\nBe thorough.\n');
    expect(parse(text)).toEqual({
      ok: true,
      profile: {
        name: 'reviewer', description: 'Reviews code for security issues', tools: ['read_file', 'list_files', 'grep'],
        model: 'claude-opus-5-5', prompt: 'You are a security reviewer.\n\nBe thorough.',
      },
    });
  });

  it('has every tool and the configured model without tools and model, or with model: inherit', () => {
    for (const extra of ['', '\nmodel: inherit']) {
      const result = parse(file(`name: reviewer\ndescription: Reviews${extra}`));
      expect(result).toEqual({ ok: true, profile: { name: 'reviewer', description: 'Reviews', prompt: 'You review code.' } });
    }
  });

  it('takes tools as a YAML list, Claude Code\'s names and ours, each once in the worker\'s order', () => {
    const result = parse(file('name: reviewer\ndescription: Reviews\ntools:\n  - bash\n  - Edit\n  - MultiEdit\n  - Write\n  - Read'));
    expect(result.ok && result.profile.tools).toEqual(['read_file', 'write_file', 'edit_file', 'bash']);
  });

  it('maps the aliases to the price table\'s models and takes a full id that has a price, from the table or the config', () => {
    const modelOf = (model: string) => {
      const result = parse(file(`name: reviewer\ndescription: Reviews\nmodel: ${model}`));
      return result.ok ? result.profile.model : result.error;
    };
    expect(modelOf('sonnet')).toBe('claude-sonnet-5-5');
    expect(modelOf('haiku')).toBe('claude-haiku-4-5');
    expect(modelOf('claude-sonnet-4-5-20250929')).toBe('claude-sonnet-4-5-20250929');
    expect(modelOf('my-model')).toBe('my-model');
  });

  it('accepts Windows line ends, a byte order mark, an empty body and keys of Claude Code it has no use for', () => {
    const text = '\uFEFF---\r\nname: reviewer\r\ndescription: "Reviews: code"\r\ncolor: purple\r\n---\r\n';
    expect(parse(text)).toEqual({ ok: true, profile: { name: 'reviewer', description: 'Reviews: code', prompt: '' } });
  });
});

describe('a malformed profile file is refused with its file and field', () => {
  it('without front matter, or without its closing line', () => {
    expect(error('You review code.\n')).toBe(`${LABEL}: no front matter: the file must start with a --- line, then name: and description:, then another --- line`);
    expect(error('---\nname: reviewer\ndescription: Reviews\n')).toBe(`${LABEL}: the front matter has no closing --- line`);
  });

  it('with front matter that is not YAML, saying on which line of the file', () => {
    expect(error(file('name: reviewer\ndescription: Use it when. Examples: user: "review this"'))).toBe(
      `${LABEL}: front matter line 3: Nested mappings are not allowed in compact mappings (a value with ": " in it needs quotes)`,
    );
    expect(error(file('name: [reviewer\ndescription: Reviews'))).toMatch(new RegExp(`^${LABEL}: front matter line \\d: `));
    expect(error(file('name: reviewer\nname: other\ndescription: Reviews'))).toBe(`${LABEL}: front matter line 3: Map keys must be unique`);
    expect(error(file('- name\n- description'))).toBe(`${LABEL}: the front matter must be fields (name:, description:, and optionally tools: and model:)`);
  });

  it('with fields of the wrong type or missing', () => {
    expect(error(file('description: Reviews'))).toBe(`${LABEL}: name: missing: add name: reviewer`);
    expect(error(file('name: 12\ndescription: Reviews'))).toBe(`${LABEL}: name: must be text, the file's name without .md (reviewer)`);
    expect(error(file('name: reviewer'))).toBe(`${LABEL}: description: missing: say in a line when to use this agent`);
    expect(error(file('name: reviewer\ndescription: [a, b]'))).toBe(`${LABEL}: description: must be text saying when to use this agent`);
    expect(error(file('name: reviewer\ndescription: Reviews\ntools: {Read: true}'))).toBe(`${LABEL}: tools: must be a comma-separated list or a YAML list of tool names`);
    expect(error(file('name: reviewer\ndescription: Reviews\ntools: [Read, 3]'))).toBe(`${LABEL}: tools: must be a comma-separated list or a YAML list of tool names`);
    expect(error(file('name: reviewer\ndescription: Reviews\ntools: " , "'))).toBe(`${LABEL}: tools: names no tool: leave it out for every tool, or name at least one`);
    expect(error(file('name: reviewer\ndescription: Reviews\nmodel: 4'))).toMatch(new RegExp(`^${LABEL}: model: must be sonnet, opus, haiku, inherit, or a model id`));
  });

  it('naming a tool a worker does not have, listing the known ones', () => {
    expect(error(file('name: reviewer\ndescription: Reviews\ntools: Read, WebFetch'))).toBe(
      `${LABEL}: tools: unknown tool "WebFetch" (known: Read, Write, Edit, MultiEdit, Glob, Grep, Bash, read_file, write_file, edit_file, list_files, grep, bash)`,
    );
  });

  it('naming a model without a price on file', () => {
    expect(error(file('name: reviewer\ndescription: Reviews\nmodel: gpt-5'))).toBe(
      `${LABEL}: model: unknown model "gpt-5": use sonnet, opus, haiku, inherit, or a model id with a price on file (src/llm/prices.json or prices in your config)`,
    );
  });

  it('whose name is not the file\'s, or not an agent name', () => {
    expect(error(file('name: code-reviewer\ndescription: Reviews'))).toBe(`${LABEL}: name: "code-reviewer" differs from the file's name (reviewer.md): make them the same`);
    expect(error(file('name: Code_Reviewer\ndescription: Reviews'), 'Code_Reviewer.md')).toMatch(
      new RegExp(`^${LABEL}: name: "Code_Reviewer" is not an agent name: use lowercase letters, digits and "-"`),
    );
  });

  it('whose aliases would expand without end', () => {
    const laughs = 'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]';
    expect(error(file(`name: reviewer\ndescription: Reviews\n${laughs}`))).toBe(
      `${LABEL}: front matter: Excessive alias count indicates a resource exhaustion attack`,
    );
  });

  it('whose role holds a NUL, or is longer than a worker takes', () => {
    expect(error(file('name: reviewer\ndescription: Reviews', 'a\0b'))).toBe(`${LABEL}: the body (the agent's role) holds a NUL character`);
    expect(error(file('name: reviewer\ndescription: Reviews', 'x'.repeat(MAX_PROMPT_CHARS + 1)))).toBe(
      `${LABEL}: the body (the agent's role) is ${MAX_PROMPT_CHARS + 1} characters: at most ${MAX_PROMPT_CHARS}`,
    );
  });
});

describe('the listing', () => {
  it('shows each profile with its tools, model and file, a malformed one with its error, and files it hides, printable only', () => {
    const text = describeProfiles([
      {
        name: 'reviewer', scope: 'project', source: '.agentmux/agents/reviewer.md', hidden: ['.claude/agents/reviewer.md'],
        profile: { name: 'reviewer', description: 'Reviews\x1b[31m code\nfor bugs', tools: ['read_file', 'grep'], model: 'claude-opus-5-5', prompt: 'x' },
      },
      { name: 'writer', scope: 'user', source: '~/.config/agentmux/agents/writer.md', profile: { name: 'writer', description: 'Writes', prompt: '' } },
      { name: 'broken', scope: 'claude', source: '.claude/agents/broken.md', error: '.claude/agents/broken.md: tools: unknown tool "WebFetch"' },
    ], []);
    expect(text.split('\n')).toEqual([
      'reviewer · Reviews [31m code for bugs',
      '  tools read_file, grep · model claude-opus-5-5 · .agentmux/agents/reviewer.md',
      '  .claude/agents/reviewer.md is hidden by it',
      'writer · Writes',
      '  tools all · model configured · ~/.config/agentmux/agents/writer.md',
      'broken ✖ .claude/agents/broken.md: tools: unknown tool "WebFetch"',
    ]);
    expect(describeProfiles([], ['.agentmux/agents', '.claude/agents'])).toBe('No agent profiles: none in .agentmux/agents, .claude/agents');
  });
});
