// The CI/CD component templates/delete-tag-on-stop.yml, included the two ways the README shows and
// run by gitlab-ci-local: its spec:inputs resolve, the pipeline passes GitLab's CI schema, and the
// stop job, run in a local shell with the bundle as `registry-cleaner`, cleans the sandbox registry.
// gitlab-ci-local needs git, and rsync to run a job: without them these tests are skipped.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import {
  type Checkout,
  checkoutWithTemplates,
  gitlabCiLocal,
  playJob,
  runJob,
  STATE_DIR,
} from './support/gitlab-ci-local.ts';
import { mustSucceed } from './support/process.ts';
import { type ReviewWorld, ROOT_TAGS_BEFORE, startReviewWorld, tagNames } from './support/review-world.ts';
import { GIT, missingSystemTools, RSYNC } from './support/system-tools.ts';

const cannotResolve = missingSystemTools('the component tests', [GIT]);
const cannotRunJobs = missingSystemTools('the component tests that run jobs', [GIT, RSYNC]);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const checkout = () => checkoutWithTemplates(cleanups, { branch: 'feature/Login' });

/** .gitlab-ci.yml: the include, and a deploy job whose environment the stop job stops. */
function pipeline(include: string, stopJob: string, stage: string): string {
  return `${include}
stages: [build, ${stage}]
deploy-review:
  stage: ${stage}
  script: [echo deploying]
  environment:
    name: review/$CI_COMMIT_REF_SLUG
    on_stop: ${stopJob}
`;
}

interface JobDefinition {
  stage: string;
  when?: string;
  allow_failure?: boolean;
  rules?: Record<string, unknown>[];
  environment: { name: string; action?: string; on_stop?: string };
  variables?: Record<string, string>;
  script: string[];
  artifacts?: { when?: string; paths?: string[] };
}

/** What gitlab-ci-local made of the pipeline: the schema-validated list and the expanded YAML. */
async function resolvedPipeline(repo: Checkout) {
  const list = JSON.parse(
    mustSucceed('gitlab-ci-local --list-json', await gitlabCiLocal(repo, ['--list-json'])).stdout,
  );
  const preview = parse(
    mustSucceed('gitlab-ci-local --preview', await gitlabCiLocal(repo, ['--preview'])).stdout,
  ) as Record<string, JobDefinition>;
  return { list: list as { name: string; stage: string; when: string; allow_failure: boolean }[], preview };
}

function expectStopJob(
  resolved: Awaited<ReturnType<typeof resolvedPipeline>>,
  expected: { name: string; stage: string; dryRun: 'true' | 'false' },
): void {
  expect(resolved.list.find((job) => job.name === expected.name)).toMatchObject({
    stage: expected.stage,
    when: 'manual',
    allow_failure: true,
  });
  const job = resolved.preview[expected.name];
  expect(job).toBeDefined();
  expect(job?.rules).toEqual([{ when: 'manual' }]);
  expect(job?.environment).toEqual({ name: 'review/$CI_COMMIT_REF_SLUG', action: 'stop' });
  expect(resolved.preview['deploy-review']?.environment).toMatchObject({
    name: job?.environment.name,
    on_stop: expected.name,
  });
  expect(job?.variables).toMatchObject({
    GIT_STRATEGY: 'none',
    REGISTRY_CLEANER_TAG: '$CI_COMMIT_REF_SLUG',
    REGISTRY_CLEANER_REPOSITORY: '.',
    REGISTRY_CLEANER_DRY_RUN: expected.dryRun,
  });
  expect(job?.artifacts).toMatchObject({ when: 'always', paths: ['registry-cleaner-report.json'] });
}

/** What GitLab gives the stop job: CI_JOB_MANUAL is set for manual jobs (gitlab-ci-local never sets it). */
function stopJobVariables(world: ReviewWorld): Record<string, string> {
  return {
    CI_API_V4_URL: world.sandbox.apiUrl,
    CI_SERVER_URL: world.sandbox.url,
    CI_PROJECT_ID: String(world.project.id),
    CI_JOB_TOKEN: world.jobToken,
    CI_JOB_MANUAL: 'true',
  };
}

/** Plays the stop job as GitLab would when the environment stops, against the sandbox. */
async function playStopJob(repo: Checkout, world: ReviewWorld, job: string) {
  const output = await playJob(repo, job, stopJobVariables(world));
  // the environment it stops is the deploy job's, with the slug of feature/Login
  expect(output).toContain(`${job} environment: { name: review/feature-login }`);
  const reportPath = join(repo.dir, STATE_DIR, 'artifacts', job, 'registry-cleaner-report.json');
  expect(existsSync(reportPath), `artifact ${reportPath}`).toBe(true);
  return { output, report: JSON.parse(readFileSync(reportPath, 'utf8')) };
}

async function startWorld(): Promise<ReviewWorld> {
  const world = await startReviewWorld();
  cleanups.push(() => world.sandbox.close());
  return world;
}

function expectOnlyRootFeatureLoginDeleted(w: ReviewWorld): void {
  expect(tagNames(w, w.root)).toEqual(ROOT_TAGS_BEFORE.filter((tag) => tag !== 'feature-login'));
  expect(tagNames(w, w.api)).toEqual(['feature-login', 'main']);
  expect(
    w.sandbox.requests.filter((r) => r.operation === 'deleteTag').map((r) => `${r.auth} ${r.status}`),
  ).toEqual(['job 200']);
}

describe('templates/delete-tag-on-stop.yml run by gitlab-ci-local', () => {
  test.skipIf(cannotRunJobs)(
    'include: component (this project at the current SHA) with job-name and stage: validates, the stop job deletes <root>:feature-login',
    async () => {
      const repo = await checkout();
      const include = `include:
  - component: gitlab.example.com/Acme/Web-App/delete-tag-on-stop@${repo.sha}
    inputs:
      job-name: cleanup-review
      stage: review
`;
      writeFileSync(join(repo.dir, '.gitlab-ci.yml'), pipeline(include, 'cleanup-review', 'review'));
      expectStopJob(await resolvedPipeline(repo), {
        name: 'cleanup-review',
        stage: 'review',
        dryRun: 'false',
      });

      const world = await startWorld();
      const { output, report } = await playStopJob(repo, world, 'cleanup-review');
      expect(output).toMatch(/deleted\s+acme\/web-app:feature-login/);
      expect(report).toMatchObject({
        command: 'delete-tag',
        dryRun: false,
        tags: ['feature-login'],
        results: [{ repository: 'acme/web-app', tag: 'feature-login', outcome: 'deleted' }],
      });
      expectOnlyRootFeatureLoginDeleted(world);
    },
  );

  test.skipIf(cannotRunJobs)(
    'include: local with inputs (as include: project would): default job-name: validates, the stop job deletes <root>:feature-login',
    async () => {
      const repo = await checkout();
      const include = `include:
  - local: templates/delete-tag-on-stop.yml
    inputs:
      stage: deploy
      environment: review/$CI_COMMIT_REF_SLUG
`;
      writeFileSync(join(repo.dir, '.gitlab-ci.yml'), pipeline(include, 'stop-review', 'deploy'));
      expectStopJob(await resolvedPipeline(repo), { name: 'stop-review', stage: 'deploy', dryRun: 'false' });

      const world = await startWorld();
      const { report } = await playStopJob(repo, world, 'stop-review');
      expect(report).toMatchObject({
        dryRun: false,
        results: [{ repository: 'acme/web-app', tag: 'feature-login', outcome: 'deleted' }],
      });
      expectOnlyRootFeatureLoginDeleted(world);
    },
  );

  test.skipIf(cannotRunJobs)(
    'dry-run: true: the stop job passes, reports the tag as planned and deletes nothing',
    async () => {
      const repo = await checkout();
      const include = `include:
  - component: gitlab.example.com/Acme/Web-App/delete-tag-on-stop@${repo.sha}
    inputs:
      dry-run: true
`;
      writeFileSync(join(repo.dir, '.gitlab-ci.yml'), pipeline(include, 'stop-review', 'deploy'));
      expectStopJob(await resolvedPipeline(repo), { name: 'stop-review', stage: 'deploy', dryRun: 'true' });

      const world = await startWorld();
      const { report } = await playStopJob(repo, world, 'stop-review');
      expect(report).toMatchObject({
        dryRun: true,
        results: [{ repository: 'acme/web-app', tag: 'feature-login', outcome: 'planned' }],
      });
      expect(tagNames(world, world.root)).toEqual(ROOT_TAGS_BEFORE);
      expect(tagNames(world, world.api)).toEqual(['feature-login', 'main']);
      expect(world.sandbox.requests.filter((r) => r.operation === 'deleteTag')).toEqual([]);
    },
  );

  test.skipIf(cannotRunJobs)(
    'deployed-tags: the templates reach the job unexpanded, and a tag production runs is kept',
    async () => {
      const repo = await checkout();
      const include = `include:
  - local: templates/delete-tag-on-stop.yml
    inputs:
      tags: web-a1b2c3d4 feature-login
      deployed-tags: web-$CI_COMMIT_SHORT_SHA
`;
      writeFileSync(join(repo.dir, '.gitlab-ci.yml'), pipeline(include, 'stop-review', 'deploy'));
      const world = await startWorld();
      const { state } = world.sandbox;
      state.pushTag(world.root, 'web-a1b2c3d4');
      const production = state.addEnvironment(world.project, 'production');
      state.addDeployment(production, { ref: 'main', sha: 'a1b2c3d4'.padEnd(40, '0') });
      const { report } = await playStopJob(repo, world, 'stop-review');
      expect(report).toMatchObject({
        exitCode: 0,
        results: [{ tag: 'feature-login', outcome: 'deleted' }],
        kept: [{ tag: 'web-a1b2c3d4', environment: 'production' }],
      });
      expect(tagNames(world, world.root)).toEqual(['feature-search', 'main', 'web-a1b2c3d4']);
    },
  );

  test.skipIf(cannotRunJobs)(
    'verbosity: verbose traces every request in the job log, without the token',
    async () => {
      const repo = await checkout();
      const include = `include:
  - local: templates/delete-tag-on-stop.yml
    inputs:
      verbosity: verbose
`;
      writeFileSync(join(repo.dir, '.gitlab-ci.yml'), pipeline(include, 'stop-review', 'deploy'));
      const world = await startWorld();
      const { output } = await playStopJob(repo, world, 'stop-review');
      expect(output).toMatch(
        /DELETE \/gitlab\/api\/v4\/projects\/\d+\/registry\/repositories\/\d+\/tags\/feature-login → 200/,
      );
      expect(output).not.toContain(world.jobToken);
    },
  );

  test.skipIf(cannotResolve).each([
    ['verbosity: loud', /verbosity/],
    ['tags: "a;b"', /tags.*does not match required regex/],
    ['repositories: "API Images"', /repositories.*does not match required regex/],
  ])('an input outside its options or regex fails the pipeline: %s', async (input, message) => {
    const repo = await checkout();
    writeFileSync(
      join(repo.dir, '.gitlab-ci.yml'),
      pipeline(
        `include:\n  - local: templates/delete-tag-on-stop.yml\n    inputs:\n      ${input}\n`,
        'stop-review',
        'deploy',
      ),
    );
    const result = await gitlabCiLocal(repo, ['--list-json']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });

  test.skipIf(cannotResolve)(
    'the inputs are checked: a job-name outside its regex fails the pipeline',
    async () => {
      const repo = await checkout();
      const include = `include:
  - local: templates/delete-tag-on-stop.yml
    inputs:
      job-name: "stop; rm -rf /"
`;
      writeFileSync(join(repo.dir, '.gitlab-ci.yml'), pipeline(include, 'stop-review', 'deploy'));
      const result = await gitlabCiLocal(repo, ['--list-json']);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/job-name.*does not match required regex/);
    },
  );
  test.skipIf(cannotResolve)(
    "rules: the stop job takes the deploy job's rules, and is created only where they match",
    async () => {
      const repo = await checkout();
      const include = `include:
  - local: templates/delete-tag-on-stop.yml
    inputs:
      rules:
        - if: $CI_PIPELINE_SOURCE == "merge_request_event"
          when: manual
`;
      writeFileSync(join(repo.dir, '.gitlab-ci.yml'), pipeline(include, 'stop-review', 'deploy'));
      const listed = async (source: string) =>
        JSON.parse(
          mustSucceed(
            '--list-json',
            await gitlabCiLocal(repo, [
              '--list-json',
              '--ignore-predefined-vars',
              'CI_PIPELINE_SOURCE',
              '--variable',
              `CI_PIPELINE_SOURCE=${source}`,
            ]),
          ).stdout,
        ) as { name: string; when: string; allow_failure: boolean }[];
      expect((await listed('merge_request_event')).find((job) => job.name === 'stop-review')).toMatchObject({
        when: 'manual',
        allow_failure: true,
      });
      expect((await listed('push')).find((job) => job.name === 'stop-review')).toMatchObject({
        when: 'never',
      });
    },
  );

  test.skipIf(cannotRunJobs)(
    'rules without when: manual: the job runs with the pipeline, fails and deletes nothing',
    async () => {
      const repo = await checkout();
      const include = `include:
  - local: templates/delete-tag-on-stop.yml
    inputs:
      rules:
        - when: on_success
`;
      writeFileSync(join(repo.dir, '.gitlab-ci.yml'), pipeline(include, 'stop-review', 'deploy'));
      const world = await startWorld();
      const { CI_JOB_MANUAL: _manual, ...notManual } = stopJobVariables(world);
      const result = await runJob(repo, 'stop-review', notManual);
      expect(result.passed).toBe(false);
      expect(result.output).toContain('this stop job is not manual, so it deletes nothing');
      expect(tagNames(world, world.root)).toEqual(ROOT_TAGS_BEFORE);
      expect(world.sandbox.requests).toEqual([]);
    },
  );
});
