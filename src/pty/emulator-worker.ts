// Worker thread hosting many terminal emulators, so parsing agents' output runs beside
// the thread that reads their ptys (two cores: read and parse overlap).
import { parentPort } from 'node:worker_threads';
import xterm from '@xterm/headless';
import type { Terminal as XTerminal } from '@xterm/headless';
import { decodeReport, REPORT_OSC } from '../core/report-channel.js';
import { FrameBuilder, lastLineOf, textOf } from './frame-builder.js';
import type { EmulatorModes, FromWorker, ToWorker } from './emulator-messages.js';

const { Terminal } = xterm;
const FRAME_INTERVAL_MS = 16;
/** A background agent's last line only feeds the list: fewer updates are plenty. */
const BACKGROUND_INTERVAL_MS = 100;

interface Hosted {
  terminal: XTerminal;
  frames: FrameBuilder;
  watched: boolean;
  dirty: boolean;
  cursorVisible: boolean;
  lastLine: string;
  modes: EmulatorModes;
  sentAt: number;
}

const port = parentPort;
if (!port) throw new Error('emulator-worker must run in a worker thread');
const post = (message: FromWorker) => port.postMessage(message);
const hosted = new Map<number, Hosted>();
let flushTimer: NodeJS.Timeout | undefined;

function create(id: number, cols: number, rows: number, scrollback: number, reportSecret: string | undefined): void {
  // logLevel off: xterm logs parse errors of odd input (a DEL byte) to the console, which is the user's terminal.
  const terminal = new Terminal({ cols, rows, scrollback, allowProposedApi: true, logLevel: 'off' });
  const entry: Hosted = {
    terminal,
    frames: new FrameBuilder(terminal),
    watched: false,
    dirty: false,
    cursorVisible: true,
    lastLine: '',
    modes: { applicationCursorKeys: false, bracketedPaste: false },
    sentAt: 0,
  };
  // DECTCEM (show/hide cursor) is not in xterm's public API: observe it, then let xterm handle it too.
  const trackCursor = (visible: boolean) => (params: (number | number[])[]) => {
    if (params.includes(25)) entry.cursorVisible = visible;
    return false;
  };
  terminal.parser.registerCsiHandler({ prefix: '?', final: 'h' }, trackCursor(true));
  terminal.parser.registerCsiHandler({ prefix: '?', final: 'l' }, trackCursor(false));
  terminal.onData((data) => post({ op: 'reply', id, data }));
  // Reports are taken out of the stream whether genuine or not: they never reach the screen.
  terminal.parser.registerOscHandler(REPORT_OSC, (payload) => {
    const report = reportSecret ? decodeReport(payload, reportSecret) : undefined;
    if (report) post({ op: 'report', id, report });
    return true;
  });
  hosted.set(id, entry);
}

let flushedAt = 0;

/** Changes go out at once when the last flush is long enough ago (a typed key echoes fast), else batched. */
function markDirty(entry: Hosted): void {
  entry.dirty = true;
  flushTimer ??= setTimeout(flush, Math.max(0, flushedAt + FRAME_INTERVAL_MS - Date.now()));
}

function sendChanges(id: number, entry: Hosted): void {
  entry.dirty = false;
  entry.sentAt = Date.now();
  const lastLine = lastLineOf(entry.terminal);
  if (lastLine !== entry.lastLine) {
    entry.lastLine = lastLine;
    post({ op: 'lastLine', id, text: lastLine });
  }
  const { applicationCursorKeysMode, bracketedPasteMode } = entry.terminal.modes;
  if (applicationCursorKeysMode !== entry.modes.applicationCursorKeys || bracketedPasteMode !== entry.modes.bracketedPaste) {
    entry.modes = { applicationCursorKeys: applicationCursorKeysMode, bracketedPaste: bracketedPasteMode };
    post({ op: 'modes', id, modes: entry.modes });
  }
  if (entry.watched) {
    const frame = entry.frames.next(entry.cursorVisible);
    if (frame) post({ op: 'frame', id, frame });
  }
}

function flush(): void {
  flushTimer = undefined;
  const now = Date.now();
  flushedAt = now;
  let waiting = false;
  for (const [id, entry] of hosted) {
    if (!entry.dirty) continue;
    if (entry.watched || now - entry.sentAt >= BACKGROUND_INTERVAL_MS) sendChanges(id, entry);
    else waiting = true;
  }
  if (waiting) flushTimer = setTimeout(flush, FRAME_INTERVAL_MS);
}

port.on('message', (message: ToWorker) => {
  if (message.op === 'create') {
    create(message.id, message.cols, message.rows, message.scrollback, message.reportSecret);
    return;
  }
  const entry = hosted.get(message.id);
  if (!entry) return;
  switch (message.op) {
    case 'write': {
      const bytes = message.data.byteLength;
      entry.terminal.write(message.data, () => {
        post({ op: 'parsed', id: message.id, bytes });
        markDirty(entry);
      });
      break;
    }
    case 'resize':
      entry.terminal.resize(message.cols, message.rows);
      markDirty(entry);
      break;
    case 'watch':
      entry.watched = message.on;
      if (message.on) {
        entry.frames.reset();
        markDirty(entry);
      }
      break;
    case 'drain':
      entry.terminal.write('', () => {
        sendChanges(message.id, entry);
        post({ op: 'drained', id: message.id, lastLine: entry.lastLine });
      });
      break;
    case 'snapshot': {
      const { request, maxLines } = message;
      entry.terminal.write('', () => post({ op: 'snapshot', id: message.id, request, text: textOf(entry.terminal, maxLines) }));
      break;
    }
    case 'dispose':
      entry.terminal.dispose();
      hosted.delete(message.id);
      break;
  }
});
