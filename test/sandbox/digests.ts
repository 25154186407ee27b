/**
 * A deterministic digest-shaped string (`sha256:` + 64 hex). Not SHA-256: seeding 100,000 tags
 * must be fast, and nothing checks the hash against content.
 */
export function fakeSha256(seed: string): string {
  // FNV-1a over the seed, then a xorshift stream for the 8 words.
  let hash = 0x811c9dc5;
  for (let index = 0; index < seed.length; index++) {
    hash = Math.imul(hash ^ seed.charCodeAt(index), 0x01000193);
  }
  let hex = '';
  for (let word = 0; word < 8; word++) {
    hash ^= hash << 13;
    hash ^= hash >>> 17;
    hash ^= hash << 5;
    hex += `${HEX[hash >>> 24]}${HEX[(hash >>> 16) & 255]}${HEX[(hash >>> 8) & 255]}${HEX[hash & 255]}`;
  }
  return `sha256:${hex}`;
}

/** Byte → two hex digits; Number#toString(16) is the slow part of seeding otherwise. */
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** The config blob digest of a manifest: derived from it, so it is stable and distinct. */
export function configDigestOf(digest: string): string {
  return `sha256:${digest.slice(39)}${digest.slice(7, 39)}`;
}

export function defaultSize(digest: string): number {
  return 1_000_000 + Number.parseInt(digest.slice(7, 13), 16);
}
