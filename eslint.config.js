// Lint rules, including the layering rule of architecture.md: imports point downward only.
import tseslint from 'typescript-eslint';

const layers = {
  core: [],
  store: ['core'],
  pty: ['core'],
  git: ['core'],
  llm: ['core', 'store'],
  agent: ['core', 'llm', 'store'],
  server: ['core', 'store', 'pty', 'git', 'llm'],
  tui: ['core', 'store'],
  cli: ['core', 'store', 'pty', 'git', 'llm', 'agent', 'server', 'tui'],
};

const packagesOnlyFor = {
  blessed: ['tui'],
  'blessed-contrib': ['tui'],
  'node-pty': ['pty'],
  '@xterm/headless': ['pty'],
  '@anthropic-ai/sdk': ['llm'],
  'simple-git': ['git'],
  yaml: ['core'],
};

const ioModules = ['fs', 'fs/promises', 'child_process', 'net', 'http', 'https', 'worker_threads', 'os', 'tty'];

function rulesFor(layer) {
  const forbiddenLayers = Object.keys(layers).filter((other) => other !== layer && !layers[layer].includes(other));
  const patterns = forbiddenLayers.map((other) => ({
    group: [`**/${other}/*`, `**/${other}/**`],
    message: `src/${layer} may not import src/${other} (layers point downward only, see architecture.md).`,
  }));
  const foreign = Object.entries(packagesOnlyFor).filter(([, owners]) => !owners.includes(layer));
  const paths = foreign.map(([name, owners]) => ({ name, message: `${name} belongs to src/${owners.join(', src/')} only.` }));
  // A package's own files too (blessed-contrib's charts are imported by their paths).
  patterns.push(...foreign.map(([name, owners]) => ({ group: [`${name}/**`], message: `${name} belongs to src/${owners.join(', src/')} only.` })));
  if (layer === 'core') {
    for (const name of ioModules) {
      paths.push({ name, message: 'src/core is pure: no I/O.' });
      paths.push({ name: `node:${name}`, message: 'src/core is pure: no I/O.' });
    }
  }
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  ...Object.keys(layers).map(rulesFor),
  {
    // no-restricted-imports cannot see import(): without it, a layer could reach any other.
    // Only src/cli, which may import everything anyway, loads modules lazily (start-up time).
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: {
      'no-restricted-syntax': ['error', { selector: 'ImportExpression', message: 'No dynamic import() in src: the layering rule checks static imports only.' }],
    },
  },
);
