// Deployed images are safe, end to end: the bundle against the sandbox, asserting on what is left
// in the registry. prune keeps what every available or stopping environment runs (its last
// deployments, by the tag templates); the stop job keeps what another available environment runs;
// a project whose environments cannot be read loses nothing.

import { afterEach, describe, expect, test } from 'vitest';
import type { Project, Repository } from '../sandbox/index.ts';
import { type Sandbox, SandboxState, startSandbox } from '../sandbox/index.ts';
import { runCli } from './cli.ts';

const DAY = 86_400_000;
const sha = (prefix: string) => prefix.padEnd(40, '0');
const PRODUCTION = sha('a1b2c3d4');
const PRODUCTION_BEFORE = sha('b1b2c3d4');
const STAGING = sha('c1c2c3d4');
const REVIEW = sha('d1d2d3d4');
const STOPPED = sha('e1e2e3e4');
const STOPPING = sha('f1f2f3f4');

/** Every tag of the root repository, all pushed 90 days ago: old enough for --older-than 14d. */
const ROOT_TAGS = [
  'latest',
  'main', // production's ref slug
  'a1b2c3d4', // production's short SHA
  'main-a1b2c3d4', // both
  'b1b2c3d4', // production's previous deployment: a rollback
  'v1.2.0', // staging deployed the git tag v1.2.0
  'v1-2-0', // its slug
  'feature-x', // review/feature-x, deployed through the API (no job: tag or not, unknown)
  'd1d2d3d4',
  'feature-old', // review/old is stopped: it runs nothing
  'e1e2e3e4',
  'fix-closing', // review/closing is stopping: its stop job has not finished
  'f1f2f3f4',
  'web-a1b2c3d4', // a convention the defaults do not know
  'nightly',
];

const sandboxes: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

interface World {
  sandbox: Sandbox;
  project: Project;
  root: Repository;
  api: Repository;
  /** another project of the same sweep, without environments */
  other: Repository;
  personalToken: string;
  jobToken: string;
}

async function world(): Promise<World> {
  const state = new SandboxState();
  const now = Date.now();
  const ago = (days: number) => new Date(now - days * DAY);
  const developer = state.addUser('dev');
  const project = state.addProject('Acme/Web-App');
  const otherProject = state.addProject('Acme/Other');
  for (const p of [project, otherProject]) state.addMember(p, developer, 'developer');
  const root = state.addRepository(project);
  for (const name of ROOT_TAGS) state.pushTag(root, name, { at: ago(90) });
  const api = state.addRepository(project, 'api');
  for (const name of ['main', 'a1b2c3d4', 'feature-old']) state.pushTag(api, name, { at: ago(90) });
  const other = state.addRepository(otherProject);
  for (const name of ['main', 'old']) state.pushTag(other, name, { at: ago(90) });

  const production = state.addEnvironment(project, 'production', { tier: 'production' });
  state.addDeployment(production, { ref: 'main', sha: PRODUCTION_BEFORE, finishedAt: ago(80) });
  state.addDeployment(production, { ref: 'main', sha: PRODUCTION, finishedAt: ago(70) });
  state.addDeployment(production, { ref: 'main', sha: sha('99'), status: 'failed', finishedAt: ago(1) });
  const staging = state.addEnvironment(project, 'staging', { tier: 'staging' });
  state.addDeployment(staging, { ref: 'v1.2.0', sha: STAGING, tag: true, finishedAt: ago(60) });
  const review = state.addEnvironment(project, 'review/feature-x');
  state.addDeployment(review, { ref: 'feature/x', sha: REVIEW, viaApi: true, finishedAt: ago(40) });
  const stopped = state.addEnvironment(project, 'review/old', { state: 'stopped' });
  state.addDeployment(stopped, { ref: 'feature/old', sha: STOPPED, finishedAt: ago(50) });
  const stopping = state.addEnvironment(project, 'review/closing', { state: 'stopping' });
  state.addDeployment(stopping, { ref: 'fix/closing', sha: STOPPING, finishedAt: ago(30) });

  const sandbox = await startSandbox({ state });
  sandboxes.push(sandbox);
  return {
    sandbox,
    project,
    root,
    api,
    other,
    personalToken: state.addPersonalToken(developer),
    jobToken: state.addJobToken(developer, project),
  };
}

const names = (w: World, repository: Repository) =>
  w.sandbox.state
    .tags(repository)
    .map((t) => t.name)
    .sort();
const without = (all: readonly string[], gone: readonly string[]) =>
  all.filter((n) => !gone.includes(n)).sort();

function pruneEnv(w: World, token: Record<string, string>): Record<string, string> {
  return { CI_API_V4_URL: w.sandbox.apiUrl, NO_COLOR: '1', ...token };
}

async function prune(w: World, flags: string[], token?: Record<string, string>) {
  const env = pruneEnv(w, token ?? { REGISTRY_CLEANER_TOKEN: w.personalToken });
  return runCli(['prune', '--project', 'Acme/Web-App', '--older-than', '14d', ...flags], env);
}

interface PruneReport {
  exitCode: number;
  repositories: {
    repository: { path: string };
    status: string;
    error?: string;
    tags: { name: string; action: string; rule: string; because: string }[];
  }[];
}

describe('prune keeps what environments run', () => {
  test('the default templates: each available or stopping environment’s last deployment, whatever its age', async () => {
    const w = await world();
    const result = await prune(w, ['--output', 'json']);
    expect(result.code).toBe(0);
    expect(names(w, w.root)).toEqual(
      without(ROOT_TAGS, ['b1b2c3d4', 'feature-old', 'e1e2e3e4', 'web-a1b2c3d4', 'nightly']),
    );
    expect(names(w, w.api)).toEqual(['a1b2c3d4', 'main']);
    const report = JSON.parse(result.stdout) as PruneReport;
    const rootTags = report.repositories.find((r) => r.repository.path === 'acme/web-app')?.tags ?? [];
    const why = (name: string) => rootTags.find((t) => t.name === name);
    expect(why('main')).toMatchObject({
      action: 'keep',
      rule: 'deployed',
      because: 'deployed to production (ref main, sha a1b2c3d4)',
    });
    expect(why('v1.2.0')?.because).toBe('deployed to staging (ref v1.2.0, sha c1c2c3d4)');
    expect(why('fix-closing')?.because).toBe('deployed to review/closing (ref fix/closing, sha f1f2f3f4)');
    expect(why('latest')?.rule).toBe('latest');
  });

  test('the text report shows every deployed tag and where it runs, even without --verbose', async () => {
    const w = await world();
    const result = await prune(w, ['--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/keep\s+main\s.*deployed to production \(ref main, sha a1b2c3d4\)/);
    expect(result.stdout).toMatch(/keep\s+feature-x\s.*deployed to review\/feature-x/);
  });

  test('--keep-deployments 2 also keeps what a rollback of each environment needs', async () => {
    const w = await world();
    const result = await prune(w, ['--keep-deployments', '2', '--output', 'json']);
    expect(result.code).toBe(0);
    expect(names(w, w.root)).toEqual(
      without(ROOT_TAGS, ['feature-old', 'e1e2e3e4', 'web-a1b2c3d4', 'nightly']),
    );
    const report = JSON.parse(result.stdout) as PruneReport;
    expect(report.repositories[0]?.tags.find((t) => t.name === 'b1b2c3d4')?.because).toBe(
      'deployed to production 1 deployment before its last, kept for rollbacks (ref main, sha b1b2c3d4)',
    );
  });

  test('--deployed-tag replaces the defaults: only that convention is protected', async () => {
    const w = await world();
    const result = await prune(w, ['--deployed-tag', 'web-$CI_COMMIT_SHORT_SHA']);
    expect(result.code).toBe(0);
    expect(names(w, w.root)).toEqual(['latest', 'web-a1b2c3d4']);
  });

  test('--allow-deleting-deployed-images: the rules alone decide, and no environment is read', async () => {
    const w = await world();
    const result = await prune(w, ['--allow-deleting-deployed-images']);
    expect(result.code).toBe(0);
    expect(names(w, w.root)).toEqual(['latest']);
    expect(w.sandbox.requests.filter((r) => /Environment|Deployment/.test(r.operation))).toEqual([]);
  });

  test('a CI job token reads its own project’s environments', async () => {
    const w = await world();
    const result = await prune(w, ['--accept-ages', 'first-push'], { CI_JOB_TOKEN: w.jobToken, CI: 'true' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(names(w, w.root)).toEqual(
      without(ROOT_TAGS, ['b1b2c3d4', 'feature-old', 'e1e2e3e4', 'web-a1b2c3d4', 'nightly']),
    );
    const reads = w.sandbox.requests.filter((r) => /Environment|Deployment/.test(r.operation));
    // available and stopping environments, one page of newest deployments (the last: settles all)
    expect(reads.map((r) => `${r.operation} ${r.auth} ${r.authHeader} ${r.status}`).sort()).toEqual([
      'listDeployments job JOB-TOKEN 200',
      'listEnvironments job JOB-TOKEN 200',
      'listEnvironments job JOB-TOKEN 200',
    ]);
  });
});

describe('fail closed: environments that cannot be read protect everything of their project', () => {
  test('403 (Environments turned off): the project loses nothing, the others are swept, exit 1', async () => {
    const w = await world();
    w.sandbox.state.disableEnvironments(w.project);
    const before = names(w, w.root);
    const result = await prune(w, ['--project', 'Acme/Other', '--output', 'json']);
    expect(result.code).toBe(1);
    expect(names(w, w.root)).toEqual(before);
    expect(names(w, w.api)).toEqual(['a1b2c3d4', 'feature-old', 'main']);
    expect(names(w, w.other)).toEqual([]);
    const report = JSON.parse(result.stdout) as PruneReport;
    const refused = report.repositories.filter((r) => r.repository.path.startsWith('acme/web-app'));
    expect(refused.map((r) => r.status)).toEqual(['unreadable', 'unreadable']);
    expect(refused[0]?.error).toMatch(
      /^cannot tell which tags the environments of project \d+ run, so nothing there was deleted: GitLab refused to list its (available|stopping) environments \(403 Forbidden\);.*--allow-deleting-deployed-images$/,
    );
    expect(
      w.sandbox.requests.some((r) => r.operation === 'deleteTag' && r.path.includes(`/${w.root.id}/`)),
    ).toBe(false);
  });

  test('404 (an environment deleted while it was read): nothing of the project is deleted, exit 1', async () => {
    const state = new SandboxState();
    const developer = state.addUser('dev');
    const project = state.addProject('Acme/Solo');
    state.addMember(project, developer, 'developer');
    const root = state.addRepository(project);
    for (const name of ['main', 'old']) state.pushTag(root, name, { at: new Date(Date.now() - 90 * DAY) });
    const production = state.addEnvironment(project, 'production');
    state.addDeployment(production, { ref: 'main', sha: PRODUCTION });
    const sandbox = await startSandbox({ state });
    sandboxes.push(sandbox);
    sandbox.intercept((request, current) => {
      if (request.operation === 'getEnvironment') current.deployments.removeEnvironment(production);
      return undefined;
    });
    const result = await runCli(['prune', '--project', 'Acme/Solo', '--older-than', '14d'], {
      CI_API_V4_URL: sandbox.apiUrl,
      NO_COLOR: '1',
      REGISTRY_CLEANER_TOKEN: state.addPersonalToken(developer),
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/GitLab refused to read its environment production \(404 Not found\)/);
    expect(
      state
        .tags(root)
        .map((t) => t.name)
        .sort(),
    ).toEqual(['main', 'old']);
  });

  test('GitLab unreachable while reading deployments: the run stops, nothing is deleted, exit 1', async () => {
    const w = await world();
    const before = names(w, w.root);
    w.sandbox.intercept((request) =>
      request.operation === 'listDeployments' ? { kind: 'reset' } : undefined,
    );
    const result = await prune(w, ['--retries', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot reach GitLab/);
    expect(names(w, w.root)).toEqual(before);
    const deletes = w.sandbox.requests.filter(
      (r) => r.operation === 'deleteTag' || r.graphqlFields?.some((field) => field.startsWith('destroy')),
    );
    expect(deletes).toEqual([]);
  });
});

describe('the stop job keeps what another available environment runs', () => {
  function stopJobEnv(w: World, slug: string, environment: string): Record<string, string> {
    return {
      CI: 'true',
      CI_API_V4_URL: w.sandbox.apiUrl,
      CI_PROJECT_ID: String(w.project.id),
      CI_COMMIT_REF_SLUG: slug,
      CI_ENVIRONMENT_NAME: environment,
      CI_JOB_TOKEN: w.jobToken,
      NO_COLOR: '1',
    };
  }

  test('a review app of main stops while production runs main: kept, named, exit 0', async () => {
    const w = await world();
    const reviewMain = w.sandbox.state.addEnvironment(w.project, 'review/main', { state: 'stopping' });
    w.sandbox.state.addDeployment(reviewMain, { ref: 'main', sha: PRODUCTION });
    const env = stopJobEnv(w, 'main', 'review/main');
    const result = await runCli(['delete-tag', '--output', 'json'], env);
    expect(result.code).toBe(0);
    expect(names(w, w.root)).toContain('main');
    const report = JSON.parse(result.stdout) as {
      results: unknown[];
      kept: { repository: string; tag: string; environment: string; because: string }[];
    };
    expect(report.results).toEqual([]);
    expect(report.kept).toEqual([
      {
        repository: 'acme/web-app',
        repositoryId: w.root.id,
        tag: 'main',
        location: expect.stringMatching(/\/acme\/web-app:main$/),
        environment: 'production',
        because: 'deployed to production (ref main, sha a1b2c3d4)',
      },
    ]);
    // the repository list, the available environments, one page of newest deployments: no DELETE
    expect(w.sandbox.requests.map((r) => `${r.operation} ${r.auth}`)).toEqual([
      'listRepositories job',
      'listEnvironments job',
      'listDeployments job',
    ]);
    const text = await runCli(['delete-tag'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /kept\s+acme\/web-app:main\s+deployed to production \(ref main, sha a1b2c3d4\)/,
    );
    expect(text.stdout).toMatch(/✔ nothing to delete: 1 kept \(deployed to production\)/);
  });

  test('--allow-deleting-deployed-images deletes it anyway, reading no environment', async () => {
    const w = await world();
    const result = await runCli(
      ['delete-tag', '--allow-deleting-deployed-images'],
      stopJobEnv(w, 'main', 'review/main'),
    );
    expect(result.code).toBe(0);
    expect(names(w, w.root)).not.toContain('main');
    expect(w.sandbox.requests.map((r) => r.operation)).toEqual(['listRepositories', 'deleteTag']);
  });

  test('the environment being stopped protects nothing: its own review image goes', async () => {
    const w = await world();
    const result = await runCli(['delete-tag'], stopJobEnv(w, 'feature-x', 'review/feature-x'));
    expect(result.code).toBe(0);
    expect(names(w, w.root)).not.toContain('feature-x');
    expect(result.stdout).toMatch(/1 deleted/);
  });

  test('environments that cannot be read: nothing deleted, exit 1, the way out named', async () => {
    const w = await world();
    w.sandbox.state.disableEnvironments(w.project);
    const result = await runCli(['delete-tag'], stopJobEnv(w, 'feature-x', 'review/feature-x'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/403 Forbidden.*--allow-deleting-deployed-images/);
    expect(names(w, w.root)).toContain('feature-x');
    expect(w.sandbox.requests.some((r) => r.operation === 'deleteTag')).toBe(false);
  });
});
