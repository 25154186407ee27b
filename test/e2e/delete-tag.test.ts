// The stop job end to end: the bundle against the sandbox GitLab, over real sockets.

import { afterEach, describe, expect, test } from 'vitest';
import type { Project, Repository } from '../sandbox/index.ts';
import { type Sandbox, SandboxState, startSandbox } from '../sandbox/index.ts';
import { runCli } from './cli.ts';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

interface StopJobWorld {
  sandbox: Sandbox;
  project: Project;
  root: Repository;
  jobToken: string;
  env: Record<string, string>;
}

/** Acme/Web-App with 250 repositories; the root one is created 211th, so it is on page 3 of 100. */
async function stopJobWorld(options: Parameters<typeof startSandbox>[0] = {}): Promise<StopJobWorld> {
  const state = new SandboxState();
  const developer = state.addUser('dev');
  const project = state.addProject('Acme/Web-App');
  state.addMember(project, developer, 'developer');
  let root: Repository | undefined;
  for (let i = 0; i < 250; i++) {
    const repository = i === 210 ? state.addRepository(project) : state.addRepository(project, `svc-${i}`);
    if (i === 210) root = repository;
    state.pushTag(repository, 'main');
  }
  const rootRepo = root as Repository;
  const image = state.pushTag(rootRepo, 'feature-login');
  state.pushTag(rootRepo, 'feature-login-alias', { digest: image.digest });
  state.pushTag(state.repositories(project)[0] as Repository, 'feature-login');
  const jobToken = state.addJobToken(developer, project);
  sandbox = await startSandbox({ state, prefix: '/gitlab', ...options });
  const env = {
    CI: 'true',
    GITLAB_CI: 'true',
    CI_SERVER_URL: sandbox.url,
    CI_API_V4_URL: sandbox.apiUrl,
    CI_PROJECT_ID: String(project.id),
    CI_PROJECT_PATH: 'Acme/Web-App',
    CI_COMMIT_REF_SLUG: 'feature-login',
    CI_JOB_TOKEN: jobToken,
    NO_COLOR: '1',
  };
  return { sandbox, project, root: rootRepo, jobToken, env };
}

const names = (s: Sandbox, repository: Repository) => s.state.tags(repository).map((t) => t.name);

describe('delete-tag in a stop job', () => {
  test('deletes exactly <root>:$CI_COMMIT_REF_SLUG with only CI_* variables and the job token: 3 list pages, the environments, then one DELETE', async () => {
    const world = await stopJobWorld();
    const firstSubRepository = world.sandbox.state.repositories(world.project)[0] as Repository;
    const result = await runCli(['delete-tag'], world.env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(names(world.sandbox, world.root)).toEqual(['feature-login-alias', 'main']);
    // the same tag name in another repository is not the target
    expect(names(world.sandbox, firstSubRepository)).toContain('feature-login');
    expect(result.stdout).toMatch(/deleted\s+acme\/web-app:feature-login/);
    expect(result.stdout).toMatch(/1 deleted/);
    // pages 1-3 of the repository list (250 repositories), the available environments (none:
    // nothing else runs an image), then one DELETE
    expect(world.sandbox.requests.map((r) => `${r.operation} ${r.auth} ${r.authHeader} ${r.status}`)).toEqual(
      [
        'listRepositories job JOB-TOKEN 200',
        'listRepositories job JOB-TOKEN 200',
        'listRepositories job JOB-TOKEN 200',
        'listEnvironments job JOB-TOKEN 200',
        'deleteTag job JOB-TOKEN 200',
      ],
    );
  });

  test('a second run exits 0, deletes nothing and says so', async () => {
    const world = await stopJobWorld();
    expect((await runCli(['delete-tag'], world.env)).code).toBe(0);
    const before = world.sandbox.state.repositories(world.project).map((r) => names(world.sandbox, r).length);
    const second = await runCli(['delete-tag'], world.env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/nothing to delete/);
    expect(second.stdout).toMatch(/already gone\s+acme\/web-app:feature-login/);
    expect(
      world.sandbox.state.repositories(world.project).map((r) => names(world.sandbox, r).length),
    ).toEqual(before);
  });

  test('no token: exit 2, one line, zero requests', async () => {
    const world = await stopJobWorld();
    const { CI_JOB_TOKEN: _, ...env } = world.env;
    const result = await runCli(['delete-tag'], env);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/no token/);
    expect(world.sandbox.requests).toEqual([]);
  });

  test('a bad token: exit 3, and the token is never printed', async () => {
    const world = await stopJobWorld();
    const badToken = 'glpat-this-is-not-a-valid-token-0123';
    const result = await runCli(['delete-tag', '--verbose'], {
      ...world.env,
      REGISTRY_CLEANER_TOKEN: badToken,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/401/);
    expect(`${result.stdout}${result.stderr}`).not.toContain(badToken);
    expect(`${result.stdout}${result.stderr}`).not.toContain(world.jobToken);
    expect(names(world.sandbox, world.root)).toContain('feature-login');
  });

  test('a protected tag asked for by name: exit 1 with the word protected', async () => {
    const world = await stopJobWorld();
    world.sandbox.state.addProtectionRule(world.project, {
      pattern: '^feature-',
      minimumAccessLevelForDelete: 'maintainer',
    });
    const result = await runCli(['delete-tag'], world.env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/protected\s+acme\/web-app:feature-login/);
    expect(names(world.sandbox, world.root)).toContain('feature-login');
  });

  test('--output json prints one report on stdout', async () => {
    const world = await stopJobWorld();
    const result = await runCli(['delete-tag', '--output', 'json'], world.env);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      version: 1,
      command: 'delete-tag',
      dryRun: false,
      exitCode: 0,
      tags: ['feature-login'],
      totals: { deleted: 1, absent: 0, failed: 0 },
      results: [{ repository: 'acme/web-app', tag: 'feature-login', outcome: 'deleted', httpStatus: 200 }],
      kept: [],
      requests: { total: 5 },
    });
  });
});
