import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { changelogSection, releaseNotes } from '../../scripts/release-notes.ts';

const CHANGELOG = `# Changelog

## [Unreleased]

## [1.2.0] - 2027-01-10

### Added
- A thing.

## [1.1.0] - 2026-12-01

### Fixed
- Another thing.

[Unreleased]: https://example.com/compare/1.2.0...main
[1.2.0]: https://example.com/tags/1.2.0
`;

// as a registry serves it: the bytes, not a re-serialisation, make the digest
const INDEX = Buffer.from(
  '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[' +
    '{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:aaa","size":1,"platform":{"architecture":"amd64","os":"linux"}},' +
    '{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:bbb","size":1,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}},' +
    '{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:ccc","size":1,"platform":{"architecture":"unknown","os":"unknown"}}]}',
);

const facts = {
  version: '1.2.0',
  changelog: CHANGELOG,
  image: 'registry.example.com/rc/registry-cleaner',
  index: INDEX,
  base: 'docker.io/library/node:26-alpine@sha256:0123',
  bundleUrl:
    'https://gitlab.example.com/api/v4/projects/1/packages/generic/registry-cleaner/1.2.0/registry-cleaner.mjs',
};

describe('release notes', () => {
  test('the changelog section of the version, and nothing of the others', () => {
    expect(changelogSection(CHANGELOG, '1.2.0')).toBe('### Added\n- A thing.');
    expect(changelogSection(CHANGELOG, '1.1.0')).toBe('### Fixed\n- Another thing.');
    expect(() => changelogSection(CHANGELOG, '9.9.9')).toThrow('CHANGELOG.md has no section "## [9.9.9]"');
  });

  test('the image by digest: the list (SHA-256 of its bytes) and each platform, without attestations', () => {
    const notes = releaseNotes(facts);
    const listDigest = createHash('sha256').update(INDEX).digest('hex');
    expect(notes).toContain(`| all (the manifest list) | \`${facts.image}@sha256:${listDigest}\` |`);
    expect(notes).toContain(`| linux/amd64 | \`${facts.image}@sha256:aaa\` |`);
    expect(notes).toContain(`| linux/arm64/v8 | \`${facts.image}@sha256:bbb\` |`);
    expect(notes).not.toContain('sha256:ccc');
    expect(notes).toContain(`\`${facts.image}:1.2.0\` (also \`:1.2\`, \`:1\` and \`:latest\`, which move)`);
    expect(notes).toContain('Built on `docker.io/library/node:26-alpine@sha256:0123`.');
  });

  test('npm and the bundle', () => {
    const notes = releaseNotes(facts);
    expect(notes.startsWith('### Added\n- A thing.\n')).toBe(true);
    expect(notes).toContain('`npm install --global registry-cleaner@1.2.0`');
    expect(notes).toContain(`[registry-cleaner.mjs](${facts.bundleUrl})`);
  });

  test('an index that lists no platform is an error, not notes without digests', () => {
    expect(() => releaseNotes({ ...facts, index: Buffer.from('{"manifests":[]}') })).toThrow(
      'lists no platform',
    );
  });

  test("this project's CHANGELOG has a section for package.json's version", () => {
    const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
    const changelog = readFileSync(new URL('../../CHANGELOG.md', import.meta.url), 'utf8');
    expect(changelogSection(changelog, version)).toMatch(/^### /);
  });
});
