// Small numeric helpers shared by the benchmarks.

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function median(values) {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100) of a non-empty list. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export const MB = 1 << 20;

export function fmtMs(ms) {
  return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

export function fmtMB(bytes) {
  return `${(bytes / MB).toFixed(1)} MB`;
}

export function fmtRatio(ratio) {
  return `${ratio.toFixed(2)}×`;
}

/** Runs `fn` `times` times in sequence; returns the results. */
export async function repeat(times, fn) {
  const results = [];
  for (let i = 0; i < times; i++) results.push(await fn(i));
  return results;
}
