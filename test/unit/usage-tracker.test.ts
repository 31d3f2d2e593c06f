import { describe, expect, it } from 'vitest';
import type { Usage } from '../../src/core/usage.js';
import { UsageTracker } from '../../src/llm/usage-tracker.js';

const u = (input: number, output: number, cacheRead = 0, cacheWrite = 0): Usage => ({ input, output, cacheRead, cacheWrite });

describe('UsageTracker', () => {
  it('starts at zero', () => {
    const meter = new UsageTracker({ model: 'claude-sonnet-5-5' }).meter();
    expect(meter).toEqual({ model: 'claude-sonnet-5-5', total: u(0, 0), costUsd: 0, contextTokens: 0, contextWindow: 1_000_000 });
  });

  it('replaces a request\'s figure with its latest cumulative one, never adds', () => {
    const tracker = new UsageTracker({ model: 'claude-sonnet-5-5' });
    tracker.update('r1', u(100, 1, 1000, 50));
    tracker.update('r1', u(100, 40, 1000, 50));
    tracker.update('r1', u(100, 90, 1000, 50));
    expect(tracker.meter().total).toEqual(u(100, 90, 1000, 50));
    tracker.end('r1');
    expect(tracker.meter().total).toEqual(u(100, 90, 1000, 50));
  });

  it('sums whole requests, and the one in flight', () => {
    const tracker = new UsageTracker({ model: 'claude-sonnet-5-5' });
    tracker.update('r1', u(10, 20, 300, 40));
    tracker.end('r1');
    tracker.update('r2', u(5, 1, 340, 10));
    expect(tracker.meter().total).toEqual(u(15, 21, 640, 50));
    tracker.update('r2', u(5, 30, 340, 10));
    tracker.end('r2');
    expect(tracker.meter().total).toEqual(u(15, 50, 640, 50));
  });

  it('prices the totals', () => {
    const tracker = new UsageTracker({ model: 'claude-sonnet-5-5' });
    tracker.update('r1', u(1_000_000, 0));
    tracker.end('r1');
    tracker.update('r2', u(0, 1_000_000, 1_000_000, 1_000_000));
    tracker.end('r2');
    expect(tracker.meter().costUsd).toBeCloseTo(2 + 10 + 0.2 + 2.5, 10);
  });

  it('has no cost for a model with no price, unless overridden', () => {
    const unknown = new UsageTracker({ model: 'local-llm' });
    unknown.update('r1', u(10, 10));
    const meter = unknown.meter();
    expect(meter.costUsd).toBeUndefined();
    expect(meter.contextWindow).toBeUndefined();
    const priced = new UsageTracker({
      model: 'local-llm',
      prices: { 'local-llm': { input: 1, output: 2, cacheRead: 0, cacheWrite: 0, contextWindow: 8000 } },
    });
    priced.update('r1', u(1_000_000, 1_000_000));
    expect(priced.meter()).toMatchObject({ costUsd: 3, contextWindow: 8000 });
  });

  it('takes the context from the last request', () => {
    const tracker = new UsageTracker({ model: 'claude-haiku-4-5' });
    tracker.update('r1', u(10, 20, 300, 40));
    tracker.end('r1');
    expect(tracker.meter().contextTokens).toBe(370);
    tracker.update('r2', u(3, 1, 400, 10));
    expect(tracker.meter()).toMatchObject({ contextTokens: 414, contextWindow: 200_000 });
  });

  it('follows a stream of turn events: retries void the failed attempt', () => {
    const tracker = new UsageTracker({ model: 'claude-sonnet-5-5' });
    tracker.observe('r1', { type: 'usage', usage: u(50, 1, 0, 500) });
    tracker.observe('r1', { type: 'text', text: 'partial' });
    tracker.observe('r1', { type: 'retry', attempt: 2, maxAttempts: 5, reason: 'overloaded', delayMs: 1 });
    expect(tracker.meter().total).toEqual(u(0, 0));
    expect(tracker.meter().contextTokens).toBe(551);
    tracker.observe('r1', { type: 'usage', usage: u(50, 1, 0, 500) });
    tracker.observe('r1', { type: 'usage', usage: u(50, 70, 0, 500) });
    tracker.observe('r1', { type: 'done', stopReason: 'end_turn', content: [], usage: u(50, 70, 0, 500) });
    expect(tracker.meter().total).toEqual(u(50, 70, 0, 500));
    // A second done for an ended request is a new figure, not a double count of the old one.
    tracker.observe('r2', { type: 'done', stopReason: 'end_turn', content: [], usage: u(1, 1) });
    expect(tracker.meter().total).toEqual(u(51, 71, 0, 500));
  });

  it('prices each request at its own model', () => {
    const tracker = new UsageTracker({ model: 'claude-sonnet-5-5' });
    tracker.update('r1', u(1_000_000, 0));
    tracker.end('r1');
    tracker.setModel('claude-opus-5');
    tracker.update('r2', u(1_000_000, 0));
    tracker.end('r2');
    expect(tracker.meter()).toMatchObject({ model: 'claude-opus-5', costUsd: 7 });
  });

  it('carries totals over from an earlier run', () => {
    const tracker = new UsageTracker({ model: 'claude-sonnet-5-5', initial: { total: u(10, 10), costUsd: 0.5 } });
    tracker.update('r1', u(1_000_000, 0));
    expect(tracker.meter()).toMatchObject({ total: u(1_000_010, 10), costUsd: 2.5 });
    const unknownCost = new UsageTracker({ model: 'claude-sonnet-5-5', initial: { total: u(10, 10) } });
    expect(unknownCost.meter().costUsd).toBeUndefined();
  });
});
