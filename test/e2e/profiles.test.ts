// Every supported GitLab, as the sandbox models it: the stop job and a sweep on each GitLab version
// × registry kind. The stop job works everywhere. A sweep acts on last pushes where GitLab reports
// them (GraphQL publishedAt, 16.8 and later, registries with the metadata database); elsewhere its
// times are first pushes or build times, and it refuses (exit 1, nothing deleted) unless they are
// accepted — then it deletes exactly what the oracle says.

import { afterEach, describe, expect, test } from 'vitest';
import { type Sandbox, SandboxState, startSandbox } from '../sandbox/index.ts';
import { oracleDoomed, type RetentionRule, ruleFlags, tagSnapshot } from '../scenarios/oracle.ts';
import { seedRetentionWorld } from '../scenarios/retention.ts';
import { runCli } from './cli.ts';
import { startReviewWorld, tagNames } from './support/review-world.ts';

const sandboxes: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

const RULE: RetentionRule = { olderThanDays: 14, keepLatest: 5, keep: 'v\\d+\\.\\d+\\.\\d+' };
type Version = '16.5' | '17.3' | '18.6';
type Registry = 'metadata' | 'legacy';

/** What a sweep's times are on each profile, with a personal access token. */
const AGES: Record<Registry, Record<Version, 'last-push' | 'first-push' | 'build-time'>> = {
  metadata: { '16.5': 'first-push', '17.3': 'last-push', '18.6': 'last-push' },
  legacy: { '16.5': 'build-time', '17.3': 'build-time', '18.6': 'build-time' },
};

const PROFILES = (['16.5', '17.3', '18.6'] as const).flatMap((gitlab) =>
  (['metadata', 'legacy'] as const).map((registry) => ({ gitlab, registry })),
);

describe.each(PROFILES)('GitLab $gitlab, $registry registry', ({ gitlab, registry }) => {
  test('the stop job deletes exactly <root>:$CI_COMMIT_REF_SLUG with the job token', async () => {
    const world = await startReviewWorld('127.0.0.1', { gitlab, registry });
    sandboxes.push(world.sandbox);
    const result = await runCli(['delete-tag'], {
      CI_API_V4_URL: world.sandbox.apiUrl,
      CI_PROJECT_ID: String(world.project.id),
      CI_PROJECT_PATH: world.project.fullPath,
      CI_COMMIT_REF_SLUG: 'feature-login',
      CI_JOB_TOKEN: world.jobToken,
    });
    expect(result.code).toBe(0);
    expect(tagNames(world, world.root)).toEqual(['feature-search', 'main']);
    expect(tagNames(world, world.api)).toEqual(['feature-login', 'main']);
  });

  test(`a sweep with a personal token reads ${AGES[registry][gitlab]} times and acts on them only when accepted`, async () => {
    const state = new SandboxState();
    const w = seedRetentionWorld(state, { projects: 1, repositories: 2, tags: 300 });
    const sandbox = await startSandbox({ state, gitlab, registry });
    sandboxes.push(sandbox);
    const env = { CI_API_V4_URL: sandbox.apiUrl, REGISTRY_CLEANER_TOKEN: w.personalToken };
    const project = ['--project', w.projects[0]!.fullPath];
    const before = tagSnapshot(state);
    const ages = AGES[registry][gitlab];
    // The world never re-pushes a name, so every kind of time here is its push time.
    const expected = oracleDoomed(state, RULE, Date.now());
    const endsAsTheOracle = (run: { code: number }) => {
      expect(run.code).toBe(0);
      expect(tagSnapshot(state)).toEqual(new Set([...before].filter((tag) => !expected.has(tag))));
    };

    const first = await runCli(['prune', ...project, ...ruleFlags(RULE), '--output', 'json'], env);
    const report = JSON.parse(first.stdout);
    expect(report.repositories.map((r: { ageSource: string }) => r.ageSource)).toEqual([ages, ages]);
    if (ages === 'last-push') {
      endsAsTheOracle(first);
      return;
    }
    expect(first.code).toBe(1);
    expect(report.repositories.every((r: { status: string }) => r.status === 'refused')).toBe(true);
    expect(tagSnapshot(state)).toEqual(before);
    endsAsTheOracle(await runCli(['prune', ...project, ...ruleFlags(RULE), '--accept-ages', ages], env));
  });
});
