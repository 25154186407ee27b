// What one attempt's outcome means, decided without I/O or a clock: the answer is final (done),
// worth another attempt after a delay (retry: a fault; wait: a 429), or a failure to report.
// The client carries the decision out; everything it needs to know is passed in.

import type { Failure, Service } from '../failure.ts';
import { type AttemptRoute, judgeNetworkError, unreachable } from './network-failures.ts';
import { serverRequestedDelayMs } from './pacing.ts';
import type { WireResponse } from './wire.ts';

export interface RetryPolicy {
  /** extra attempts after faults (network errors, 5xx, unreadable bodies) */
  retries: number;
  /** first backoff after a fault; then `backoffFactor` times longer each time, up to the cap */
  backoffBaseMs: number;
  backoffFactor: number;
  maxBackoffMs: number;
  /** 429s waited out per request; each is a request to wait, which other users of the quota can cause again */
  maxRateLimitedWaits: number;
  /** the longest single wait; asked for more, the request fails instead */
  maxWaitMs: number;
}

/** Where a request stands after its earlier attempts. */
export interface RetryState {
  attempts: number;
  /** faults so far (they spend `retries`) */
  faults: number;
  rateLimitedWaits: number;
}

export const FIRST_ATTEMPT: RetryState = { attempts: 0, faults: 0, rateLimitedWaits: 0 };

export interface AttemptFacts extends AttemptRoute {
  service: Service;
  method: 'GET' | 'POST' | 'DELETE';
  /** a 2xx answer whose body is not JSON is a fault (a truncated page) */
  expectJson: boolean;
  /** now, for Retry-After given as a date */
  nowMs: number;
  /** a random number in [0, 1): the jitter of this decision */
  jitter: number;
}

export type AttemptOutcome = { response: WireResponse & { json: unknown } } | { error: unknown };

export type Verdict =
  | { kind: 'done' }
  /** a fault: try again after `delayMs` */
  | { kind: 'retry'; delayMs: number; state: RetryState; why: string }
  /** a 429: wait `delayMs` (what the server asked for, when it said) */
  | { kind: 'wait'; delayMs: number; state: RetryState; why: string }
  | { kind: 'fail'; failure: Failure };

/** Statuses worth another attempt. 500 too: GitLab answers it for passing registry errors, and every request this program makes may be repeated without harm. */
const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);
/** Spread of the requests a 429 stopped together, on top of the wait the server asked for. */
export const RATE_LIMIT_JITTER_MS = 250;

export function classify(
  outcome: AttemptOutcome,
  before: RetryState,
  facts: AttemptFacts,
  policy: RetryPolicy,
): Verdict {
  const state = { ...before, attempts: before.attempts + 1 };
  if ('error' in outcome) {
    const judged = judgeNetworkError(outcome.error, facts);
    if ('failure' in judged) return { kind: 'fail', failure: judged.failure };
    const faults = state.faults + 1;
    if (faults > policy.retries) {
      return { kind: 'fail', failure: unreachable(outcome.error, judged.transient, facts, state.attempts) };
    }
    const why = 'timeoutMs' in judged.transient ? 'no answer in time' : judged.transient.code;
    return {
      kind: 'retry',
      delayMs: backoff(faults, policy.backoffBaseMs, policy, facts.jitter),
      state: { ...state, faults },
      why,
    };
  }

  const { response } = outcome;
  const notApi = notTheApi(response, facts);
  if (notApi) return { kind: 'fail', failure: notApi };

  if (response.status === 429) {
    const rateLimitedWaits = state.rateLimitedWaits + 1;
    if (rateLimitedWaits > policy.maxRateLimitedWaits) return { kind: 'done' };
    const requested = serverRequestedDelayMs(response.headers, facts.nowMs);
    if (requested !== undefined && requested > policy.maxWaitMs)
      return tooLong(requested, response.status, facts, policy);
    // What the server asked for. When it says the user's quota is spent (RateLimit-Remaining: 0),
    // every request was stopped together: a little more, so that they do not all come back in the
    // same instant. Without a word on how long, the backoff of a fault.
    const crowd = response.headers['ratelimit-remaining']?.trim() === '0';
    const delayMs =
      requested === undefined
        ? backoff(rateLimitedWaits, policy.backoffBaseMs, policy, facts.jitter)
        : requested + (crowd ? facts.jitter * RATE_LIMIT_JITTER_MS : 0);
    return { kind: 'wait', delayMs, state: { ...state, rateLimitedWaits }, why: 'HTTP 429' };
  }

  // A DELETE may be confirmed with an empty body; any other 2xx body must be JSON.
  const emptyDelete = facts.method === 'DELETE' && response.text.trim() === '';
  const unreadable = facts.expectJson && response.status < 300 && response.json === undefined && !emptyDelete;
  if (!RETRYABLE_STATUS.has(response.status) && !unreadable) return { kind: 'done' };
  const faults = state.faults + 1;
  if (faults > policy.retries) return { kind: 'done' };
  const why = unreadable ? `an unreadable body (${response.text.length} bytes)` : `HTTP ${response.status}`;
  const requested = response.headers['retry-after']
    ? serverRequestedDelayMs(response.headers, facts.nowMs)
    : undefined;
  if (requested !== undefined && requested > policy.maxWaitMs)
    return tooLong(requested, response.status, facts, policy);
  const delayMs =
    requested === undefined
      ? backoff(faults, policy.backoffBaseMs, policy, facts.jitter)
      : requested + facts.jitter * RATE_LIMIT_JITTER_MS;
  return { kind: 'retry', delayMs, state: { ...state, faults }, why };
}

/**
 * Exponential backoff with "equal jitter": half of each step fixed, half random, so that clients
 * hit by the same fault spread out but none retries at once.
 */
export function backoff(step: number, baseMs: number, policy: RetryPolicy, jitter: number): number {
  const exponential = Math.min(policy.maxBackoffMs, baseMs * policy.backoffFactor ** (step - 1));
  return exponential / 2 + (jitter * exponential) / 2;
}

function tooLong(waitMs: number, status: number, facts: AttemptFacts, policy: RetryPolicy): Verdict {
  return {
    kind: 'fail',
    failure: {
      kind: 'wait-too-long',
      service: facts.service,
      action: facts.action,
      waitMs,
      maxWaitMs: policy.maxWaitMs,
      status,
    },
  };
}

/** A redirect or a web page: the URL leads somewhere, but not to the API. */
function notTheApi(response: WireResponse, facts: AttemptFacts): Failure | undefined {
  const { status, headers } = response;
  const { service, url } = facts;
  if (status >= 300 && status < 400) {
    const moved = /\/api\/v4\/projects\/([^/?#]+)/.exec(headers.location ?? '');
    if (moved && service === 'gitlab')
      return { kind: 'project-moved', to: safeDecode(moved[1] as string), status };
    const location = headers.location?.replace(/[?#].*$/, '');
    return {
      kind: 'redirect',
      service,
      action: facts.action,
      url: `${url.origin}${url.pathname}`,
      ...(location ? { location } : {}),
      status,
    };
  }
  if (status < 300 && /text\/html/i.test(headers['content-type'] ?? '')) {
    return { kind: 'web-page', service, url: `${url.origin}${url.pathname}` };
  }
  return undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
