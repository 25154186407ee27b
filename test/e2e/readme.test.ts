// The README's pipeline examples ("Use in your pipeline", and migrating from GitLab's cleanup
// policy) are copy-paste correct: they are taken from README.md as written, validated by
// gitlab-ci-local against GitLab's CI schema, and the stop job is played against the sandbox. One
// substitution: the component's release ref (@0.1.0) becomes the checkout's commit, which is how
// gitlab-ci-local reads a component from the working tree.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { SandboxState, startSandbox } from '../sandbox/index.ts';
import { runCli } from './cli.ts';
import { type Checkout, checkoutWithTemplates, gitlabCiLocal, playJob } from './support/gitlab-ci-local.ts';
import { mustSucceed } from './support/process.ts';
import { startReviewWorld, tagNames } from './support/review-world.ts';
import { GIT, missingSystemTools, RSYNC } from './support/system-tools.ts';

const cannotResolve = missingSystemTools('the README pipeline tests', [GIT]);
const cannotRunJobs = missingSystemTools('the README pipeline tests that run jobs', [GIT, RSYNC]);

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const CLEANUP_POLICY_DOC = readFileSync(new URL('../../docs/cleanup-policy.md', import.meta.url), 'utf8');
const HOME_REMOTE = 'https://gitlab.com/registry-cleaner/registry-cleaner.git';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The YAML code blocks of the section under `heading` (of the README, or another page), in order. */
function yamlBlocks(heading: string, page = README): string[] {
  const start = page.indexOf(`\n${heading}\n`);
  if (start < 0 && !page.startsWith(`${heading}\n`)) throw new Error(`no section "${heading}"`);
  const next = page.indexOf('\n### ', Math.max(0, start) + heading.length + 2);
  const section = page.slice(Math.max(0, start), next < 0 ? undefined : next);
  return [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] as string);
}

function atCommit(yaml: string, sha: string): string {
  const pinned = yaml.replace(
    /(component: \$CI_SERVER_FQDN\/registry-cleaner\/registry-cleaner\/[a-z-]+)@[\w.]+/g,
    `$1@${sha}`,
  );
  expect(pinned).not.toEqual(yaml);
  return pinned;
}

/** The jobs gitlab-ci-local creates for a pipeline of the given source. */
async function listJobs(repo: Checkout, source: string): Promise<{ name: string; when: string }[]> {
  const result = await gitlabCiLocal(repo, [
    '--list-json',
    '--ignore-predefined-vars',
    'CI_PIPELINE_SOURCE',
    '--variable',
    `CI_PIPELINE_SOURCE=${source}`,
  ]);
  return JSON.parse(mustSucceed('--list-json', result).stdout);
}

describe('README: Use in your pipeline', () => {
  test.skipIf(cannotRunJobs)(
    'stop job: the example validates, its rules input applies, and the stop job deletes the tag',
    async () => {
      const [example, withRules] = yamlBlocks(
        '### Stop job: delete the review image when the environment stops',
      );
      expect(example).toBeDefined();
      expect(withRules).toMatch(/^\s+rules:$/m);
      const repo = await checkoutWithTemplates(cleanups, { branch: 'feature/Login', remote: HOME_REMOTE });
      writeFileSync(join(repo.dir, '.gitlab-ci.yml'), atCommit(example!, repo.sha));
      const preview = parse(mustSucceed('--preview', await gitlabCiLocal(repo, ['--preview'])).stdout);
      expect(preview['stop-review']).toMatchObject({
        rules: [{ when: 'manual' }],
        environment: { name: 'review/$CI_COMMIT_REF_SLUG', action: 'stop' },
      });
      expect(preview['deploy-review'].environment.on_stop).toBe('stop-review');

      // The include with the deploy job's rules, in place of the first one: still valid, manual in
      // merge request pipelines and absent from others.
      const deployJob = example!.slice(example!.indexOf('\ndeploy-review:'));
      writeFileSync(join(repo.dir, '.gitlab-ci.yml'), `${atCommit(withRules!, repo.sha)}${deployJob}`);
      const merged = parse(mustSucceed('--preview', await gitlabCiLocal(repo, ['--preview'])).stdout);
      expect(merged['stop-review'].rules).toEqual([
        { if: '$CI_PIPELINE_SOURCE == "merge_request_event"', when: 'manual' },
      ]);
      expect(
        (await listJobs(repo, 'merge_request_event')).find((job) => job.name === 'stop-review')?.when,
      ).toBe('manual');
      expect((await listJobs(repo, 'push')).find((job) => job.name === 'stop-review')?.when).toBe('never');

      writeFileSync(join(repo.dir, '.gitlab-ci.yml'), atCommit(example!, repo.sha));
      const world = await startReviewWorld();
      cleanups.push(() => world.sandbox.close());
      await playJob(repo, 'stop-review', {
        CI_API_V4_URL: world.sandbox.apiUrl,
        CI_SERVER_URL: world.sandbox.url,
        CI_PROJECT_ID: String(world.project.id),
        CI_JOB_TOKEN: world.jobToken,
        // GitLab sets it for a manual job; gitlab-ci-local does not
        CI_JOB_MANUAL: 'true',
      });
      expect(tagNames(world, world.root)).toEqual(['feature-search', 'main']);
      expect(tagNames(world, world.api)).toEqual(['feature-login', 'main']);
    },
  );

  test.skipIf(cannotResolve)(
    'scheduled sweep: the example validates and runs only in scheduled pipelines',
    async () => {
      const [example] = yamlBlocks('### Scheduled sweep');
      const repo = await checkoutWithTemplates(cleanups, { branch: 'main', remote: HOME_REMOTE });
      writeFileSync(join(repo.dir, '.gitlab-ci.yml'), atCommit(example!, repo.sha));
      expect((await listJobs(repo, 'schedule')).map((job) => `${job.name} ${job.when}`)).toEqual([
        'registry-cleaner-prune: [1/1] on_success',
      ]);
      expect((await listJobs(repo, 'push')).map((job) => job.when)).toEqual(['never']);
      const preview = parse(mustSucceed('--preview', await gitlabCiLocal(repo, ['--preview'])).stdout);
      expect(preview['registry-cleaner-prune'].variables).toMatchObject({
        RC_OLDER_THAN: '30d',
        RC_KEEP_LATEST: '10',
        RC_KEEP: '(v?\\d+\\.\\d+\\.\\d+|main)',
      });
    },
  );

  test.skipIf(cannotResolve)(
    "migrating from GitLab's cleanup policy: the component example runs the policy, the pasted file reads as our rules",
    async () => {
      const [component, pasted] = yamlBlocks("# Migrating from GitLab's cleanup policy", CLEANUP_POLICY_DOC);
      const repo = await checkoutWithTemplates(cleanups, { branch: 'main', remote: HOME_REMOTE });
      writeFileSync(join(repo.dir, '.gitlab-ci.yml'), atCommit(component!, repo.sha));
      const preview = parse(mustSucceed('--preview', await gitlabCiLocal(repo, ['--preview'])).stdout);
      expect(preview['registry-cleaner-prune'].variables).toMatchObject({ RC_CLEANUP_POLICY: 'true' });
      expect(preview['registry-cleaner-prune'].script.join('\n')).toContain(
        'registry-cleaner prune --cleanup-policy',
      );

      const file = join(repo.dir, 'registry-cleaner.yml');
      writeFileSync(file, pasted!);
      const state = new SandboxState();
      const user = state.addUser('dev');
      const project = state.addProject('acme/web-app');
      state.addMember(project, user, 'developer');
      state.pushTag(state.addRepository(project), 'latest');
      const sandbox = await startSandbox({ state });
      cleanups.push(() => sandbox.close());
      const result = await runCli(['prune', '--config', file, '--dry-run', '--output', 'json'], {
        CI_API_V4_URL: sandbox.apiUrl,
        REGISTRY_CLEANER_TOKEN: state.addPersonalToken(user),
      });
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout).policies[0]).toMatchObject({
        projects: ['acme/web-app'],
        rules: { match: '.*', keep: ['(?:v.+|main)'], keepLatest: 10, olderThanSeconds: 30 * 86_400 },
      });
    },
  );
});
