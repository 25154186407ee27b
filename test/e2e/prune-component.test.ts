// The scheduled-sweep component templates/prune.yml, run by gitlab-ci-local against the sandbox.
// gitlab-ci-local needs git, and rsync to run a job: without them these tests are skipped.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { runCleanupPolicy, type Sandbox, SandboxState, startSandbox } from '../sandbox/index.ts';
import { type RetentionWorld, seedRetentionWorld } from '../scenarios/retention.ts';
import { runCli } from './cli.ts';
import {
  type Checkout,
  checkoutWithTemplates,
  gitlabCiLocal,
  playJob,
  STATE_DIR,
} from './support/gitlab-ci-local.ts';
import { mustSucceed } from './support/process.ts';
import { GIT, missingSystemTools, RSYNC } from './support/system-tools.ts';

const cannotResolve = missingSystemTools('the prune component tests', [GIT]);
const cannotRunJobs = missingSystemTools('the prune component tests that run jobs', [GIT, RSYNC]);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const SHAPE = { projects: 1, repositories: 6, tags: 600, seed: 11 };

async function world(
  options: { registryListener?: boolean } = {},
): Promise<{ sandbox: Sandbox; world: RetentionWorld }> {
  const state = new SandboxState();
  const seeded = seedRetentionWorld(state, SHAPE);
  const sandbox = await startSandbox({ state, ...options });
  cleanups.push(() => sandbox.close());
  return { sandbox, world: seeded };
}

/** The one file named `file` under gitlab-ci-local's `kind` directory (a directory per job). */
function stateFile(dir: string, kind: 'artifacts' | 'builds', file: string): string {
  const root = join(dir, STATE_DIR, kind);
  const found = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((path) =>
    path.endsWith(`/${file}`),
  );
  if (found.length !== 1)
    throw new Error(`expected one file ${file} under ${root}, found: ${found.join(', ') || 'none'}`);
  return join(root, found[0] as string);
}

/** gitlab-ci-local keeps each job's artifacts in a directory named after a sanitised job name. */
function artifact(dir: string, file: string): string {
  return stateFile(dir, 'artifacts', file);
}

/** The jobs gitlab-ci-local creates for a pipeline of the given source. */
async function listJobs(
  repo: Checkout,
  source: string,
): Promise<{ name: string; when: string; stage: string }[]> {
  const result = await gitlabCiLocal(repo, [
    '--list-json',
    '--ignore-predefined-vars',
    'CI_PIPELINE_SOURCE',
    '--variable',
    `CI_PIPELINE_SOURCE=${source}`,
  ]);
  return JSON.parse(mustSucceed('--list-json', result).stdout);
}

function snapshot(sandbox: Sandbox): string[] {
  return sandbox.state
    .repositories()
    .flatMap((repository) => sandbox.state.tags(repository).map((tag) => `${repository.path}:${tag.name}`))
    .sort();
}

describe('templates/prune.yml run by gitlab-ci-local', () => {
  test.skipIf(cannotRunJobs)(
    'only in scheduled pipelines, in stage test with needs: []; parallel: 2 shards, each with files of its own, together do what one run does',
    async () => {
      const repo = await checkoutWithTemplates(cleanups, { branch: 'main' });
      writeFileSync(
        join(repo.dir, '.gitlab-ci.yml'),
        `include:\n  - component: gitlab.example.com/Acme/Web-App/prune@${repo.sha}\n    inputs:\n      parallel: 2\n      older-than: 14d\n      keep-latest: 5\n      accept-ages: first-push\n`,
      );
      expect((await listJobs(repo, 'push')).map((job) => job.when)).toEqual(['never', 'never']);
      expect((await listJobs(repo, 'schedule')).map((job) => `${job.name} ${job.stage} ${job.when}`)).toEqual(
        ['registry-cleaner-prune: [1/2] test on_success', 'registry-cleaner-prune: [2/2] test on_success'],
      );
      const preview = parse(mustSucceed('--preview', await gitlabCiLocal(repo, ['--preview'])).stdout);
      expect(preview['registry-cleaner-prune']).toMatchObject({ stage: 'test', needs: [] });

      const sharded = await world();
      const project = sharded.world.projects[0]!;
      for (const index of [1, 2]) {
        await playJob(repo, `registry-cleaner-prune: [${index}/2]`, {
          CI_PIPELINE_SOURCE: 'schedule',
          CI_API_V4_URL: sharded.sandbox.apiUrl,
          CI_PROJECT_ID: String(project.id),
          CI_PROJECT_PATH: project.fullPath,
          CI_JOB_TOKEN: sharded.world.jobTokens.get(project.id)!,
        });
        expect(
          JSON.parse(readFileSync(artifact(repo.dir, `registry-cleaner-prune-${index}.json`), 'utf8')),
        ).toMatchObject({ command: 'prune', shard: `${index}/2`, exitCode: 0 });
        expect(readFileSync(artifact(repo.dir, `registry-cleaner-prune-${index}.env`), 'utf8')).toMatch(
          /^REGISTRY_CLEANER_RESULT_DELETED=\d+$/m,
        );
      }
      // gitlab-ci-local keeps no annotations or junit reports: they are in each shard's directory
      for (const index of [1, 2]) {
        expect(stateFile(repo.dir, 'builds', `registry-cleaner-annotations-${index}.json`)).toBeTruthy();
        expect(
          readFileSync(stateFile(repo.dir, 'builds', `registry-cleaner-junit-${index}.xml`), 'utf8'),
        ).toContain('<testsuites');
      }

      const whole = await world();
      const direct = await runCli(
        [
          'prune',
          '--project',
          project.fullPath,
          '--older-than',
          '14d',
          '--keep-latest',
          '5',
          '--keep',
          '(v?\\d+\\.\\d+\\.\\d+|main|master)',
        ],
        { CI_API_V4_URL: whole.sandbox.apiUrl, REGISTRY_CLEANER_TOKEN: whole.world.personalToken },
      );
      expect(direct.code).toBe(0);
      expect(snapshot(sharded.sandbox)).toEqual(snapshot(whole.sandbox));
      expect(snapshot(whole.sandbox).length).toBeLessThan(SHAPE.tags);
    },
  );

  test.skipIf(cannotRunJobs)(
    'a policy file from the repository, dry run: the plan is reported, nothing deleted',
    async () => {
      const { sandbox, world: w } = await world();
      const project = w.projects[0]!;
      const policies = `policies:\n  - name: commit tags\n    projects: [${project.fullPath}]\n    match: '[0-9a-f]{8}'\n    older-than: 7d\n`;
      const repo = await checkoutWithTemplates(cleanups, {
        branch: 'main',
        files: { 'registry-cleaner.yml': policies },
      });
      writeFileSync(
        join(repo.dir, '.gitlab-ci.yml'),
        `include:\n  - local: templates/prune.yml\n    inputs:\n      config: registry-cleaner.yml\n      dry-run: true\n`,
      );
      const before = snapshot(sandbox);
      await playJob(repo, 'registry-cleaner-prune: [1/1]', {
        CI_PIPELINE_SOURCE: 'schedule',
        CI_API_V4_URL: sandbox.apiUrl,
        REGISTRY_CLEANER_TOKEN: w.personalToken,
      });
      const report = JSON.parse(readFileSync(artifact(repo.dir, 'registry-cleaner-prune-1.json'), 'utf8'));
      expect(report).toMatchObject({ dryRun: true, policies: [{ name: 'commit tags' }] });
      expect(report.totals.planned).toBeGreaterThan(0);
      expect(snapshot(sandbox)).toEqual(before);
    },
  );
  test.skipIf(cannotRunJobs)(
    "keep: '' means no keep rule: the sweep does what a run without --keep does",
    async () => {
      const repo = await checkoutWithTemplates(cleanups, { branch: 'main' });
      writeFileSync(
        join(repo.dir, '.gitlab-ci.yml'),
        `include:\n  - local: templates/prune.yml\n    inputs:\n      older-than: 14d\n      keep-latest: 5\n      keep: ''\n`,
      );
      // The job token reads through the registry's own API: last pushes, no accept-ages needed.
      const swept = await world({ registryListener: true });
      const project = swept.world.projects[0]!;
      await playJob(repo, 'registry-cleaner-prune: [1/1]', {
        CI_PIPELINE_SOURCE: 'schedule',
        CI_API_V4_URL: swept.sandbox.apiUrl,
        CI_PROJECT_ID: String(project.id),
        CI_PROJECT_PATH: project.fullPath,
        CI_JOB_TOKEN: swept.world.jobTokens.get(project.id)!,
        REGISTRY_CLEANER_REGISTRY_URL: swept.sandbox.registryUrl!,
      });
      const report = JSON.parse(readFileSync(artifact(repo.dir, 'registry-cleaner-prune-1.json'), 'utf8'));
      expect(report).toMatchObject({ exitCode: 0, policies: [{ rules: { keep: [] } }] });
      expect(new Set(report.repositories.map((entry: { via: string }) => entry.via))).toEqual(
        new Set(['registry']),
      );

      const direct = async (keep: string[]) => {
        const other = await world();
        const result = await runCli(
          ['prune', '--project', project.fullPath, '--older-than', '14d', '--keep-latest', '5', ...keep],
          { CI_API_V4_URL: other.sandbox.apiUrl, REGISTRY_CLEANER_TOKEN: other.world.personalToken },
        );
        expect(result.code).toBe(0);
        return snapshot(other.sandbox);
      };
      expect(snapshot(swept.sandbox)).toEqual(await direct([]));
      // the default keep rule would have kept more: the empty input really dropped it
      expect(snapshot(swept.sandbox)).not.toEqual(
        await direct(['--keep', '(v?\\d+\\.\\d+\\.\\d+|main|master)']),
      );
    },
  );

  test.skipIf(cannotRunJobs)(
    "the keep input and the cleanup-policy input: the same regex deletes what GitLab's own cleanup run deletes",
    async () => {
      // RE2 as GitLab users write it, with a top-level "|" GitLab anchors half-way: see
      // test/e2e/cleanup-policy.test.ts, which takes the same regex every other way in.
      const keep = '(?i)V[[:digit:]]+\\.\\d+\\.\\d+|fix-.*';
      const policy = {
        enabled: true,
        keepN: 5,
        olderThan: '14d',
        nameRegex: '.*',
        nameRegexKeep: keep,
      } as const;
      const gitlab = await world();
      gitlab.sandbox.state.setCleanupPolicy(gitlab.world.projects[0]!, policy);
      runCleanupPolicy(gitlab.sandbox.state, 'metadata', gitlab.world.projects[0]!);
      expect(snapshot(gitlab.sandbox).length).toBeLessThan(SHAPE.tags);

      const run = async (inputs: string, withPolicy: boolean) => {
        const repo = await checkoutWithTemplates(cleanups, { branch: 'main' });
        writeFileSync(
          join(repo.dir, '.gitlab-ci.yml'),
          `include:\n  - local: templates/prune.yml\n    inputs:\n${inputs}`,
        );
        const swept = await world();
        const project = swept.world.projects[0]!;
        if (withPolicy) swept.sandbox.state.setCleanupPolicy(project, policy);
        await playJob(repo, 'registry-cleaner-prune: [1/1]', {
          CI_PIPELINE_SOURCE: 'schedule',
          CI_API_V4_URL: swept.sandbox.apiUrl,
          CI_PROJECT_ID: String(project.id),
          CI_PROJECT_PATH: project.fullPath,
          REGISTRY_CLEANER_TOKEN: swept.world.personalToken,
        });
        const report = JSON.parse(readFileSync(artifact(repo.dir, 'registry-cleaner-prune-1.json'), 'utf8'));
        expect(report.exitCode).toBe(0);
        return { report, left: snapshot(swept.sandbox) };
      };
      const byInput = await run(
        `      older-than: 14d\n      keep-latest: 5\n      keep: '${keep}'\n`,
        false,
      );
      expect(byInput.report.policies[0].rules.keep).toEqual([keep]);
      expect(byInput.left).toEqual(snapshot(gitlab.sandbox));

      const byPolicy = await run('      cleanup-policy: true\n', true);
      expect(byPolicy.report.policies[0]).toMatchObject({
        rulesSource: 'cleanup-policy',
        rules: { keep: [] },
      });
      expect(byPolicy.report.repositories[0]).toMatchObject({ cleanupPolicy: { nameRegexKeep: keep } });
      expect(byPolicy.left).toEqual(snapshot(gitlab.sandbox));
    },
  );

  test.skipIf(cannotRunJobs)(
    'deployed-tags and keep-deployments reach the sweep as written: what production runs, and its rollback, stay',
    async () => {
      const repo = await checkoutWithTemplates(cleanups, { branch: 'main' });
      writeFileSync(
        join(repo.dir, '.gitlab-ci.yml'),
        `include:\n  - local: templates/prune.yml\n    inputs:\n      older-than: 14d\n      keep-latest: 5\n      accept-ages: first-push\n      deployed-tags: web-$CI_COMMIT_SHORT_SHA\n      keep-deployments: 2\n`,
      );
      const { sandbox, world: w } = await world();
      const project = w.projects[0]!;
      const root = sandbox.state.repositories(project)[0]!;
      const old = { at: new Date(Date.now() - 90 * 86_400_000) };
      for (const tag of ['web-a1b2c3d4', 'web-b1b2c3d4', 'web-c1c2c3d4'])
        sandbox.state.pushTag(root, tag, old);
      const production = sandbox.state.addEnvironment(project, 'production');
      for (const [prefix, days] of [
        ['c1c2c3d4', 80],
        ['b1b2c3d4', 70],
        ['a1b2c3d4', 60],
      ] as const) {
        const finishedAt = new Date(Date.now() - days * 86_400_000);
        sandbox.state.addDeployment(production, { ref: 'main', sha: prefix.padEnd(40, '0'), finishedAt });
      }
      await playJob(repo, 'registry-cleaner-prune: [1/1]', {
        CI_PIPELINE_SOURCE: 'schedule',
        CI_API_V4_URL: sandbox.apiUrl,
        CI_PROJECT_ID: String(project.id),
        CI_PROJECT_PATH: project.fullPath,
        CI_JOB_TOKEN: w.jobTokens.get(project.id)!,
      });
      const report = JSON.parse(readFileSync(artifact(repo.dir, 'registry-cleaner-prune-1.json'), 'utf8'));
      expect(report).toMatchObject({
        exitCode: 0,
        policies: [
          {
            rules: {
              deployedImages: {
                protected: true,
                tagTemplates: ['web-$CI_COMMIT_SHORT_SHA'],
                keepDeployments: 2,
              },
            },
          },
        ],
      });
      const left = sandbox.state.tags(root).map((tag) => tag.name);
      expect(left).toEqual(expect.arrayContaining(['web-a1b2c3d4', 'web-b1b2c3d4']));
      expect(left).not.toContain('web-c1c2c3d4');
    },
  );

  test.skipIf(cannotResolve)(
    'rules: the sweep runs where the given rules say, not only in schedules',
    async () => {
      const repo = await checkoutWithTemplates(cleanups, { branch: 'main' });
      writeFileSync(
        join(repo.dir, '.gitlab-ci.yml'),
        `include:\n  - local: templates/prune.yml\n    inputs:\n      rules:\n        - if: $CI_PIPELINE_SOURCE == "push"\n          when: manual\n`,
      );
      expect((await listJobs(repo, 'push')).map((job) => `${job.name} ${job.when}`)).toEqual([
        'registry-cleaner-prune: [1/1] manual',
      ]);
      expect((await listJobs(repo, 'schedule')).map((job) => job.when)).toEqual(['never']);
    },
  );
});
