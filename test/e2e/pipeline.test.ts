// This project's own .gitlab-ci.yml, validated by gitlab-ci-local (GitLab's CI schema, includes,
// needs) for a branch pipeline and a version tag pipeline; its version job is run for real.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { type Checkout, checkoutWithTemplates, gitlabCiLocal, playJob } from './support/gitlab-ci-local.ts';
import { mustSucceed } from './support/process.ts';
import { GIT, missingSystemTools, RSYNC } from './support/system-tools.ts';

const PROJECT = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, PROJECT), 'utf8');
const VERSION: string = JSON.parse(read('package.json')).version;

const cannotResolve = missingSystemTools('the pipeline tests', [GIT]);
const cannotRunJobs = missingSystemTools('the pipeline tests that run jobs', [GIT, RSYNC]);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function checkout(): Promise<Checkout> {
  const repo = await checkoutWithTemplates(cleanups, {
    branch: 'main',
    files: { 'package.json': read('package.json'), 'CHANGELOG.md': read('CHANGELOG.md') },
  });
  writeFileSync(join(repo.dir, '.gitlab-ci.yml'), read('.gitlab-ci.yml'));
  return repo;
}

/** A pipeline for the branch, or for a tag when `tag` is given. */
function pipelineVariables(tag?: string): string[] {
  const variables = {
    CI_PIPELINE_SOURCE: 'push',
    CI_COMMIT_TAG: tag ?? '',
    CI_COMMIT_BRANCH: tag ? '' : 'main',
  };
  return [
    '--ignore-predefined-vars',
    Object.keys(variables).join(','),
    ...Object.entries(variables).flatMap(([name, value]) => ['--variable', `${name}=${value}`]),
  ];
}

async function jobs(
  repo: Checkout,
  tag?: string,
): Promise<Map<string, { when: string; allow_failure: boolean }>> {
  const result = await gitlabCiLocal(repo, ['--list-json', ...pipelineVariables(tag)]);
  const list = JSON.parse(mustSucceed('--list-json', result).stdout) as {
    name: string;
    when: string;
    allow_failure: boolean;
  }[];
  return new Map(list.map((job) => [job.name, job]));
}

const RELEASE_JOBS = ['release:image', 'release:npm', 'release:assets', 'release'];

describe('.gitlab-ci.yml', () => {
  test.skipIf(cannotResolve)(
    'a branch pipeline: valid, with both components verified and no release',
    async () => {
      const repo = await checkout();
      const listed = await jobs(repo);
      for (const name of ['lint', 'version', 'test', 'bundle', 'image:base', 'image:build', 'image:check'])
        expect(listed.get(name)?.when, name).toBe('on_success');
      expect(listed.get('component:delete-tag-on-stop')).toMatchObject({
        when: 'on_success',
        allow_failure: false,
      });
      expect(listed.get('component:prune: [1/1]')).toMatchObject({ when: 'on_success' });
      for (const name of RELEASE_JOBS) expect(listed.get(name)?.when, name).toBe('never');
    },
  );

  test.skipIf(cannotResolve)(
    'a version tag pipeline: valid, and it releases on the glab image with the notes and the bundle',
    async () => {
      const repo = await checkout();
      const listed = await jobs(repo, VERSION);
      for (const name of RELEASE_JOBS) expect(listed.get(name)?.when, name).toBe('on_success');
      const preview = parse(
        mustSucceed('--preview', await gitlabCiLocal(repo, ['--preview', ...pipelineVariables(VERSION)]))
          .stdout,
      );
      expect(preview.release).toMatchObject({
        image: { name: 'registry.gitlab.com/gitlab-org/cli:latest' },
        needs: [{ job: 'release:assets' }, { job: 'release:npm' }],
        release: { tag_name: '$CI_COMMIT_TAG', description: 'release-notes.md' },
      });
      expect(preview.release.release.assets.links[0].url).toBe(
        preview['release:assets'].variables.BUNDLE_URL,
      );
      // the token reaches npm through the environment, never through the job log or a file's content
      const npm = preview['release:npm'].script.join('\n');
      expect(npm).toContain(`echo '//registry.npmjs.org/:_authToken=\${NPM_TOKEN}' > .npmrc`);
      expect(npm).not.toMatch(/echo "[^"]*\$\{?NPM_TOKEN/);
      expect(preview['image:build'].script.join('\n')).toContain(
        '--build-arg NODE_IMAGE="$IMAGE_BASE_PINNED"',
      );
    },
  );

  test.skipIf(cannotResolve)('a tag that is not a version releases nothing', async () => {
    const listed = await jobs(await checkout(), 'v-not-a-version');
    for (const name of RELEASE_JOBS) expect(listed.get(name)?.when, name).toBe('never');
  });

  test.skipIf(cannotRunJobs)(
    'the version job passes: package.json, the components and CHANGELOG.md agree',
    async () => {
      const repo = await checkout();
      await playJob(repo, 'version', { CI_COMMIT_TAG: VERSION, CI_COMMIT_BRANCH: '' });
    },
  );
});
