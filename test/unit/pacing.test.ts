import { describe, expect, test } from 'vitest';
import { RateLimitGate } from '../../src/gitlab/pacing.ts';
import { fakeTiming } from '../http/support.ts';

describe('rate-limit pacing', () => {
  test('requests still in flight count against what the server says remains', async () => {
    const timing = fakeTiming();
    const gate = new RateLimitGate(timing);
    const reset = String(Math.floor(timing.now() / 1000) + 30);
    const first = await gate.admit();
    const second = await gate.admit();
    const third = await gate.admit();
    // The server counted the first request; the other two are on their way.
    first.settle({ 'ratelimit-remaining': '3', 'ratelimit-reset': reset });
    expect((await gate.admit()).waitedMs).toBe(0); // the one that still fits
    const next = gate.admit();
    let admitted = false;
    void next.then(() => {
      admitted = true;
    });
    await Promise.resolve();
    second.settle();
    third.settle();
    expect((await next).waitedMs).toBeGreaterThanOrEqual(29_000);
    expect(admitted).toBe(true);
    expect(timing.now()).toBeGreaterThanOrEqual(Number(reset) * 1000);
  });

  test('after a 429 every request waits for Retry-After', async () => {
    const timing = fakeTiming();
    const gate = new RateLimitGate(timing);
    gate.pauseFor(7000);
    expect((await gate.admit()).waitedMs).toBe(7000);
    expect((await gate.admit()).waitedMs).toBe(0);
  });

  test('without rate-limit headers nothing waits', async () => {
    const gate = new RateLimitGate(fakeTiming());
    for (let i = 0; i < 5; i++) {
      const admission = await gate.admit();
      expect(admission.waitedMs).toBe(0);
      admission.settle({});
    }
  });
});
