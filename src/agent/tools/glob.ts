// A small glob matcher for list_files: `*` (within one path segment), `**` (any number of segments),
// `?`, `[abc]` / `[!abc]` / `[a-z]`, and `{a,b}` alternatives (nestable). Paths use "/" separators.

const MAGIC = /[*?[{]/;

export function hasMagic(pattern: string): boolean {
  return MAGIC.test(pattern);
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Compiles a glob to a regular expression matching whole relative paths. */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  let braceDepth = 0;
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index];
    if (char === '*') {
      if (pattern[index + 1] === '*') {
        const atSegmentStart = index === 0 || pattern[index - 1] === '/';
        const next = pattern[index + 2];
        if (atSegmentStart && next === '/') {
          source += '(?:[^/]*/)*'; // "**/": zero or more whole segments
          index += 2;
          continue;
        }
        if (atSegmentStart && next === undefined) {
          source += '.*'; // trailing "**": everything below
          index += 1;
          continue;
        }
        source += '[^/]*'; // "**" inside a segment acts as "*"
        index += 1;
        continue;
      }
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '[') {
      const close = pattern.indexOf(']', index + 2);
      if (close === -1) {
        source += '\\[';
        continue;
      }
      let body = pattern.slice(index + 1, close);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      source += `[${negated ? '^/' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      index = close;
    } else if (char === '{') {
      braceDepth += 1;
      source += '(?:';
    } else if (char === '}' && braceDepth > 0) {
      braceDepth -= 1;
      source += ')';
    } else if (char === ',' && braceDepth > 0) {
      source += '|';
    } else if (char === '\\' && index + 1 < pattern.length) {
      index += 1;
      source += escapeRegExp(pattern[index]);
    } else {
      source += escapeRegExp(char);
    }
  }
  source += ')'.repeat(braceDepth); // an unclosed "{" closes at the end
  return new RegExp(`^${source}$`);
}

/** The leading segments of `pattern` that hold no glob characters ("src/lib" for "src/lib/**\/*.ts"). */
export function staticPrefix(pattern: string): string {
  const segments = pattern.split('/');
  const literal: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (hasMagic(segment) || segment.includes('\\')) break;
    literal.push(segment);
  }
  return literal.join('/');
}
