import { afterEach, describe, expect, it } from 'vitest';
import { seedExample } from './example.ts';
import { buildTeam, withToken } from './fixtures.ts';
import { startSandbox } from './server.ts';
import type { Sandbox } from './types.ts';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('projects, branches, merge requests, groups', () => {
  it('GET /projects/:id returns the GitLab-shaped project', async () => {
    const team = buildTeam();
    sandbox = await startSandbox({ state: team.state });
    const project = await (
      await fetch(`${sandbox.apiUrl}/projects/Acme%2FWeb-App`, withToken(team.tokens.guest))
    ).json();
    expect(project).toMatchObject({
      id: team.project.id,
      name: 'Web-App',
      path: 'Web-App',
      path_with_namespace: 'Acme/Web-App',
      default_branch: 'main',
      visibility: 'private',
      web_url: 'https://gitlab.example.com/Acme/Web-App',
    });
  });

  it('lists branches by name with `merged`, `default`, `protected`; Reporter+ on private projects', async () => {
    const team = buildTeam();
    team.state.addBranch(team.project, 'feature/b');
    team.state.addBranch(team.project, 'feature/a');
    team.state.addBranch(team.project, 'gone');
    team.state.deleteBranch(team.project, 'gone');
    team.state.addMergeRequest(team.project, { sourceBranch: 'feature/a', state: 'merged' });
    sandbox = await startSandbox({ state: team.state });
    const url = `${sandbox.apiUrl}/projects/${team.project.id}/repository/branches`;
    const branches = (await (await fetch(url, withToken(team.tokens.reporter))).json()) as Record<
      string,
      unknown
    >[];
    expect(branches.map(({ name, merged, default: isDefault }) => [name, merged, isDefault])).toEqual([
      ['feature/a', true, false],
      ['feature/b', false, false],
      ['main', false, true],
    ]);
    const searched = (await (
      await fetch(`${url}?search=^feature`, withToken(team.tokens.reporter))
    ).json()) as unknown[];
    expect(searched).toHaveLength(2);
    expect((await fetch(url, withToken(team.tokens.guest))).status).toBe(403);
  });

  it('filters merge requests by state and source branch, newest first', async () => {
    const team = buildTeam();
    let minute = 0;
    team.state.clock = () => new Date(Date.UTC(2024, 0, 1, 0, minute++));
    team.state.addMergeRequest(team.project, { sourceBranch: 'a', state: 'merged' });
    team.state.addMergeRequest(team.project, { sourceBranch: 'b' });
    team.state.addMergeRequest(team.project, { sourceBranch: 'a', state: 'closed' });
    sandbox = await startSandbox({ state: team.state });
    const list = async (query: string) =>
      (
        (await (
          await fetch(
            `${sandbox?.apiUrl}/projects/${team.project.id}/merge_requests?${query}`,
            withToken(team.tokens.reporter),
          )
        ).json()) as { iid: number; state: string; source_branch: string }[]
      ).map((mergeRequest) => `${mergeRequest.iid}:${mergeRequest.state}:${mergeRequest.source_branch}`);
    expect(await list('')).toEqual(['3:closed:a', '2:opened:b', '1:merged:a']);
    expect(await list('state=merged')).toEqual(['1:merged:a']);
    expect(await list('state=all&source_branch=a')).toEqual(['3:closed:a', '1:merged:a']);
    const invalid = await fetch(
      `${sandbox.apiUrl}/projects/${team.project.id}/merge_requests?state=nope`,
      withToken(team.tokens.reporter),
    );
    expect(invalid.status).toBe(400);
  });

  it('lists group projects with subgroups on request, and answers 404 for an invisible group', async () => {
    const team = buildTeam();
    team.state.addProject('Acme/platform/tools');
    sandbox = await startSandbox({ state: team.state });
    const base = `${sandbox.apiUrl}/groups/Acme`;
    expect(await (await fetch(base, withToken(team.tokens.maintainer))).json()).toMatchObject({
      full_path: 'Acme',
      parent_id: null,
    });
    const direct = (await (await fetch(`${base}/projects`, withToken(team.tokens.maintainer))).json()) as {
      path_with_namespace: string;
    }[];
    expect(direct.map((project) => project.path_with_namespace)).toEqual(['acme/other', 'Acme/Web-App']);
    const all = (await (
      await fetch(`${base}/projects?include_subgroups=true`, withToken(team.tokens.maintainer))
    ).json()) as unknown[];
    expect(all).toHaveLength(3);
    expect((await fetch(base)).status).toBe(404);
  });

  it('serves the example seed used by the demo and the CLI', async () => {
    const seed = seedExample();
    sandbox = await startSandbox({ state: seed.state });
    const repositories = (await (
      await fetch(`${sandbox.apiUrl}/projects/${seed.project.id}/registry/repositories?tags_count=true`, {
        headers: { 'JOB-TOKEN': seed.jobToken },
      })
    ).json()) as { name: string; tags_count: number }[];
    expect(repositories.map((repository) => [repository.name, repository.tags_count])).toEqual([
      ['', 10],
      ['api', 10],
      ['worker', 10],
    ]);
    const protectedDelete = await fetch(
      `${sandbox.apiUrl}/projects/${seed.project.id}/registry/repositories/1/tags/1.0.0`,
      { method: 'DELETE', headers: { 'PRIVATE-TOKEN': seed.personalToken } },
    );
    expect(protectedDelete.status).toBe(403);
  });
});
