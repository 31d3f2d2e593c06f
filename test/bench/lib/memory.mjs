// Settled RSS readings and RSS sampling for the memory benchmarks.
import { peakRss, resetPeakRss, rss } from './proc.mjs';
import { sleep } from './stats.mjs';

/**
 * RSS of this process after garbage collection (when node runs with --expose-gc) and a
 * pause; worker threads cannot be collected from here, so they get time to go idle.
 */
export async function settledRss(pauseMs = 500) {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await sleep(pauseMs / 3);
  }
  return rss();
}

/** Samples the RSS of `pid` every `everyMs` until stop(); stop() returns the peak seen. */
export function sampleRss(pid = process.pid, everyMs = 20) {
  const canReset = resetPeakRss(pid);
  let peak = rss(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rss(pid));
    } catch {
      // the process ended
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      // VmHWM also catches a peak between two samples (when the kernel let us reset it).
      try {
        if (canReset) peak = Math.max(peak, peakRss(pid));
        peak = Math.max(peak, rss(pid));
      } catch {
        // the process ended
      }
      return peak;
    },
  };
}
