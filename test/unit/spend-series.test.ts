// The session's cost over time: a point when it changes, bounded in size, the newest points kept as they came.
import { describe, expect, it } from 'vitest';
import { SpendSeries } from '../../src/core/spend-series.js';

describe('SpendSeries', () => {
  it('keeps a point only when the cost changed', () => {
    const series = new SpendSeries();
    series.record(1, 0);
    series.record(2, 0);
    series.record(3, 0.5);
    series.record(4, 0.5);
    expect(series.all).toEqual([{ at: 1, costUsd: 0 }, { at: 3, costUsd: 0.5 }]);
  });

  it('stays within its limit over a long session: the first point and the newest half as they came, the older ones thinned', () => {
    const series = new SpendSeries(20);
    for (let at = 0; at < 1000; at++) series.record(at, at / 100);
    const points = series.all;
    expect(points.length).toBeLessThanOrEqual(20);
    expect(points[0]).toEqual({ at: 0, costUsd: 0 });
    expect(points.at(-1)).toEqual({ at: 999, costUsd: 9.99 });
    const newest = points.slice(-10).map((point) => point.at);
    expect(newest).toEqual(Array.from({ length: 10 }, (_, index) => 990 + index));
    // In time order, and the cost as it was at each kept time.
    for (const [index, point] of points.entries()) {
      expect(point.costUsd).toBe(point.at / 100);
      if (index > 0) expect(point.at).toBeGreaterThan(points[index - 1].at);
    }
  });
});
