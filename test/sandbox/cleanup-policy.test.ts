import { afterEach, describe, expect, it } from 'vitest';
import { runCleanupPolicy } from './cleanup.ts';
import { buildTeam, FIXED_NOW, withToken } from './fixtures.ts';
import { startSandbox } from './server.ts';
import type { Sandbox } from './types.ts';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('container_expiration_policy on GET /projects/:id', () => {
  it('is absent without a policy row and mirrors the policy once set', async () => {
    const team = buildTeam();
    sandbox = await startSandbox({ state: team.state });
    const url = `${sandbox.apiUrl}/projects/${team.project.id}`;
    const without = (await (await fetch(url, withToken(team.tokens.reporter))).json()) as Record<
      string,
      unknown
    >;
    expect(without).not.toHaveProperty('container_expiration_policy');

    team.state.setCleanupPolicy(team.project, {
      enabled: true,
      cadence: '7d',
      keepN: 5,
      olderThan: '14d',
      nameRegex: '.*',
      nameRegexKeep: '^v\\d+\\.\\d+\\.\\d+$',
    });
    const withPolicy = (await (await fetch(url, withToken(team.tokens.reporter))).json()) as Record<
      string,
      unknown
    >;
    expect(withPolicy.container_expiration_policy).toEqual({
      cadence: '7d',
      enabled: true,
      keep_n: 5,
      older_than: '14d',
      name_regex: '.*',
      name_regex_keep: '^v\\d+\\.\\d+\\.\\d+$',
      next_run_at: new Date(FIXED_NOW.getTime() + 7 * 86_400_000).toISOString(),
    });

    team.state.setCleanupPolicy(team.project, { enabled: false });
    const disabled = (await (await fetch(url, withToken(team.tokens.reporter))).json()) as {
      container_expiration_policy: { enabled: boolean; next_run_at: string | null };
    };
    expect(disabled.container_expiration_policy).toMatchObject({ enabled: false, next_run_at: null });
  });

  it('is shown only to a signed-in request (with permissions), never to a job token, which GitLab ignores here', async () => {
    const team = buildTeam();
    const publicProject = team.state.addProject('acme/public', { visibility: 'public' });
    team.state.addMember(publicProject, team.users.developer, 'developer');
    team.state.setCleanupPolicy(publicProject, { enabled: true });
    team.state.setCleanupPolicy(team.project, { enabled: true });
    const jobToken = team.state.addJobToken(team.users.developer, publicProject);
    const privateJobToken = team.state.addJobToken(team.users.developer, team.project);
    sandbox = await startSandbox({ state: team.state });
    const url = (id: number) => `${sandbox?.apiUrl}/projects/${id}`;

    const signedIn = (await (
      await fetch(url(publicProject.id), withToken(team.tokens.developer))
    ).json()) as Record<string, unknown>;
    expect(signedIn).toHaveProperty('container_expiration_policy');
    expect(signedIn.permissions).toEqual({
      project_access: { access_level: 30, notification_level: 3 },
      group_access: null,
    });

    // lib/api/projects.rb: GET /projects/:id has no job_token_allowed, so the token is ignored:
    // a public project is shown as to anyone (Entities::ProjectDetails), a private one is 404.
    const asJob = await fetch(url(publicProject.id), { headers: { 'JOB-TOKEN': jobToken } });
    expect(asJob.status).toBe(200);
    const anonymous = (await asJob.json()) as Record<string, unknown>;
    expect(anonymous).toMatchObject({ id: publicProject.id, path_with_namespace: 'acme/public' });
    expect(anonymous).not.toHaveProperty('container_expiration_policy');
    expect(anonymous).not.toHaveProperty('permissions');
    const privateAsJob = await fetch(url(team.project.id), { headers: { 'JOB-TOKEN': privateJobToken } });
    expect(privateAsJob.status).toBe(404);
  });

  it("accepts only GitLab's values", () => {
    const team = buildTeam();
    expect(() => team.state.setCleanupPolicy(team.project, { olderThan: '3d' as never })).toThrow(
      /older_than/,
    );
    expect(() => team.state.setCleanupPolicy(team.project, { keepN: 7 as never })).toThrow(/keep_n/);
    expect(() => team.state.setCleanupPolicy(team.project, { cadence: '2d' as never })).toThrow(/cadence/);
    expect(() => team.state.setCleanupPolicy(team.project, { enabled: true, nameRegex: '(?=x)' })).toThrow(
      /RE2/,
    );
    expect(team.state.setCleanupPolicy(team.project, { olderThan: '60d' })?.olderThan).toBe('60d');
  });

  it("runs as GitLab's scheduled cleanup: the documentation's worked example; nothing when disabled or invalid", () => {
    // doc/user/packages/container_registry/reduce_container_registry_storage.md, "Example cleanup policy workflow"
    const team = buildTeam();
    const ago = (days: number) => new Date(FIXED_NOW.getTime() - days * 86_400_000);
    for (const [name, days] of [
      ['latest', 2 / 24],
      ['production-v44', 3],
      ['production-v43', 6],
      ['production-v42', 11],
      ['dev-v44', 2],
      ['dev-v43', 5],
      ['dev-v42', 10],
      ['v44', 1],
      ['v43', 12],
      ['v42', 20],
    ] as const)
      team.state.pushTag(team.repository, name, { at: ago(days) });
    const example = { keepN: 1, olderThan: '7d', nameRegex: '.*', nameRegexKeep: 'production-.*' } as const;

    team.state.setCleanupPolicy(team.project, { ...example, enabled: false });
    expect(runCleanupPolicy(team.state, 'metadata', team.project)).toEqual([]);
    team.state.setCleanupPolicy(team.project, { ...example, enabled: true, nameRegex: '' });
    expect(runCleanupPolicy(team.state, 'metadata', team.project)).toEqual([]);
    expect(team.state.cleanupPolicies.get(team.project)?.enabled).toBe(false);

    team.state.setCleanupPolicy(team.project, { ...example, enabled: true });
    expect(runCleanupPolicy(team.state, 'metadata', team.project).sort()).toEqual(
      ['dev-v42', 'v42', 'v43'].map((tag) => `${team.repository.path}:${tag}`),
    );
  });
});
