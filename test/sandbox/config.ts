import type { DeleteGeneration, RegistryMode, SandboxOptions } from './types.ts';

/** SandboxOptions with every default applied; what handlers read. */
export interface SandboxConfig {
  registryMode: RegistryMode;
  deleteGeneration: DeleteGeneration;
  prefix: string;
  externalUrl: string;
  registryHost: string;
  latencyMs: number;
  maxConcurrency: number;
  rateLimit: { requests: number; periodSeconds: number } | undefined;
  multiArchDetails404: boolean;
}

export function resolveConfig(options: SandboxOptions): SandboxConfig {
  const prefix = (options.prefix ?? '').replace(/\/+$/, '');
  if (prefix !== '' && !prefix.startsWith('/')) throw new Error(`prefix must start with "/": ${prefix}`);
  return {
    registryMode: options.registryMode ?? 'api',
    deleteGeneration: options.deleteGeneration ?? 'newest',
    prefix,
    externalUrl: (options.externalUrl ?? 'https://gitlab.example.com').replace(/\/+$/, ''),
    registryHost: options.registryHost ?? 'registry.example.com',
    latencyMs: options.latencyMs ?? 0,
    maxConcurrency: options.maxConcurrency ?? Number.POSITIVE_INFINITY,
    rateLimit: options.rateLimit,
    multiArchDetails404: options.multiArchDetails404 ?? false,
  };
}
