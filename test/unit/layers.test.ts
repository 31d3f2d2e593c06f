// The layering rule of architecture.md is a lint check: prove the repo's ESLint config enforces it.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: REPO_ROOT });
});

/** Messages of the layering rule for `code` linted as if it were the file at `filePath`. */
async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  expect(result.filePath).toContain(filePath);
  const fatal = result.messages.filter((message) => message.fatal);
  expect(fatal, `${filePath} did not parse`).toEqual([]);
  return result.messages
    .filter((message) => message.ruleId === 'no-restricted-imports' || message.ruleId === 'no-restricted-syntax')
    .map((message) => message.message);
}

describe('layering rule', () => {
  it('lints the snippets as TypeScript sources (not ignored)', async () => {
    expect(await eslint.isPathIgnored('src/core/x.ts')).toBe(false);
    const [result] = await eslint.lintText('const x: number = 1;\nexport default x;\n', { filePath: 'src/core/x.ts' });
    expect(result.messages).toEqual([]);
  });

  const refused: Array<[string, string, RegExp]> = [
    ['src/core/x.ts', "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n", /pure: no I\/O/],
    ['src/core/x.ts', "import { spawn } from 'child_process';\nexport const f = spawn;\n", /pure: no I\/O/],
    ['src/core/x.ts', "export { readFile } from 'node:fs/promises';\n", /pure: no I\/O/],
    ['src/core/x.ts', "import blessed from 'blessed';\nexport const b = blessed;\n", /blessed belongs to src\/tui/],
    ['src/core/x.ts', "import { AgentServer } from '../server/agent-server.js';\nexport const s = AgentServer;\n", /src\/core may not import src\/server/],
    ['src/server/x.ts', "import blessed from 'blessed';\nexport const b = blessed;\n", /blessed belongs to src\/tui/],
    ['src/server/x.ts', "import contrib from 'blessed-contrib';\nexport const c = contrib;\n", /blessed-contrib belongs to src\/tui/],
    ['src/core/x.ts', "import line from 'blessed-contrib/lib/widget/charts/line.js';\nexport const l = line;\n", /blessed-contrib belongs to src\/tui/],
    ['src/cli/x.ts', "import bar from 'blessed-contrib/lib/widget/charts/bar.js';\nexport const b = bar;\n", /blessed-contrib belongs to src\/tui/],
    ['src/server/x.ts', "import { App } from '../tui/app.js';\nexport const a = App;\n", /src\/server may not import src\/tui/],
    ['src/tui/x.ts', "import { AgentServer } from '../server/agent-server.js';\nexport const s = AgentServer;\n", /src\/tui may not import src\/server/],
    ['src/tui/views/x.ts', "import type { AgentRuntime } from '../../server/runtime.js';\nexport type R = AgentRuntime;\n", /src\/tui may not import src\/server/],
    ['src/tui/x.ts', "import * as pty from 'node-pty';\nexport const p = pty;\n", /node-pty belongs to src\/pty/],
    ['src/tui/x.ts', "import { EmulatorPool } from '../pty/emulator-pool.js';\nexport const e = EmulatorPool;\n", /src\/tui may not import src\/pty/],
    ['src/pty/x.ts', "import { AgentServer } from '../server/agent-server.js';\nexport const s = AgentServer;\n", /src\/pty may not import src\/server/],
    ['src/store/x.ts', "import { App } from '../tui/app.js';\nexport const a = App;\n", /src\/store may not import src\/tui/],
  ];

  for (const [filePath, code, message] of refused) {
    const first = code.split('\n')[0];
    it(`refuses in ${filePath}: ${first}`, async () => {
      const messages = await restrictedImports(filePath, code);
      expect(messages, `no-restricted-imports did not fire for ${filePath}`).toHaveLength(1);
      expect(messages[0]).toMatch(message);
    });
  }

  const allowed: Array<[string, string]> = [
    ['src/tui/x.ts', "import { isEnded } from '../core/agent.js';\nexport const f = isEnded;\n"],
    ['src/tui/x.ts', "import blessed from 'blessed';\nexport const b = blessed;\n"],
    ['src/tui/x.ts', "import line from 'blessed-contrib/lib/widget/charts/line.js';\nexport const l = line;\n"],
    ['src/tui/views/x.ts', "import { formatDuration } from '../../core/format.js';\nexport const f = formatDuration;\n"],
    ['src/server/x.ts', "import { createPtyRuntime } from '../pty/pty-runtime.js';\nexport const f = createPtyRuntime;\n"],
    ['src/pty/x.ts', "import * as pty from 'node-pty';\nexport const p = pty;\n"],
    ['src/core/x.ts', "import { join } from 'node:path';\nexport const j = join;\n"],
    ['src/cli/x.ts', "import { AgentServer } from '../server/agent-server.js';\nimport { readFileSync } from 'node:fs';\nexport const s = [AgentServer, readFileSync];\n"],
  ];

  for (const [filePath, code] of allowed) {
    const first = code.split('\n')[0];
    it(`allows in ${filePath}: ${first}`, async () => {
      expect(await restrictedImports(filePath, code)).toEqual([]);
    });
  }

  // no-restricted-imports does not look at dynamic import(); a syntax rule refuses import() in src.
  it('refuses a dynamic import() of a forbidden layer', async () => {
    const messages = await restrictedImports('src/tui/x.ts', "export const load = () => import('../server/agent-server.js');\n");
    expect(messages).toHaveLength(1);
  });
});
