// The files of this agentmux install that run it elsewhere: package.json, dist/ and the packages
// its dependencies need at run time (not the dev tools a checkout also has in node_modules).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** Paths relative to `root`, the package's folder; throws with a one-line reason when a dependency is missing. */
export function productionFiles(root: string): string[] {
  for (const needed of ['package.json', 'dist']) {
    if (!existsSync(join(root, needed))) throw new Error(`${join(root, needed)} is missing: build agentmux first (npm run build)`);
  }
  const found = new Set<string>();
  const visit = (dir: string): void => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
    const optional = new Set(Object.keys(manifest.optionalDependencies ?? {}));
    for (const name of new Set([...Object.keys(manifest.dependencies ?? {}), ...optional])) {
      const at = resolvePackage(root, dir, name);
      if (!at) {
        if (optional.has(name)) continue;
        throw new Error(`the package ${name} (needed by ${relative(root, dir) || 'agentmux'}) is not under ${root}: reinstall agentmux`);
      }
      if (found.has(at)) continue;
      found.add(at);
      visit(at);
    }
  };
  visit(root);
  // A package inside another one's folder goes along with it.
  const dirs = [...found].filter((dir) => ![...found].some((other) => other !== dir && dir.startsWith(`${other}/`)));
  return ['package.json', 'dist', ...dirs.map((dir) => relative(root, dir)).sort()];
}

/** Where Node finds package `name` required from `fromDir`, looking no higher than `root`. */
function resolvePackage(root: string, fromDir: string, name: string): string | undefined {
  for (let dir = fromDir; dir === root || dir.startsWith(`${root}/`); dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
  }
  return undefined;
}
