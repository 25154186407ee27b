// Sends one request and reads its answer, through undici's public API: an EnvHttpProxyAgent with
// the proxy settings passed explicitly, the user's CA added to Node's, a timeout for the whole
// exchange and a cap on the body. No retries, no interpretation: src/gitlab/classify.ts decides
// what an answer or an error means. One transport serves every origin (GitLab, its registry): the
// agent keeps a connection pool per origin.

import { type Dispatcher, EnvHttpProxyAgent, Pool, request } from 'undici';
import type { ProxySettings } from '../connection.ts';
import {
  AnswerTooLarge,
  NoAnswerInTime,
  UnsendableHeader,
  type WireRequest,
  type WireResponse,
} from './wire.ts';

export interface TransportOptions {
  /** connections per origin */
  connections: number;
  /** PEM bundle trusted in addition to Node's CAs (which include NODE_EXTRA_CA_CERTS) */
  ca?: string;
  proxy?: ProxySettings;
}

/** The largest answer read: many times GitLab's largest page (1,000 tags); anything near it is not the API. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** What RFC 9110 allows in a field value (visible ASCII, obs-text, spaces and tabs). */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export class Transport {
  private readonly dispatcher: EnvHttpProxyAgent;
  /** what proxies answered to CONNECT, by tunnel target ("host:port") */
  private readonly tunnelAnswers = new Map<string, number>();

  constructor(options: TransportOptions) {
    // An explicit `ca` replaces Node's list; keep the default one (bundled roots plus
    // NODE_EXTRA_CA_CERTS) and add the user's, so that a proxy or mirror with a public
    // certificate keeps working next to a private GitLab CA.
    // rejectUnauthorized is always explicit: left unset, Node's tls.connect takes it from
    // NODE_TLS_REJECT_UNAUTHORIZED, and "0" there turns off the chain and the name checks.
    const trust = {
      rejectUnauthorized: true,
      ...(options.ca
        ? { ca: [...process.getBuiltinModule('node:tls').getCACertificates('default'), options.ca] }
        : {}),
    };
    const answers = this.tunnelAnswers;
    // Proxy settings are passed explicitly ('' = none) so that the agent never reads the
    // environment behind the options' back.
    this.dispatcher = new EnvHttpProxyAgent({
      httpProxy: options.proxy?.httpProxy ?? '',
      httpsProxy: options.proxy?.httpsProxy ?? '',
      noProxy: options.proxy?.noProxy ?? '',
      connections: options.connections,
      keepAliveTimeout: 30_000,
      connect: trust,
      requestTls: trust,
      proxyTls: trust,
      // The dispatcher that talks to the proxy itself, which opens the CONNECT tunnels: undici
      // reports a refused tunnel as an aborted request without its status, so note the status here.
      clientFactory: (origin: URL, settings: object) =>
        new Pool(origin, settings).compose(recordTunnelAnswers(answers)),
    });
  }

  /** One attempt. Throws the network's error, NoAnswerInTime, AnswerTooLarge or UnsendableHeader. */
  async send(req: WireRequest): Promise<WireResponse> {
    for (const [name, value] of Object.entries(req.headers)) {
      if (!FIELD_VALUE.test(value)) throw new UnsendableHeader(name);
    }
    // The whole exchange, headers and body, within the timeout. Not AbortSignal.timeout(): its
    // timer keeps the signal, and all undici hangs on it, alive for the full timeout after the
    // request is over; at hundreds of requests a second that held tens of thousands of finished
    // requests in memory.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new NoAnswerInTime(req.timeoutMs)), req.timeoutMs);
    try {
      const res = await request(req.url, {
        dispatcher: this.dispatcher,
        method: req.method,
        headers: req.headers,
        body: req.body,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
        signal: abort.signal,
      });
      const text = await readCapped(res.body);
      return { status: res.statusCode, headers: flatten(res.headers), text };
    } catch (error) {
      // Whatever undici made of our own abort, it was the timeout.
      if (abort.signal.aborted) throw new NoAnswerInTime(req.timeoutMs);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The status a proxy last answered to CONNECT for this URL's host, if it refused. */
  tunnelRefusal(url: URL): number | undefined {
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    const status = this.tunnelAnswers.get(`${url.hostname}:${port}`);
    return status === undefined || status === 200 ? undefined : status;
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

/** An interceptor for the proxy's dispatcher: notes the status of every CONNECT answer by target. */
function recordTunnelAnswers(answers: Map<string, number>): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (options, handler) => {
    if (options.method !== 'CONNECT') return dispatch(options, handler);
    const target = String(options.path);
    return dispatch(options, {
      onRequestStart: (controller, context) => handler.onRequestStart?.(controller, context),
      onRequestUpgrade: (controller, statusCode, headers, socket) => {
        answers.set(target, statusCode);
        handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
      },
      onResponseStart: (controller, statusCode, headers, statusMessage) =>
        handler.onResponseStart?.(controller, statusCode, headers, statusMessage),
      onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
      onResponseEnd: (controller, trailers) => handler.onResponseEnd?.(controller, trailers),
      onResponseError: (controller, error) => handler.onResponseError?.(controller, error),
    });
  };
}

function flatten(raw: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(raw)) {
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      body.destroy();
      throw new AnswerTooLarge(MAX_BODY_BYTES);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
