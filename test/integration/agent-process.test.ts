// AgentProcess with real ptys and the real emulator pool (worker threads from dist/: run `npm run build` first).
import { createWriteStream, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProcessExit } from '../../src/core/agent.js';
import { CHANNEL_ENV, CHANNEL_VERSION, type WorkerReport } from '../../src/core/report-channel.js';
import { applyFrame, type FrameLine, type ScreenFrame } from '../../src/core/screen-frame.js';
import { AgentProcess, type AgentProcessSpec } from '../../src/pty/agent-process.js';
import { EmulatorPool } from '../../src/pty/emulator-pool.js';
import type { HookEvent } from '../../src/pty/hook-channel.js';

const KILL_GRACE_MS = 600;
const RAW_READER = fileURLToPath(new URL('../support/raw-reader.cjs', import.meta.url));

/** Polls `probe` until it returns something other than undefined; on timeout, says what it last saw. */
async function waitFor<T>(what: string, probe: () => T | undefined, seen: () => unknown, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; saw: ${JSON.stringify(seen(), null, 1)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** An agent process and everything it reported. */
class Probe {
  readonly lastLines: string[] = [];
  readonly frames: ScreenFrame[] = [];
  readonly reports: WorkerReport[] = [];
  readonly problems: string[] = [];
  readonly hookEvents: HookEvent[] = [];
  readonly output: Buffer[] = [];
  readonly otherViews: Array<{ view: number; frame: ScreenFrame }> = [];
  grid: FrameLine[] | undefined;
  end: { exit: ProcessExit; lastLine: string; at: number } | undefined;
  endCount = 0;
  readonly process: AgentProcess;

  constructor(pool: EmulatorPool, command: string, spec: Partial<AgentProcessSpec> = {}) {
    // Every process runs `/bin/sh -c command` unless the spec names another program.
    this.process = new AgentProcess(pool, {
      file: '/bin/sh',
      args: ['-c', command],
      cwd: tmpdir(),
      cols: 80,
      rows: 24,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), TERM: 'xterm-256color', LC_ALL: 'C' },
      scrollback: 1000,
      killGraceMs: KILL_GRACE_MS,
      ...spec,
    }, {
      onLastLine: (text) => { this.lastLines.push(text); },
      onFrame: (frame, view) => {
        // View 1 is the probe's screen; other views are kept apart.
        if (view !== 1) {
          this.otherViews.push({ view, frame });
          return;
        }
        this.frames.push(frame);
        this.grid = applyFrame(this.grid, frame);
      },
      onReport: (report) => { this.reports.push(report); },
      onChannelProblem: (message) => { this.problems.push(message); },
      onHook: (event) => { this.hookEvents.push(event); },
      onOutput: (data) => { this.output.push(Buffer.from(data)); },
      onEnd: (exit, lastLine) => {
        this.endCount++;
        this.end = { exit, lastLine, at: Date.now() };
      },
    });
  }

  get lastLine(): string {
    return this.lastLines[this.lastLines.length - 1] ?? '';
  }

  screen(): string[] {
    return (this.grid ?? []).map((line) => line.runs.map((run) => run.text).join(''));
  }

  seen() {
    return { lastLines: this.lastLines.slice(-5), end: this.end, screen: this.screen().filter(Boolean).slice(-5) };
  }

  ended(timeoutMs = 15_000) {
    return waitFor('the process to end', () => this.end, () => this.seen(), timeoutMs);
  }

  lastLineIs(text: string, timeoutMs?: number) {
    return waitFor(`last line ${JSON.stringify(text)}`, () => (this.lastLine === text ? true : undefined), () => this.seen(), timeoutMs);
  }

  screenShows(text: string, timeoutMs?: number) {
    return waitFor(`screen showing ${JSON.stringify(text)}`, () => (this.screen().some((row) => row.includes(text)) ? true : undefined), () => this.seen(), timeoutMs);
  }
}

/** True when `pid` is gone or a zombie waiting for a parent that is no longer ours to reap it. */
function isDead(pid: number): boolean {
  const statPath = `/proc/${pid}/stat`;
  if (existsSync('/proc/self/stat')) {
    try {
      const stat = readFileSync(statPath, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
      return state === 'Z' || state === 'X';
    } catch {
      return true;
    }
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

let pool: EmulatorPool;
let probes: Probe[] = [];
let tmp: string;

function start(command: string, spec?: Partial<AgentProcessSpec>): Probe {
  const probe = new Probe(pool, command, spec);
  probes.push(probe);
  return probe;
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'agentmux-agent-process-'));
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  pool = new EmulatorPool();
});

afterEach(async () => {
  for (const probe of probes) probe.process.dispose();
  probes = [];
  await pool.dispose();
});

describe('output and exit', () => {
  it('reports the last line of output and exit code 0', async () => {
    const probe = start('echo hello; echo world');
    const { exit, lastLine } = await probe.ended();
    expect(exit.exitCode).toBe(0);
    expect(exit.signal ?? 0).toBe(0);
    expect(lastLine).toBe('world');
    expect(probe.endCount).toBe(1);
  });

  it('reports a non-zero exit code', async () => {
    const probe = start('echo failing >&2; exit 3');
    const { exit, lastLine } = await probe.ended();
    expect(exit.exitCode).toBe(3);
    expect(exit.signal ?? 0).toBe(0);
    expect(lastLine).toBe('failing');
  });

  it('reports the signal that ended the process', async () => {
    const probe = start('echo before; kill -9 $$');
    const { exit, lastLine } = await probe.ended();
    expect(exit.signal).toBe(9);
    expect(lastLine).toBe('before');
  });

  it('streams the last line while the process runs', async () => {
    const probe = start('echo first; read line; echo "got $line"');
    await probe.lastLineIs('first');
    expect(probe.end).toBeUndefined();
    probe.process.sendLine('second');
    const { lastLine } = await probe.ended();
    expect(lastLine).toBe('got second');
  });

  it('parses all output: the last line of a long output is exact', async () => {
    // The process waits for a line before it exits, which keeps node-pty's exit race (below) out of this test.
    const probe = start('seq 1 100000; read x');
    await probe.lastLineIs('100000', 30_000);
    probe.process.sendLine('');
    const { exit, lastLine } = await probe.ended(30_000);
    expect(exit.exitCode).toBe(0);
    expect(lastLine).toBe('100000');
    // The raw bytes (for the output log) are all there, in order, before the end is reported.
    const raw = Buffer.concat(probe.output).toString('utf8').split('\r\n');
    expect(raw.slice(0, 100_000)).toEqual(Array.from({ length: 100_000 }, (_, index) => String(index + 1)));
  });

  // On Linux, node-pty may report the exit before it has read the last output (microsoft/node-pty#726, #85);
  // AgentProcess holds the pty's terminal side open so that cannot happen.
  it('calls onEnd only after all output has been parsed, also when the process exits right after printing', async () => {
    const wrong: string[] = [];
    for (let run = 0; run < 30; run++) {
      const probe = start('seq 1 2000');
      const { lastLine } = await probe.ended();
      if (lastLine !== '2000') wrong.push(lastLine);
    }
    const probe = start('seq 1 100000');
    const { lastLine } = await probe.ended(30_000);
    if (lastLine !== '100000') wrong.push(lastLine);
    expect(wrong).toEqual([]);
  }, 60_000);

  it('runs in the given working directory with the given environment', async () => {
    const probe = start('echo "$(pwd -P) v=$AGENT_VAR home=${HOME:-unset}"', { cwd: tmp, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', AGENT_VAR: 'set', LC_ALL: 'C' } });
    const { lastLine } = await probe.ended();
    expect(lastLine).toBe(`${realpathSync(tmp)} v=set home=unset`);
  });
});

describe('kill', () => {
  it('stops a process with SIGTERM, children included', async () => {
    const probe = start('sleep 30 & echo "child=$!"; wait');
    const childText = await waitFor('the child pid', () => /child=(\d+)/.exec(probe.lastLine)?.[1], () => probe.seen());
    const child = Number(childText);
    expect(isDead(child)).toBe(false);
    probe.process.kill();
    const { exit } = await probe.ended();
    expect(exit.signal).toBe(15);
    await waitFor(`child ${child} to die`, () => (isDead(child) ? true : undefined), () => ({ child, ...probe.seen() }));
  });

  it('escalates to SIGKILL after the grace period when TERM is ignored, and the children die too', async () => {
    const probe = start('trap "" TERM; sleep 30 & echo "child=$!"; wait; echo survived; sleep 30');
    const child = Number(await waitFor('the child pid', () => /child=(\d+)/.exec(probe.lastLine)?.[1], () => probe.seen()));
    const killedAt = Date.now();
    probe.process.kill();
    probe.process.kill(); // a second request must not restart the grace period or throw
    const { exit, at } = await probe.ended();
    expect(exit.signal).toBe(9);
    expect(at - killedAt).toBeGreaterThanOrEqual(KILL_GRACE_MS - 50);
    expect(probe.lastLines).not.toContain('survived');
    await waitFor(`child ${child} to die`, () => (isDead(child) ? true : undefined), () => ({ child, ...probe.seen() }));
  });

  it('ends when the shell exits even if a child that ignores SIGHUP still holds the terminal', async () => {
    const probe = start('(trap "" HUP; exec sleep 30) & echo "child=$!"');
    const { exit, lastLine } = await probe.ended();
    const child = Number(/child=(\d+)/.exec(lastLine)?.[1]);
    try {
      expect(exit.exitCode).toBe(0);
      expect(child).toBeGreaterThan(0);
    } finally {
      if (child > 0 && !isDead(child)) process.kill(child, 'SIGKILL');
    }
  });

  it('is a no-op once the process has ended', async () => {
    const probe = start('echo done');
    await probe.ended();
    expect(() => {
      probe.process.kill();
      probe.process.writeKeys('x');
      probe.process.sendLine('y');
      probe.process.resize(100, 30);
    }).not.toThrow();
    expect(probe.endCount).toBe(1);
  });

  it('takes keys, pastes and resizes without throwing in the turn between node-pty closing the pty and reporting the exit', async () => {
    // node-pty closes the pty's fd when it destroys its read stream, and reports the exit only on
    // the stream's 'close', at the end of that loop iteration; a screen's resize in between ended
    // the server (ioctl(2) failed, EBADF). Call in exactly there.
    const probe = start('exit 0');
    const socket = (probe.process as unknown as { pty: { _socket: { destroy: (...args: unknown[]) => unknown } } }).pty._socket;
    const destroy = socket.destroy.bind(socket);
    const thrown: unknown[] = [];
    socket.destroy = (...args: unknown[]) => {
      const result = destroy(...args);
      try {
        probe.process.resize(100, 30);
        probe.process.writeKeys('y');
        probe.process.paste('text');
      } catch (error) {
        thrown.push(error);
      }
      return result;
    };
    const writeErrors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await probe.ended();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(thrown).toEqual([]);
      // No "Unhandled pty write error … EBADF" from node-pty either: nothing was written to the closed fd.
      expect(writeErrors).not.toHaveBeenCalled();
    } finally {
      writeErrors.mockRestore();
    }
  });

  it('dispose kills a running process', async () => {
    const probe = start('echo "pid=$$"; sleep 30');
    const pid = Number(await waitFor('the pid', () => /pid=(\d+)/.exec(probe.lastLine)?.[1], () => probe.seen()));
    probe.process.dispose();
    await waitFor(`process ${pid} to die`, () => (isDead(pid) ? true : undefined), () => probe.seen());
  });
});

describe('terminal size and input', () => {
  it('gives the pty its size and changes it on resize', async () => {
    const probe = start('stty size; read x; stty size', { cols: 80, rows: 24 });
    await probe.lastLineIs('24 80');
    probe.process.resize(100, 30);
    probe.process.sendLine('go');
    const { lastLine } = await probe.ended();
    expect(lastLine).toBe('30 100');
  });

  it('resizes the emulator too', async () => {
    const probe = start('read x', { cols: 40, rows: 10 });
    probe.process.watch(1, true);
    await waitFor('a frame', () => probe.frames[0], () => probe.seen());
    expect([probe.frames[0].cols, probe.frames[0].rows]).toEqual([40, 10]);
    probe.process.resize(60, 12);
    const resized = await waitFor('a resized frame', () => probe.frames.find((frame) => frame.cols === 60), () => probe.frames.map((f) => [f.cols, f.rows]));
    expect(resized.rows).toBe(12);
  });

  const readBytes = (count: number) => `stty -icanon -icrnl -echo min 1; echo ready; head -c ${count} | od -An -tx1 | tr -s ' ' | sed 's/^ //'`;

  it('re-encodes cursor keys for an app that enabled application cursor keys (DECCKM)', async () => {
    const probe = start(`printf '\\033[?1h'; ${readBytes(6)}`);
    probe.process.watch(1, true);
    await probe.screenShows('ready');
    probe.process.writeKeys('\x1b[A\x1b[D');
    const { lastLine } = await probe.ended();
    expect(lastLine).toBe('1b 4f 41 1b 4f 44');
  });

  it('sends cursor keys in normal mode to an app that did not', async () => {
    const probe = start(readBytes(3));
    probe.process.watch(1, true);
    await probe.screenShows('ready');
    probe.process.writeKeys('\x1bOB');
    const { lastLine } = await probe.ended();
    expect(lastLine).toBe('1b 5b 42');
  });

  it('brackets a sent line when the app enabled bracketed paste', async () => {
    const probe = start(`printf '\\033[?2004h'; ${readBytes(15)}`);
    probe.process.watch(1, true);
    await probe.screenShows('ready');
    probe.process.sendLine('hi');
    const { lastLine } = await probe.ended();
    // ESC [ 2 0 0 ~ h i ESC [ 2 0 1 ~ CR
    expect(lastLine).toBe('1b 5b 32 30 30 7e 68 69 1b 5b 32 30 31 7e 0d');
  });

  it('answers terminal queries (DA) like a real terminal', async () => {
    const probe = start(`stty -icanon -echo min 1; printf '\\033[c'; head -c 3 | od -An -tx1 | tr -s ' ' | sed 's/^ //'`);
    const { lastLine } = await probe.ended();
    expect(lastLine).toBe('1b 5b 3f');
  });
});

describe('frames', () => {
  it('produces frames of the screen only while watched', async () => {
    const probe = start('printf "\\033[31mred\\033[0m plain\\n"; read x; echo after');
    await probe.lastLineIs('red plain');
    expect(probe.frames).toEqual([]);
    probe.process.watch(1, true);
    await probe.screenShows('red plain');
    const first = probe.frames[0];
    expect(first.full).toBe(true);
    expect(first.lines[0].runs[0]).toMatchObject({ text: 'red', fg: 1 });
    expect(first.cursor).toMatchObject({ x: 0, y: 1 });
    probe.process.sendLine('typed');
    await probe.ended();
    await probe.screenShows('after');
    expect(probe.screen().slice(0, 3)).toEqual(['red plain', 'typed', 'after']);
  });

  it('sends a full frame again when watching starts anew', async () => {
    const probe = start('echo one; read x; echo two; read y');
    probe.process.watch(1, true);
    await probe.screenShows('one');
    probe.process.watch(1, false);
    const before = probe.frames.length;
    probe.process.sendLine('x');
    await probe.lastLineIs('two');
    probe.process.watch(1, true);
    const again = await waitFor('a second full frame', () => probe.frames.slice(before).find((frame) => frame.full), () => probe.frames.length);
    expect(again.lines.map((line) => line.runs.map((run) => run.text).join(''))).toContain('two');
    probe.process.sendLine('y');
    await probe.ended();
  });

  it('never puts control characters into frames or the last line', async () => {
    const probe = start(`printf 'a\\007b\\033]0;title\\007c\\302\\233d\\033[2Je\\n'; read x`);
    probe.process.watch(1, true);
    await probe.screenShows('e');
    for (const frame of probe.frames) {
      for (const line of frame.lines) for (const run of line.runs) expect(run.text).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    }
    expect(probe.lastLine).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    probe.process.sendLine('');
    await probe.ended();
  });
});

describe('sendLine', () => {
  const reader = (mode: string) => start(`exec '${process.execPath}' '${RAW_READER}' ${mode}`);

  it('types the text, and Enter in a read of its own once the program has echoed it', async () => {
    const probe = reader('echo');
    await probe.lastLineIs('ready');
    await probe.process.sendLine('hello world');
    const { lastLine } = await probe.ended();
    expect(lastLine).toBe('submitted ["hello world","\\r"]');
  });

  it('pastes the text bracketed when the program turned bracketed paste on, Enter after the paste', async () => {
    const probe = reader('bracketed');
    await probe.lastLineIs('ready');
    await probe.process.sendLine('hello world');
    const { lastLine } = await probe.ended();
    expect(lastLine).toBe('submitted ["\\u001b[200~hello world\\u001b[201~","\\r"]');
  });

  it('sends Enter on its own to a program that echoes nothing, a short while after the text', async () => {
    const probe = reader('silent');
    await probe.lastLineIs('ready');
    const started = Date.now();
    await probe.process.sendLine('quiet words');
    expect(Date.now() - started).toBeLessThan(2000);
    const { lastLine } = await probe.ended();
    expect(lastLine).toBe('submitted ["quiet words","\\r"]');
  });
});

describe('output text', () => {
  it('gives the last lines of output, scrollback included, wrapped rows joined', async () => {
    const probe = start(`seq 1 50; printf '%0100d\\n' 7; echo last; read x`, { cols: 40, rows: 5 });
    await probe.lastLineIs('last');
    const text = await probe.process.outputText(4);
    expect(text.split('\n')).toEqual(['49', '50', `${'0'.repeat(99)}7`, 'last']);
    expect((await probe.process.outputText(1000)).split('\n').slice(0, 3)).toEqual(['1', '2', '3']);
    probe.process.sendLine('');
    await probe.ended();
  });

  it('contains no control characters', async () => {
    const probe = start(`printf 'a\\033[31mred\\033[0m\\007b\\n'; read x`);
    await probe.lastLineIs('aredb');
    expect(await probe.process.outputText(10)).toBe('aredb');
    probe.process.sendLine('');
    await probe.ended();
  });
});

describe('views', () => {
  it('gives each watcher a view of its own: one looks back through the history while the other stays live', async () => {
    const probe = start('seq 1 100; read x');
    probe.process.watch(1, true);
    probe.process.watch(2, true);
    await probe.screenShows('100');
    const second = () => probe.otherViews.filter(({ view }) => view === 2).map(({ frame }) => frame);
    await waitFor('the second view\'s live frame', () => second().some((frame) => frame.scrollBack === 0), () => probe.seen());
    probe.process.scroll(2, 10);
    await waitFor('the second view scrolled back', () => second().at(-1)?.scrollBack === 10, () => JSON.stringify(second().map((frame) => frame.scrollBack)));
    probe.process.scroll(1, 'live');
    probe.process.sendLine('');
    await probe.ended();
    expect(probe.frames.every((frame) => frame.scrollBack === 0)).toBe(true);
    expect(probe.otherViews.every(({ view }) => view === 2)).toBe(true);
  });
});

describe('report channel', () => {
  const credentials = { apiKey: 'sk-ant-channel-test-0123', baseURL: 'http://127.0.0.1:9/' };
  const activity: WorkerReport = { type: 'activity', text: 'read_file src/auth.ts' };

  /** A worker stand-in: `node -e SCRIPT`, with `channel` (a connected socket after hello and welcome) and `send(message)` in scope. */
  function worker(body: string, spec: Partial<AgentProcessSpec> = {}): Probe {
    const script = `
      const net = require('node:net');
      const channel = net.connect(process.env.${CHANNEL_ENV});
      const send = (message) => channel.write(JSON.stringify(message) + '\\n');
      const say = (text) => process.stdout.write(text + '\\n');
      send({ type: 'hello', version: ${CHANNEL_VERSION} });
      channel.once('data', (data) => {
        const welcome = JSON.parse(data.toString());
        ${body}
      });`;
    return start('', { file: process.execPath, args: ['-e', script], channel: { dir: tmp, credentials }, ...spec });
  }

  it('hands the worker its credentials on its channel and delivers its reports, the last before its end', async () => {
    const probe = worker(`
      say('key ' + welcome.credentials.apiKey);
      send(${JSON.stringify(activity)});
      send({ type: 'result', outcome: 'finished', text: 'all done' });
      process.exit(0);`);
    probe.process.watch(1, true);
    await probe.ended();
    await probe.screenShows(`key ${credentials.apiKey}`);
    expect(probe.reports).toEqual([activity, { type: 'result', outcome: 'finished', text: 'all done' }]);
    expect(probe.problems).toEqual([]);
  });

  it('names the channel in the environment, and nothing else of it: no key, no secret', async () => {
    const probe = worker(`say(Object.keys(process.env).sort().join(' ')); say('env ' + JSON.stringify(process.env)); process.exit(0);`);
    probe.process.watch(1, true);
    await probe.ended();
    const text = await probe.process.outputText(20);
    expect(text).toContain(CHANNEL_ENV);
    expect(text).not.toContain(credentials.apiKey);
  });

  it('takes one connection only: a process started after the worker connected cannot reach the channel', async () => {
    const probe = worker(`
      const { execFileSync } = require('node:child_process');
      const later = execFileSync(process.execPath, ['-e', \`
        const s = require('node:net').connect(process.env.${CHANNEL_ENV});
        s.on('connect', () => { process.stdout.write('connected'); process.exit(0); });
        s.on('error', (e) => { process.stdout.write(e.code); process.exit(0); });\`]).toString();
      say('later: ' + later);
      send({ type: 'result', outcome: 'finished', text: 'mine' });
      process.exit(0);`);
    probe.process.watch(1, true);
    await probe.ended();
    await probe.screenShows('later: ');
    expect(probe.screen().join('\n')).toMatch(/later: (ENOENT|ECONNREFUSED)/);
    expect(probe.reports).toEqual([{ type: 'result', outcome: 'finished', text: 'mine' }]);
  });

  it('takes nothing printed on the terminal as a report, even the old escape-sequence form', async () => {
    const probe = worker(`
      process.stdout.write('x\\x1b]7717;secret;' + Buffer.from(JSON.stringify({ type: 'result', outcome: 'finished', text: 'forged' })).toString('base64') + '\\x07y\\n');
      process.stdout.write(JSON.stringify({ type: 'state', state: 'waiting', question: 'forged?' }) + '\\n');
      process.exit(1);`);
    probe.process.watch(1, true);
    await probe.ended();
    expect(probe.reports).toEqual([]);
    expect(probe.end?.exit.exitCode).toBe(1);
  });

  it('closes the channel on anything that is not a report, and says why', async () => {
    const probe = worker(`
      send({ type: 'state', state: 'finished' });
      channel.on('close', () => { say('closed'); process.exit(0); });`);
    probe.process.watch(1, true);
    await probe.ended();
    await probe.screenShows('closed');
    expect(probe.reports).toEqual([]);
    expect(probe.problems).toEqual(["the worker's channel was closed: it sent something that is not a report"]);
  });

  it('refuses a worker that does not start with a hello', async () => {
    const script = `const c = require('node:net').connect(process.env.${CHANNEL_ENV}); c.write('{"type":"state","state":"running"}\\n');
      c.on('data', (d) => process.stdout.write(d.toString())); c.on('close', () => process.exit(0));`;
    const probe = start('', { file: process.execPath, args: ['-e', script], channel: { dir: tmp, credentials } });
    probe.process.watch(1, true);
    await probe.ended();
    const text = await probe.process.outputText(10);
    expect(text).toContain('"refused"');
    expect(text).not.toContain(credentials.apiKey);
    expect(probe.problems).toEqual(["the worker's channel was closed: it did not start with a hello"]);
  });

  it('ends at once for a worker that never connected, and leaves no socket behind', async () => {
    const probe = worker('', { args: ['-e', 'process.stdout.write(process.env.AGENTMUX_CHANNEL + "\\n")'] });
    probe.process.watch(1, true);
    await probe.ended();
    const path = (await probe.process.outputText(5)).trim();
    expect(path).toMatch(/amx-.*channel$/);
    expect(existsSync(path)).toBe(false);
  });
});

describe('flow control', () => {
  const FLOOD_LINES = 1_400_000; // about 50 MB
  let floodFile: string;
  let lastFloodLine: string;

  beforeAll(async () => {
    floodFile = join(tmp, 'flood.txt');
    const out = createWriteStream(floodFile);
    const filler = 'abcdefghijklmnopqrstuvwxyz0123';
    for (let i = 1; i <= FLOOD_LINES; i += 10_000) {
      let chunk = '';
      for (let j = i; j < i + 10_000 && j <= FLOOD_LINES; j++) chunk += `${j} ${filler}\n`;
      if (!out.write(chunk)) await once(out, 'drain');
    }
    lastFloodLine = `FLOOD-END ${FLOOD_LINES}`;
    out.end(`${lastFloodLine}\n`);
    await once(out, 'finish');
  });

  it('parses a 50 MB flood to the exact last line with bounded memory', async () => {
    const { size } = statSync(floodFile);
    expect(size).toBeGreaterThan(50_000_000);
    const base = process.memoryUsage().rss;
    let peak = base;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
    try {
      // Waits for a line before exiting: the flood is about flow control, not node-pty's exit race (above).
      const probe = start(`cat '${floodFile}'; read x`);
      await probe.lastLineIs(lastFloodLine, 150_000);
      peak = Math.max(peak, process.memoryUsage().rss);
      probe.process.sendLine('');
      const { exit, lastLine } = await probe.ended();
      expect(exit.exitCode).toBe(0);
      expect(lastLine).toBe(lastFloodLine);
    } finally {
      clearInterval(sampler);
    }
    const growthMb = (peak - base) / 2 ** 20;
    console.log(`flood: RSS ${Math.round(base / 2 ** 20)} MB → peak ${Math.round(peak / 2 ** 20)} MB (+${Math.round(growthMb)} MB)`);
    expect(growthMb).toBeLessThan(300);
  }, 180_000);

  it('ends a flood that exits right away with the exact last line', async () => {
    const probe = start(`cat '${floodFile}'`);
    const { exit, lastLine } = await probe.ended(150_000);
    expect(exit.exitCode).toBe(0);
    expect(lastLine).toBe(lastFloodLine);
  }, 180_000);

  it('keeps several flooding agents apart', async () => {
    const probes = [1, 2, 3].map((n) => start(`seq 1 ${n * 50000}; echo "agent ${n} done"; read x`));
    await Promise.all(probes.map((probe, i) => probe.lastLineIs(`agent ${i + 1} done`, 60_000)));
    for (const probe of probes) probe.process.sendLine('');
    const ends = await Promise.all(probes.map((probe) => probe.ended()));
    expect(ends.map((end) => end.lastLine)).toEqual(['agent 1 done', 'agent 2 done', 'agent 3 done']);
  }, 90_000);
});

describe('emulator log output', () => {
  // xterm's default log level prints "xterm.js: Parsing error" with a dump of its parser state for
  // bytes such as DEL; from the worker this would reach the user's terminal via stderr.
  it('writes nothing to stderr when an agent prints a DEL byte', async () => {
    const writes: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      const probe = start(`printf 'a\\177b\\n'`);
      await probe.ended();
      // The worker's stdio has reached this thread once the worker has exited.
      await pool.dispose();
    } finally {
      spy.mockRestore();
    }
    expect(writes.join('')).toBe('');
  });
});
