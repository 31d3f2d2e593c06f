// Budgets as a user meets them: the built CLI in a real pty, a worker talking to the scripted Messages
// API server in this test process. At 80% of its budget the flash and the meter in the warning colour;
// at 100% the row waits with "budget reached"; /budget shows and raises it, as `agentmux budget` does.
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/core/agent.js';
import { startScriptedServer, type ScriptedServer } from '../../src/llm/scripted-server.js';
import { runCli } from '../support/cli-runner.js';
import { Gate, planList, routedResponder, workerRequests } from '../support/model-scripts.js';
import {
  borderColumn, chatLines, closeAll, errorEntries, eventually, headerLine, launch, listRows, statusLine, submit, waitForState,
  type ScreenHarness,
} from './helpers.js';

let scripted: ScriptedServer | undefined;

afterEach(async () => {
  await closeAll();
  await scripted?.close();
  scripted = undefined;
});

const SIZE = { cols: 120, rows: 40 };
/** The dark theme's `meter.warning` (#ffaf00) and `meter` (#8787af) in the 256-colour palette. */
const WARNING_FG = 214;

/** The y of agent `name`'s meter row (the third of its rows), or undefined. */
function meterRow(h: ScreenHarness, name: string): number | undefined {
  const index = listRows(h).findIndex((row) => new RegExp(`^ \\S ${name}(?: |$)`).test(row));
  return index === -1 ? undefined : index + 2;
}

describe('a worker\'s budget', () => {
  it('80%: a flash and the meter in the warning colour; 100%: waiting, "budget reached"; /budget shows it, raises it, and it finishes', async () => {
    const mayGoPastIt = new Gate();
    scripted = await startScriptedServer({
      respond: routedResponder({
        main: () => ({ text: ['Noted.'] }),
        worker: async (_request, index) => {
          // $0.008 of $0.01 as the first reply starts: 80%.
          if (index === 0) return { text: ['Looking.'], toolUses: [{ name: 'list_files', input: {} }], usage: { input: 4000, output: 20 } };
          await mayGoPastIt.opened;
          return planList('worker', [
            { text: ['Again.'], toolUses: [{ name: 'list_files', input: {} }], usage: { input: 1000, output: 20 } },
            { text: ['All looked at.'], usage: { input: 100, output: 10 } },
          ])(_request, index - 1);
        },
      }),
    });
    const h = await launch({ ...SIZE, env: { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: scripted.url } });
    await h.waitFor((_, s) => / · dark$/.test(statusLine(s)) && headerLine(s).startsWith(' agentmux · chat'), { message: 'the first screen' });

    submit(h, '/spawn --name pricey --budget 0.01 look around');
    // The flash stays a few seconds; its line stays in the chat.
    await eventually(h, (s) => expect(chatLines(s)).toContain(' $ pricey: 80% of its $0.01 budget'), { message: 'the warning in the chat' });
    await eventually(h, (s) => {
      const y = meterRow(s, 'pricey');
      expect(y).toBeDefined();
      expect(listRows(s)[y ?? 0]).toMatch(/^ {3}4\.0k tok <\$0\.01 budget 82%/);
      const style = s.cellStyle(borderColumn(s) + 4, y ?? 0);
      expect({ fg: style.fg, bold: style.bold }).toEqual({ fg: WARNING_FG, bold: true });
    }, { message: 'the meter in the warning colour' });

    mayGoPastIt.open();
    await eventually(h, (s) => {
      expect(listRows(s).join('\n')).toMatch(/ {3}waiting · budget reached \(\$0\.01\)/);
      expect(chatLines(s).join('\n')).toMatch(/pricey needs input · after \d+s · budget reached \(\$0\.01\)/);
      expect(statusLine(s)).toMatch(/ 1 waiting /);
    }, { message: 'the pause' });

    submit(h, '/budget pricey -1');
    await eventually(h, (s) => expect(errorEntries(s).at(-1)).toBe(
      'invalid budget "-1": give an amount in USD, e.g. /budget pricey 2.50 — usage: /budget NAME [USD] [--max-tokens N] | /budget --session [USD]',
    ));
    submit(h, '/budget pricey');
    await eventually(h, (s) => expect(chatLines(s).join('\n')).toMatch(/pricey: spent \$0\.01 of its \$0\.01 budget \(10\d%\) · 5\.0k tokens/));

    // Scripts see the same: `agentmux ls --json` and `agentmux budget`.
    const ls = await runCli(['ls', '--json'], { env: h.env, cwd: h.cwd });
    const listed = (JSON.parse(ls.stdout) as AgentInfo[]).find((agent) => agent.name === 'pricey');
    expect(listed).toMatchObject({ state: 'waiting', question: 'budget reached ($0.01)', budget: { usd: 0.01 }, usage: { costUsd: expect.any(Number) } });
    expect(await runCli(['budget', 'pricey', 'lots'], { env: h.env, cwd: h.cwd })).toMatchObject({
      code: 2, stderr: expect.stringContaining('agentmux: the budget must be an amount in USD above 0 (at most 10000), not "lots"'),
    });
    expect(await runCli(['budget', 'pricey', '1'], { env: h.env, cwd: h.cwd })).toEqual({ code: 0, stdout: 'pricey: budget $1.00\n', stderr: '' });

    await waitForState(h, 'pricey', 'finished');
    expect(chatLines(h).join('\n')).not.toContain('went on spending');
    expect(workerRequests(scripted.requests)).toHaveLength(3);
    await eventually(h, (s) => {
      const y = meterRow(s, 'pricey');
      expect(s.cellStyle(borderColumn(s) + 4, y ?? 0).fg).not.toBe(WARNING_FG);
    }, { message: 'the meter back in its own colour under the raised budget' });
  });
});
