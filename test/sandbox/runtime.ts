// The request pipeline both listeners share: recording, interceptors and random faults,
// latency, concurrency, rate limiting (GitLab only), then the listener's own handler.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Authentication } from './auth.ts';
import { ConcurrencyGate } from './concurrency.ts';
import type { SandboxConfig } from './config.ts';
import { faultResponse, isBeforeFault, type RandomFaultSource, truncatedResponse } from './faults.ts';
import type { User } from './model.ts';
import { parseParams } from './query-string.ts';
import { RateLimiter } from './rate-limit.ts';
import { type ApiResponse, textResponse } from './responses.ts';
import type { SandboxState } from './state.ts';
import type { Fault, Interceptor, Listener, Operation, RecordedRequest } from './types.ts';

export interface IncomingRequest {
  method: string;
  /** Path without the query string, still URL-encoded. */
  fullPath: string;
  rawQuery: string;
  query: Record<string, string>;
  body: string;
  headers: IncomingHttpHeaders;
}

export interface HandledCall {
  response: ApiResponse;
  graphqlFields?: string[];
}

/** A request routed by a listener; `authenticate` runs after interceptors had their say. */
export interface RoutedRequest {
  /** The path as recorded (below GitLab's prefix). */
  path: string;
  operation: Operation;
  authenticate(): { auth: Authentication; throttleAs?: User; run(): Promise<HandledCall> };
}

export interface ListenerRoutes {
  name: Listener;
  route(request: IncomingRequest): RoutedRequest;
  /** Rack::Attack stands in front of GitLab only. */
  rateLimited: boolean;
  gate?: ConcurrencyGate;
}

/** What the listeners of one sandbox share. */
export class SandboxRuntime {
  readonly requests: RecordedRequest[] = [];
  readonly interceptors: Interceptor[] = [];
  readonly abort = new AbortController();
  private readonly state: SandboxState;
  private readonly config: SandboxConfig;
  private readonly rateLimiter: RateLimiter | undefined;
  private readonly randomFaults: RandomFaultSource | undefined;

  constructor(state: SandboxState, config: SandboxConfig, randomFaults: RandomFaultSource | undefined) {
    this.state = state;
    this.config = config;
    this.rateLimiter = config.rateLimit ? new RateLimiter(config.rateLimit) : undefined;
    this.randomFaults = randomFaults;
  }

  newGate(): ConcurrencyGate {
    return new ConcurrencyGate(this.config.maxConcurrency);
  }

  listener(routes: ListenerRoutes): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) => {
      this.handle(routes, req, res).catch((error: unknown) => {
        if (!this.abort.signal.aborted) console.error('sandbox: request failed', error);
        res.destroy();
      });
    };
  }

  private async handle(routes: ListenerRoutes, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const target = req.url ?? '/';
    const queryStart = target.indexOf('?');
    const rawQuery = queryStart === -1 ? '' : target.slice(queryStart + 1);
    const incoming: IncomingRequest = {
      method,
      fullPath: queryStart === -1 ? target : target.slice(0, queryStart),
      rawQuery,
      query: parseParams(rawQuery),
      body: await readBody(req),
      headers: req.headers,
    };
    const routed = routes.route(incoming);

    await routes.gate?.acquire();
    try {
      if (this.config.latencyMs > 0) await this.sleep(this.config.latencyMs);
      const fault = this.pickFault(routes.name, routed, incoming);
      if (fault?.kind === 'slow') await this.sleep(fault.delayMs);
      // Authenticate only now: interceptors (or a slow answer's wait) may have changed the state.
      const call = routed.authenticate();
      const record = recordOf(routes.name, method, routed, incoming.query, call.auth);
      if (fault) record.fault = fault.kind;

      if (fault && isBeforeFault(fault)) {
        if (fault.kind === 'reset') return this.reset(res, record);
        return this.send(res, method, faultResponse(fault, this.config), record);
      }

      let rateLimitHeaders: Record<string, string> = {};
      if (routes.rateLimited && this.rateLimiter && call.throttleAs) {
        const verdict = this.rateLimiter.hit(call.throttleAs.id, Date.now());
        if (this.config.rateLimitHeaders === 'always') rateLimitHeaders = verdict.headers;
        if (verdict.throttled) {
          const response = textResponse(429, 'Retry later\n', 'text/plain', {
            ...verdict.headers,
            ...verdict.throttledHeaders,
          });
          return this.send(res, method, response, record);
        }
      }

      const handled = await call.run();
      if (handled.graphqlFields) record.graphqlFields = handled.graphqlFields;
      if (fault?.kind === 'reset') return this.reset(res, record);
      let response = handled.response;
      if (fault?.kind === 'status') response = faultResponse(fault, this.config);
      if (fault?.kind === 'truncatedJson') response = truncatedResponse(response);
      response = { ...response, headers: { ...response.headers, ...rateLimitHeaders } };
      this.send(res, method, response, record);
    } finally {
      routes.gate?.release();
    }
  }

  private pickFault(listener: Listener, routed: RoutedRequest, incoming: IncomingRequest): Fault | undefined {
    const request = {
      listener,
      method: incoming.method,
      path: routed.path,
      query: incoming.query,
      operation: routed.operation,
      body: incoming.body,
    };
    for (const interceptor of [...this.interceptors]) {
      const fault = interceptor(request, this.state);
      if (fault) return fault;
    }
    return this.randomFaults?.next(routed.operation);
  }

  private send(res: ServerResponse, method: string, response: ApiResponse, record: RecordedRequest): void {
    record.status = response.status;
    this.requests.push(record);
    if (res.destroyed) return;
    const body = method === 'HEAD' ? '' : response.body;
    res.writeHead(response.status, {
      ...response.headers,
      'Content-Length': String(Buffer.byteLength(method === 'HEAD' ? response.body : body)),
    });
    res.end(body);
  }

  private reset(res: ServerResponse, record: RecordedRequest): void {
    record.status = 0;
    this.requests.push(record);
    res.socket?.destroy();
    res.destroy();
  }

  /** Waits, unless the sandbox closes first (then the request is abandoned). */
  private sleep(ms: number): Promise<void> {
    const { signal } = this.abort;
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new Error('sandbox closed'));
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(new Error('sandbox closed'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function recordOf(
  listener: Listener,
  method: string,
  routed: RoutedRequest,
  query: Record<string, string>,
  auth: Authentication,
): RecordedRequest {
  const authenticated = auth.kind === 'pat' || auth.kind === 'job';
  return {
    ...(listener === 'registry' ? { listener } : {}),
    method,
    path: routed.path,
    query,
    operation: routed.operation,
    auth: auth.kind,
    ...(auth.via ? { authHeader: auth.via } : {}),
    ...(authenticated && auth.user ? { user: auth.user.username } : {}),
    status: 0,
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
