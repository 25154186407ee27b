// The notes of a GitLab release: the version's CHANGELOG section, then where to get it, with the
// image pinned by digest for every platform. The release:assets job runs it on a version tag:
//
//   node scripts/release-notes.ts --version 1.2.3 --image "$CI_REGISTRY_IMAGE" \
//     --index image-index.json --base "$IMAGE_BASE_PINNED" --bundle-url "$BUNDLE_URL" > release-notes.md
//
// image-index.json is the manifest list as the registry serves it (skopeo inspect --raw): its
// SHA-256 is the list's digest, and it holds each platform's.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

export interface ReleaseFacts {
  version: string;
  /** CHANGELOG.md */
  changelog: string;
  /** the image repository, $CI_REGISTRY_IMAGE */
  image: string;
  /** the manifest list's bytes, exactly as the registry serves them */
  index: Buffer;
  /** the base image by digest */
  base: string;
  bundleUrl: string;
}

interface ManifestList {
  manifests?: { digest: string; platform?: { os: string; architecture: string; variant?: string } }[];
}

/** The body of `## [version]` in a Keep a Changelog file; throws when there is none. */
export function changelogSection(changelog: string, version: string): string {
  const lines = changelog.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`## [${version}]`));
  if (start < 0) throw new Error(`CHANGELOG.md has no section "## [${version}]"`);
  const end = lines.findIndex(
    (line, i) => i > start && (line.startsWith('## ') || /^\[[^\]]+\]: /.test(line)),
  );
  return lines
    .slice(start + 1, end < 0 ? undefined : end)
    .join('\n')
    .trim();
}

export function releaseNotes(facts: ReleaseFacts): string {
  const list = JSON.parse(facts.index.toString('utf8')) as ManifestList;
  const platforms = (list.manifests ?? []).filter((manifest) => manifest.platform?.os !== 'unknown');
  if (platforms.length === 0) throw new Error('the image index lists no platform');
  const indexDigest = `sha256:${createHash('sha256').update(facts.index).digest('hex')}`;
  const [major, minor] = facts.version.split('.');
  const row = (what: string, digest: string) => `| ${what} | \`${facts.image}@${digest}\` |`;
  return [
    changelogSection(facts.changelog, facts.version),
    '',
    '### Image',
    '',
    `\`${facts.image}:${facts.version}\` (also \`:${major}.${minor}\`, \`:${major}\` and \`:latest\`, which move).`,
    'Pinned by digest:',
    '',
    '| Platform | Image |',
    '|---|---|',
    row('all (the manifest list)', indexDigest),
    ...platforms.map((manifest) => {
      const { os, architecture, variant } = manifest.platform!;
      return row([os, architecture, variant].filter(Boolean).join('/'), manifest.digest);
    }),
    '',
    `Built on \`${facts.base}\`.`,
    '',
    '### npm',
    '',
    `\`npm install --global registry-cleaner@${facts.version}\`, or \`npx registry-cleaner@${facts.version} --help\`.`,
    '',
    '### Bundle',
    '',
    `[registry-cleaner.mjs](${facts.bundleUrl}): the whole program in one file; runs with Node 24 or later, with no \`node_modules\`.`,
    '',
  ].join('\n');
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      version: { type: 'string' },
      image: { type: 'string' },
      index: { type: 'string' },
      base: { type: 'string' },
      'bundle-url': { type: 'string' },
    },
  });
  const missing = ['version', 'image', 'index', 'base', 'bundle-url'].filter(
    (name) => !values[name as keyof typeof values],
  );
  if (missing.length > 0) {
    process.stderr.write(`release-notes: missing ${missing.map((name) => `--${name}`).join(', ')}\n`);
    process.exit(2);
  }
  process.stdout.write(
    releaseNotes({
      version: values.version!,
      changelog: readFileSync(new URL('../CHANGELOG.md', import.meta.url), 'utf8'),
      image: values.image!,
      index: readFileSync(values.index!),
      base: values.base!,
      bundleUrl: values['bundle-url']!,
    }),
  );
}
