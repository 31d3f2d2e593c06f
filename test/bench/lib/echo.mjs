// Keystroke echo measured on a Screen: single letters typed where the cursor rests, each timed
// until its echo is drawn there; every LINE_LENGTH letters the tty erases the line (Ctrl-U).
import { performance } from 'node:perf_hooks';
import { median, percentile, sleep } from './stats.mjs';

const SAMPLES = 200;
const LINE_LENGTH = 20;
const PHASE_LIMIT_MS = 40_000;
const KILL_LINE = '\x15'; // Ctrl-U: the tty erases the echoed line
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** Where the cursor rests once it has not moved for 200 ms (the screen has settled), or after 5 s. */
async function restingCursor(screen) {
  let last = '';
  for (let still = 0, polls = 0; still < 8 && polls < 200; polls++) {
    await sleep(25);
    const { cursorX: x, cursorY: y } = screen.terminal.buffer.active;
    still = `${x},${y}` === last ? still + 1 : 0;
    last = `${x},${y}`;
  }
  const [x, y] = last.split(',').map(Number);
  return { x, y };
}

/**
 * Types SAMPLES single letters into `screen`, whose cursor sits where the echo will appear,
 * and returns the latencies in ms. Every LINE_LENGTH letters the line is erased again.
 */
export async function measureEcho(screen) {
  const latencies = [];
  const started = performance.now();
  let origin;
  for (let i = 0; i < SAMPLES && performance.now() - started < PHASE_LIMIT_MS; i++) {
    const column = i % LINE_LENGTH;
    if (column === 0) {
      if (origin) {
        screen.write(KILL_LINE);
        await screen.waitFor((s) => s.charAt(origin.x, origin.y).trim() === '', { what: 'the erased line' });
      }
      origin = await restingCursor(screen);
    }
    // A pause of varying length, so keys do not fall in step with any frame timer.
    await sleep(5 + Math.random() * 20);
    const letter = LETTERS[i % LETTERS.length];
    const x = origin.x + column;
    const sent = performance.now();
    screen.write(letter);
    const shown = await screen.waitFor((s) => s.charAt(x, origin.y) === letter, { what: `the echo of ${letter}` });
    latencies.push(shown - sent);
  }
  return latencies;
}

export function summary(latencies) {
  return { median: median(latencies), p95: percentile(latencies, 95), count: latencies.length };
}
