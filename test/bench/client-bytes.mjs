// 7. Bytes the client writes to its terminal per second while the attached agent streams a steady
// 200 coloured log lines a second, vs a tmux client attached to the same stream. Also: whether
// the agentmux client wraps its frames in synchronized output (DECSET 2026), which the screen's
// emulator says it supports when asked (DECRQM).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { agentCount, droppedKeys, firstFrameShown, quitScreen, Sandbox, typeInput } from './lib/cli.mjs';
import { Screen } from './lib/screen.mjs';
import { fmtRatio, sleep } from './lib/stats.mjs';
import { Tmux, tmuxEnv } from './lib/tmux.mjs';

const COLS = 100;
const ROWS = 30;
const PERIOD_MS = 5;
const STREAM_MS = 14_000;
const TOTAL_LINES = STREAM_MS / PERIOD_MS;
/** Measuring starts once this line is on screen (2 s into the stream)… */
const WARM_UP_LINES = 400;
/** …and lasts this long; it must end before the stream does. */
const WINDOW_MS = 5000;
const SYNC_END = '\x1b[?2026l';

/**
 * The stream: a coloured log line every PERIOD_MS for STREAM_MS (lines due are caught up, so the
 * rate holds on a busy machine), each numbered `#000123`. At most 68 columns, so no line wraps
 * in agentmux's 70-column pane or in tmux's. Then it idles, so the pane stays as it was.
 */
const STREAM_SCRIPT = `// agentmux client-bytes benchmark: a steady stream of coloured log lines.
const PERIOD = ${PERIOD_MS};
const TOTAL = ${TOTAL_LINES};
const LEVELS = ['\\x1b[32mINFO \\x1b[0m', '\\x1b[32mINFO \\x1b[0m', '\\x1b[32mINFO \\x1b[0m', '\\x1b[1;33mWARN \\x1b[0m', '\\x1b[36mDEBUG\\x1b[0m'];
const FILES = ['agent-server', 'frame-builder', 'emulator-pool', 'chat-view', 'line-editor', 'socket'];
const WORDS = ['compiled', 'bundled', 'linked', 'checked', 'resolved', 'emitted'];
const started = Date.now();
let n = 0;
function line(i) {
  const t = new Date(started + i * PERIOD).toISOString().slice(11, 23);
  const file = FILES[(i * 7) % FILES.length];
  const word = WORDS[(i * 5) % WORDS.length];
  return '\\x1b[2m' + t + '\\x1b[0m ' + LEVELS[i % LEVELS.length] + ' \\x1b[36m' + file + '.ts\\x1b[0m ' + word + ' \\x1b[38;5;244m' + String((i * 37) % 900 + 10).padStart(3) + ' ms\\x1b[0m #' + String(i).padStart(6, '0') + '\\n';
}
function tick() {
  const due = Math.min(TOTAL, Math.floor((Date.now() - started) / PERIOD) + 1);
  let out = '';
  while (n < due) out += line(n++);
  if (out) process.stdout.write(out);
  if (n < TOTAL) setTimeout(tick, PERIOD);
  else setInterval(() => {}, 1 << 30);
}
tick();
`;

/** The highest `#NNNNNN` line number on screen, -1 when none. */
function lastShown(screen) {
  let last = -1;
  for (const match of screen.text().matchAll(/#(\d{6})/g)) last = Math.max(last, Number(match[1]));
  return last;
}

/**
 * Waits for the stream to get going on `screen`, then counts what the program writes to its
 * terminal for WINDOW_MS. Fails when the stream stalls or ends inside the window.
 */
async function measureWindow(screen, what) {
  await screen.waitFor((s) => lastShown(s) >= WARM_UP_LINES, { timeoutMs: 10_000, what: `${what}: line #${WARM_UP_LINES} of the stream` });
  const chunks = [];
  const stop = screen.onOutput((chunk) => chunks.push(chunk));
  const firstLine = lastShown(screen);
  const bytesBefore = screen.bytesReceived;
  const started = performance.now();
  await sleep(WINDOW_MS);
  const elapsed = performance.now() - started;
  const bytes = screen.bytesReceived - bytesBefore;
  stop();
  const lastLine = lastShown(screen);
  if (lastLine >= TOTAL_LINES - 1) throw new Error(`${what}: the stream ended inside the measuring window (line #${lastLine} shown); make STREAM_MS longer`);
  const lines = lastLine - firstLine;
  const expected = (WINDOW_MS / PERIOD_MS) * 0.8;
  if (lines < expected) throw new Error(`${what}: only ${lines} lines of the stream shown in ${WINDOW_MS} ms (expected about ${WINDOW_MS / PERIOD_MS})`);
  return { bytesPerSecond: (bytes * 1000) / elapsed, bytes, lines, writes: chunks.length, ...syncStats(Buffer.concat(chunks).toString('latin1')) };
}

/**
 * How many frames `text` wraps in DECSET/DECRST 2026 and how many of its bytes are inside them.
 * The window may cut a frame at either end: text before the first marker is inside when that
 * marker is an end, and text after a last begin is inside.
 */
function syncStats(text) {
  const markers = [...text.matchAll(/\x1b\[\?2026([hl])/g)];
  const begins = markers.filter((m) => m[1] === 'h').length;
  const ends = markers.length - begins;
  let inside = 0;
  let open = markers[0]?.[1] === 'l' ? 0 : undefined;
  for (const marker of markers) {
    if (marker[1] === 'h' && open === undefined) open = marker.index;
    if (marker[1] === 'l' && open !== undefined) {
      inside += marker.index + SYNC_END.length - open;
      open = undefined;
    }
  }
  if (open !== undefined) inside += text.length - open;
  return { begins, ends, inside };
}

/** `agentmux attach` at COLS×ROWS, the stream agent started and attached (/fg stream). */
async function agentmuxStream(script) {
  const sandbox = new Sandbox();
  const screen = sandbox.screen({ args: ['attach'], cols: COLS, rows: ROWS });
  let warning;
  try {
    await screen.waitFor(firstFrameShown, { what: 'the first frame' });
    const name = (await sandbox.cli(['run', '--name', 'stream', '--', process.execPath, script])).trim();
    if (name !== 'stream') throw new Error(`agentmux run --name stream started ${JSON.stringify(name)}`);
    await screen.waitFor((s) => agentCount(s) === 1, { what: 'the stream agent in the list' });
    await typeInput(screen, '/fg stream');
    screen.write('\r');
    await screen.waitFor((s) => s.line(0).includes('stream') && !s.line(ROWS - 2).includes('›') && lastShown(s) >= 0, { what: 'the stream agent attached' });
    const result = await measureWindow(screen, 'agentmux');
    screen.write('\x02'); // Ctrl-B: back to the chat, where Ctrl+Q quits
    await screen.waitFor(firstFrameShown, { what: 'the chat again after Ctrl+B' });
    await quitScreen(screen);
    return result;
  } finally {
    await screen.close();
    warning = await sandbox.close();
    if (warning) console.log(`  WARNING: ${warning}`);
  }
}

/**
 * A tmux session running the stream, and a client attached in a COLS×ROWS pty. With `sidePane`,
 * the window is split like agentmux's screen: the stream in a 69-column pane, an idle 30-column
 * pane beside it, so tmux cannot scroll the stream with whole-line terminal scrolling either.
 */
async function tmuxStream(dir, script, { sidePane = false } = {}) {
  const tmux = new Tmux(dir);
  let screen;
  try {
    tmux.run('new-session', '-d', '-s', 'bench', '-x', String(COLS), '-y', String(ROWS), 'exec sleep 100000');
    if (sidePane) tmux.run('split-window', '-d', '-h', '-l', '30', '-t', 'bench:0.0', 'exec sleep 100000');
    screen = new Screen({ command: 'tmux', args: [...tmux.base, 'attach-session', '-t', 'bench'], cols: COLS, rows: ROWS, env: tmuxEnv() });
    await screen.waitForText('[bench]', { what: 'the tmux status line' });
    // The stream starts once the client is attached, as in agentmux (where it starts before the attach).
    tmux.run('respawn-pane', '-k', '-t', 'bench:0.0', `exec '${process.execPath}' '${script}'`);
    const result = await measureWindow(screen, sidePane ? 'tmux (split)' : 'tmux');
    screen.write('\x02d');
    await screen.waitForExit({ timeoutMs: 5000, what: 'the tmux client to exit after C-b d' });
    return result;
  } finally {
    tmux.killServer();
    tmux.close();
    await screen?.close();
  }
}

const kB = (bytesPerSecond) => `${(bytesPerSecond / 1000).toFixed(1)} kB/s`;

function describe(label, r) {
  const sync = r.begins ? `, ${r.begins} synchronized frames (${((100 * r.inside) / r.bytes).toFixed(1)}% of bytes inside them)` : ', no synchronized output';
  return `  ${label}: ${kB(r.bytesPerSecond)} (${r.bytes} bytes in ${r.writes} writes, ${r.lines} lines streamed, ${Math.round(r.bytes / r.lines)} bytes a line)${sync}`;
}

export default async function clientBytes({ fixtures, log }) {
  const script = join(fixtures.dir, 'stream.js');
  writeFileSync(script, STREAM_SCRIPT);
  const ours = await agentmuxStream(script);
  log(describe('agentmux client', ours));
  const tmux = await tmuxStream(fixtures.dir, script);
  log(describe('tmux client    ', tmux));
  const split = await tmuxStream(fixtures.dir, script, { sidePane: true });
  log(describe('tmux, split    ', split));
  for (const warning of droppedKeys.warnings()) log(`  WARNING: ${warning}`);
  const syncOk = ours.begins > 0 && Math.abs(ours.begins - ours.ends) <= 1 && ours.inside === ours.bytes;
  if (!syncOk) log(`  WARNING: agentmux frames not all in synchronized output: ${ours.begins} begins, ${ours.ends} ends, ${ours.inside} of ${ours.bytes} bytes inside`);
  const seconds = WINDOW_MS / 1000;
  return [
    { benchmark: `bytes to the terminal while the attached agent streams ${1000 / PERIOD_MS} lines/s (${seconds} s)`, agentmux: kB(ours.bytesPerSecond), reference: `tmux ${kB(tmux.bytesPerSecond)}`, ratio: fmtRatio(ours.bytesPerSecond / tmux.bytesPerSecond), target: '≤ 1.0× tmux' },
    { benchmark: '… vs tmux with the stream beside a 30-column pane (same layout)', agentmux: kB(ours.bytesPerSecond), reference: `tmux ${kB(split.bytesPerSecond)}`, ratio: fmtRatio(ours.bytesPerSecond / split.bytesPerSecond), target: '—' },
    {
      benchmark: 'frames in synchronized output (DECSET 2026)',
      agentmux: `${ours.begins} frames, ${((100 * ours.inside) / ours.bytes).toFixed(1)}% of bytes`,
      reference: `tmux ${tmux.begins} frames`,
      ratio: '',
      target: 'all frames',
    },
  ];
}
