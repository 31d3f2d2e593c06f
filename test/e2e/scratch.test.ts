import { afterEach, it } from 'vitest';
import { startScreen, type ScreenHarness } from '../support/screen-harness.js';

let h: ScreenHarness | undefined;
afterEach(async () => { await h?.close(); });

it('explore', async () => {
  h = await startScreen({ cols: 100, rows: 30, args: ['--theme', 'dark'] });
  await h.waitFor('agents');
  console.log(h.formatScreen());
  h.type('/run --name one -- sh -c \'echo hello-one; sleep 30\'\r');
  await h.waitFor('hello-one');
  h.type('/run --name quick -- sh -c \'exit 3\'\r');
  await h.waitFor('quick failed');
  console.log(h.formatScreen());
  h.type('hello there\r');
  await h.waitFor('not configured: set');
  h.type('/run --name nope -- no-such-cmd-xyz\r');
  await h.waitFor('nope failed');
  console.log(h.formatScreen());
  for (let y = 0; y < 30; y++) console.log(y, JSON.stringify(h.cellStyle(2, y)), JSON.stringify(h.cellStyle(80, y)));
  h.type('/quit\r');
  console.log(await h.waitForExit());
  console.log(h.formatScreen());
  console.log(JSON.stringify(h.rawText().slice(-300)));
});
