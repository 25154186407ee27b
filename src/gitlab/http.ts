// The one place requests go through. Every request gets the same treatment: bounded concurrency,
// pacing by the rate limit (src/gitlab/pacing.ts), one attempt at a time over the shared transport
// (src/gitlab/transport.ts), and a decision after each (src/gitlab/classify.ts): done, retry after
// a backoff, wait for the rate limit, or fail with a Failure. Traces never show credentials.
//
// A client talks to one origin with one kind of credentials. GitLab's client sends the user's token;
// a sibling (the container registry) shares the transport, CA and proxies, and has its own pacing,
// credentials and statistics.

import { Semaphore } from '../concurrency.ts';
import type { Credential, ProxySettings } from '../connection.ts';
import { errorFromFailure } from '../errors.ts';
import type { Service } from '../failure.ts';
import { type Authorize, gitlabAuthorization } from './authorization.ts';
import {
  type AttemptOutcome,
  classify,
  FIRST_ATTEMPT,
  type RetryPolicy,
  type RetryState,
} from './classify.ts';
import { proxyRoute } from './network-failures.ts';
import { type Admission, RateLimitGate, realTiming, type Timing, WaitBeyondLimit } from './pacing.ts';
import type { HttpRequest, HttpResponse, RequestStatistics } from './requests.ts';
import { Transport } from './transport.ts';
import type { WireRequest } from './wire.ts';

export type { HttpRequest, HttpResponse, RequestStatistics };

/** What every client of one run shares: timeouts, retries, pacing limits, TLS and proxies. */
export interface ClientSettings {
  /** per attempt, headers and body included */
  timeoutMs: number;
  /** extra attempts after faults (network errors, 5xx, unreadable bodies); 429s have their own budget */
  retries: number;
  /** requests in flight at once per origin (also the size of its connection pool) */
  concurrency: number;
  /** connections per origin when a sibling keeps more requests in flight than `concurrency` */
  connections?: number;
  /** the longest wait for a rate limit or a Retry-After; beyond it the request fails (wait-too-long) */
  maxWaitMs?: number;
  /** PEM bundle trusted in addition to Node's CAs (which include NODE_EXTRA_CA_CERTS) */
  ca?: string;
  proxy?: ProxySettings;
  userAgent: string;
  /** verbose request traces; receives lines without credentials */
  trace?: (line: string) => void;
  /** masks a secret learnt during the run (a registry token) in every output from now on */
  addSecret?: (secret: string) => void;
  timing?: Timing;
  /** first backoff after a fault; see classify.ts */
  backoffBaseMs?: number;
  maxBackoffMs?: number;
}

export interface HttpOptions extends ClientSettings {
  /** GitLab's credentials: PRIVATE-TOKEN or JOB-TOKEN for REST, Bearer for GraphQL */
  credential?: Credential;
  /** other credentials; win over `credential` */
  authorize?: Authorize;
  /** the server behind the origin, for failures (default 'gitlab') */
  service?: Service;
}

export const DEFAULT_MAX_WAIT_MS = 5 * 60_000;
/** 429s waited out per request before giving up; each wait is what the server asked for. */
const MAX_RATE_LIMITED_WAITS = 20;

export class HttpClient {
  readonly statistics: RequestStatistics = {
    byLabel: {},
    total: 0,
    retries: 0,
    rateLimited: 0,
    waitedForRateLimitMs: 0,
  };
  readonly service: Service;
  private readonly options: HttpOptions;
  private readonly timing: Timing;
  private readonly transport: Transport;
  /** whether close() closes the transport (siblings borrow it) */
  private readonly ownsTransport: boolean;
  private readonly inFlight: Semaphore;
  private readonly gate: RateLimitGate;
  private readonly policy: RetryPolicy;
  private readonly authorize: Authorize;

  constructor(options: HttpOptions, shared?: Transport) {
    this.options = options;
    this.service = options.service ?? 'gitlab';
    this.timing = options.timing ?? realTiming;
    this.inFlight = new Semaphore(options.concurrency);
    const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    this.gate = new RateLimitGate(this.timing, maxWaitMs);
    this.policy = {
      retries: Math.max(0, options.retries),
      // Faults (a reset, a 502, a truncated page) are mostly over at once: try again soon, and back
      // off steeply in case they are not.
      backoffBaseMs: options.backoffBaseMs ?? 250,
      backoffFactor: 4,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      maxRateLimitedWaits: MAX_RATE_LIMITED_WAITS,
      maxWaitMs,
    };
    this.authorize =
      options.authorize ?? (options.credential ? gitlabAuthorization(options.credential) : () => ({}));
    this.ownsTransport = !shared;
    this.transport =
      shared ??
      new Transport({
        connections: Math.max(options.concurrency, options.connections ?? 0),
        ...(options.ca ? { ca: options.ca } : {}),
        ...(options.proxy ? { proxy: options.proxy } : {}),
      });
  }

  /**
   * A client for another origin of the same run (GitLab's container registry): the same transport,
   * timeouts and retries unless given; its own credentials, pacing, concurrency and statistics.
   */
  sibling(
    options: { service: Service; authorize: Authorize } & Partial<
      Pick<ClientSettings, 'concurrency' | 'timeoutMs' | 'retries'>
    >,
  ): HttpClient {
    const { credential: _gitlabCredential, ...settings } = this.options;
    return new HttpClient({ ...settings, ...options }, this.transport);
  }

  /**
   * Masks a secret learnt during the run (a registry token) in every output from now on. Call it
   * before the secret is used: a client without a place to register secrets refuses.
   */
  addSecret(secret: string): void {
    if (!this.options.addSecret)
      throw new Error('bug: a secret learnt at run time, and no redaction to register it with');
    this.options.addSecret(secret);
  }

  async close(): Promise<void> {
    if (this.ownsTransport) await this.transport.close();
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const release = await this.inFlight.acquire();
    try {
      return await this.sendUntilSettled(req);
    } finally {
      release();
    }
  }

  private async sendUntilSettled(req: HttpRequest): Promise<HttpResponse> {
    const action = req.action ?? `send ${req.method} ${describeUrl(req.url)}`;
    const wire = this.wireRequest(req);
    const facts = {
      service: this.service,
      url: req.url,
      action,
      timeoutMs: this.options.timeoutMs,
      method: req.method,
      expectJson: req.expectJson ?? false,
      ...optional('proxy', proxyRoute(this.options.proxy, req.url)),
    };
    const shown = `${req.method} ${describeUrl(req.url)}`;
    let state: RetryState = FIRST_ATTEMPT;
    for (;;) {
      const admission = await this.admit(action);
      this.count(req.label, state.attempts > 0);
      const started = this.timing.now();
      const outcome = await this.attempt(wire, admission);
      if ('response' in outcome) {
        const { status } = outcome.response;
        if (status === 429) this.statistics.rateLimited++;
        this.trace(`${shown} → ${status} in ${Math.round(this.timing.now() - started)} ms`);
      }
      const refusal = 'error' in outcome ? this.transport.tunnelRefusal(req.url) : undefined;
      const verdict = classify(
        outcome,
        state,
        {
          ...facts,
          ...optional('tunnelRefusal', refusal),
          nowMs: this.timing.now(),
          jitter: this.timing.random(),
        },
        this.policy,
      );
      if (verdict.kind === 'fail') throw errorFromFailure(verdict.failure);
      if (verdict.kind === 'done') {
        if (!('response' in outcome)) throw new Error('bug: a failed attempt judged done');
        return { ...outcome.response, attempts: state.attempts + 1 };
      }
      if ('error' in outcome) this.trace(`${shown} ✗ ${verdict.why}`);
      const [step, budget] =
        verdict.kind === 'wait'
          ? [verdict.state.rateLimitedWaits, this.policy.maxRateLimitedWaits]
          : [verdict.state.faults, this.policy.retries];
      this.trace(`${shown}: retry ${step}/${budget} in ${formatMs(verdict.delayMs)} after ${verdict.why}`);
      await this.timing.sleep(verdict.delayMs);
      state = verdict.state;
    }
  }

  private wireRequest(req: HttpRequest): WireRequest {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.options.userAgent,
      ...this.authorize(req),
    };
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    Object.assign(headers, req.headers);
    return { method: req.method, url: req.url, headers, body, timeoutMs: this.options.timeoutMs };
  }

  private async admit(action: string): Promise<Admission> {
    try {
      const admission = await this.gate.admit();
      this.statistics.waitedForRateLimitMs += admission.waitedMs;
      return admission;
    } catch (error) {
      if (!(error instanceof WaitBeyondLimit)) throw error;
      throw errorFromFailure({
        kind: 'wait-too-long',
        service: this.service,
        action,
        waitMs: error.waitMs,
        maxWaitMs: this.policy.maxWaitMs,
      });
    }
  }

  private async attempt(
    wire: Parameters<Transport['send']>[0],
    admission: Admission,
  ): Promise<AttemptOutcome> {
    try {
      const response = await this.transport.send(wire);
      admission.settle(response);
      return { response: { ...response, json: parseJson(response.text, response.headers) } };
    } catch (error) {
      admission.settle();
      return { error };
    }
  }

  private count(label: string, retry: boolean): void {
    this.statistics.total++;
    this.statistics.byLabel[label] = (this.statistics.byLabel[label] ?? 0) + 1;
    if (retry) this.statistics.retries++;
  }

  private trace(line: string): void {
    this.options.trace?.(line);
  }
}

/** `{ [name]: value }`, or nothing when there is no value (optional properties stay absent). */
function optional<K extends string, V>(name: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [name]: value }) as { [P in K]?: V };
}

function parseJson(text: string, headers: Record<string, string | undefined>): unknown {
  const type = headers['content-type'] ?? '';
  // An empty body (the registry's 202 to a DELETE) is no JSON; JSON.parse would throw, at a cost per request.
  if (text === '' || (type && !/json/i.test(type))) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Path and query only: the origin is known, and query strings never carry credentials here. */
function describeUrl(url: URL): string {
  return `${url.pathname}${url.search}`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
