// The Docker image, built from the project's Dockerfile and run with buildah, without a Docker engine:
// NODE_IMAGE is docker.io/library/node:26-alpine, a local stand-in built by support/standin-node-image
// (there is no registry here, so no digest to pin). Needs root, buildah and a static busybox:
// skipped without them, and failed instead under .ci/run (support/system-tools.ts).
//
// `buildah run` ignores the image's entrypoint; the tests put it in front of the command themselves,
// as `docker run` and GitLab Runner do.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { checkoutWithTemplates, expandVariables, resolvedJob } from './support/gitlab-ci-local.ts';
import { baseEnv, mustSucceed, type ProcessResult, run } from './support/process.ts';
import { type ReviewWorld, ROOT_TAGS_BEFORE, startReviewWorld, tagNames } from './support/review-world.ts';
import { BUILDAH, BUSYBOX, GIT, missingSystemTools, ROOT } from './support/system-tools.ts';

const PROJECT_URL = new URL('../../', import.meta.url);
const PROJECT_DIR = fileURLToPath(PROJECT_URL);
const STANDIN_NODE_IMAGE = fileURLToPath(new URL('./support/standin-node-image', import.meta.url));
const VERSION: string = JSON.parse(readFileSync(new URL('package.json', PROJECT_URL), 'utf8')).version;
const NODE_MAJOR = 26;
const NODE_IMAGE = `docker.io/library/node:${NODE_MAJOR}-alpine`;
// Per process: another checkout's test run may build at the same time in the same storage.
const IMAGE = `localhost/registry-cleaner:e2e-${process.pid}`;
const CONTAINER = `registry-cleaner-e2e-${process.pid}`;
const BUILD_TIMEOUT_MS = 10 * 60_000;

/** GitLab Runner's shell detection, the command its Docker executor gives the build container. */
const RUNNER_SHELL_DETECTION = [
  'sh',
  '-c',
  'if [ -x /usr/local/bin/bash ]; then exec /usr/local/bin/bash; elif [ -x /usr/bin/bash ]; then exec /usr/bin/bash; ' +
    'elif [ -x /bin/bash ]; then exec /bin/bash; elif [ -x /usr/local/bin/sh ]; then exec /usr/local/bin/sh; ' +
    'elif [ -x /usr/bin/sh ]; then exec /usr/bin/sh; elif [ -x /bin/sh ]; then exec /bin/sh; ' +
    'elif [ -x /busybox/sh ]; then exec /busybox/sh; else echo shell not found; exit 1; fi',
];

const cannotRun = missingSystemTools('the image tests', [BUILDAH, BUSYBOX, ROOT]);
const cannotRunComponents = cannotRun ?? missingSystemTools('the image tests of the components', [GIT]);

// The vfs driver works everywhere (no overlay mounts inside containers); set through the
// environment because `--storage-driver vfs` listed no images on this machine.
const buildahEnv = () => ({ ...baseEnv(), STORAGE_DRIVER: 'vfs' });

async function buildah(args: readonly string[], timeoutMs = 120_000, input?: string): Promise<ProcessResult> {
  return run('buildah', args, {
    env: buildahEnv(),
    cwd: PROJECT_DIR,
    timeoutMs,
    ...(input === undefined ? {} : { input }),
  });
}

/**
 * Runs a command in the container as the image's user, with only the given variables (and the
 * image's own). chroot isolation makes no network namespace (a server on the host's 127.0.0.1
 * answers from inside without this flag); --network host says so rather than rely on it.
 */
async function inContainer(command: readonly string[], env: Record<string, string> = {}, input?: string) {
  const variables = Object.entries(env).flatMap(([name, value]) => ['--env', `${name}=${value}`]);
  return buildah(
    ['run', '--isolation', 'chroot', '--network', 'host', ...variables, CONTAINER, '--', ...command],
    120_000,
    input,
  );
}

interface ImageConfig {
  User?: string;
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Labels?: Record<string, string>;
}

/** What beforeAll made, for afterAll to remove (and nothing else). */
const made = { image: false, container: false, entrypoint: [] as string[] };

beforeAll(async () => {
  if (cannotRun) return;
  mustSucceed(
    'standin-node-image',
    await run(STANDIN_NODE_IMAGE, [String(NODE_MAJOR)], { env: buildahEnv(), timeoutMs: BUILD_TIMEOUT_MS }),
  );
  made.image = true;
  mustSucceed(
    'buildah bud',
    await buildah(
      [
        ...['bud', '--pull=never', '--isolation', 'chroot'],
        ...['--build-arg', `NODE_IMAGE=${NODE_IMAGE}`, '--build-arg', `VERSION=${VERSION}`, '-t', IMAGE, '.'],
      ],
      BUILD_TIMEOUT_MS,
    ),
  );
  made.container = true;
  mustSucceed('buildah from', await buildah(['from', '--pull=never', '--name', CONTAINER, IMAGE]));
}, BUILD_TIMEOUT_MS * 2);

let inspected: { OCIv1: { config: ImageConfig }; Docker: { config: ImageConfig } } | undefined;

/** buildah keeps the config in both formats and pushes either (--format oci|docker): check both. */
function imageConfigs(): ImageConfig[] {
  return inspected ? [inspected.OCIv1.config, inspected.Docker.config] : [];
}

beforeAll(async () => {
  if (cannotRun) return;
  inspected = JSON.parse(
    mustSucceed('buildah inspect', await buildah(['inspect', '--type', 'image', IMAGE])).stdout,
  );
  made.entrypoint = imageConfigs()[0]?.Entrypoint ?? [];
});

afterAll(async () => {
  // Their results are not checked: after a failed build the failure worth reading is the build's.
  if (made.container) await buildah(['rm', CONTAINER]);
  if (made.image) await buildah(['rmi', IMAGE]);
});

/** `docker run IMAGE args…`: the image's entrypoint with the arguments in place of its command. */
function dockerRun(args: readonly string[], env: Record<string, string> = {}, input?: string) {
  return inContainer([...made.entrypoint, ...args], env, input);
}

let world: ReviewWorld | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await world?.sandbox.close();
  world = undefined;
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** What a GitLab CI job of the review world sees. */
function ciVariables(w: ReviewWorld): Record<string, string> {
  return {
    CI: 'true',
    GITLAB_CI: 'true',
    CI_SERVER_URL: w.sandbox.url,
    CI_API_V4_URL: w.sandbox.apiUrl,
    CI_PROJECT_ID: String(w.project.id),
    CI_PROJECT_PATH: 'Acme/Web-App',
    CI_COMMIT_REF_SLUG: 'feature-login',
    CI_JOB_TOKEN: w.jobToken,
    NO_COLOR: '1',
  };
}

describe.skipIf(cannotRun)('the registry-cleaner image', () => {
  test('has the entrypoint, runs as node, and carries the OCI version and base labels', async () => {
    expect(imageConfigs()).toHaveLength(2);
    for (const config of imageConfigs()) {
      expect(config.Entrypoint).toEqual(['/usr/local/bin/registry-cleaner-entrypoint']);
      expect(config.Cmd).toEqual(['--help']);
      expect(config.User).toBe('node');
      expect(config.Labels?.['org.opencontainers.image.version']).toBe(VERSION);
      expect(config.Labels?.['org.opencontainers.image.base.name']).toBe(NODE_IMAGE);
    }
    expect(mustSucceed('id', await inContainer(['id', '-un'])).stdout.trim()).toBe('node');
    // the image's own files are the user's where they should be: job scripts write reports here
    mustSucceed(
      'write in the home directory',
      await inContainer(['sh', '-c', 'touch report.json && rm report.json']),
    );
  });

  test(`runs Node ${NODE_MAJOR}, without npm, npx, yarn or corepack`, async () => {
    expect(mustSucceed('node --version', await inContainer(['node', '--version'])).stdout).toMatch(
      new RegExp(`^v${NODE_MAJOR}\\.`),
    );
    const found = await inContainer([
      'sh',
      '-c',
      'for c in npm npx yarn yarnpkg corepack; do command -v $c; done; ls -d /usr/local/lib/node_modules /opt/yarn-* 2>/dev/null; true',
    ]);
    expect(mustSucceed('look for package managers', found).stdout.trim()).toBe('');
  });

  test('docker run IMAGE --version, and IMAGE with no arguments: registry-cleaner --version and --help', async () => {
    expect(mustSucceed('docker run IMAGE --version', await dockerRun(['--version'])).stdout.trim()).toBe(
      VERSION,
    );
    const help = mustSucceed('docker run IMAGE', await dockerRun(imageConfigs()[0]?.Cmd ?? []));
    expect(help.stdout).toContain('registry-cleaner <command> [options]');
  });

  test('docker run IMAGE <command> --help works for every command registry-cleaner --help lists', async () => {
    const help = mustSucceed(
      'registry-cleaner --help',
      await inContainer(['registry-cleaner', '--help']),
    ).stdout;
    const commands = [...help.matchAll(/^\s+registry-cleaner ([a-z][a-z-]*)\s/gm)].map((match) => match[1]!);
    expect(commands).toEqual(['delete-tag', 'prune']);
    for (const command of commands) {
      const result = mustSucceed(`docker run IMAGE ${command} --help`, await dockerRun([command, '--help']));
      expect(result.stdout).toContain(`registry-cleaner ${command}`);
    }
  });

  test('docker run IMAGE delete-tag, with only CI_* variables and the job token, deletes exactly <root>:$CI_COMMIT_REF_SLUG', async () => {
    world = await startReviewWorld('127.0.0.1');
    const result = mustSucceed(
      'docker run IMAGE delete-tag',
      await dockerRun(['delete-tag'], ciVariables(world)),
    );
    expect(result.stdout).toMatch(/deleted\s+acme\/web-app:feature-login/);
    expect(tagNames(world, world.root)).toEqual(ROOT_TAGS_BEFORE.filter((tag) => tag !== 'feature-login'));
    expect(tagNames(world, world.api)).toEqual(['feature-login', 'main']);
    const deletes = world.sandbox.requests.filter((request) => request.operation === 'deleteTag');
    expect(deletes.map((request) => `${request.auth} ${request.status}`)).toEqual(['job 200']);
  });

  test('docker run IMAGE registry-cleaner prune --dry-run: the command as given, through the registry, nothing deleted', async () => {
    world = await startReviewWorld('127.0.0.1', { registryListener: true });
    const result = mustSucceed(
      'docker run IMAGE registry-cleaner prune',
      await dockerRun(['registry-cleaner', 'prune', '--older-than', '1h', '--dry-run'], {
        ...ciVariables(world),
        REGISTRY_CLEANER_REGISTRY_URL: world.sandbox.registryUrl!,
      }),
    );
    expect(result.stdout).toContain('dry run');
    expect(result.stdout).toContain("read via the registry's API");
    expect(tagNames(world, world.root)).toEqual(ROOT_TAGS_BEFORE);
    expect(world.sandbox.requests.filter((request) => request.operation === 'deleteTag')).toEqual([]);
  });

  test("GitLab Runner without an entrypoint override: its shell detection gets a shell, which runs the job's script", async () => {
    const script = 'set -e\nid -un\nregistry-cleaner --version\necho "shell: $0"\n';
    const result = mustSucceed('runner shell', await dockerRun(RUNNER_SHELL_DETECTION, {}, script));
    expect(result.stdout.split('\n').filter(Boolean)).toEqual(['node', VERSION, 'shell: /bin/sh']);
  });
});

/**
 * Plays a component's job in the image as GitLab Runner would with the components'
 * `entrypoint: [""]`: its variables (expanded from the CI ones), then its script through the
 * image's shell, stopping at the first failing line.
 */
async function playJobInImage(include: string, job: string, ci: Record<string, string>) {
  const repo = await checkoutWithTemplates(cleanups, { branch: 'feature/Login' });
  writeFileSync(join(repo.dir, '.gitlab-ci.yml'), include);
  const resolved = await resolvedJob(repo, job);
  const env = { ...ci, ...expandVariables(resolved.variables, ci) };
  return inContainer(['sh', '-ec', resolved.script.join('\n')], env);
}

describe.skipIf(cannotRunComponents)('the components, run in the image', () => {
  const ci = (w: ReviewWorld) => ({ ...ciVariables(w), CI_NODE_TOTAL: '1' });

  test('delete-tag-on-stop: its stop job deletes the tag and writes its report files', async () => {
    world = await startReviewWorld('127.0.0.1');
    const include =
      'include:\n  - local: templates/delete-tag-on-stop.yml\n    inputs:\n      repositories: ". api"\n';
    // GitLab sets CI_JOB_MANUAL for the manual stop job
    const result = await playJobInImage(include, 'stop-review', { ...ci(world), CI_JOB_MANUAL: 'true' });
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
    world = await startReviewWorld('127.0.0.1', { registryListener: true });
    const include =
      'include:\n  - local: templates/prune.yml\n    inputs:\n      older-than: 1h\n      keep-latest: 0\n      keep: main\n      dry-run: true\n';
    const result = await playJobInImage(include, 'registry-cleaner-prune', {
      ...ci(world),
      CI_NODE_INDEX: '1',
      REGISTRY_CLEANER_REGISTRY_URL: world.sandbox.registryUrl!,
    });
    mustSucceed('the sweep job in the image', result);
    expect(tagNames(world, world.root)).toEqual(ROOT_TAGS_BEFORE);
    const report = JSON.parse(
      mustSucceed('report', await inContainer(['cat', 'registry-cleaner-prune-1.json'])).stdout,
    );
    expect(report).toMatchObject({ command: 'prune', dryRun: true, exitCode: 0 });
    expect(report.totals).toMatchObject({ repositories: 2 });
    expect(report.repositories.map((entry: { via: string }) => entry.via)).toEqual(['registry', 'registry']);
    mustSucceed(
      'per-shard files',
      await inContainer(['ls', 'registry-cleaner-prune-1.env', 'registry-cleaner-junit-1.xml']),
    );
  });
});
