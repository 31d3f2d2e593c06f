// How soon the next frame may be drawn. Frames come at most every `minIntervalMs`, and the
// bytes written to the terminal are paced by a token bucket: short bursts (a view switch, a
// few keystrokes' echo) go out at once, but an agent streaming output in front cannot keep
// the link busier than `bytesPerSecond`, which matters over SSH. Every event still reaches
// the screen's model and each frame draws the difference from what the terminal shows, so
// drawing fewer frames loses nothing but intermediate screens.

export interface PacerOptions {
  minIntervalMs: number;
  bytesPerSecond: number;
  burstBytes: number;
}

export class FramePacer {
  private tokens: number;
  private lastFrameAt = Number.NEGATIVE_INFINITY;
  private refilledAt = 0;

  constructor(private readonly options: PacerOptions, now: number) {
    this.tokens = options.burstBytes;
    this.refilledAt = now;
  }

  /** Milliseconds to wait before the next frame may be drawn. */
  delay(now: number): number {
    this.refill(now);
    const sinceLast = now - this.lastFrameAt;
    const byInterval = Math.max(0, this.options.minIntervalMs - sinceLast);
    const byBytes = this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.options.bytesPerSecond) * 1000);
    return Math.max(byInterval, byBytes);
  }

  /** A frame of `bytes` was written at `now`. */
  drawn(bytes: number, now: number): void {
    this.refill(now);
    this.lastFrameAt = now;
    this.tokens -= bytes;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.refilledAt);
    this.refilledAt = now;
    this.tokens = Math.min(this.options.burstBytes, this.tokens + (elapsed / 1000) * this.options.bytesPerSecond);
  }
}
