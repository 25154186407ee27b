import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { throttledUser } from './auth.ts';
import { resolveConfig, type SandboxConfig } from './config.ts';
import { dispatch } from './dispatch.ts';
import { RandomFaultSource } from './faults.ts';
import { dispatchRegistry } from './registry/dispatch.ts';
import { routeNotFound } from './responses.ts';
import { matchRoute } from './router.ts';
import { type ListenerRoutes, SandboxRuntime } from './runtime.ts';
import { SandboxState } from './state.ts';
import type { RegistryListenerOptions, Sandbox, SandboxOptions } from './types.ts';

type Tls = { key: string | Buffer; cert: string | Buffer } | undefined;

/** Starts a fake GitLab on a free loopback port (and its registry on another, if asked). */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const config = resolveConfig(options);
  const state = options.state ?? new SandboxState();
  const runtime = new SandboxRuntime(
    state,
    config,
    options.faults ? new RandomFaultSource(options.faults) : undefined,
  );
  const host = options.host ?? '127.0.0.1';
  const hostInUrl = host.includes(':') ? `[${host}]` : host;

  const gitlab = await listen(
    runtime.listener(gitlabRoutes(runtime, state, config)),
    host,
    options.port,
    options.tls,
  );
  const url = `${options.tls ? 'https' : 'http'}://${hostInUrl}:${gitlab.port}${config.prefix}`;
  const servers = [gitlab.server];

  let registryUrl: string | undefined;
  if (options.registryListener) {
    const listenerOptions: RegistryListenerOptions =
      options.registryListener === true ? {} : options.registryListener;
    const registry = await listen(
      runtime.listener(registryRoutes(runtime, state, config)),
      host,
      listenerOptions.port,
      listenerOptions.tls,
    );
    servers.push(registry.server);
    // CI_REGISTRY is host:port; `location` fields and image prefixes follow it.
    config.registryHost = `${hostInUrl}:${registry.port}`;
    registryUrl = `${listenerOptions.tls ? 'https' : 'http'}://${config.registryHost}`;
  }

  return {
    url,
    apiUrl: `${url}/api/v4`,
    graphqlUrl: `${url}/api/graphql`,
    port: gitlab.port,
    ...(registryUrl ? { registryUrl } : {}),
    registryHost: config.registryHost,
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
      await Promise.all(
        servers.map((server) => {
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeAllConnections();
          return closed;
        }),
      );
    },
  };
}

async function listen(
  listener: RequestListener,
  host: string,
  port: number | undefined,
  tls: Tls,
): Promise<{ server: Server; port: number }> {
  const server: Server = tls
    ? createHttpsServer({ key: tls.key, cert: tls.cert }, listener)
    : createHttpServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}

/** GitLab: paths below the relative URL root, Rack::Attack, Puma's concurrency. */
function gitlabRoutes(runtime: SandboxRuntime, state: SandboxState, config: SandboxConfig): ListenerRoutes {
  return {
    name: 'gitlab',
    rateLimited: true,
    gate: runtime.newGate(),
    route: (incoming) => {
      const { prefix } = config;
      const { fullPath, method, query } = incoming;
      const belowPrefix = prefix === '' || fullPath === prefix || fullPath.startsWith(`${prefix}/`);
      const rawPath = belowPrefix ? fullPath.slice(prefix.length) || '/' : fullPath;
      return {
        path: rawPath,
        operation: belowPrefix ? matchRoute(method, rawPath, query).operation : 'unknown',
        authenticate: () => {
          if (!belowPrefix)
            return { auth: { kind: 'none' }, run: async () => ({ response: routeNotFound().response }) };
          const routed = dispatch({ ...incoming, rawPath }, state, config, runtime.abort.signal);
          return { auth: routed.auth, throttleAs: throttledUser(state, routed.credentials), run: routed.run };
        },
      };
    },
  };
}

/** The container registry: its own host, no prefix, no Rack::Attack. */
function registryRoutes(runtime: SandboxRuntime, state: SandboxState, config: SandboxConfig): ListenerRoutes {
  return {
    name: 'registry',
    rateLimited: false,
    route: (incoming) => {
      const routed = () =>
        dispatchRegistry({
          method: incoming.method,
          rawPath: incoming.fullPath,
          rawQuery: incoming.rawQuery,
          headers: incoming.headers,
          state,
          config,
          signal: runtime.abort.signal,
        });
      return {
        path: incoming.fullPath,
        operation: routed().operation,
        authenticate: () => {
          const call = routed();
          return { auth: call.auth, run: async () => ({ response: await call.run() }) };
        },
      };
    },
  };
}
