import { describe, expect, it } from 'vitest';
import { formatCost, formatDuration, formatTokens, numberRanges, truncate } from '../../src/core/format.js';

describe('formatDuration', () => {
  it('shows seconds under a minute', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(999)).toBe('0s');
    expect(formatDuration(4000)).toBe('4s');
    expect(formatDuration(59_999)).toBe('59s');
  });

  it('shows minutes and padded seconds under an hour', () => {
    expect(formatDuration(60_000)).toBe('1m00s');
    expect(formatDuration(65_000)).toBe('1m05s');
    expect(formatDuration(3_599_999)).toBe('59m59s');
  });

  it('shows hours and padded minutes', () => {
    expect(formatDuration(3_600_000)).toBe('1h00m');
    expect(formatDuration(2 * 3_600_000 + 3 * 60_000 + 59_000)).toBe('2h03m');
    expect(formatDuration(100 * 3_600_000)).toBe('100h00m');
  });

  it('never shows a negative duration', () => {
    expect(formatDuration(-5000)).toBe('0s');
  });
});

describe('truncate', () => {
  it('keeps text that fits', () => {
    expect(truncate('hello', 5)).toBe('hello');
    expect(truncate('', 0)).toBe('');
  });

  it('cuts with an ellipsis that counts toward the width', () => {
    expect(truncate('hello world', 5)).toBe('hell…');
    expect(Array.from(truncate('hello world', 5))).toHaveLength(5);
  });

  it('has no room for an ellipsis at widths 0 and 1', () => {
    expect(truncate('hello', 1)).toBe('h');
    expect(truncate('hello', 0)).toBe('');
  });

  it('counts code points, never splitting a surrogate pair', () => {
    expect(truncate('😀😀😀', 2)).toBe('😀…');
    expect(truncate('😀😀', 2)).toBe('😀😀');
  });
});

describe('formatTokens', () => {
  it('shows counts under a thousand as they are', () => {
    expect(formatTokens(0)).toBe('0');
    expect(formatTokens(950)).toBe('950');
    expect(formatTokens(999)).toBe('999');
  });

  it('shows thousands with one decimal under 10k, none above', () => {
    expect(formatTokens(1000)).toBe('1.0k');
    expect(formatTokens(1234)).toBe('1.2k');
    expect(formatTokens(12_345)).toBe('12k');
    expect(formatTokens(999_000)).toBe('999k');
  });

  it('shows millions with one decimal', () => {
    expect(formatTokens(1_000_000)).toBe('1.0M');
    expect(formatTokens(4_500_000)).toBe('4.5M');
  });
});

describe('formatCost', () => {
  it('shows dollars and cents', () => {
    expect(formatCost(0)).toBe('$0.00');
    expect(formatCost(0.04)).toBe('$0.04');
    expect(formatCost(12.3)).toBe('$12.30');
  });

  it('shows amounts under a cent as <$0.01', () => {
    expect(formatCost(0.004)).toBe('<$0.01');
    expect(formatCost(0.0000001)).toBe('<$0.01');
  });
});

describe('numberRanges', () => {
  it('joins runs of consecutive numbers', () => {
    expect(numberRanges([12])).toBe('12');
    expect(numberRanges([12, 13, 14, 20])).toBe('12–14, 20');
    expect(numberRanges([1, 3, 4, 6, 7, 8])).toBe('1, 3–4, 6–8');
    expect(numberRanges([])).toBe('');
  });

  it('shows the first ten runs and then an ellipsis', () => {
    expect(numberRanges(Array.from({ length: 12 }, (_, i) => i * 2))).toBe('0, 2, 4, 6, 8, 10, 12, 14, 16, 18, …');
  });
});
