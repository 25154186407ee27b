// What deleting tags frees: images none of whose tags survive. Pure.

import type { Decision, Tag } from '../model.ts';

/**
 * Bytes the registry's garbage collection can free: images (digests) none of whose tags survive.
 * Deleting one of several tags on a digest frees nothing while another stays.
 */
export function reclaimableBytes(
  tags: readonly Tag[],
  isGone: (name: string) => boolean,
): { bytes: number; digests: number; unknownSize: number } {
  const byDigest = new Map<string, { size?: number; survivors: number }>();
  for (const tag of tags) {
    if (!tag.digest) continue;
    const entry = byDigest.get(tag.digest) ?? { survivors: 0 };
    if (tag.sizeBytes !== undefined) entry.size = tag.sizeBytes;
    if (!isGone(tag.name)) entry.survivors++;
    byDigest.set(tag.digest, entry);
  }
  let bytes = 0;
  let digests = 0;
  let unknownSize = 0;
  for (const entry of byDigest.values()) {
    if (entry.survivors > 0) continue;
    digests++;
    if (entry.size === undefined) unknownSize++;
    else bytes += entry.size;
  }
  return { bytes, digests, unknownSize };
}

/** Tags to delete whose image another, kept tag still uses: deleting them frees nothing. */
export function sharedWithKept(decisions: readonly Decision[]): Map<string, string[]> {
  const keptByDigest = new Map<string, string[]>();
  for (const decision of decisions) {
    if (decision.action !== 'keep' || !decision.tag.digest) continue;
    keptByDigest.set(decision.tag.digest, [
      ...(keptByDigest.get(decision.tag.digest) ?? []),
      decision.tag.name,
    ]);
  }
  const shared = new Map<string, string[]>();
  for (const decision of decisions) {
    const kept =
      decision.action === 'delete' && decision.tag.digest ? keptByDigest.get(decision.tag.digest) : undefined;
    if (kept) shared.set(decision.tag.name, kept);
  }
  return shared;
}
