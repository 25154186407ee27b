// The Docker image, built from the project's Dockerfile and run with buildah, without a Docker engine:
// `FROM node:24-alpine` resolves to a local stand-in built by support/standin-node-image.
// Needs root and buildah (.ci/run installs it); it fails, never skips, when they are missing.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { checkoutWithTemplates, expandVariables, resolvedJob } from './support/gitlab-ci-local.ts';
import { baseEnv, mustSucceed, type ProcessResult, run } from './support/process.ts';
import { type ReviewWorld, ROOT_TAGS_BEFORE, startReviewWorld, tagNames } from './support/review-world.ts';

const PROJECT_URL = new URL('../../', import.meta.url);
const PROJECT_DIR = fileURLToPath(PROJECT_URL);
const STANDIN_NODE_IMAGE = fileURLToPath(new URL('./support/standin-node-image', import.meta.url));
const VERSION: string = JSON.parse(readFileSync(new URL('package.json', PROJECT_URL), 'utf8')).version;
const IMAGE = 'localhost/registry-cleaner:e2e';
const CONTAINER = `registry-cleaner-e2e-${process.pid}`;
const BUILD_TIMEOUT_MS = 10 * 60_000;

// The vfs driver works everywhere (no overlay mounts inside containers); set through the
// environment because `--storage-driver vfs` listed no images on this machine.
const buildahEnv = () => ({ ...baseEnv(), STORAGE_DRIVER: 'vfs' });

async function buildah(args: readonly string[], timeoutMs = 120_000): Promise<ProcessResult> {
  return run('buildah', args, { env: buildahEnv(), cwd: PROJECT_DIR, timeoutMs });
}

/** Runs a command in the container as the image's user, like a GitLab job's script. */
async function inContainer(command: readonly string[], env: Record<string, string> = {}) {
  const variables = Object.entries(env).flatMap(([name, value]) => ['--env', `${name}=${value}`]);
  // chroot isolation makes no network namespace (a server on the host's 127.0.0.1 answers from
  // inside without this flag); --network host says so rather than rely on it.
  return buildah([
    'run',
    '--isolation',
    'chroot',
    '--network',
    'host',
    ...variables,
    CONTAINER,
    '--',
    ...command,
  ]);
}

function checkPrerequisites(): void {
  const missing: string[] = [];
  if (spawnSync('buildah', ['--version'], { env: buildahEnv(), stdio: 'ignore' }).status !== 0) {
    missing.push('buildah');
  }
  if (!existsSync('/bin/busybox')) missing.push('busybox-static');
  if (missing.length > 0) {
    throw new Error(
      `the image test needs ${missing.join(' and ')}: apt-get install ${missing.join(' ')} (as root; .ci/run installs buildah and busybox-static)`,
    );
  }
  if (process.getuid?.() !== 0) {
    throw new Error(
      'the image test needs root (buildah with vfs storage and chroot isolation): run it as root, as .ci/run does',
    );
  }
}

/** What beforeAll made, for afterAll to remove (and nothing else). */
const made = { image: false, container: false };

beforeAll(async () => {
  checkPrerequisites();
  mustSucceed(
    'standin-node-image',
    await run(STANDIN_NODE_IMAGE, ['24'], { env: buildahEnv(), timeoutMs: BUILD_TIMEOUT_MS }),
  );
  made.image = true;
  mustSucceed(
    'buildah bud',
    await buildah(
      ['bud', '--pull=never', '--isolation', 'chroot', '--build-arg', `VERSION=${VERSION}`, '-t', IMAGE, '.'],
      BUILD_TIMEOUT_MS,
    ),
  );
  made.container = true;
  mustSucceed('buildah from', await buildah(['from', '--pull=never', '--name', CONTAINER, IMAGE]));
}, BUILD_TIMEOUT_MS * 2);

afterAll(async () => {
  // Their results are not checked: after a failed build the failure worth reading is the build's.
  if (made.container) await buildah(['rm', CONTAINER]);
  if (made.image) await buildah(['rmi', IMAGE]);
});

let world: ReviewWorld | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await world?.sandbox.close();
  world = undefined;
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/**
 * Plays a component's job in the image as GitLab Runner would: its variables (expanded from the
 * CI ones), then its script through the image's shell, stopping at the first failing line.
 */
async function playJobInImage(include: string, job: string, ci: Record<string, string>) {
  const repo = await checkoutWithTemplates(cleanups, { branch: 'feature/Login' });
  writeFileSync(join(repo.dir, '.gitlab-ci.yml'), include);
  const resolved = await resolvedJob(repo, job);
  const env = { ...ci, ...expandVariables(resolved.variables, ci) };
  return inContainer(['sh', '-ec', resolved.script.join('\n')], env);
}

interface ImageConfig {
  User?: string;
  Entrypoint?: string[] | null;
  Labels?: Record<string, string>;
}

describe('the registry-cleaner image', () => {
  test('has no entrypoint, runs as node, and carries the OCI version label', async () => {
    const inspected = JSON.parse(
      mustSucceed('buildah inspect', await buildah(['inspect', '--type', 'image', IMAGE])).stdout,
    );
    // buildah keeps the config in both formats and pushes either (--format oci|docker): check both.
    for (const config of [inspected.OCIv1.config, inspected.Docker.config] as ImageConfig[]) {
      expect(config.Entrypoint ?? []).toEqual([]);
      expect(config.User).toBe('node');
      expect(config.Labels?.['org.opencontainers.image.version']).toBe(VERSION);
    }
    const id = mustSucceed('id', await inContainer(['id', '-un']));
    expect(id.stdout.trim()).toBe('node');
  });

  test('registry-cleaner --version prints the package version', async () => {
    const result = mustSucceed(
      'registry-cleaner --version',
      await inContainer(['registry-cleaner', '--version']),
    );
    expect(result.stdout.trim()).toBe(VERSION);
  });

  test('delete-tag with only CI_* variables and the job token deletes exactly <root>:$CI_COMMIT_REF_SLUG', async () => {
    world = await startReviewWorld('127.0.0.1');
    const result = await inContainer(['registry-cleaner', 'delete-tag'], {
      CI: 'true',
      GITLAB_CI: 'true',
      CI_SERVER_URL: world.sandbox.url,
      CI_API_V4_URL: world.sandbox.apiUrl,
      CI_PROJECT_ID: String(world.project.id),
      CI_PROJECT_PATH: 'Acme/Web-App',
      CI_COMMIT_REF_SLUG: 'feature-login',
      CI_JOB_TOKEN: world.jobToken,
      NO_COLOR: '1',
    });
    mustSucceed('registry-cleaner delete-tag in the container', result);
    expect(result.stdout).toMatch(/deleted\s+acme\/web-app:feature-login/);
    expect(tagNames(world, world.root)).toEqual(ROOT_TAGS_BEFORE.filter((tag) => tag !== 'feature-login'));
    expect(tagNames(world, world.api)).toEqual(['feature-login', 'main']);
    const deletes = world.sandbox.requests.filter((request) => request.operation === 'deleteTag');
    expect(deletes.map((request) => `${request.auth} ${request.status}`)).toEqual(['job 200']);
  });
});

describe('the components, run in the image', () => {
  const ci = (w: ReviewWorld) => ({
    CI: 'true',
    GITLAB_CI: 'true',
    CI_SERVER_URL: w.sandbox.url,
    CI_API_V4_URL: w.sandbox.apiUrl,
    CI_PROJECT_ID: String(w.project.id),
    CI_PROJECT_PATH: 'Acme/Web-App',
    CI_COMMIT_REF_SLUG: 'feature-login',
    CI_JOB_TOKEN: w.jobToken,
    CI_NODE_TOTAL: '1',
  });

  test('delete-tag-on-stop: its stop job deletes the tag and writes its report files', async () => {
    world = await startReviewWorld('127.0.0.1');
    const include =
      'include:\n  - local: templates/delete-tag-on-stop.yml\n    inputs:\n      repositories: ". api"\n';
    const result = await playJobInImage(include, 'stop-review', ci(world));
    mustSucceed('the stop job in the image', result);
    expect(tagNames(world, world.root)).toEqual(ROOT_TAGS_BEFORE.filter((tag) => tag !== 'feature-login'));
    expect(tagNames(world, world.api)).toEqual(['main']);
    const files = mustSucceed(
      'report files',
      await inContainer(['sh', '-c', 'cat registry-cleaner-report.json registry-cleaner.env']),
    );
    expect(files.stdout).toMatch(/"outcome": "deleted"/);
    expect(files.stdout).toContain('REGISTRY_CLEANER_RESULT_DELETED=2');
  });

  test('prune: its scheduled job sweeps the project with the rule inputs (dry run)', async () => {
    world = await startReviewWorld('127.0.0.1');
    const include =
      'include:\n  - local: templates/prune.yml\n    inputs:\n      older-than: 1h\n      keep-latest: 0\n      keep: main\n      dry-run: true\n';
    const result = await playJobInImage(include, 'registry-cleaner-prune', ci(world));
    mustSucceed('the sweep job in the image', result);
    expect(tagNames(world, world.root)).toEqual(ROOT_TAGS_BEFORE);
    const report = JSON.parse(
      mustSucceed('report', await inContainer(['cat', 'registry-cleaner-prune-1.json'])).stdout,
    );
    expect(report).toMatchObject({ command: 'prune', dryRun: true, exitCode: 0 });
    expect(report.totals).toMatchObject({ repositories: 2 });
  });
});
