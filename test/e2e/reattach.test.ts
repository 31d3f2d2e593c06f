// The server outlives its screens: a screen killed outright loses nothing, two screens see the
// same agents live, and an agent's pty takes the size of the screen that attached it last.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agentPaneSize, layoutFor } from '../../src/tui/layout.js';
import { runCli } from '../support/cli-runner.js';
import { createTempRepo, type TempRepo } from '../support/git-repo.js';
import {
  bodyRows, chatLines, closeAll, inputLine, launch, listRows, newHome, processAlive, readPid, ready, submit, waitForAttached, waitForChat, waitForState,
} from './helpers.js';

let repo: TempRepo | undefined;

afterEach(async () => {
  await closeAll();
  await repo?.remove();
  repo = undefined;
});

describe('a screen killed with SIGKILL', () => {
  it('leaves its agents running with nothing missing from their logs, and the next screen shows them', async () => {
    const home = newHome();
    const h = await launch({ home });
    await ready(h);
    submit(h, `/run --name counter -- sh -c 'echo $$ > counter.pid; i=0; while [ $i -lt 300 ]; do i=$((i+1)); echo n$i; sleep 0.01; done'`);
    const pid = await readPid(h, join(home, 'counter.pid'));
    await waitForState(h, 'counter', 'running');
    process.kill(h.pid, 'SIGKILL');
    await h.waitForExit();
    expect(processAlive(pid)).toBe(true);

    const waited = await runCli(['wait', 'counter'], { env: h.env, cwd: h.cwd });
    expect(waited).toMatchObject({ code: 0, stdout: 'counter finished · exit 0\n' });
    const logs = await runCli(['logs', 'counter'], { env: h.env, cwd: h.cwd });
    expect(logs.stdout).toBe(Array.from({ length: 300 }, (_, index) => `n${index + 1}\n`).join(''));

    const again = await launch({ home });
    await waitForState(again, 'counter', 'finished');
  });
});

describe('two screens on one server', () => {
  it('see the same agents live, each at its own size, and both get an agent\'s completion flash', async () => {
    const home = newHome();
    const wide = await launch({ home, cols: 100, rows: 30 });
    await ready(wide);
    const narrow = await launch({ home, cols: 80, rows: 24 });
    await ready(narrow);

    submit(wide, `/run --name sizes -- sh -c 'while true; do stty size; sleep 0.1; done'`);
    await waitForState(narrow, 'sizes', 'running');
    const wideSize = agentPaneSize(layoutFor(100, 30));
    const narrowSize = agentPaneSize(layoutFor(80, 24));
    const shows = (size: { cols: number; rows: number }) => (text: string) => text.includes(`${size.rows} ${size.cols}`);

    submit(wide, '/fg sizes');
    await waitForAttached(wide, 'sizes');
    await wide.waitFor((_, s) => bodyRows(s).filter(Boolean).at(-1)?.trim() === `${wideSize.rows} ${wideSize.cols}`, { message: 'the wide screen\'s size in the agent' });
    submit(narrow, '/fg sizes');
    await waitForAttached(narrow, 'sizes');
    // The agent now has the narrow screen's size: both screens show it printing that.
    await narrow.waitFor((_, s) => bodyRows(s).filter(Boolean).at(-1)?.trim() === `${narrowSize.rows} ${narrowSize.cols}`, { message: 'the narrow size' });
    await wide.waitFor(shows(narrowSize), { message: 'the narrow size on the wide screen too' });
    narrow.press('ctrl-b');
    wide.press('ctrl-b');
    await Promise.all([waitForChat(narrow), waitForChat(wide)]);

    submit(narrow, `/run --name shared -- sh -c 'read line; echo got $line; exit 4'`);
    await waitForState(wide, 'shared', 'running');
    const sent = await runCli(['send', 'shared', 'hello'], { env: wide.env, cwd: wide.cwd });
    expect(sent.code).toBe(0);
    for (const screen of [wide, narrow]) {
      await screen.waitFor((_, s) => chatLines(s).some((line) => /shared failed · after \d+s · exit 4/.test(line)), { message: 'the flash line in the chat' });
      await waitForState(screen, 'shared', 'failed');
    }
  });
});

describe('the next screen', () => {
  it('recalls with ↑ what was said in the chat before it opened', async () => {
    const home = newHome();
    const first = await launch({ home });
    await ready(first);
    submit(first, 'a message from the first screen');
    await first.waitFor((_, s) => chatLines(s).some((line) => line.includes('a message from the first screen')));
    first.press('ctrl-q');
    await first.waitForExit();

    const next = await launch({ home });
    await ready(next);
    next.press('up');
    await next.waitFor((_, s) => inputLine(s) === '› a message from the first screen', { message: 'the earlier message in the input line' });
  });

  it('finds in its input line what the last one had typed and not sent', async () => {
    const home = newHome();
    const first = await launch({ home });
    await ready(first);
    first.type('half of a mess');
    await first.waitFor((_, s) => inputLine(s) === '› half of a mess');
    first.press('ctrl-q');
    await first.waitForExit();

    const next = await launch({ home });
    await ready(next);
    await next.waitFor((_, s) => inputLine(s) === '› half of a mess', { message: 'the draft in the input line' });
    next.type('age');
    next.press('enter');
    await next.waitFor((_, s) => chatLines(s).some((line) => line.includes('› half of a message')), { message: 'the whole message sent' });
  });
  it('opened with agentmux attach outside any repository takes the repository a screen used last, and says so', async () => {
    repo = await createTempRepo();
    const first = await launch({ cwd: repo.repo, env: repo.isolation });
    await ready(first);
    submit(first, '/run --name in-the-repo -- sleep 30');
    await waitForState(first, 'in-the-repo', 'running');
    first.press('ctrl-q');
    await first.waitForExit();

    const elsewhere = await launch({ cwd: repo.home, env: repo.isolation, args: ['attach', '--theme', 'dark'] });
    await ready(elsewhere);
    await waitForState(elsewhere, 'in-the-repo', 'running');
    await elsewhere.waitFor((_, s) => chatLines(s).join(' ').replace(/\s+/g, ' ').includes(`is in no repository: attached to ${repo?.repo}, where a screen was last`));
    elsewhere.press('ctrl-q');
    await elsewhere.waitForExit();

    // Plain agentmux there opens the directory's own workspace.
    const own = await launch({ cwd: repo.home, env: repo.isolation });
    await ready(own);
    await own.waitFor((_, s) => listRows(s).join('\n').includes('No agents yet.'));
  });
});
