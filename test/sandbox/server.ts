import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type Authentication, throttledUser } from './auth.ts';
import { ConcurrencyGate } from './concurrency.ts';
import { resolveConfig, type SandboxConfig } from './config.ts';
import { dispatch, type HandledCall } from './dispatch.ts';
import { faultResponse, isBeforeFault, RandomFaultSource, truncatedResponse } from './faults.ts';
import { parseParams } from './query-string.ts';
import { RateLimiter } from './rate-limit.ts';
import { type ApiResponse, routeNotFound, textResponse } from './responses.ts';
import { matchRoute } from './router.ts';
import { SandboxState } from './state.ts';
import type { Fault, Interceptor, Operation, RecordedRequest, Sandbox, SandboxOptions } from './types.ts';

/** Starts a fake GitLab on a free loopback port. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const config = resolveConfig(options);
  const state = options.state ?? new SandboxState();
  const runtime = new SandboxRuntime(state, config, options);
  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, runtime.listener)
    : createHttpServer(runtime.listener);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  const url = `${options.tls ? 'https' : 'http'}://${hostInUrl}:${port}${config.prefix}`;

  const sandbox: Sandbox = {
    url,
    apiUrl: `${url}/api/v4`,
    graphqlUrl: `${url}/api/graphql`,
    port,
    state,
    requests: runtime.requests,
    resetRequests: () => {
      runtime.requests.length = 0;
    },
    intercept: (interceptor) => {
      runtime.interceptors.push(interceptor);
      return () => {
        const index = runtime.interceptors.indexOf(interceptor);
        if (index !== -1) runtime.interceptors.splice(index, 1);
      };
    },
    close: async () => {
      runtime.abort.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
  return sandbox;
}

/** Per-server machinery: recording, interceptors, faults, pacing. */
class SandboxRuntime {
  readonly requests: RecordedRequest[] = [];
  readonly interceptors: Interceptor[] = [];
  readonly abort = new AbortController();
  private readonly state: SandboxState;
  private readonly config: SandboxConfig;
  private readonly gate: ConcurrencyGate;
  private readonly rateLimiter: RateLimiter | undefined;
  private readonly randomFaults: RandomFaultSource | undefined;

  constructor(state: SandboxState, config: SandboxConfig, options: SandboxOptions) {
    this.state = state;
    this.config = config;
    this.gate = new ConcurrencyGate(config.maxConcurrency);
    this.rateLimiter = config.rateLimit ? new RateLimiter(config.rateLimit) : undefined;
    this.randomFaults = options.faults ? new RandomFaultSource(options.faults) : undefined;
  }

  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    this.handle(req, res).catch((error: unknown) => {
      if (!this.abort.signal.aborted) console.error('sandbox: request failed', error);
      res.destroy();
    });
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const target = req.url ?? '/';
    const queryStart = target.indexOf('?');
    const fullPath = queryStart === -1 ? target : target.slice(0, queryStart);
    const query = parseParams(queryStart === -1 ? '' : target.slice(queryStart + 1));
    const body = await readBody(req);
    const { prefix } = this.config;
    const belowPrefix = prefix === '' || fullPath === prefix || fullPath.startsWith(`${prefix}/`);
    const rawPath = belowPrefix ? fullPath.slice(prefix.length) || '/' : fullPath;

    const operation = belowPrefix ? matchRoute(method, rawPath, query).operation : 'unknown';

    await this.gate.acquire();
    try {
      if (this.config.latencyMs > 0) await this.sleep(this.config.latencyMs);
      const fault = this.pickFault({ method, path: rawPath, query, operation, body });
      if (fault?.kind === 'slow') await this.sleep(fault.delayMs);
      // Authenticate only now: interceptors (or a slow answer's wait) may have changed the state.
      const routed = dispatch(
        { method, rawPath, query, body, headers: req.headers },
        this.state,
        this.config,
      );
      const record = recordOf(method, rawPath, query, operation, routed.auth);
      if (fault) record.fault = fault.kind;

      if (fault && isBeforeFault(fault)) {
        if (fault.kind === 'reset') return this.reset(res, record);
        return this.send(res, method, faultResponse(fault, this.config), record);
      }

      let rateLimitHeaders: Record<string, string> = {};
      const throttled = this.rateLimiter ? throttledUser(this.state, routed.credentials) : undefined;
      if (this.rateLimiter && throttled) {
        const verdict = this.rateLimiter.hit(throttled.id, Date.now());
        rateLimitHeaders = verdict.headers;
        if (verdict.throttled) {
          const response = textResponse(429, 'Retry later\n', 'text/plain', {
            ...verdict.headers,
            ...verdict.throttledHeaders,
          });
          return this.send(res, method, response, record);
        }
      }

      const handled: HandledCall = belowPrefix ? await routed.run() : { response: routeNotFound().response };
      if (handled.graphqlFields) record.graphqlFields = handled.graphqlFields;
      if (fault?.kind === 'reset') return this.reset(res, record);
      let response = handled.response;
      if (fault?.kind === 'status') response = faultResponse(fault, this.config);
      if (fault?.kind === 'truncatedJson') response = truncatedResponse(response);
      response = { ...response, headers: { ...response.headers, ...rateLimitHeaders } };
      this.send(res, method, response, record);
    } finally {
      this.gate.release();
    }
  }

  private pickFault(request: Parameters<Interceptor>[0]): Fault | undefined {
    for (const interceptor of [...this.interceptors]) {
      const fault = interceptor(request, this.state);
      if (fault) return fault;
    }
    return this.randomFaults?.next(request.operation);
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
  method: string,
  path: string,
  query: Record<string, string>,
  operation: Operation,
  auth: Authentication,
): RecordedRequest {
  const authenticated = auth.kind === 'pat' || auth.kind === 'job';
  return {
    method,
    path,
    query,
    operation,
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
