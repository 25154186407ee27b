/**
 * Rack::Attack's `throttle_authenticated_api`: a fixed window per user, aligned to the epoch
 * (`period - now % period` seconds left). Headers as lib/gitlab/rack_attack.rb builds them; the
 * newest GitLab sends the RateLimit-* set on every response, RateLimit-ResetTime and Retry-After
 * only on 429.
 */
export const THROTTLE_NAME = 'throttle_authenticated_api';

export interface RateLimitVerdict {
  throttled: boolean;
  /** Headers for every response of this user. */
  headers: Record<string, string>;
  /** Extra headers of a 429. */
  throttledHeaders: Record<string, string>;
}

export class RateLimiter {
  private readonly limit: number;
  private readonly periodSeconds: number;
  private readonly windows = new Map<number, { window: number; count: number }>();

  constructor(rule: { requests: number; periodSeconds: number }) {
    this.limit = rule.requests;
    this.periodSeconds = rule.periodSeconds;
  }

  /** Counts one request of `userId` (throttled ones count too, as in Rack::Attack). */
  hit(userId: number, nowMs: number): RateLimitVerdict {
    const now = Math.floor(nowMs / 1000);
    const window = Math.floor(now / this.periodSeconds);
    const current = this.windows.get(userId);
    const count = current && current.window === window ? current.count + 1 : 1;
    this.windows.set(userId, { window, count });
    const retryAfter = this.periodSeconds - (now % this.periodSeconds);
    const reset = now + retryAfter;
    return {
      throttled: count > this.limit,
      headers: {
        'RateLimit-Name': THROTTLE_NAME,
        // The quota normalised to a 60 s window, rounded up.
        'RateLimit-Limit': String(Math.ceil((this.limit * 60) / this.periodSeconds)),
        'RateLimit-Observed': String(count),
        'RateLimit-Remaining': String(Math.max(this.limit - count, 0)),
        'RateLimit-Reset': String(reset),
      },
      throttledHeaders: {
        'RateLimit-ResetTime': new Date(reset * 1000).toUTCString(),
        'Retry-After': String(retryAfter),
      },
    };
  }
}
