import type { SandboxConfig } from './config.ts';
import { mulberry32 } from './random.ts';
import { THROTTLE_NAME } from './rate-limit.ts';
import { type ApiResponse, HTTP_REASONS, jsonResponse, textResponse } from './responses.ts';
import type { Fault, Operation, RandomFaults } from './types.ts';

const DEFAULT_RANDOM_KINDS: Fault['kind'][] = [
  'status',
  'rateLimited',
  'reset',
  'truncatedJson',
  'invalidJson',
  'htmlErrorPage',
];
const RANDOM_STATUSES = [500, 502, 503, 504] as const;
/** A random `slow` fault must outlast any sensible client timeout. */
const RANDOM_SLOW_MS = 30_000;

/** Seeded random faults: the same seed and request order give the same faults. */
export class RandomFaultSource {
  private readonly random: () => number;
  private readonly rate: number;
  private readonly kinds: Fault['kind'][];
  private readonly operations: Set<Operation> | undefined;

  constructor(options: RandomFaults) {
    this.random = mulberry32(options.seed);
    this.rate = options.rate;
    this.kinds = options.kinds && options.kinds.length > 0 ? options.kinds : DEFAULT_RANDOM_KINDS;
    this.operations = options.operations ? new Set(options.operations) : undefined;
  }

  next(operation: Operation): Fault | undefined {
    if (this.operations && !this.operations.has(operation)) return undefined;
    if (this.random() >= this.rate) return undefined;
    const kind = this.kinds[Math.floor(this.random() * this.kinds.length)] ?? 'status';
    switch (kind) {
      case 'status':
        return { kind, status: RANDOM_STATUSES[Math.floor(this.random() * RANDOM_STATUSES.length)] ?? 500 };
      case 'rateLimited':
        return { kind, retryAfterSeconds: 1 };
      case 'slow':
        return { kind, delayMs: RANDOM_SLOW_MS };
      default:
        return { kind };
    }
  }
}

/** Faults that replace the handler entirely (answered before it would run). */
export function isBeforeFault(fault: Fault): boolean {
  switch (fault.kind) {
    case 'status':
    case 'reset':
      return (fault.when ?? 'before') === 'before';
    case 'rateLimited':
    case 'invalidJson':
    case 'htmlErrorPage':
    case 'redirectToLogin':
      return true;
    default:
      return false;
  }
}

/** The response a fault stands for (not for `reset`, `slow` or `truncatedJson`). */
export function faultResponse(fault: Fault, config: SandboxConfig): ApiResponse {
  switch (fault.kind) {
    case 'status':
      return jsonResponse(fault.status, {
        message: `${fault.status} ${HTTP_REASONS[fault.status] ?? 'Error'}`,
      });
    case 'rateLimited': {
      if (fault.retryAfterSeconds === undefined) return textResponse(429, 'Retry later\n', 'text/plain');
      const reset = Math.floor(Date.now() / 1000) + fault.retryAfterSeconds;
      return textResponse(429, 'Retry later\n', 'text/plain', {
        'RateLimit-Name': THROTTLE_NAME,
        'RateLimit-ResetTime': new Date(reset * 1000).toUTCString(),
        'RateLimit-Reset': String(reset),
        'Retry-After': String(fault.retryAfterSeconds),
      });
    }
    case 'invalidJson':
      return textResponse(200, '<!DOCTYPE html><html><body>Not JSON</body></html>', 'application/json');
    case 'htmlErrorPage': {
      const status = fault.status ?? 502;
      const title = `${status} ${HTTP_REASONS[status] ?? 'Error'}`;
      return textResponse(
        status,
        `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
        'text/html',
      );
    }
    case 'redirectToLogin': {
      const location = `${config.externalUrl}${config.prefix}/users/sign_in`;
      return textResponse(
        302,
        `<html><body>You are being <a href="${location}">redirected</a>.</body></html>`,
        'text/html; charset=utf-8',
        { Location: location },
      );
    }
    default:
      throw new Error(`fault ${fault.kind} has no response of its own`);
  }
}

/** A 200 JSON response cut in the middle, as if a proxy dropped the rest of the stream. */
export function truncatedResponse(response: ApiResponse): ApiResponse {
  const body = response.body.slice(0, Math.floor(response.body.length / 2));
  return { status: 200, headers: { ...response.headers, 'Content-Type': 'application/json' }, body };
}
