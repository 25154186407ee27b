// DELETE /v2/<path>/manifests/<reference> as the registry serves it (registry/handlers/
// manifests.go HandleDeleteManifest, validateTagDeleteRestriction, validateManifestDeleteRestriction).
import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxConfig } from '../config.ts';
import type { Repository } from '../model.ts';
import type { ApiResponse } from '../responses.ts';
import type { SandboxState } from '../state.ts';
import { compileUntrustedRegexp } from '../untrusted-regexp.ts';
import { emptyResponse, registryError } from './errors.ts';
import type { RegistryAccess } from './tokens.ts';

/** tagPatternMaxCount: at most 5 protection and immutability patterns per token. */
const TAG_PATTERN_MAX_COUNT = 5;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

export async function deleteManifest(
  state: SandboxState,
  config: SandboxConfig,
  repository: Repository | undefined,
  reference: string,
  access: RegistryAccess | undefined,
  signal: AbortSignal,
): Promise<ApiResponse> {
  if (!config.registryDeletesEnabled) return registryError('UNSUPPORTED');
  const denied = access?.denyPatterns?.delete ?? [];

  if (!DIGEST.test(reference)) {
    if (denied.length > TAG_PATTERN_MAX_COUNT) {
      return registryError(
        'TAG_PATTERN_COUNT_LIMIT_EXCEEDED',
        `tag pattern count exceeds ${TAG_PATTERN_MAX_COUNT}`,
      );
    }
    // Deny patterns are Go regexps matched anywhere in the name.
    if (denied.some((pattern) => compileUntrustedRegexp(pattern)?.test(reference))) {
      return registryError('PROTECTED_TAG', `tag "${reference}" is protected`);
    }
    await pause(config, signal);
    if (!repository) return registryError('NAME_UNKNOWN');
    if (!state.deleteTag(repository, reference)) return registryError('MANIFEST_UNKNOWN');
    return emptyResponse(202);
  }

  // A manifest delete cascades to every tag on it, so any deny pattern refuses it outright.
  if (denied.length > 0) return registryError('PROTECTED_MANIFEST');
  await pause(config, signal);
  const doomed = repository ? state.tags(repository).filter((tag) => tag.digest === reference) : [];
  if (!repository || doomed.length === 0) return registryError('MANIFEST_UNKNOWN');
  for (const tag of doomed) state.deleteTag(repository, tag.name);
  return emptyResponse(202);
}

/** The registry's own time per delete (a slow storage backend), the same Rails waits for. */
async function pause(config: SandboxConfig, signal: AbortSignal): Promise<void> {
  if (config.registryDeleteLatencyMs <= 0) return;
  await sleep(config.registryDeleteLatencyMs, undefined, { signal });
}
