// The job token's sweep and stop job through the container registry's own API, end to end: the
// bundle against the sandbox's GitLab and its registry listener. Sweeps end as the oracle says
// with last-push ages and no --accept-ages, at the request counts the design promises; every way
// the registry cannot serve falls back to GitLab's REST API; no registry token reaches any output.

import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type Sandbox, type SandboxOptions, SandboxState, startSandbox } from '../sandbox/index.ts';
import { oracleDoomed, type RetentionRule, ruleFlags, tagSnapshot } from '../scenarios/oracle.ts';
import { type RetentionWorld, seedRetentionWorld } from '../scenarios/retention.ts';
import { runBundle } from './support/bundle.ts';
import { makeTestPki, type TestPki } from './support/certificates.ts';
import { startConnectProxy } from './support/connect-proxy.ts';
import { JOB_TOKEN, snapshot, startWorld as startSmallWorld } from './support/small-world.ts';
import { temporaryDirectory } from './support/temporary.ts';

const RULE: RetentionRule = { olderThanDays: 14, keepLatest: 10 };
const sandboxes: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((sandbox) => sandbox.close()));
});
let pki: TestPki;
beforeAll(async () => {
  pki = await makeTestPki();
});
afterAll(() => pki?.remove());

interface Sweep {
  sandbox: Sandbox;
  world: RetentionWorld;
  /** the tokens GitLab's /jwt/auth issued, in order */
  issued: string[];
  env: Record<string, string>;
}

/** One project, 3 repositories of ~500 tags over 56 days, a CI job of the project with its token. */
async function sweepWorld(options: Omit<SandboxOptions, 'state'> = {}): Promise<Sweep> {
  const state = new SandboxState();
  const world = seedRetentionWorld(state, { projects: 1, repositories: 3, tags: 1500, days: 56 });
  const issued: string[] = [];
  const issue = state.registryTokens.issue.bind(state.registryTokens);
  state.registryTokens.issue = (...args) => {
    const token = issue(...args);
    issued.push(token.value);
    return token;
  };
  const sandbox = await startSandbox({ state, registryListener: true, ...options });
  sandboxes.push(sandbox);
  const project = world.projects[0]!;
  const env = {
    CI: 'true',
    CI_SERVER_URL: sandbox.url,
    CI_API_V4_URL: sandbox.apiUrl,
    CI_PROJECT_ID: String(project.id),
    CI_PROJECT_PATH: project.fullPath,
    CI_JOB_TOKEN: world.jobTokens.get(project.id)!,
    // CI_REGISTRY is HTTPS only; the plain listener is named as a user outside CI would.
    ...(sandbox.registryUrl?.startsWith('http:')
      ? { REGISTRY_CLEANER_REGISTRY_URL: sandbox.registryUrl }
      : {}),
  };
  return { sandbox, world, issued, env };
}

/** Requests by listener and operation: 'gitlab listRepositories', 'registry registryTagsList', … */
function counts(sandbox: Sandbox): Record<string, number> {
  const byKind: Record<string, number> = {};
  for (const request of sandbox.requests) {
    const kind = `${request.listener ?? 'gitlab'} ${request.operation}`;
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  }
  return byKind;
}

interface Report {
  exitCode: number;
  totals: Record<string, number>;
  requests: { total: number; byKind: Record<string, number> };
  repositories: {
    via?: string;
    ageSource: string;
    tags: { name: string; outcome?: string; reason?: string }[];
  }[];
}

describe('a job token sweep through the registry', () => {
  test('ends as the oracle says, with last-push ages, at 1 + 2 + repositories + 1 + pages + deletes requests', async () => {
    const { sandbox, world, env } = await sweepWorld();
    const expected = oracleDoomed(sandbox.state, RULE, Date.now(), 'publishedAt');
    const before = tagSnapshot(sandbox.state);
    const result = await runBundle(['prune', ...ruleFlags(RULE), '--output', 'json'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const gone = new Set([...before].filter((tag) => !tagSnapshot(sandbox.state).has(tag)));
    expect(gone).toEqual(expected);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.repositories.map((r) => [r.via, r.ageSource])).toEqual(
      world.repositories.map(() => ['registry', 'last-push']),
    );
    // The project's available and stopping environments (it has none); per repository: a token, a
    // newest-first page (it stops at the 10 latest), an oldest-first page.
    expect(counts(sandbox)).toEqual({
      'gitlab listRepositories': 1,
      'gitlab listEnvironments': 2,
      'gitlab jwtAuth': 3,
      'registry registryBase': 1,
      'registry registryTagsList': 6,
      'registry registryDeleteManifest': expected.size,
    });
    expect(report.requests.total).toBe(sandbox.requests.length);
  });

  test('a legacy registry: REST, as before (build times, so --accept-ages build-time)', async () => {
    const { sandbox, env } = await sweepWorld({ registry: 'legacy' });
    const expected = oracleDoomed(sandbox.state, RULE, Date.now(), 'createdAt');
    const before = tagSnapshot(sandbox.state);
    const result = await runBundle(
      ['prune', ...ruleFlags(RULE), '--accept-ages', 'build-time', '--output', 'json', '--verbose'],
      env,
    );
    expect(result.code).toBe(0);
    expect(new Set([...before].filter((tag) => !tagSnapshot(sandbox.state).has(tag)))).toEqual(expected);
    const report = JSON.parse(result.stdout) as Report;
    expect(new Set(report.repositories.map((r) => r.via))).toEqual(new Set(['rest']));
    expect(result.stderr).toMatch(
      /not using the container registry's API .*: a registry without the metadata database/,
    );
    const kinds = counts(sandbox);
    expect(kinds['registry registryBase']).toBe(1);
    expect(kinds['registry registryTagsList']).toBeUndefined();
    expect(kinds['registry registryDeleteManifest']).toBeUndefined();
    expect(kinds['gitlab jwtAuth']).toBe(1);
    expect(kinds['gitlab deleteTag']).toBe(expected.size);
  });

  test('tokens expire mid-run (20 s, the clock moving 0.1 s a registry request): each is renewed once, the sweep ends as the oracle says', async () => {
    const { sandbox, issued, env } = await sweepWorld({ registryTokenTtlSeconds: 20 });
    let clock = sandbox.state.clock().getTime();
    sandbox.state.clock = () => new Date(clock);
    sandbox.intercept((request) => {
      if (request.listener === 'registry') clock += 100;
      return undefined;
    });
    const expected = oracleDoomed(sandbox.state, RULE, Date.now(), 'publishedAt');
    const before = tagSnapshot(sandbox.state);
    const result = await runBundle(['prune', ...ruleFlags(RULE), '--output', 'json'], env);
    expect(result.code).toBe(0);
    expect(new Set([...before].filter((tag) => !tagSnapshot(sandbox.state).has(tag)))).toEqual(expected);
    const refused = sandbox.requests.filter((r) => r.listener === 'registry' && r.status === 401);
    expect(refused.length).toBeGreaterThan(0);
    // A renewal per expiry, not per refused request: far fewer new tokens than refusals.
    expect(issued.length).toBeGreaterThan(3);
    expect(issued.length - 3).toBeLessThan(refused.length / 4);
  });

  test('protected tags: the registry refuses them (PROTECTED_TAG), the sweep reports them, exit 0', async () => {
    const { sandbox, world, env } = await sweepWorld();
    sandbox.state.addProtectionRule(world.projects[0]!, {
      pattern: '^v',
      minimumAccessLevelForDelete: 'maintainer',
    });
    const expected = oracleDoomed(sandbox.state, RULE, Date.now(), 'publishedAt');
    const protectedNames = [...expected].filter((key) => /:v/.test(key));
    expect(protectedNames.length).toBeGreaterThan(0);
    const result = await runBundle(['prune', ...ruleFlags(RULE), '--output', 'json'], env);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.totals.protected).toBe(protectedNames.length);
    expect(report.totals.deleted).toBe(expected.size - protectedNames.length);
    const after = tagSnapshot(sandbox.state);
    for (const key of protectedNames) expect(after.has(key)).toBe(true);
    const reasons = new Set(
      report.repositories.flatMap((r) =>
        r.tags.filter((t) => t.outcome === 'protected').map((t) => t.reason),
      ),
    );
    expect(reasons).toEqual(
      new Set(["protected by a tag protection rule above this token's role (registry: PROTECTED_TAG)"]),
    );
  });

  test("deletes turned off in the registry (405): the sweep reads through it and deletes through GitLab's REST API", async () => {
    const { sandbox, env } = await sweepWorld({ registryDeletesEnabled: false });
    const expected = oracleDoomed(sandbox.state, RULE, Date.now(), 'publishedAt');
    const before = tagSnapshot(sandbox.state);
    const result = await runBundle(
      ['prune', ...ruleFlags(RULE), '--output', 'json', '--concurrency', '1'],
      env,
    );
    expect(result.code).toBe(0);
    expect(new Set([...before].filter((tag) => !tagSnapshot(sandbox.state).has(tag)))).toEqual(expected);
    const kinds = counts(sandbox);
    // Only the DELETEs already on their way when the first was refused reach the registry: with
    // --concurrency 1, 4 to the registry per repository, 3 repositories at once.
    expect(kinds['registry registryDeleteManifest']).toBeLessThanOrEqual(12);
    expect(kinds['gitlab deleteTag']).toBe(expected.size);
    expect(kinds['gitlab tagDetails']).toBeUndefined();
  });
});

describe('TLS', () => {
  test('CI_REGISTRY (host:port, HTTPS) with --ca-file: the sweep goes through the registry', async () => {
    const { sandbox, env } = await sweepWorld({ registryListener: { tls: pki.loopback } });
    expect(sandbox.registryUrl).toMatch(/^https:/);
    const result = await runBundle(
      ['prune', ...ruleFlags(RULE), '--output', 'json', '--ca-file', pki.caFile],
      { ...env, CI_REGISTRY: sandbox.registryHost },
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(new Set(report.repositories.map((r) => r.via))).toEqual(new Set(['registry']));
  });

  test('a registry certificate not trusted: exit 1 before anything is deleted, with the way out', async () => {
    const { sandbox, env } = await sweepWorld({ registryListener: { tls: pki.loopback } });
    const before = tagSnapshot(sandbox.state);
    const result = await runBundle(['prune', ...ruleFlags(RULE)], {
      ...env,
      CI_REGISTRY: sandbox.registryHost,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /TLS: 127\.0\.0\.1:\d+ presented a certificate this machine does not trust .*--ca-file .*REGISTRY_CLEANER_REGISTRY_URL=none/,
    );
    expect(tagSnapshot(sandbox.state)).toEqual(before);
    // And the way out works: GitLab's API only.
    const around = await runBundle(
      ['prune', ...ruleFlags(RULE), '--dry-run', '--output', 'json', '--accept-ages', 'first-push'],
      {
        ...env,
        CI_REGISTRY: sandbox.registryHost,
        REGISTRY_CLEANER_REGISTRY_URL: 'none',
      },
    );
    expect(around.code).toBe(0);
    expect(new Set((JSON.parse(around.stdout) as Report).repositories.map((r) => r.via))).toEqual(
      new Set(['rest']),
    );
  });
});

describe('a proxy', () => {
  test('HTTPS_PROXY: the registry is reached through the same CONNECT proxy as GitLab, with the same CA', async () => {
    const world = await startSmallWorld(
      { repositories: [''], builds: 2 },
      { tls: pki.loopback, registryListener: { tls: pki.loopback } },
    );
    sandboxes.push(world.sandbox);
    const proxy = await startConnectProxy();
    try {
      const result = await runBundle(['delete-tag', '--ca-file', pki.caFile], {
        ...world.jobEnv(world.sandbox),
        CI_REGISTRY: world.sandbox.registryHost,
        HTTPS_PROXY: proxy.url,
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(snapshot(world.state).has('acme/web-app:feature-login')).toBe(false);
      expect(new Set(proxy.connectTargets())).toEqual(
        new Set([`127.0.0.1:${world.sandbox.port}`, world.sandbox.registryHost]),
      );
      expect(counts(world.sandbox)['registry registryDeleteManifest']).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});

describe('the stop job through the registry', () => {
  async function stopJobWorld() {
    const world = await startSmallWorld({ repositories: ['', 'api'], builds: 3 }, { registryListener: true });
    sandboxes.push(world.sandbox);
    return {
      ...world,
      env: {
        ...world.jobEnv(world.sandbox),
        REGISTRY_CLEANER_REGISTRY_URL: world.sandbox.registryUrl as string,
      },
    };
  }

  test('4 requests (the repository list, the available environments, a token, the DELETE); a second run: already gone, on the registry’s word', async () => {
    const world = await stopJobWorld();
    const before = snapshot(world.state);
    const first = await runBundle(['delete-tag'], world.env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/deleted\s+acme\/web-app:feature-login/);
    const expected = new Set(before);
    expected.delete('acme/web-app:feature-login');
    expect(snapshot(world.state)).toEqual(expected);
    expect(counts(world.sandbox)).toEqual({
      'gitlab listRepositories': 1,
      'gitlab listEnvironments': 1,
      'gitlab jwtAuth': 1,
      'registry registryDeleteManifest': 1,
    });

    world.sandbox.resetRequests();
    const again = await runBundle(['delete-tag'], world.env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already gone\s+acme\/web-app:feature-login/);
    expect(world.sandbox.requests.map((r) => [r.operation, r.status])).toEqual([
      ['listRepositories', 200],
      ['listEnvironments', 200],
      ['jwtAuth', 200],
      ['registryDeleteManifest', 404],
    ]);
  });

  test('a protected tag: exit 1, protected, still there', async () => {
    const world = await stopJobWorld();
    world.state.addProtectionRule(world.project, {
      pattern: 'feature-.*',
      minimumAccessLevelForDelete: 'maintainer',
    });
    const result = await runBundle(['delete-tag'], world.env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/protected\s+acme\/web-app:feature-login/);
    expect(snapshot(world.state).has('acme/web-app:feature-login')).toBe(true);
  });
});

describe('registry tokens in output', () => {
  test('no token GitLab issued for the registry, nor the basic credentials, reaches stdout, stderr, the report or an artifact, even with --verbose', async () => {
    const { sandbox, issued, env } = await sweepWorld({ registryTokenTtlSeconds: 20 });
    let clock = sandbox.state.clock().getTime();
    sandbox.state.clock = () => new Date(clock);
    // Expiring tokens, so that renewed ones are in play too.
    sandbox.intercept((request) => {
      if (request.listener === 'registry') clock += 100;
      return undefined;
    });
    const dir = temporaryDirectory('rc-registry-');
    const args = [
      'prune',
      ...ruleFlags(RULE),
      '--verbose',
      '--output',
      'json',
      '--report',
      join(dir, 'report.json'),
      '--junit',
      join(dir, 'junit.xml'),
      '--dotenv',
      join(dir, 'prune.env'),
      '--annotations',
      join(dir, 'annotations.json'),
    ];
    const result = await runBundle(args, env);
    expect(result.code).toBe(0);
    expect(issued.length).toBeGreaterThan(3);
    const files = readdirSync(dir).map((name) => readFileSync(join(dir, name), 'utf8'));
    expect(files.length).toBe(4);
    const secrets = [
      ...issued,
      env.CI_JOB_TOKEN,
      Buffer.from(`gitlab-ci-token:${env.CI_JOB_TOKEN}`).toString('base64'),
    ];
    for (const text of [result.stdout, result.stderr, ...files]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    // The trace shows the registry's requests, without their token.
    expect(result.stderr).toMatch(/DELETE \/v2\/acme\/team-0\/service-0\/manifests\/\S+ → 202/);
  });

  test('a registry that echoes the token in an error: masked in the error line too', async () => {
    const world = await startSmallWorld({ repositories: [''], builds: 3 }, { registryListener: true });
    sandboxes.push(world.sandbox);
    const echoed: string[] = [];
    // A registry that answers every DELETE with the token it was sent, in its error message.
    const echo = createServer((req, res) => {
      const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
      echoed.push(token);
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'DENIED', message: `token ${token} is not welcome` }] }));
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = echo.address() as AddressInfo;
      const result = await runBundle(['delete-tag', '--verbose', '--output', 'json'], {
        ...world.jobEnv(world.sandbox),
        REGISTRY_CLEANER_REGISTRY_URL: `http://127.0.0.1:${port}`,
      });
      expect(result.code).toBe(1);
      expect(echoed.length).toBe(1);
      expect(echoed[0]).toMatch(/^rgt-/);
      const output = result.stdout + result.stderr;
      expect(output).not.toContain(echoed[0]);
      expect(output).not.toContain(JOB_TOKEN);
      expect(output).toMatch(/token \[MASKED\] is not welcome/);
    } finally {
      await new Promise((resolve) => echo.close(resolve));
    }
  });
});
