// What a failed attempt (no answer) means: a fault worth retrying, or a failure retrying will not
// cure (TLS trust, an unknown host, a proxy that refuses). Pure: the error and what is known about
// the request's route in, a decision out.

import type { ProxySettings } from '../connection.ts';
import type { Failure, NetworkCause, ProxyRef, Service } from '../failure.ts';
import { AnswerTooLarge, NoAnswerInTime, UnsendableHeader } from './wire.ts';

/** Connection faults a new attempt may not meet: undici's documented codes and Node's system errors. */
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
  // the proxy tore the tunnel down while it was being set up
  'UND_ERR_PRX_CONN',
]);
/** undici's own timeouts, set to the request's: the same thing as our own timer firing. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const TLS_TRUST_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
]);

/** The proxy a request to a URL is sent to (undici's choice: HTTPS_PROXY, else HTTP_PROXY), without credentials. */
export interface ProxyRoute {
  ref: ProxyRef;
  hostname: string;
  port: number;
  /** https targets go through a CONNECT tunnel; plain http ones are forwarded */
  tunnel: boolean;
}

export function proxyRoute(settings: ProxySettings | undefined, url: URL): ProxyRoute | undefined {
  if (!settings) return undefined;
  const https = url.protocol === 'https:';
  const useHttps = https && Boolean(settings.httpsProxy);
  const value = useHttps ? settings.httpsProxy : settings.httpProxy;
  if (!value) return undefined;
  const variable =
    (useHttps ? settings.variables?.https : settings.variables?.http) ??
    (useHttps ? 'HTTPS_PROXY' : 'HTTP_PROXY');
  try {
    const parsed = new URL(value);
    const port = Number(parsed.port) || (parsed.protocol === 'https:' ? 443 : 80);
    return {
      ref: { origin: parsed.origin, variable },
      hostname: parsed.hostname.replace(/^\[|\]$/g, ''),
      port,
      tunnel: https,
    };
  } catch {
    return undefined;
  }
}

export interface AttemptRoute {
  service: Service;
  url: URL;
  /** what the request does, in words */
  action: string;
  timeoutMs: number;
  proxy?: ProxyRoute;
  /** what the proxy answered to CONNECT for this host, when it refused */
  tunnelRefusal?: number;
}

export type NetworkVerdict = { transient: NetworkCause } | { failure: Failure };

export function judgeNetworkError(error: unknown, route: AttemptRoute): NetworkVerdict {
  const { service, url } = route;
  if (error instanceof NoAnswerInTime) return { transient: { timeoutMs: error.timeoutMs } };
  if (error instanceof AnswerTooLarge) {
    return {
      failure: {
        kind: 'oversized',
        service,
        url: `${url.origin}${url.pathname}`,
        limitBytes: error.limitBytes,
      },
    };
  }
  if (error instanceof UnsendableHeader) {
    return { failure: { kind: 'network', service, action: route.action, detail: error.message } };
  }
  const refusal = proxyRefusal(error, route);
  if (refusal) return { failure: refusal };
  const code = errorCode(error);
  if (code && TIMEOUT_CODES.has(code)) return { transient: { timeoutMs: route.timeoutMs } };
  if (code && RETRYABLE_CODES.has(code)) return { transient: { code } };
  if (code && TLS_TRUST_CODES.has(code))
    return { failure: { kind: 'tls-untrusted', service, host: url.host, code } };
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return { failure: { kind: 'tls-wrong-name', service, host: url.host } };
  if (code === 'CERT_HAS_EXPIRED') return { failure: { kind: 'tls-expired', service, host: url.host } };
  if (code === 'ENOTFOUND') return { failure: { kind: 'unknown-host', service, hostname: url.hostname } };
  const detail = error instanceof Error ? error.message : String(error);
  return { failure: { kind: 'network', service, action: route.action, ...(code ? { code } : {}), detail } };
}

/** The failure once a transient fault has used up the retries: naming the proxy when it was the proxy that failed. */
export function unreachable(
  error: unknown,
  cause: NetworkCause,
  route: AttemptRoute,
  attempts: number,
): Failure {
  const { service, url } = route;
  if (route.proxy && refusedBy(error, route.proxy, url)) {
    return {
      kind: 'proxy-unreachable',
      service,
      origin: url.origin,
      proxy: route.proxy.ref,
      cause,
      attempts,
    };
  }
  return { kind: 'unreachable', service, origin: url.origin, cause, attempts };
}

/**
 * The proxy answered instead of the server. undici reports a refused CONNECT as a RequestAbortedError
 * (UND_ERR_ABORTED; our own timeout arrives as NoAnswerInTime, so this one is the proxy's), whose
 * status the transport noted; and a forwarding proxy's 407 as an InvalidArgumentError
 * (UND_ERR_INVALID_ARG), which nothing else can raise once our headers were checked.
 */
function proxyRefusal(error: unknown, route: AttemptRoute): Failure | undefined {
  const proxy = route.proxy;
  if (!proxy) return undefined;
  const code = errorCode(error, 1);
  if (proxy.tunnel && code === 'UND_ERR_ABORTED') {
    const status = route.tunnelRefusal;
    if (status === 407) return { kind: 'proxy-auth', proxy: proxy.ref };
    return { kind: 'proxy-refused', proxy: proxy.ref, host: route.url.host, ...(status ? { status } : {}) };
  }
  if (!proxy.tunnel && code === 'UND_ERR_INVALID_ARG') return { kind: 'proxy-auth', proxy: proxy.ref };
  return undefined;
}

/**
 * Whether a connection error came from the proxy's address rather than the server's: Node's system
 * errors name the address and port they could not connect to.
 */
function refusedBy(error: unknown, proxy: ProxyRoute, target: URL): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const { address, port } = current as { address?: unknown; port?: unknown };
    if (typeof port === 'number') {
      if (port !== proxy.port) return false;
      const targetPort = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
      return address === proxy.hostname || targetPort !== proxy.port;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The first `code` on the error or its causes (undici wraps Node's errors). */
export function errorCode(error: unknown, maxDepth = 4): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < maxDepth && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
