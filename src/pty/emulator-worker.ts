// Worker thread hosting many terminal emulators, so parsing agents' output runs beside
// the thread that reads their ptys (two cores: read and parse overlap).
import { parentPort } from 'node:worker_threads';
import xterm from '@xterm/headless';
import type { Terminal as XTerminal } from '@xterm/headless';
import { PROGRAM_STATUS_OSC } from '../core/program-status.js';
import { FrameBuilder, lastLineOf, textOf } from './frame-builder.js';
import type { EmulatorModes, FromWorker, ToWorker } from './emulator-messages.js';
import { TextLines } from './text-lines.js';

const { Terminal } = xterm;
const FRAME_INTERVAL_MS = 16;
/** A background agent's last line only feeds the list: fewer updates are plenty. */
const BACKGROUND_INTERVAL_MS = 100;
/** A program status report longer than this is no report. */
const MAX_STATUS_CHARS = 4096;
/** Bytes of a background terminal's output handed to xterm at a time. */
const BACKGROUND_SLICE = 32 << 10;
/** Bells closer together than this are told once. */
const BELL_INTERVAL_MS = 100;
/**
 * A text terminal's: its final lines are read after each slice, before they can leave the history.
 * A slice moves at most one row a byte (a line feed) into the history, which holds more than that.
 */
const TEXT_SLICE = 4 << 10;
const TEXT_HISTORY = 5000;

/** What one watcher sees of a terminal: its own frames and how far up it looks. */
interface View {
  frames: FrameBuilder;
  /** How far up from the live screen the watcher looks. */
  scrollBack: number;
}

interface Hosted {
  terminal: XTerminal;
  views: Map<number, View>;
  dirty: boolean;
  cursorVisible: boolean;
  lastLine: string;
  modes: EmulatorModes;
  /** When the last bell was told. */
  bellAt: number;
  /** The window title as the program set it (told with the next changes). */
  title: string;
  sentTitle: string;
  sentAt: number;
  /** Output not yet handed to xterm, and callbacks to run once everything before them is parsed. */
  queue: Array<Uint8Array | (() => void)>;
  /** Bytes handed to xterm and not yet parsed. */
  inXterm: number;
  /** A text terminal: its lines as plain text, handed over as they become final; it draws no frames. */
  text?: TextLines;
}

const port = parentPort;
if (!port) throw new Error('emulator-worker must run in a worker thread');
const post = (message: FromWorker) => port.postMessage(message);
const hosted = new Map<number, Hosted>();
let flushTimer: NodeJS.Timeout | undefined;

function create(id: number, cols: number, rows: number, scrollback: number, text?: { eager: boolean }): void {
  // logLevel off: xterm logs parse errors of odd input (a DEL byte) to the console, which is the user's terminal.
  const terminal = new Terminal({ cols, rows, scrollback: text ? TEXT_HISTORY : scrollback, allowProposedApi: true, logLevel: 'off' });
  const entry: Hosted = {
    terminal,
    views: new Map(),
    dirty: false,
    cursorVisible: true,
    lastLine: '',
    modes: { applicationCursorKeys: false, bracketedPaste: false },
    bellAt: 0,
    title: '',
    sentTitle: '',
    sentAt: 0,
    queue: [],
    inXterm: 0,
    ...(text ? { text: new TextLines(terminal, text.eager) } : {}),
  };
  // DECTCEM (show/hide cursor) is not in xterm's public API: observe it, then let xterm handle it too.
  const trackCursor = (visible: boolean) => (params: (number | number[])[]) => {
    if (params.includes(25)) entry.cursorVisible = visible;
    return false;
  };
  terminal.parser.registerCsiHandler({ prefix: '?', final: 'h' }, trackCursor(true));
  terminal.parser.registerCsiHandler({ prefix: '?', final: 'l' }, trackCursor(false));
  terminal.onData((data) => post({ op: 'reply', id, data }));
  // At once, in order with the status reports (a typed answer must not come before the bell it answers);
  // a burst of bells is told once.
  terminal.onBell(() => {
    const now = Date.now();
    if (now - entry.bellAt < BELL_INTERVAL_MS) return;
    entry.bellAt = now;
    // A title set before the bell is told before it.
    if (entry.title !== entry.sentTitle) {
      entry.sentTitle = entry.title;
      post({ op: 'title', id, title: entry.title });
    }
    post({ op: 'bell', id });
  });
  terminal.onTitleChange((title) => {
    entry.title = title;
    markDirty(entry);
  });
  // In order and at once: each report replaces the last one.
  terminal.parser.registerOscHandler(PROGRAM_STATUS_OSC, (data) => {
    if (data.length <= MAX_STATUS_CHARS) post({ op: 'status', id, data });
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
  // Modes before the frames that show their effect: keys typed at what the user sees are encoded for it.
  const { applicationCursorKeysMode, bracketedPasteMode } = entry.terminal.modes;
  if (applicationCursorKeysMode !== entry.modes.applicationCursorKeys || bracketedPasteMode !== entry.modes.bracketedPaste) {
    entry.modes = { applicationCursorKeys: applicationCursorKeysMode, bracketedPaste: bracketedPasteMode };
    post({ op: 'modes', id, modes: entry.modes });
  }
  // Then frames: the screen redraws on the first of them that arrives.
  for (const [view, { frames, scrollBack }] of entry.views) {
    const frame = frames.next(entry.cursorVisible, scrollBack);
    if (frame) post({ op: 'frame', id, view, frame });
  }
  const lastLine = lastLineOf(entry.terminal);
  if (lastLine !== entry.lastLine) {
    entry.lastLine = lastLine;
    post({ op: 'lastLine', id, text: lastLine });
  }
  if (entry.title !== entry.sentTitle) {
    entry.sentTitle = entry.title;
    post({ op: 'title', id, title: entry.title });
  }
}

/**
 * Hands queued output to xterm: all of it for a watched terminal, a slice at a time for the
 * others, so that what a watched agent prints (a typed key's echo) never waits behind a
 * background agent's flood in the same worker.
 */
function feed(id: number, entry: Hosted): void {
  const slice = entry.text ? TEXT_SLICE : entry.views.size > 0 ? Infinity : BACKGROUND_SLICE;
  while (entry.queue.length > 0 && entry.inXterm < slice) {
    let item = entry.queue.shift() as Uint8Array | (() => void);
    if (typeof item === 'function') {
      entry.terminal.write('', item);
      continue;
    }
    if (item.byteLength > slice) {
      entry.queue.unshift(item.subarray(slice));
      item = item.subarray(0, slice);
    }
    const bytes = item.byteLength;
    entry.inXterm += bytes;
    entry.terminal.write(item, () => {
      entry.inXterm -= bytes;
      if (entry.text) {
        handOver(id, entry.text.take());
      } else {
        post({ op: 'parsed', id, bytes });
        markDirty(entry);
      }
      // While other terminals have output waiting, not at once: xterm would go on parsing the
      // next slice in the same turn, up to its 12 ms budget, and keep them waiting.
      if (othersHaveOutput(entry)) setImmediate(() => feed(id, entry));
      else feed(id, entry);
    });
  }
}

function handOver(id: number, text: string): void {
  if (text) post({ op: 'text', id, text });
}

function othersHaveOutput(entry: Hosted): boolean {
  for (const other of hosted.values()) {
    if (other !== entry && (other.queue.length > 0 || other.inXterm > 0)) return true;
  }
  return false;
}

/** Runs `callback` once everything written before has been parsed. */
function afterParsed(id: number, entry: Hosted, callback: () => void): void {
  entry.queue.push(callback);
  feed(id, entry);
}

function flush(): void {
  flushTimer = undefined;
  const now = Date.now();
  flushedAt = now;
  let waiting = false;
  for (const [id, entry] of hosted) {
    if (!entry.dirty) continue;
    if (entry.views.size > 0 || now - entry.sentAt >= BACKGROUND_INTERVAL_MS) sendChanges(id, entry);
    else waiting = true;
  }
  if (waiting) flushTimer = setTimeout(flush, FRAME_INTERVAL_MS);
}

port.on('message', (message: ToWorker) => {
  if (message.op === 'create') {
    create(message.id, message.cols, message.rows, message.scrollback, message.text);
    return;
  }
  const entry = hosted.get(message.id);
  if (!entry) return;
  switch (message.op) {
    case 'write':
      entry.queue.push(message.data);
      feed(message.id, entry);
      break;
    case 'resize':
      entry.terminal.resize(message.cols, message.rows);
      markDirty(entry);
      break;
    case 'watch':
      if (message.on) {
        // A new view starts from nothing: its first frame is the whole screen.
        entry.views.set(message.view, { frames: new FrameBuilder(entry.terminal), scrollBack: 0 });
        markDirty(entry);
        feed(message.id, entry);
      } else {
        entry.views.delete(message.view);
      }
      break;
    case 'scroll': {
      const view = entry.views.get(message.view);
      if (!view) break;
      const history = entry.terminal.buffer.active.baseY;
      view.scrollBack = message.lines === 'live' ? 0 : Math.max(0, Math.min(history, view.scrollBack + message.lines));
      markDirty(entry);
      break;
    }
    case 'drain':
      afterParsed(message.id, entry, () => {
        sendChanges(message.id, entry);
        post({ op: 'drained', id: message.id, lastLine: entry.lastLine });
      });
      break;
    case 'snapshot': {
      const { request, maxLines } = message;
      afterParsed(message.id, entry, () => post({ op: 'snapshot', id: message.id, request, text: textOf(entry.terminal, maxLines) }));
      break;
    }
    case 'finish': {
      const { text } = entry;
      afterParsed(message.id, entry, () => {
        if (text) handOver(message.id, text.end());
        post({ op: 'drained', id: message.id, lastLine: '' });
      });
      break;
    }
    case 'dispose':
      entry.terminal.dispose();
      hosted.delete(message.id);
      break;
  }
});
