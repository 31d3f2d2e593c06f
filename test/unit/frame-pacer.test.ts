import { describe, expect, it } from 'vitest';
import { FramePacer } from '../../src/tui/frame-pacer.js';

const options = { minIntervalMs: 16, bytesPerSecond: 1000, burstBytes: 4000 };

describe('FramePacer', () => {
  it('draws at once at first, then no sooner than the minimum interval', () => {
    const pacer = new FramePacer(options, 0);
    expect(pacer.delay(0)).toBe(0);
    pacer.drawn(100, 0);
    expect(pacer.delay(5)).toBe(11);
    expect(pacer.delay(16)).toBe(0);
  });

  it('lets a burst through, then paces big frames by bytes per second', () => {
    const pacer = new FramePacer(options, 0);
    pacer.drawn(3000, 0);
    expect(pacer.delay(16)).toBe(0);
    pacer.drawn(3000, 16);
    // 6000 written, 4000 + 16 ms of refill allowed: about 2 s of debt.
    expect(pacer.delay(16)).toBe(1984);
    expect(pacer.delay(1000)).toBe(1000);
    expect(pacer.delay(2000)).toBe(0);
  });

  it('holds small frames (typing) back only by what they cost themselves once a flood is paid off', () => {
    const pacer = new FramePacer(options, 0);
    pacer.drawn(5000, 0);
    expect(pacer.delay(1000)).toBe(0);
    pacer.drawn(20, 1000);
    expect(pacer.delay(1016)).toBe(4);
    pacer.drawn(20, 1020);
    expect(pacer.delay(1036)).toBe(4);
  });

  it('never saves up more than the burst', () => {
    const pacer = new FramePacer(options, 0);
    pacer.drawn(0, 60_000);
    pacer.drawn(4500, 60_016);
    expect(pacer.delay(60_032)).toBe(484);
  });
});
