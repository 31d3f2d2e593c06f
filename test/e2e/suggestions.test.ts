// Prompt suggestions on the screen: after a main-agent turn (not the first) the likely next message
// stands dimmed in the empty input line; Enter sends it, Tab takes it to edit, typing replaces it.
// The bundled demo model suggests; a scripted model shows that `suggestions: false` asks for none.
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_SUGGESTIONS } from '../../src/llm/demo-script.js';
import { startScriptedServer, type ScriptedServer } from '../../src/llm/scripted-server.js';
import { mainRequests, planList, routedResponder, suggestionRequests } from '../support/model-scripts.js';
import type { ScreenHarness } from '../support/screen-harness.js';
import {
  chatLines, closeAll, configDir, eventually, headerLine, inputLine, launch, newHome, statusLine, submit, waitForState, writeFile,
} from './helpers.js';

let scripted: ScriptedServer | undefined;

afterEach(async () => {
  await closeAll();
  await scripted?.close();
  scripted = undefined;
});

const KEYS = '  ↵ send · Tab edit';

async function readyWithModel(h: ScreenHarness): Promise<void> {
  await h.waitFor((_, s) => / · dark$/.test(statusLine(s)) && headerLine(s).startsWith(' agentmux · chat'), { message: 'the first screen' });
}

/** Waits until the turn has ended: its reply shows, and the header no longer says `thinking…`. */
function turnEnded(h: ScreenHarness, reply: RegExp): Promise<string> {
  return h.waitFor((_, s) => chatLines(s).join('\n').match(reply) && !headerLine(s).includes('thinking'), { message: `the reply ${reply}` });
}

function inputRow(h: ScreenHarness): number {
  return h.rows - 2;
}

describe('a suggested next message', () => {
  it('shows dimmed in the empty line after a turn; typing replaces it, Enter sends it, Tab takes it to edit', async () => {
    const h = await launch({ args: ['--theme', 'dark', '--demo'] });
    await readyWithModel(h);
    submit(h, 'hello');
    await turnEnded(h, /Hello! This is the agentmux DEMO model/);
    submit(h, 'hello again');
    await h.waitFor((_, s) => inputLine(s) === `› ${DEMO_SUGGESTIONS.otherwise}${KEYS}`, { message: 'the suggestion after the second turn' });
    // The first turn brought none: the only suggestion so far is the second turn's.
    expect(chatLines(h).filter((line) => line.includes(DEMO_SUGGESTIONS.otherwise))).toEqual([]);

    // Dimmed: the suggestion's grey, not the colour typed text gets; the cursor waits before it.
    const suggested = h.cellStyle(2, inputRow(h));
    expect(suggested.chars).toBe(DEMO_SUGGESTIONS.otherwise[0]);
    expect(suggested.fg).toBe(242);
    expect(h.cursor()).toEqual({ x: 2, y: inputRow(h) });

    // Typing replaces it, and it does not come back when the line is empty again.
    h.type('w');
    await h.waitFor((_, s) => inputLine(s) === '› w', { message: 'the typed letter alone' });
    expect(h.cellStyle(2, inputRow(h)).fg).not.toBe(242);
    h.press('backspace');
    await h.waitFor((_, s) => inputLine(s) === '›', { message: 'an empty line' });

    // Enter on the suggestion of the next turn sends it as if typed: the demo starts an agent on it.
    submit(h, 'and again');
    await h.waitFor((_, s) => inputLine(s) === `› ${DEMO_SUGGESTIONS.otherwise}${KEYS}`, { message: 'the next suggestion' });
    h.press('enter');
    await eventually(h, (s) => expect(chatLines(s)).toContain(` › ${DEMO_SUGGESTIONS.otherwise}`), { message: 'the suggestion sent' });
    await waitForState(h, 'audit-auth-module', 'finished', { timeoutMs: 20_000 });
    // After the wake-up turn that tells of the agent's result, the next suggestion; Tab takes it to edit.
    await h.waitFor((_, s) => inputLine(s) === `› ${DEMO_SUGGESTIONS.afterResult}${KEYS}`, { message: 'the suggestion after the result', timeoutMs: 15_000 });
    h.press('tab');
    await h.waitFor((_, s) => inputLine(s) === `› ${DEMO_SUGGESTIONS.afterResult}`, { message: 'the suggestion taken to edit' });
    expect(statusLine(h)).toMatch(/^ Tab agents /);
    expect(h.cellStyle(2, inputRow(h)).fg).not.toBe(242);
    expect(h.cursor()).toEqual({ x: 2 + DEMO_SUGGESTIONS.afterResult.length, y: inputRow(h) });
    // The sent suggestion is in history like any line typed.
    h.press('ctrl-u');
    h.press('up');
    await h.waitFor((_, s) => inputLine(s) === `› ${DEMO_SUGGESTIONS.otherwise}`, { message: 'the sent suggestion recalled' });
  }, 90_000);

  it('without colour (NO_COLOR) is underlined, so it does not pass for typed text', async () => {
    const h = await launch({ args: ['--theme', 'dark', '--demo'], env: { NO_COLOR: '1' } });
    await readyWithModel(h);
    submit(h, 'hello');
    await turnEnded(h, /Hello! This is the agentmux DEMO model/);
    submit(h, 'hello again');
    await h.waitFor((_, s) => inputLine(s) === `› ${DEMO_SUGGESTIONS.otherwise}${KEYS}`, { message: 'the suggestion' });
    const suggested = h.cellStyle(2, inputRow(h));
    expect(suggested).toMatchObject({ underline: true, fg: 'default' });
    h.press('right');
    await h.waitFor((_, s) => inputLine(s) === `› ${DEMO_SUGGESTIONS.otherwise}`, { message: '→ takes the suggestion' });
    expect(h.cellStyle(2, inputRow(h)).underline).toBe(false);
  }, 60_000);

  it('is never asked for with suggestions: false in the config', async () => {
    scripted = await startScriptedServer({
      respond: routedResponder({
        main: planList('main', [{ text: ['One.'] }, { text: ['Two.'] }, { text: ['Three.'] }]),
        suggestion: () => ({ text: ['never shown'] }),
      }),
    });
    const home = newHome();
    writeFile(`${configDir(home)}/config.json`, JSON.stringify({ suggestions: false }));
    const h = await launch({ home, args: ['--theme', 'dark'], env: { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: scripted.url } });
    await readyWithModel(h);
    for (const [said, reply] of [['one', /One\./], ['two', /Two\./], ['three', /Three\./]] as const) {
      submit(h, said);
      await turnEnded(h, reply);
    }
    // A suggestion after the second turn would have been asked for before the third turn's request.
    expect(mainRequests(scripted.requests)).toHaveLength(3);
    expect(suggestionRequests(scripted.requests)).toEqual([]);
    expect(inputLine(h)).toBe('›');
  }, 60_000);
});
