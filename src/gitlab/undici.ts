// The two pieces of undici this program uses, taken from their own modules. undici's index loads
// everything it offers (fetch, WebSocket, caches, mock agents): 1.3 MB of the bundle, parsed at
// every start. These two bring 0.76 MB. undici 8 has no "exports" map, so the paths are public;
// the types come from undici's own declarations.

import type { Dispatcher, EnvHttpProxyAgent as EnvHttpProxyAgentClass } from 'undici';
import connectModule from 'undici/lib/api/api-connect.js';
import requestModule from 'undici/lib/api/api-request.js';
import dispatcherModule from 'undici/lib/dispatcher/dispatcher.js';
import envHttpProxyAgentModule from 'undici/lib/dispatcher/env-http-proxy-agent.js';

// ProxyAgent opens its tunnels with `client.connect()`, a method undici's index adds to every
// dispatcher (Object.assign(Dispatcher.prototype, api)). Without the index, add the one it needs,
// or every CONNECT fails with "this[kClient].connect is not a function".
dispatcherModule.prototype.connect ??= connectModule;

export const EnvHttpProxyAgent = envHttpProxyAgentModule as unknown as typeof EnvHttpProxyAgentClass;
export type EnvHttpProxyAgent = EnvHttpProxyAgentClass;

type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path'>;
const requestOn = requestModule as unknown as (
  this: Dispatcher,
  options: Dispatcher.RequestOptions,
) => Promise<Dispatcher.ResponseData>;

/** undici's request(url, options) for one dispatcher. */
export function request(
  dispatcher: Dispatcher,
  url: URL,
  options: RequestOptions,
): Promise<Dispatcher.ResponseData> {
  return requestOn.call(dispatcher, { ...options, origin: url.origin, path: `${url.pathname}${url.search}` });
}
