// Where the container registry is, for its own API: --registry-url (REGISTRY_CLEANER_REGISTRY_URL),
// else GitLab CI's CI_REGISTRY (host or host:port, served over HTTPS). Checked before any request:
// a registry token travels to it, so it takes the same care as GitLab's URL.

import { UsageError } from '../errors.ts';
import { maskUrlCredentials } from '../redact.ts';
import { isLoopback, parseUrl } from './connection.ts';
import type { Env, RawOptions } from './raw.ts';

/** The value that turns the registry's API off: GitLab's APIs only. */
export const NO_REGISTRY = 'none';

/** The registry's origin (https://host[:port]), or undefined when none is known or it is turned off. */
export function resolveRegistryUrl(raw: RawOptions, env: Env): string | undefined {
  const setting = raw.string('registry-url');
  if (setting) {
    const value = setting.value.trim();
    if (value.toLowerCase() === NO_REGISTRY) return undefined;
    return checkRegistryUrl(value, setting.source);
  }
  const host = env.CI_REGISTRY?.trim();
  if (!host) return undefined;
  // GitLab sets CI_REGISTRY to host[:port]; the registry is reached over HTTPS.
  return checkRegistryUrl(/^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? host : `https://${host}`, 'CI_REGISTRY');
}

function checkRegistryUrl(text: string, source: string): string {
  const shown = `${source} ${maskUrlCredentials(text)}`;
  const url = parseUrl(text, shown, {
    noScheme: `write it as https://${maskUrlCredentials(text).replace(/^\/+/, '')}`,
    notUrl: `write it as https://registry.example.com, or set REGISTRY_CLEANER_REGISTRY_URL=${NO_REGISTRY}`,
  });
  if (url.username || url.password)
    throw new UsageError(
      `${source} must not contain credentials: remove them (the registry takes a token of its own)`,
    );
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new UsageError(
      `${shown} must use https:// (http:// only on this machine): a registry token would travel unencrypted`,
    );
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new UsageError(
      `${shown} must be the registry's root (https://host[:port]), without a path: images are named by the tool`,
    );
  }
  return url.origin;
}
