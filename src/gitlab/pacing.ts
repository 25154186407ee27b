// Client-side pacing, shared by every request to one origin (each origin has its own gate: GitLab
// and its container registry count requests separately).
//
// GitLab (Rack::Attack) counts requests per user in fixed windows. Since about 18.6 it can send
// RateLimit-Remaining and RateLimit-Reset (Unix seconds) on every answer; before, only 429s carry
// them, with Retry-After (seconds to the end of the window) and RateLimit-Limit (the quota scaled
// to 60 s, rounded up; lib/gitlab/rack_attack.rb). So:
// - with headers on every answer, stop sending when the window is spent, rather than collect 429s;
// - after GitLab's 429 (RateLimit-Remaining: 0), everyone waits for Retry-After; then requests are
//   spaced at the rate it revealed: its RateLimit-Limit. 429s without it (a proxy's throttle) each
//   end a window; once two windows in a row are as long and let the same rate through, as a
//   fixed-window limiter's do, that rate paces. A lone 429 slows down nothing but its own request;
// - no wait is longer than the limit given: beyond it, admit() throws WaitBeyondLimit.

export interface Timing {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const realTiming: Timing = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

/** A margin so that a reset second rounded down by GitLab does not send us into the old window. */
const RESET_MARGIN_MS = 250;
/** Paced a little below the rate learnt: other clients of the same user may share the quota. */
const PACE_MARGIN = 1.1;

/** The gate would have to wait longer than it may. */
export class WaitBeyondLimit extends Error {
  readonly waitMs: number;
  constructor(waitMs: number) {
    super(`the rate limit needs a wait of ${Math.round(waitMs)} ms`);
    this.name = 'WaitBeyondLimit';
    this.waitMs = waitMs;
  }
}

export interface Admission {
  waitedMs: number;
  /** Call once the attempt is over, with its answer (none when there was no answer). */
  settle(answer?: { status: number; headers: Record<string, string | undefined> }): void;
}

export class RateLimitGate {
  private remaining: number | undefined;
  private resetAtMs: number | undefined;
  private pausedUntilMs = 0;
  /** sent and not answered yet: the server's count of what remains does not include them */
  private inFlight = 0;
  /** the spacing between requests once a 429 revealed the rate; undefined until then */
  private intervalMs: number | undefined;
  private nextSlotMs = 0;
  /** when the window being counted began: the end of the last 429's window */
  private windowStartMs: number | undefined;
  /** answers other than 429 to requests sent since windowStartMs */
  private acceptedInWindow = 0;
  /** the last window a 429 closed, for the next to confirm */
  private lastWindow: { ms: number; accepted: number } | undefined;
  /** RateLimit-Remaining came on an ordinary answer: pacing by it needs nothing learnt */
  private headersOnEveryAnswer = false;
  private readonly timing: Timing;
  private readonly maxWaitMs: number;

  constructor(timing: Timing, maxWaitMs = Number.POSITIVE_INFINITY) {
    this.timing = timing;
    this.maxWaitMs = maxWaitMs;
  }

  /** The spacing learnt from 429s, for traces and tests. */
  get pacedIntervalMs(): number | undefined {
    return this.intervalMs;
  }

  /** Waits until a request may be sent and counts it against the window. */
  async admit(): Promise<Admission> {
    let waitedMs = 0;
    for (;;) {
      const now = this.timing.now();
      const until = this.earliestSendMs(now);
      if (until <= now) break;
      if (until - now > this.maxWaitMs) throw new WaitBeyondLimit(until - now);
      await this.timing.sleep(until - now);
      waitedMs += until - now;
    }
    const admittedAt = this.timing.now();
    if (this.intervalMs !== undefined)
      this.nextSlotMs = Math.max(admittedAt, this.nextSlotMs) + this.intervalMs;
    if (this.remaining !== undefined) this.remaining--;
    this.inFlight++;
    let settled = false;
    return {
      waitedMs,
      settle: (answer) => {
        if (settled) return;
        settled = true;
        this.inFlight--;
        if (answer) this.observe(answer.status, answer.headers, admittedAt);
      },
    };
  }

  private earliestSendMs(now: number): number {
    let until = Math.max(this.pausedUntilMs, this.nextSlotMs);
    if (this.remaining !== undefined && this.remaining <= 0 && this.resetAtMs !== undefined) {
      if (this.resetAtMs + RESET_MARGIN_MS > now) until = Math.max(until, this.resetAtMs + RESET_MARGIN_MS);
      else this.remaining = undefined; // the window has turned over: a full quota
    }
    return until;
  }

  private observe(status: number, headers: Record<string, string | undefined>, admittedAt: number): void {
    if (status === 429) this.throttled(headers);
    else {
      if (this.windowStartMs !== undefined && admittedAt >= this.windowStartMs) this.acceptedInWindow++;
      if (headers['ratelimit-remaining'] !== undefined) this.headersOnEveryAnswer = true;
    }
    this.followHeaders(headers);
  }

  /** Learns from RateLimit-Remaining / RateLimit-Reset. */
  private followHeaders(headers: Record<string, string | undefined>): void {
    const serverRemaining = Number.parseInt(headers['ratelimit-remaining'] ?? '', 10);
    const reset = Number.parseInt(headers['ratelimit-reset'] ?? '', 10);
    if (!Number.isFinite(serverRemaining) || !Number.isFinite(reset)) return;
    // Requests still in flight were sent after this one was counted: they spend the same window.
    const remaining = serverRemaining - this.inFlight;
    const resetAtMs = reset * 1000;
    if (this.resetAtMs === undefined || resetAtMs > this.resetAtMs) {
      this.resetAtMs = resetAtMs;
      this.remaining = remaining;
    } else if (resetAtMs === this.resetAtMs) {
      // answers arrive out of order: the lowest count is the freshest
      this.remaining = Math.min(this.remaining ?? remaining, remaining);
    }
  }

  /**
   * After a 429. GitLab's throttle says the user's quota is spent (RateLimit-Remaining: 0): every
   * request would meet a 429 until the window ends, so nobody sends until then. Any other 429 (an
   * endpoint's own limit, a proxy's) concerns its request, which waits alone. Either may teach a rate.
   */
  private throttled(headers: Record<string, string | undefined>): void {
    const now = this.timing.now();
    const waitMs = serverRequestedDelayMs(headers, now);
    if (waitMs === undefined) return;
    if (headers['ratelimit-remaining']?.trim() === '0') {
      this.pausedUntilMs = Math.max(this.pausedUntilMs, now + waitMs);
    }
    // The requests stopped in the same window answer 429 too: the first one taught all there is.
    if (this.headersOnEveryAnswer || (this.windowStartMs !== undefined && now < this.windowStartMs)) return;
    const windowEndMs = now + waitMs;
    const estimates: number[] = [];
    const perMinute = Number.parseInt(headers['ratelimit-limit'] ?? '', 10);
    if (perMinute > 0) estimates.push(60_000 / perMinute);
    if (this.windowStartMs !== undefined && this.acceptedInWindow > 0) {
      const window = { ms: windowEndMs - this.windowStartMs, accepted: this.acceptedInWindow };
      // A fixed-window limiter's windows are all as long, and let the same number through; 429s
      // that do not repeat that pattern (faults, an endpoint's own limit) say nothing about a rate.
      if (this.lastWindow && sameWindow(this.lastWindow, window)) {
        estimates.push(Math.max(window.ms / window.accepted, this.lastWindow.ms / this.lastWindow.accepted));
      }
      this.lastWindow = window;
    }
    if (estimates.length > 0) {
      // The slowest estimate: the limit, or the share of it other clients of the same user left us.
      const learnt = Math.max(...estimates) * PACE_MARGIN;
      this.intervalMs = Math.max(this.intervalMs ?? 0, learnt);
    }
    this.windowStartMs = windowEndMs;
    this.acceptedInWindow = 0;
  }
}

/** Whether two windows are as long (within 5 %) and let requests through at rates within 20 %. */
function sameWindow(a: { ms: number; accepted: number }, b: { ms: number; accepted: number }): boolean {
  const rateA = a.accepted / a.ms;
  const rateB = b.accepted / b.ms;
  return (
    Math.abs(a.ms - b.ms) <= 0.05 * Math.max(a.ms, b.ms) &&
    Math.abs(rateA - rateB) <= 0.2 * Math.max(rateA, rateB)
  );
}

/** Seconds from Retry-After (delta seconds or an HTTP date), else from RateLimit-Reset; ms or undefined. */
export function serverRequestedDelayMs(
  headers: Record<string, string | undefined>,
  nowMs: number,
): number | undefined {
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - nowMs);
  }
  const reset = Number.parseInt(headers['ratelimit-reset'] ?? '', 10);
  if (Number.isFinite(reset)) return Math.max(0, reset * 1000 - nowMs + RESET_MARGIN_MS);
  return undefined;
}
