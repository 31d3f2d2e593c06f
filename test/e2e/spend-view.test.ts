// The spend view as a user meets it at 80×24: /cost replaces the chat with the session's cost over time,
// the cost of each agent as bars with their names, costs and tokens, and the models' figures with the
// total; it follows the meters while open; Esc (or q) goes back to the chat. With NO_COLOR no cell has a
// colour and the bars are drawn with █. The main agent and a worker talk to the scripted model server.
import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../../src/llm/scripted-server.js';
import { Gate, planList, routedResponder } from '../support/model-scripts.js';
import type { CellColor } from '../support/screen-harness.js';
import {
  closeAll, eventually, headerLine, launch, mainRows, statusLine, submit, waitForChat, waitForState, type ScreenHarness,
} from './helpers.js';

let scripted: ScriptedServer | undefined;

afterEach(async () => {
  await closeAll();
  await scripted?.close();
  scripted = undefined;
});

const WAIT = { timeoutMs: 20_000 };

/**
 * claude-sonnet-5-5 at $2 / $10 per million input / output tokens, $0.2 cache read, $2.5 cache write.
 * The main agent: 400,000 + 410,000 input and 60 output before the worker ends ($1.6206), 420,000 and 30
 * after ($0.8403): $2.4609. The worker: 250,000 × 2 + 3,000 × 10 + 120,000 × 0.2 + 4,000 × 2.5 = $0.564.
 */
async function launchWithSpend(env: Record<string, string> = {}): Promise<{ h: ScreenHarness; workerMayAnswer: Gate }> {
  const workerMayAnswer = new Gate();
  scripted = await startScriptedServer({
    respond: routedResponder({
      main: planList('main', [
        { text: ['Starting it.'], toolUses: [{ name: 'spawn_agent', input: { task: 'Audit the auth module', name: 'auth-audit' } }], usage: { input: 400_000, output: 40 } },
        { text: ['auth-audit is on it.'], usage: { input: 410_000, output: 20 } },
        { text: ['The audit is done.'], usage: { input: 420_000, output: 30 } },
      ]),
      worker: async () => {
        await workerMayAnswer.opened;
        return { text: ['Found one issue.'], usage: { input: 250_000, output: 3_000, cacheRead: 120_000, cacheWrite: 4_000 } };
      },
    }),
  });
  const h = await launch({ cols: 80, rows: 24, env: { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: scripted.url, ...env } });
  await waitForChat(h);
  submit(h, 'audit the auth module in the background');
  await waitForState(h, 'auth-audit', 'running', WAIT);
  await eventually(h, (s) => expect(mainRows(s).join('\n')).toContain('auth-audit is on it.'), WAIT);
  return { h, workerMayAnswer };
}

/** The rows under the bars: names, costs, tokens. */
function barLabels(h: ScreenHarness): string[] {
  const rows = mainRows(h);
  const names = rows.findIndex((row) => row.startsWith(' main agent'));
  return names === -1 ? [] : rows.slice(names, names + 3);
}

/** The main pane's rows from the title of the line chart to the title of the bars (its chart, axis and times). */
function lineChart(h: ScreenHarness): string[] {
  const rows = mainRows(h);
  return rows.slice(rows.findIndex((row) => row.startsWith(' cost over time, USD')), rows.findIndex((row) => row.startsWith(' cost by agent')));
}

function expectSpendView(h: ScreenHarness, total: string): void {
  expect(headerLine(h)).toMatch(/^ agentmux · spend/);
  expect(statusLine(h)).toMatch(/^ Esc back Tab agents Ctrl\+Q quit /);
  const chart = lineChart(h);
  expect(chart[0]).toMatch(/^ cost over time, USD · since \d\d:\d\d:\d\d$/);
  expect(chart.some((row) => /^0⡇/.test(row)), 'the y axis from 0').toBe(true);
  expect(chart.at(-1), 'the time labels').toMatch(/^ +\d\d:\d\d:\d\d/);
  expect(mainRows(h)).toContain(' cost by agent, most expensive first');
  expect(mainRows(h).slice(-3)).toEqual([
    ' model               input output   cache r/w     cost',
    expect.stringMatching(/^ claude-sonnet-5-5 /),
    expect.stringMatching(new RegExp(`^ total .* \\${total}$`)),
  ]);
}

/** Cells of the main pane's body whose colours are not the terminal's defaults. */
function colouredCells(h: ScreenHarness): string[] {
  const found: string[] = [];
  for (let y = 0; y < h.rows; y++) {
    for (let x = 0; x < h.cols; x++) {
      const { chars, fg, bg } = h.cellStyle(x, y);
      if (fg !== 'default' || bg !== 'default') found.push(`(${x},${y}) ${JSON.stringify(chars)} fg=${fg} bg=${bg}`);
    }
  }
  return found;
}

const isPalette256 = (color: CellColor): boolean => typeof color === 'number' && color >= 16 && color <= 255;

/** Rows of the bars (between their title and their labels) that hold a bar cell: a background colour, or █. */
function barRows(h: ScreenHarness, glyph: boolean): number[] {
  const rows = mainRows(h);
  const from = rows.findIndex((row) => row.startsWith(' cost by agent')) + 1;
  const to = rows.findIndex((row) => row.startsWith(' main agent'));
  const found: number[] = [];
  for (let y = from; y < to; y++) {
    for (let x = 0; x < 50; x++) {
      const cell = h.cellStyle(x, y);
      if (glyph ? cell.chars === '█' : isPalette256(cell.bg)) {
        found.push(y);
        break;
      }
    }
  }
  return found;
}

describe('/cost', () => {
  it('shows the spend view at 80×24, follows the meters while open, and Esc goes back to the chat', { timeout: 60_000 }, async () => {
    const { h, workerMayAnswer } = await launchWithSpend();
    submit(h, '/cost');
    await eventually(h, (s) => {
      expectSpendView(s, '$1.62');
      expect(barLabels(s)).toEqual([' main agent', ' $1.62', ' 810k tok']);
      expect(barRows(s, false).length).toBeGreaterThan(0);
    }, WAIT);

    workerMayAnswer.open();
    await eventually(h, (s) => {
      expectSpendView(s, '$3.02');
      expect(barLabels(s)).toEqual([' main agent                auth-audit', ' $2.46                     $0.56', ' 1.2M tok                  377k tok']);
    }, WAIT);
    await eventually(h, (s) => expect(mainRows(s)[1]).toBe(' spend · $3.02 · 1.6M tokens · cache hit 7%'), WAIT);

    h.press('escape');
    await waitForChat(h);
    expect(mainRows(h).join('\n')).toContain('The audit is done.');
  });

  it('draws no colour with NO_COLOR: the bars are █; q goes back', { timeout: 60_000 }, async () => {
    const { h, workerMayAnswer } = await launchWithSpend({ NO_COLOR: '1' });
    workerMayAnswer.open();
    await waitForState(h, 'auth-audit', 'finished', WAIT);
    await eventually(h, (s) => expect(mainRows(s).join('\n')).toContain('The audit is done.'), WAIT);
    submit(h, '/cost');
    await eventually(h, (s) => {
      expectSpendView(s, '$3.02');
      expect(barLabels(s)[0]).toBe(' main agent                auth-audit');
      expect(barRows(s, true).length).toBeGreaterThan(0);
      expect(colouredCells(s)).toEqual([]);
    }, WAIT);
    expect(h.rawText()).not.toMatch(/\x1b\[[0-9;]*[34]8;[25];/);

    h.type('q');
    await waitForChat(h);
  });
});
