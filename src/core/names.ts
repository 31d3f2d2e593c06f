// Agent names (spec §2): lowercase slugs that are safe as branch names, directories and files.

export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,47}$/;
export const NAME_RULE = 'lowercase letters, digits and "-", starting with a letter or digit, at most 48 characters';
const MAX_LENGTH = 48;

/** Returns why `name` is not a valid agent name, or undefined when it is. */
export function nameError(name: string): string | undefined {
  if (NAME_PATTERN.test(name)) return undefined;
  const shown = name.length > 60 ? `${name.slice(0, 57)}...` : name;
  return `invalid name ${JSON.stringify(shown)}: use ${NAME_RULE}`;
}

const FILLER_WORDS = new Set([
  'a', 'an', 'the', 'and', 'or', 'of', 'on', 'in', 'to', 'for', 'with', 'by', 'at', 'from', 'into', 'onto',
  'run', 'runs', 'please', 'do', 'make', 'some', 'my', 'our', 'this', 'that', 'these', 'those', 'it', 'its',
  'comprehensive', 'full', 'quick', 'all', 'me', 'us', 'can', 'you', 'could', 'would', 'should', 'then',
  'background', 'is', 'are', 'be', 'as', 'up', 'out', 'via',
]);
// Shell words that say nothing about what a command does.
const COMMAND_NOISE = new Set([
  'sh', 'bash', 'env', 'sudo', 'exec', 'time', 'nice', 'npx', 'for', 'while', 'until', 'do', 'done', 'if', 'then',
  'else', 'fi', 'dev', 'null', 'true', 'false',
]);

function slugWords(text: string, skip: Set<string>): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0 && !skip.has(word));
}

function joinWithin(words: string[], limit: number): string {
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word.slice(0, limit);
    if (next.length > limit) break;
    slug = next;
  }
  return slug;
}

/** A descriptive name from a task ("Run a security audit of auth" → "security-audit-auth"). */
export function nameFromTask(task: string, maxWords = 4): string {
  return joinWithin(slugWords(task, FILLER_WORDS).slice(0, maxWords), MAX_LENGTH - 3) || 'agent';
}

/** A name from a shell command ("npm run test -- --watch" → "npm-test-watch"). */
export function nameFromCommand(command: string, maxWords = 3): string {
  const words = slugWords(command, new Set([...FILLER_WORDS, ...COMMAND_NOISE])).filter((w) => w.length > 1 && !/^\d+$/.test(w));
  return joinWithin(words.slice(0, maxWords), MAX_LENGTH - 3) || 'command';
}

/** `base`, or `base-2`, `base-3`, … whichever is not taken. */
export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, MAX_LENGTH - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** A name for an agent CLI: its kind, then the task's words ("codex", "Fix the flaky login test" → "codex-fix-flaky-login"). */
export function nameForCli(cli: string, task: string | undefined): string {
  const words = task === undefined ? [] : slugWords(task, FILLER_WORDS).slice(0, 3);
  return joinWithin([...slugWords(cli, new Set()), ...words], MAX_LENGTH - 3) || 'cli';
}
