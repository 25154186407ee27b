// src/options/registry-url.ts: where the container registry is, for its own API; checked before any
// request, since a registry token travels to it.

import { describe, expect, test } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { resolveConnection } from '../../src/options/connection.ts';
import type { Env } from '../../src/options/raw.ts';
import { rawOptions, thrown } from './options-support.ts';

const TOKEN: Env = { CI_JOB_TOKEN: 'glcbt-64_job-token-value', CI_SERVER_URL: 'https://gitlab.example.com' };

function registryUrl(flags: Record<string, unknown>, env: Env): string | undefined {
  const all = { ...TOKEN, ...env };
  return resolveConnection(rawOptions('prune', flags, all), all, []).registryUrl;
}

function refusal(flags: Record<string, unknown>, env: Env): string {
  return thrown(() => registryUrl(flags, env), UsageError).message;
}

describe('the registry URL', () => {
  test.each([
    ['registry.example.com', 'https://registry.example.com'],
    ['registry.example.com:5050', 'https://registry.example.com:5050'],
    [' registry.example.com ', 'https://registry.example.com'],
    ['https://registry.example.com/', 'https://registry.example.com'],
  ])('CI_REGISTRY %j: %s', (given, origin) => {
    expect(registryUrl({}, { CI_REGISTRY: given })).toBe(origin);
  });

  test('none without CI_REGISTRY or the flag: GitLab’s APIs only', () => {
    expect(registryUrl({}, {})).toBeUndefined();
    expect(registryUrl({}, { CI_REGISTRY: '  ' })).toBeUndefined();
  });

  test('--registry-url wins over REGISTRY_CLEANER_REGISTRY_URL, which wins over CI_REGISTRY', () => {
    const env = {
      CI_REGISTRY: 'from-ci.example.com',
      REGISTRY_CLEANER_REGISTRY_URL: 'https://from-variable.example.com',
    };
    expect(registryUrl({ 'registry-url': 'https://from-flag.example.com:8443' }, env)).toBe(
      'https://from-flag.example.com:8443',
    );
    expect(registryUrl({}, env)).toBe('https://from-variable.example.com');
  });

  test("'none' turns the registry's API off, even in CI", () => {
    expect(
      registryUrl({}, { CI_REGISTRY: 'registry.example.com', REGISTRY_CLEANER_REGISTRY_URL: 'none' }),
    ).toBe(undefined);
    expect(registryUrl({ 'registry-url': 'NONE' }, { CI_REGISTRY: 'registry.example.com' })).toBeUndefined();
  });

  test('http:// only on this machine (a registry token would travel unencrypted)', () => {
    expect(registryUrl({ 'registry-url': 'http://127.0.0.1:5000' }, {})).toBe('http://127.0.0.1:5000');
    expect(registryUrl({ 'registry-url': 'http://localhost:5000' }, {})).toBe('http://localhost:5000');
    expect(refusal({ 'registry-url': 'http://registry.example.com' }, {})).toBe(
      '--registry-url http://registry.example.com must use https:// (http:// only on this machine): a registry token would travel unencrypted',
    );
    expect(refusal({}, { CI_REGISTRY: 'http://registry.example.com' })).toMatch(
      /^CI_REGISTRY http:\/\/registry\.example\.com must use https:\/\//,
    );
  });

  test.each([
    [
      'registry.example.com',
      '--registry-url registry.example.com has no scheme: write it as https://registry.example.com',
    ],
    [
      'https://registry.example.com/acme/web-app',
      "--registry-url https://registry.example.com/acme/web-app must be the registry's root (https://host[:port]), without a path: images are named by the tool",
    ],
    [
      'https://registry.example.com/?x=1',
      "--registry-url https://registry.example.com/?x=1 must be the registry's root (https://host[:port]), without a path: images are named by the tool",
    ],
    [
      'ftp://registry.example.com',
      '--registry-url ftp://registry.example.com must use https:// (http:// only on this machine): a registry token would travel unencrypted',
    ],
  ])('--registry-url %s is refused', (given, message) => {
    expect(refusal({ 'registry-url': given }, {})).toBe(message);
  });

  test('credentials in the URL are refused, and never shown', () => {
    const message = refusal({ 'registry-url': 'https://user:hunter2-secret@registry.example.com' }, {});
    expect(message).toBe(
      '--registry-url must not contain credentials: remove them (the registry takes a token of its own)',
    );
    expect(message).not.toContain('hunter2');
  });

  test('a CI_REGISTRY that is no host says how to get past it', () => {
    expect(refusal({}, { CI_REGISTRY: 'registry.example.com/acme' })).toMatch(
      /^CI_REGISTRY https:\/\/registry\.example\.com\/acme must be the registry's root/,
    );
    expect(refusal({}, { CI_REGISTRY: 'bad host name' })).toMatch(
      /^CI_REGISTRY https:\/\/bad host name is not a URL: .*REGISTRY_CLEANER_REGISTRY_URL=none$/,
    );
  });
});
