import { existsSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildEnv, CLI_ENTRY, keySequence, type ScreenHarness, type ScreenOptions, startScreen } from '../support/screen-harness.js';

const harnesses: ScreenHarness[] = [];

async function start(options: ScreenOptions): Promise<ScreenHarness> {
  const harness = await startScreen(options);
  harnesses.push(harness);
  return harness;
}

function sh(script: string, options: ScreenOptions = {}): Promise<ScreenHarness> {
  return start({ command: '/bin/sh', args: ['-c', script], ...options });
}

/** A node program run in raw mode, so it sees exactly the bytes the terminal sends. */
function node(script: string, options: ScreenOptions = {}): Promise<ScreenHarness> {
  return start({ command: process.execPath, args: ['-e', script], ...options });
}

/**
 * Writes the OSC 11 background query followed by a DA1 query and prints (JSON-escaped) everything
 * received up to the DA1 reply. A terminal that does not answer OSC 11 answers only DA1.
 */
const QUERY_BACKGROUND = `
  process.stdin.setRawMode(true);
  let got = '';
  process.stdin.on('data', (d) => {
    got += d.toString('latin1');
    if (/\\x1b\\[\\?[0-9;]*c/.test(got)) {
      process.stdout.write('\\r\\nREPLY ' + JSON.stringify(got) + '\\r\\n');
      process.exit(0);
    }
  });
  process.stdout.write('\\x1b]11;?\\x07\\x1b[c');
`;

/** Echoes each chunk of input in hex until it receives 'q'. */
const ECHO_KEYS = `
  process.stdin.setRawMode(true);
  process.stdout.write('ready\\r\\n');
  process.stdin.on('data', (d) => {
    process.stdout.write('GOT ' + d.toString('hex') + '\\r\\n');
    if (d.toString() === 'q') process.exit(0);
  });
`;

afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(harnesses.splice(0).map((harness) => harness.close()));
});

describe('ScreenHarness', () => {
  it('renders text, cursor movement and colours', async () => {
    const h = await sh(
      `printf '\\033[2J\\033[H\\033[31mred\\033[0m plain\\033[5;10Hhere\\033[3;1H\\033[1;7;38;2;1;2;3;48;5;200mX\\033[0m'; read x`,
      { cols: 40, rows: 10 },
    );
    await h.waitFor('here');
    await h.waitFor((_, screen) => screen.cursor().y === 2);

    expect(h.line(0)).toBe('red plain');
    expect(h.line(4)).toBe(`${' '.repeat(9)}here`);
    expect(h.lines()).toHaveLength(10);
    expect(h.text().split('\n')[4]).toBe(h.line(4));
    expect(h.findText('plain')).toEqual({ x: 4, y: 0 });
    expect(h.findText('here')).toEqual({ x: 9, y: 4 });
    expect(h.findText('absent')).toBeUndefined();
    expect(h.cursor()).toEqual({ x: 1, y: 2 });

    expect(h.cellStyle(0, 0)).toMatchObject({ chars: 'r', fg: 1, bg: 'default', bold: false });
    expect(h.cellStyle(4, 0)).toMatchObject({ chars: 'p', fg: 'default', bg: 'default' });
    expect(h.cellStyle(0, 2)).toMatchObject({ chars: 'X', fg: '#010203', bg: 200, bold: true, inverse: true });
  });

  it('finds text by screen column after wide characters', async () => {
    const h = await sh(`printf '日本 ok'; read x`);
    await h.waitFor('ok');
    expect(h.findText('ok')).toEqual({ x: 5, y: 0 });
    expect(h.cellStyle(0, 0)).toMatchObject({ chars: '日', width: 2 });
  });

  it('types into the program and sees the echo', async () => {
    const h = await start({ command: 'cat' });
    h.type('hello');
    await h.waitFor('hello');
    h.press('enter');
    await h.waitFor((text) => text.split('\n').filter((line) => line === 'hello').length === 2);
    expect(h.lines().slice(0, 2)).toEqual(['hello', 'hello']);

    h.press('ctrl-d');
    // cat closes its stdio before exiting; node-pty then closes the master at once, and the kernel
    // may hang cat up in between. So only the exit code is reliable here, not signal === null.
    await expect(h.waitForExit()).resolves.toMatchObject({ exitCode: 0 });
  });

  it('sends the bytes of named keys', async () => {
    const h = await node(ECHO_KEYS);
    await h.waitFor('ready');
    for (const key of ['up', 'ctrl-b', 'tab', 'backspace', 'escape', 'alt-x'] as const) {
      h.press(key);
      await h.waitFor(new RegExp(`^GOT ${Buffer.from(keySequence(key)).toString('hex')}$`, 'm'));
    }
    expect(keySequence('ctrl-c')).toBe('\x03');
    expect(keySequence('ctrl-q')).toBe('\x11');
    expect(keySequence('left')).toBe('\x1b[D');
    expect(() => keySequence('nope' as never)).toThrow(/Unknown key/);
    h.type('q');
    await expect(h.waitForExit()).resolves.toMatchObject({ exitCode: 0 });
  });

  it('resizes the pty and the emulator', async () => {
    const h = await sh('stty size; read x; stty size; read y');
    await h.waitFor('30 100');
    h.resize(120, 40);
    expect([h.cols, h.rows]).toEqual([120, 40]);
    h.press('enter');
    await h.waitFor('40 120');
    expect(h.lines()).toHaveLength(40);
  });

  it('keeps the raw output, escape sequences and split UTF-8 included', async () => {
    const h = await sh(`printf '\\033]52;c;aGVsbG8=\\007caf\\303'; printf '\\251 done'; read x`);
    await h.waitFor('café done');
    const raw = await h.waitForRaw('\x1b]52;c;aGVsbG8=\x07');
    expect(raw.includes(Buffer.from([0x63, 0x61, 0x66, 0xc3, 0xa9]))).toBe(true);
    expect(h.rawText()).toContain('café done');
    expect(h.text()).not.toContain('52;');
    await h.waitForRaw((bytes) => bytes.includes(Buffer.from('\x1b]52;')), { message: 'OSC 52' });
    await expect(h.waitForRaw(/\x1b\]777;/, { timeoutMs: 200 })).rejects.toThrow(/raw output matching/);
  });

  it('reports the screen when a wait times out', async () => {
    const h = await sh('echo visible-marker; read x');
    await h.waitFor('visible-marker');
    const error = await h.waitFor('absent text', { timeoutMs: 200 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('Timed out after 200 ms waiting for text "absent text"');
    expect(message).toContain('is running');
    expect(message).toMatch(/^ 0 \|visible-marker$/m);
    expect(message).toMatch(/^29 \|$/m);

    await expect(h.waitFor(/nope/, { timeoutMs: 100, message: 'the nope banner' })).rejects.toThrow(/the nope banner/);
    await expect(
      h.waitFor(
        (text) => {
          expect(text).toContain('missing');
          return true;
        },
        { timeoutMs: 100 },
      ),
    ).rejects.toThrow(/Last predicate error: .*missing/);
  });

  it('fails a wait as soon as the program has exited without meeting it', async () => {
    const h = await sh('echo bye; exit 3');
    const started = Date.now();
    await expect(h.waitFor('never shown')).rejects.toThrow(/exited with code 3[\s\S]*\|bye/);
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(h.waitForExit()).resolves.toEqual({ exitCode: 3, signal: null });
    await expect(h.waitFor('bye')).resolves.toContain('bye');
    expect(() => h.type('x')).toThrow(/exited with code 3/);
  });

  it('answers OSC 11 with osc11Reply', async () => {
    const h = await node(QUERY_BACKGROUND, { osc11Reply: 'rgb:ffff/ffff/ffff' });
    await h.waitFor('REPLY');
    expect(h.text()).toContain('REPLY "\\u001b]11;rgb:ffff/ffff/ffff\\u001b\\\\\\u001b[?');
    await h.waitForExit();
  });

  it('answers DA but not OSC 11 by default', async () => {
    const h = await node(QUERY_BACKGROUND);
    await h.waitFor('REPLY');
    expect(h.text()).toMatch(/REPLY "\\u001b\[\?[0-9;]+c"/);
  });

  it('does not answer queries when answerQueries is false', async () => {
    const h = await node(
      `process.stdin.setRawMode(true);
       process.stdin.on('data', (d) => process.stdout.write('GOT ' + JSON.stringify(d.toString()) + '\\r\\n'));
       process.stdout.write('\\x1b[c\\x1b[6nasked\\r\\n');`,
      { answerQueries: false },
    );
    await h.waitFor('asked');
    h.type('x');
    // The program handles input in order, so once it echoes 'x' any reply would already have shown.
    await h.waitFor('GOT "x"');
    expect(h.text()).not.toContain('\\u001b');
  });

  it('runs with a clean, isolated environment', async () => {
    vi.stubEnv('ANTHROPIC_API_KEY', 'sk-should-not-leak');
    vi.stubEnv('NO_COLOR', '1');
    const h = await sh(
      'echo "home=$HOME"; echo "key=${ANTHROPIC_API_KEY-unset}"; echo "nocolor=${NO_COLOR-unset}"; echo "term=$TERM lang=$LANG"; echo "cfg=$XDG_CONFIG_HOME"; echo "pwd=$(pwd)"; read x',
    );
    await h.waitFor('pwd=');
    expect(h.text()).toContain(`home=${h.home}`);
    expect(h.text()).toContain('key=unset');
    expect(h.text()).toContain('nocolor=unset');
    expect(h.text()).toContain('term=xterm-256color lang=C.UTF-8');
    expect(h.text()).toContain(`cfg=${h.home}/.config`);
    expect(h.text()).toContain(`pwd=${h.home}`);
    expect(statSync(`${h.home}/.run`).mode & 0o777).toBe(0o700);

    const env = buildEnv('/tmp/x', { env: { ANTHROPIC_API_KEY: 'given', TERM: 'screen', LANG: undefined } });
    expect(env).toMatchObject({ ANTHROPIC_API_KEY: 'given', TERM: 'screen', HOME: '/tmp/x', XDG_STATE_HOME: '/tmp/x/.local/state' });
    expect(env).not.toHaveProperty('LANG');
    expect(buildEnv('/tmp/x', { inheritEnv: true })).not.toHaveProperty('NO_COLOR');

    const home = h.home;
    await h.close();
    expect(existsSync(home)).toBe(false);
  });

  it('defaults to the agentmux CLI', async () => {
    const h = await start({ args: ['--version'] });
    expect(h.command).toBe(process.execPath);
    expect(h.args).toEqual([CLI_ENTRY, '--version']);
    expect(CLI_ENTRY).toMatch(/\/dist\/cli\/main\.js$/);
  });

  it('closes with SIGTERM, escalates to SIGKILL, and is safe to call twice', async () => {
    const polite = await sh('echo up; read x');
    await polite.waitFor('up');
    await Promise.all([polite.close(), polite.close()]);
    expect(polite.exitStatus).toMatchObject({ signal: 'SIGTERM' });
    await polite.close();

    const stubborn = await sh('trap "" TERM; echo stubborn; while :; do read x; done');
    await stubborn.waitFor('stubborn');
    const pending = expect(stubborn.waitFor('never')).rejects.toThrow(/closed/);
    await stubborn.close();
    await pending;
    expect(stubborn.exitStatus).toMatchObject({ signal: 'SIGKILL' });
    expect(() => stubborn.type('x')).toThrow(/closed/);
  });
});
