import { afterEach, it } from 'vitest';
import { startScreen, type ScreenHarness } from '../support/screen-harness.js';

let h: ScreenHarness | undefined;
afterEach(async () => { await h?.close(); });

it('hostile bg', async () => {
  h = await startScreen({ cols: 100, rows: 30, args: ['--theme', 'dark'] });
  await h.waitFor('agents');
  h.type(`/run --name osc -- printf '\\033]52;c;aGVsbG8=\\007\\033]0;pwned\\007\\033P1$rpwned-dcs\\033\\\\\\033]9;pwned-notify\\007'; echo done-osc; printf '\\377\\376bad\\300utf\\n'; exit 1\r`);
  await h.waitFor('osc failed');
  console.log(h.formatScreen());
  console.log(JSON.stringify(h.rawText().match(/\x1b\][^\x07\x1b]*(\x07|\x1b\\)/g)));
  h.type(`/run --name rnd -- head -c 20000 /dev/urandom\r`);
  await h.waitFor(/rnd (finished|failed)/);
  console.log(h.formatScreen());
  const t0 = Date.now();
  h.type(`/run --name big -- head -c 10000000 /dev/zero | tr '\\0' a\r`);
  await h.waitFor(/big (finished|failed)/, {timeoutMs: 30000});
  console.log('big took', Date.now() - t0);
  console.log(h.formatScreen());
  h.type('/fg big\r');
  await h.waitFor('· finished');
  console.log(h.formatScreen());
});
