// Client-side pacing from GitLab's rate-limit headers, shared by every request of one client.
//
// GitLab (Rack::Attack) counts requests per user in fixed windows. Newer versions send
// RateLimit-Remaining and RateLimit-Reset (Unix seconds) on every response, older ones only on 429s;
// a 429 carries Retry-After (seconds). We stop sending when the window is spent, rather than
// collecting 429s, and pause everyone after a 429 (see ../shared/gitlab-api.md §1.6).

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

export class RateLimitGate {
  private remaining: number | undefined;
  private resetAtMs: number | undefined;
  private pausedUntilMs = 0;
  /** sent and not answered yet: the server's count of what remains does not include them */
  private inFlight = 0;
  private readonly timing: Timing;

  constructor(timing: Timing) {
    this.timing = timing;
  }

  /**
   * Waits until a request may be sent and counts it against the window. Call `settle` with the
   * answer's headers (or none, when there was no answer) once it is over.
   */
  async admit(): Promise<{
    waitedMs: number;
    settle: (headers?: Record<string, string | undefined>) => void;
  }> {
    let waitedMs = 0;
    for (;;) {
      const now = this.timing.now();
      let until = this.pausedUntilMs;
      if (this.remaining !== undefined && this.remaining <= 0 && this.resetAtMs !== undefined) {
        if (this.resetAtMs + RESET_MARGIN_MS > now) until = Math.max(until, this.resetAtMs + RESET_MARGIN_MS);
        else this.remaining = undefined; // the window has turned over: a full quota
      }
      if (until <= now) break;
      await this.timing.sleep(until - now);
      waitedMs += until - now;
    }
    if (this.remaining !== undefined) this.remaining--;
    this.inFlight++;
    let settled = false;
    return {
      waitedMs,
      settle: (headers) => {
        if (settled) return;
        settled = true;
        this.inFlight--;
        if (headers) this.observe(headers);
      },
    };
  }

  /** Learns from an answer's RateLimit-Remaining / RateLimit-Reset headers. */
  private observe(headers: Record<string, string | undefined>): void {
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

  /** After a 429: nobody sends until the server said so. */
  pauseFor(ms: number): void {
    this.pausedUntilMs = Math.max(this.pausedUntilMs, this.timing.now() + ms);
  }
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
