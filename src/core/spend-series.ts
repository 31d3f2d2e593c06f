// The session's cost over time, as points taken when it changed. Bounded: once full, the older half
// keeps every other point, so a long session keeps its shape in a fixed number of points, finest
// where it is newest.
import type { SpendPoint } from './spend.js';

const SERIES_LIMIT = 240;

export class SpendSeries {
  private points: SpendPoint[] = [];

  constructor(private readonly limit = SERIES_LIMIT) {}

  /** The cost at `at`; a point only when it differs from the last one. */
  record(at: number, costUsd: number): void {
    if (this.points.at(-1)?.costUsd === costUsd) return;
    this.points.push({ at, costUsd });
    if (this.points.length > this.limit) this.thin();
  }

  get all(): SpendPoint[] {
    return this.points.map((point) => ({ ...point }));
  }

  /** The first point (where the series starts) stays; of the rest of the older half, every other one. */
  private thin(): void {
    const half = Math.floor(this.points.length / 2);
    const older = this.points.slice(1, half).filter((_, index) => index % 2 === 1);
    this.points = [this.points[0], ...older, ...this.points.slice(half)];
  }
}
