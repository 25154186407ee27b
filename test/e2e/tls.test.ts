// TLS end to end: the sandbox GitLab served over HTTPS with a certificate from a throwaway CA. The
// CA is trusted only when the user says so (--ca-file, NODE_EXTRA_CA_CERTS, or GitLab Runner's
// CI_SERVER_TLS_CA_FILE); everything else fails before a request is answered, with one line that
// says how to fix it. Exit code 1: a TLS failure is a GitLabUnavailableError.

import { afterAll, beforeAll, describe, expect, type OnTestFinishedHandler, test } from 'vitest';
import type { Sandbox } from '../sandbox/index.ts';
import { oneErrorLine, runBundle } from './support/bundle.ts';
import { makeTestPki, type ServerCertificate, type TestPki } from './support/certificates.ts';
import { PROJECT_PATH, type SmallWorld, snapshot, startWorld } from './support/small-world.ts';

let pki: TestPki;
beforeAll(async () => {
  pki = await makeTestPki();
});
afterAll(() => pki?.remove());

type OnFinished = (handler: OnTestFinishedHandler) => void;

/** Tests here run concurrently: each closes its own sandbox (from the test context's hook). */
async function httpsWorld(
  onTestFinished: OnFinished,
  certificate: ServerCertificate,
): Promise<SmallWorld & { sandbox: Sandbox }> {
  const world = await startWorld({ repositories: ['', 'api'], builds: 3 }, { tls: certificate });
  onTestFinished(() => world.sandbox.close());
  expect(world.sandbox.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/gitlab$/);
  return world;
}

const DELETE_FEATURE_LOGIN = ['delete-tag', '--project', PROJECT_PATH, '--tag', 'feature-login'];
const PRUNE = ['prune', '--project', PROJECT_PATH, '--older-than', '14d', '--output', 'json'];

/** The tag the stop job deletes is gone from the root repository, and nothing else changed. */
function expectOnlyFeatureLoginDeleted(world: SmallWorld, before: Set<string>): void {
  const expected = new Set(before);
  expected.delete('acme/web-app:feature-login');
  expect(snapshot(world.state)).toEqual(expected);
}

describe.concurrent('a GitLab whose certificate comes from a private CA', () => {
  test('without a CA: exit 1, one line naming --ca-file and NODE_EXTRA_CA_CERTS, no request answered', async ({
    onTestFinished,
  }) => {
    const world = await httpsWorld(onTestFinished, pki.loopback);
    const before = snapshot(world.state);
    for (const args of [DELETE_FEATURE_LOGIN, PRUNE]) {
      const result = await runBundle(args, world.patEnv(world.sandbox));
      expect(result.code).toBe(1);
      expect(oneErrorLine(result)).toMatch(
        /^registry-cleaner: error: TLS: 127\.0\.0\.1:\d+ presented a certificate this machine does not trust \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\); pass --ca-file .* or set NODE_EXTRA_CA_CERTS/,
      );
      // no retry: an untrusted certificate does not become trusted by asking again
      expect(result.ms).toBeLessThan(10_000);
    }
    expect(world.sandbox.requests).toEqual([]);
    expect(snapshot(world.state)).toEqual(before);
  });

  test('--ca-file ca.pem: the stop job deletes its tag', async ({ onTestFinished }) => {
    const world = await httpsWorld(onTestFinished, pki.loopback);
    const before = snapshot(world.state);
    const result = await runBundle(
      [...DELETE_FEATURE_LOGIN, '--ca-file', pki.caFile],
      world.patEnv(world.sandbox),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/deleted\s+acme\/web-app:feature-login/);
    expectOnlyFeatureLoginDeleted(world, before);
  });

  test('NODE_EXTRA_CA_CERTS=ca.pem: a sweep reads and deletes', async ({ onTestFinished }) => {
    const world = await httpsWorld(onTestFinished, pki.loopback);
    const result = await runBundle(PRUNE, {
      ...world.patEnv(world.sandbox),
      NODE_EXTRA_CA_CERTS: pki.caFile,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { totals: { deleted: number; failed: number } };
    // per repository: latest is kept, v1.0.0 and feature-login are older than 14 days
    expect(report.totals).toMatchObject({ deleted: 4, failed: 0 });
    for (const repository of world.repositories) {
      expect(world.state.findTag(repository, 'feature-login')).toBeUndefined();
      expect(world.state.findTag(repository, 'latest')).toBeDefined();
    }
  });

  test("CI_SERVER_TLS_CA_FILE (GitLab Runner's variable): a stop job with nothing but CI_* variables works", async ({
    onTestFinished,
  }) => {
    const world = await httpsWorld(onTestFinished, pki.loopback);
    const before = snapshot(world.state);
    const result = await runBundle(['delete-tag'], {
      ...world.jobEnv(world.sandbox),
      CI_SERVER_TLS_CA_FILE: pki.caFile,
    });
    expect(result.code).toBe(0);
    expectOnlyFeatureLoginDeleted(world, before);
    expect(world.sandbox.requests.every((request) => request.auth === 'job')).toBe(true);
  });

  test('--ca-file of another CA does not make the certificate trusted', async ({ onTestFinished }) => {
    const world = await httpsWorld(onTestFinished, pki.loopback);
    const before = snapshot(world.state);
    const result = await runBundle(
      [...DELETE_FEATURE_LOGIN, '--ca-file', pki.otherCaFile],
      world.patEnv(world.sandbox),
    );
    expect(result.code).toBe(1);
    expect(oneErrorLine(result)).toMatch(/does not trust \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
    expect(world.sandbox.requests).toEqual([]);
    expect(snapshot(world.state)).toEqual(before);
  });

  test('a certificate for another name: exit 1, one line explaining the name mismatch', async ({
    onTestFinished,
  }) => {
    const world = await httpsWorld(onTestFinished, pki.wrongName);
    const before = snapshot(world.state);
    const result = await runBundle(
      [...DELETE_FEATURE_LOGIN, '--ca-file', pki.caFile],
      world.patEnv(world.sandbox),
    );
    expect(result.code).toBe(1);
    expect(oneErrorLine(result)).toMatch(
      /^registry-cleaner: error: TLS: the certificate of 127\.0\.0\.1:\d+ is not valid for that name; use the host name the certificate was issued for in --gitlab-url$/,
    );
    expect(world.sandbox.requests).toEqual([]);
    expect(snapshot(world.state)).toEqual(before);
  });

  test('an expired certificate: exit 1, one line saying so', async ({ onTestFinished }) => {
    const world = await httpsWorld(onTestFinished, pki.expired);
    const result = await runBundle(
      [...DELETE_FEATURE_LOGIN, '--ca-file', pki.caFile],
      world.patEnv(world.sandbox),
    );
    expect(result.code).toBe(1);
    expect(oneErrorLine(result)).toMatch(/TLS: the certificate of 127\.0\.0\.1:\d+ has expired/);
    expect(world.sandbox.requests).toEqual([]);
  });
});

describe.concurrent('there is no way to turn verification off', () => {
  // Node's tls.connect reads NODE_TLS_REJECT_UNAUTHORIZED=0 whenever a caller leaves
  // rejectUnauthorized unset. The variable is often left set in CI images; if it reached our
  // connections, a run would send the token to, and delete on, whatever answers at the GitLab URL,
  // although the CLI promises verification is never turned off.
  test('NODE_TLS_REJECT_UNAUTHORIZED=0 does not make an untrusted certificate acceptable', async ({
    onTestFinished,
  }) => {
    const world = await httpsWorld(onTestFinished, pki.loopback);
    const before = snapshot(world.state);
    const result = await runBundle(DELETE_FEATURE_LOGIN, {
      ...world.patEnv(world.sandbox),
      NODE_TLS_REJECT_UNAUTHORIZED: '0',
    });
    expect(snapshot(world.state)).toEqual(before);
    expect(world.sandbox.requests).toEqual([]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/does not trust \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
  });

  // The variable turns off the name check as well as the chain check: a certificate from our own CA
  // but for another host must still be refused.
  test('NODE_TLS_REJECT_UNAUTHORIZED=0 does not make a certificate for another name acceptable', async ({
    onTestFinished,
  }) => {
    const world = await httpsWorld(onTestFinished, pki.wrongName);
    const before = snapshot(world.state);
    const result = await runBundle([...DELETE_FEATURE_LOGIN, '--ca-file', pki.caFile], {
      ...world.patEnv(world.sandbox),
      NODE_TLS_REJECT_UNAUTHORIZED: '0',
    });
    expect(snapshot(world.state)).toEqual(before);
    expect(world.sandbox.requests).toEqual([]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is not valid for that name/);
  });
});
