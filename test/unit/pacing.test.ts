import { describe, expect, test } from 'vitest';
import { RateLimitGate, WaitBeyondLimit } from '../../src/gitlab/pacing.ts';
import { fakeTiming } from '../http/support.ts';

const ok = (headers: Record<string, string> = {}) => ({ status: 200, headers });
/** GitLab's 429 (lib/gitlab/rack_attack.rb): the quota spent, Retry-After, RateLimit-Limit scaled to 60 s. */
const gitlab429 = (retryAfterSeconds: number, perMinute: number) => ({
  status: 429,
  headers: {
    'retry-after': String(retryAfterSeconds),
    'ratelimit-limit': String(perMinute),
    'ratelimit-remaining': '0',
  },
});
/** A 429 from something else (a proxy's throttle, an endpoint's own limit): Retry-After only. */
const other429 = (retryAfterSeconds: number) => ({
  status: 429,
  headers: { 'retry-after': String(retryAfterSeconds) },
});

/** Admits `count` requests one after the other, each answered with `answer`; returns their waits. */
async function sendInTurn(gate: RateLimitGate, count: number, answer = ok()): Promise<number[]> {
  const waits: number[] = [];
  for (let i = 0; i < count; i++) {
    const admission = await gate.admit();
    waits.push(admission.waitedMs);
    admission.settle(answer);
  }
  return waits;
}

describe('pacing by RateLimit-Remaining / RateLimit-Reset', () => {
  test('requests still in flight count against what the server says remains', async () => {
    const timing = fakeTiming();
    const gate = new RateLimitGate(timing);
    const reset = String(Math.floor(timing.now() / 1000) + 30);
    const first = await gate.admit();
    const second = await gate.admit();
    const third = await gate.admit();
    // The server counted the first request; the other two are on their way.
    first.settle(ok({ 'ratelimit-remaining': '3', 'ratelimit-reset': reset }));
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

  test('without rate-limit headers nothing waits', async () => {
    const gate = new RateLimitGate(fakeTiming());
    expect(await sendInTurn(gate, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(gate.pacedIntervalMs).toBeUndefined();
  });

  test('a spent window further off than the longest wait allowed is refused, not slept through', async () => {
    const timing = fakeTiming();
    const gate = new RateLimitGate(timing, 60_000);
    const reset = String(Math.floor(timing.now() / 1000) + 3000);
    (await gate.admit()).settle(ok({ 'ratelimit-remaining': '0', 'ratelimit-reset': reset }));
    const refusal = await gate.admit().catch((caught: unknown) => caught);
    expect(refusal).toBeInstanceOf(WaitBeyondLimit);
    expect((refusal as WaitBeyondLimit).waitMs).toBeGreaterThan(2_999_000);
    expect(timing.sleeps).toEqual([]);
  });
});

describe('pacing from 429s alone (GitLab before 18.6 sends the headers only with them)', () => {
  test("after GitLab's 429 every request waits for Retry-After", async () => {
    const timing = fakeTiming();
    const gate = new RateLimitGate(timing);
    (await gate.admit()).settle(gitlab429(7, 6000));
    expect((await gate.admit()).waitedMs).toBe(7000);
  });

  test("another 429 (an endpoint's limit, a proxy's) makes only its own request wait", async () => {
    const gate = new RateLimitGate(fakeTiming());
    await sendInTurn(gate, 50);
    (await gate.admit()).settle(other429(30));
    expect(await sendInTurn(gate, 3)).toEqual([0, 0, 0]);
    expect(gate.pacedIntervalMs).toBeUndefined();
  });

  test("GitLab's 429 gives the rate: requests are spaced by its RateLimit-Limit, with a margin", async () => {
    const timing = fakeTiming();
    const gate = new RateLimitGate(timing);
    await sendInTurn(gate, 10);
    // 7,200 requests per hour, as GitLab reports it: 120 per minute.
    (await gate.admit()).settle(gitlab429(30, 120));
    expect(gate.pacedIntervalMs).toBeCloseTo(550);
    const waits = await sendInTurn(gate, 4);
    expect(waits[0]).toBe(30_000);
    expect(waits.slice(1)).toEqual([550, 550, 550]);
  });

  test('requests waiting together leave the pause one interval apart, not in a burst', async () => {
    const timing = fakeTiming();
    const gate = new RateLimitGate(timing);
    (await gate.admit()).settle(gitlab429(10, 600));
    const started = timing.now();
    const admissions = await Promise.all([gate.admit(), gate.admit(), gate.admit()]);
    for (const admission of admissions) admission.settle(ok());
    // each admitted at its own slot: 10 s, then 110 ms apart
    expect(timing.now() - started).toBeGreaterThanOrEqual(10_000 + 2 * 110);
  });

  /** Three 429s without headers, `accepted` answers between each two, the windows `ms` long. */
  async function recurring429s(
    gate: RateLimitGate,
    timing: ReturnType<typeof fakeTiming>,
    windows: { accepted: number; ms: number }[],
  ) {
    (await gate.admit()).settle(other429(10));
    await timing.sleep(10_000);
    for (const window of windows) {
      const started = timing.now();
      await sendInTurn(gate, window.accepted);
      await timing.sleep(window.ms - 10_000 - (timing.now() - started));
      (await gate.admit()).settle(other429(10));
      await timing.sleep(10_000);
    }
  }

  test('429s without RateLimit-Limit that recur at one rate: that rate paces, with a margin', async () => {
    const timing = fakeTiming();
    const gate = new RateLimitGate(timing);
    await recurring429s(gate, timing, [
      { accepted: 100, ms: 60_000 },
      { accepted: 95, ms: 60_000 },
    ]);
    expect(gate.pacedIntervalMs).toBeCloseTo((60_000 / 95) * 1.1);
  });

  test('429s without RateLimit-Limit at no steady rate (faults, not a limiter) teach nothing', async () => {
    const timing = fakeTiming();
    const gate = new RateLimitGate(timing);
    await recurring429s(gate, timing, [
      { accepted: 100, ms: 60_000 },
      { accepted: 30, ms: 60_000 },
      { accepted: 200, ms: 40_000 },
    ]);
    expect(gate.pacedIntervalMs).toBeUndefined();
  });

  test('429s at one rate but in windows of different lengths (not a fixed-window limiter) teach nothing', async () => {
    const timing = fakeTiming();
    const gate = new RateLimitGate(timing);
    await recurring429s(gate, timing, [
      { accepted: 100, ms: 60_000 },
      { accepted: 50, ms: 30_000 },
      { accepted: 200, ms: 120_000 },
    ]);
    expect(gate.pacedIntervalMs).toBeUndefined();
  });

  test('once paced, stray 429s at the pace it set do not slow it down further', async () => {
    const timing = fakeTiming();
    const gate = new RateLimitGate(timing);
    (await gate.admit()).settle(gitlab429(1, 600));
    const paced = gate.pacedIntervalMs;
    // requests at the pace, and now and then a 429 of a proxy's, at irregular times
    for (const gap of [40, 25, 60, 33, 47]) {
      await sendInTurn(gate, gap);
      (await gate.admit()).settle(other429(1));
    }
    expect(gate.pacedIntervalMs).toBe(paced);
  });

  test('the 429s of one window teach once: the others stopped with it do not shrink the rate', async () => {
    const timing = fakeTiming();
    const gate = new RateLimitGate(timing);
    const inFlight = await Promise.all([gate.admit(), gate.admit(), gate.admit()]);
    for (const admission of inFlight) admission.settle(gitlab429(20, 1200));
    expect(gate.pacedIntervalMs).toBeCloseTo(55);
  });

  test('with RateLimit-Remaining on ordinary answers, 429s pause but teach no rate', async () => {
    const timing = fakeTiming();
    const gate = new RateLimitGate(timing);
    const reset = String(Math.floor(timing.now() / 1000) + 60);
    (await gate.admit()).settle(ok({ 'ratelimit-remaining': '100', 'ratelimit-reset': reset }));
    (await gate.admit()).settle(gitlab429(5, 60));
    expect(gate.pacedIntervalMs).toBeUndefined();
    expect((await gate.admit()).waitedMs).toBe(5000);
  });

  test('a pause longer than the longest wait allowed is refused', async () => {
    const timing = fakeTiming();
    const gate = new RateLimitGate(timing, 120_000);
    (await gate.admit()).settle(gitlab429(3600, 120));
    await expect(gate.admit()).rejects.toBeInstanceOf(WaitBeyondLimit);
  });
});
