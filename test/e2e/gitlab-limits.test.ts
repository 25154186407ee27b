// What real GitLab does that a kind model would not, end to end: its REST lookup of one tag, and
// its registry's errors turned into empty lists. Each run is the real bundle against the sandbox,
// judged by the sandbox's final state and the exit code.

import { afterEach, describe, expect, test } from 'vitest';
import { type Sandbox, SandboxState, startSandbox } from '../sandbox/index.ts';
import { runCli } from './cli.ts';

const sandboxes: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

/** Acme/Web-App whose root image has `main` behind 120 `<sha>-main` tags, and who may delete. */
async function shaTaggedWorld() {
  const state = new SandboxState();
  const developer = state.addUser('dev');
  const project = state.addProject('Acme/Web-App');
  state.addMember(project, developer, 'developer');
  const root = state.addRepository(project);
  state.pushTag(root, 'main');
  for (let i = 0; i < 120; i++) state.pushTag(root, `${i.toString(16).padStart(8, '0')}-main`);
  const sandbox = await startSandbox({ state });
  sandboxes.push(sandbox);
  const env = (token: Record<string, string>) => ({
    CI_API_V4_URL: sandbox.apiUrl,
    CI_PROJECT_ID: String(project.id),
    CI_PROJECT_PATH: project.fullPath,
    NO_COLOR: '1',
    ...token,
  });
  return {
    sandbox,
    root,
    has: (name: string) => state.findTag(root, name) !== undefined,
    jobEnv: env({ CI_JOB_TOKEN: state.addJobToken(developer, project) }),
    patEnv: env({ REGISTRY_CLEANER_TOKEN: state.addPersonalToken(developer) }),
  };
}

describe("GitLab's REST lookup of one tag (the first 100 names containing it)", () => {
  test('stop job with a job token: the tag is failed with the real cause, exit 1 (not 3, not "needs Developer")', async () => {
    const w = await shaTaggedWorld();
    const result = await runCli(['delete-tag', '--tag', 'main'], w.jobEnv);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/failed\s+acme\/web-app:main\s+GitLab answers 403 for a tag it lists/);
    expect(result.stdout + result.stderr).not.toMatch(/Developer role/);
    expect(w.has('main')).toBe(true);
  });

  test('stop job with a personal access token: deleted through GraphQL, exactly that tag', async () => {
    const w = await shaTaggedWorld();
    const result = await runCli(['delete-tag', '--tag', 'main'], w.patEnv);
    expect(result.code).toBe(0);
    expect(w.has('main')).toBe(false);
    expect(w.sandbox.state.tags(w.root)).toHaveLength(120);
  });
});

describe("the registry's errors, which GitLab lists as empty", () => {
  test('prune: a repository listed empty while GitLab counts tags is unreadable (exit 1), nothing deleted', async () => {
    const w = await shaTaggedWorld();
    const repair = w.sandbox.state.breakRegistry(w.root, 'gitlab-api');
    const result = await runCli(['prune', '--older-than', '1m', '--output', 'json'], w.patEnv);
    repair();
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.repositories[0]).toMatchObject({ status: 'unreadable' });
    expect(report.repositories[0].error).toMatch(/listed no tags in acme\/web-app but counts 121/);
    expect(w.sandbox.state.tags(w.root)).toHaveLength(121);
  });

  test('stop job: a tag GitLab cannot look up during the outage is not called "already gone"', async () => {
    const w = await shaTaggedWorld();
    const repair = w.sandbox.state.breakRegistry(w.root, 'gitlab-api');
    const result = await runCli(['delete-tag', '--tag', 'main', '--output', 'json'], w.jobEnv);
    repair();
    const report = JSON.parse(result.stdout);
    expect(report.results[0].outcome).not.toBe('absent');
    expect(result.code).not.toBe(0);
    expect(w.has('main')).toBe(true);
  });
});

describe("GitLab's GraphQL request timeout on a slow registry", () => {
  test('prune: deletions sized to the registry; names a request timed out on are read, then sent again', async () => {
    const state = new SandboxState();
    const developer = state.addUser('dev');
    const project = state.addProject('Acme/Slow');
    state.addMember(project, developer, 'developer');
    const root = state.addRepository(project);
    const old = new Date(Date.now() - 30 * 86_400_000);
    for (let i = 0; i < 60; i++) state.pushTag(root, `build-${String(i).padStart(3, '0')}`, { at: old });
    state.pushTag(root, 'latest');
    // 60 ms a name at the registry, and GitLab stops GraphQL requests at 500 ms: 20 names never fit.
    const sandbox = await startSandbox({ state, registryDeleteLatencyMs: 60, graphqlTimeoutMs: 500 });
    sandboxes.push(sandbox);
    const result = await runCli(
      ['prune', '--project', project.fullPath, '--older-than', '7d', '--output', 'json'],
      {
        CI_API_V4_URL: sandbox.apiUrl,
        REGISTRY_CLEANER_TOKEN: state.addPersonalToken(developer),
      },
    );
    expect(result.code).toBe(0);
    expect(state.tags(root).map((tag) => tag.name)).toEqual(['latest']);
    const report = JSON.parse(result.stdout);
    expect(report.totals).toMatchObject({ deleted: 60, failed: 0 });
    // No name went over REST one by one: every timed-out request got some done, then got smaller.
    expect(sandbox.requests.filter((r) => r.operation === 'deleteTag')).toEqual([]);
  });
});
