import { afterEach, describe, expect, it } from 'vitest';
import { buildTeam, FIXED_NOW, withToken } from './fixtures.ts';
import { startSandbox } from './server.ts';
import type { Sandbox, SandboxOptions } from './types.ts';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const at = (days: number) => new Date(FIXED_NOW.getTime() - days * 86_400_000);

async function start(options: SandboxOptions = {}) {
  const team = buildTeam();
  const { state, project } = team;
  const production = state.addEnvironment(project, 'production', { tier: 'production' });
  const review = state.addEnvironment(project, 'review/feature-x');
  const stopped = state.addEnvironment(project, 'review/old', { state: 'stopped' });
  state.addDeployment(production, { ref: 'v1.0.0', sha: 'a'.repeat(40), tag: true, finishedAt: at(70) });
  state.addDeployment(production, { ref: 'v1.1.0', sha: 'b'.repeat(40), tag: true, finishedAt: at(60) });
  state.addDeployment(production, {
    ref: 'v1.2.0',
    sha: 'c'.repeat(40),
    tag: true,
    status: 'failed',
    finishedAt: at(1),
  });
  state.addDeployment(review, { ref: 'feature-x', sha: 'd'.repeat(40), finishedAt: at(2), viaApi: true });
  sandbox = await startSandbox({ state, ...options });
  const base = `${sandbox.apiUrl}/projects/${project.id}`;
  const job = state.addJobToken(team.users.developer, project);
  return { team, sandbox, base, production, review, stopped, job };
}

describe('environments (lib/api/environments.rb)', () => {
  it('lists by state, paged, without last_deployment; slugs follow GitLab', async () => {
    const { team, base } = await start();
    const response = await fetch(
      `${base}/environments?states=available&per_page=1`,
      withToken(team.tokens.reporter),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('x-total')).toBe('2');
    const [first] = (await response.json()) as Record<string, unknown>[];
    expect(first).toMatchObject({
      name: 'production',
      slug: 'production',
      state: 'available',
      tier: 'production',
    });
    expect(first).not.toHaveProperty('last_deployment');
    const all = (await (await fetch(`${base}/environments`, withToken(team.tokens.reporter))).json()) as {
      name: string;
      slug: string;
    }[];
    expect(all.map((environment) => environment.slug)).toEqual([
      'production',
      'review-feature-x-bjrazc',
      expect.any(String),
    ]);
    const invalid = await fetch(`${base}/environments?states=gone`, withToken(team.tokens.reporter));
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({ error: 'states does not have a valid value' });
  });

  it('shows the last successful deployment by finished_at, with the job and its tag flag', async () => {
    const { team, base, production, review } = await start();
    const shown = (await (
      await fetch(`${base}/environments/${production.id}`, withToken(team.tokens.reporter))
    ).json()) as {
      last_deployment: { ref: string; sha: string; status: string; deployable: { tag: boolean } | null };
    };
    expect(shown.last_deployment).toMatchObject({ ref: 'v1.1.0', sha: 'b'.repeat(40), status: 'success' });
    expect(shown.last_deployment.deployable?.tag).toBe(true);
    // lib/api/environments.rb presents it `except: [:project, { last_deployment: [:environment] }]`
    expect(shown).not.toHaveProperty('project');
    expect(shown.last_deployment).not.toHaveProperty('environment');
    const viaApi = (await (
      await fetch(`${base}/environments/${review.id}`, withToken(team.tokens.reporter))
    ).json()) as {
      last_deployment: { deployable: unknown };
    };
    expect(viaApi.last_deployment.deployable).toBeNull();
    expect((await fetch(`${base}/environments/999`, withToken(team.tokens.reporter))).status).toBe(404);
  });

  it('lets a job token read its own project; refuses others, anonymous and guests', async () => {
    const { team, sandbox, base, job } = await start();
    expect((await fetch(`${base}/environments`, { headers: { 'JOB-TOKEN': job } })).status).toBe(200);
    expect((await fetch(`${base}/deployments`, { headers: { 'JOB-TOKEN': job } })).status).toBe(200);
    expect((await fetch(`${base}/environments`)).status).toBe(401);
    expect((await fetch(`${base}/environments`, withToken(team.tokens.guest))).status).toBe(403);
    const other = await fetch(`${sandbox.apiUrl}/projects/${team.otherProject.id}/environments`, {
      headers: { 'JOB-TOKEN': job },
    });
    expect(other.status).toBe(403);
    expect(await other.json()).toEqual({
      message: '403 Forbidden - Authentication by CI/CD job token not allowed from Web-App to other.',
    });
  });

  it('refuses everyone, admins included, when the project turns its Environments feature off', async () => {
    const { team, sandbox, base, job } = await start();
    sandbox.state.disableEnvironments(team.project);
    for (const path of ['environments', 'environments/1', 'deployments']) {
      expect((await fetch(`${base}/${path}`, withToken(team.tokens.reporter))).status, path).toBe(403);
      expect((await fetch(`${base}/${path}`, { headers: { 'JOB-TOKEN': job } })).status, path).toBe(403);
    }
    expect((await fetch(`${base}/environments`, withToken(team.tokens.admin))).status).toBe(403);
    expect((await fetch(`${base}/registry/repositories`, withToken(team.tokens.reporter))).status).toBe(200);
  });

  it('answers 404 to a job token on another project before 17.4', async () => {
    const { team, sandbox, job } = await start({ gitlab: '17.3' });
    const other = await fetch(`${sandbox.apiUrl}/projects/${team.otherProject.id}/environments`, {
      headers: { 'JOB-TOKEN': job },
    });
    expect(other.status).toBe(404);
  });
});

describe('deployments (lib/api/deployments.rb, DeploymentsFinder)', () => {
  it('refuses finished_at ordering without a finished_at filter, and the filter without status=success', async () => {
    const { team, base } = await start();
    const unpaired = await fetch(
      `${base}/deployments?environment=production&status=success&order_by=finished_at&sort=desc&per_page=1`,
      withToken(team.tokens.reporter),
    );
    expect(unpaired.status).toBe(400);
    expect(await unpaired.json()).toEqual({
      message: '400 Bad request - `finished_at` filter and `finished_at` sorting must be paired',
    });
    const noStatus = await fetch(
      `${base}/deployments?order_by=finished_at&finished_after=2000-01-01T00:00:00Z`,
      withToken(team.tokens.reporter),
    );
    expect(await noStatus.json()).toEqual({
      message: '400 Bad request - `finished_at` filter must be combined with `success` status filter.',
    });
  });

  it('lists the newest successful deployment of an environment with the paired filter', async () => {
    const { team, base } = await start();
    const response = await fetch(
      `${base}/deployments?environment=production&status=success&order_by=finished_at&sort=desc&finished_after=2000-01-01T00:00:00Z&per_page=1`,
      withToken(team.tokens.reporter),
    );
    const [newest] = (await response.json()) as Record<string, unknown>[];
    expect(newest).toMatchObject({ ref: 'v1.1.0', status: 'success', environment: { name: 'production' } });
    expect(newest).not.toHaveProperty('finished_at');
    // Deployment.finished_after is `finished_at >= ?`: a deployment that finished at that instant is in
    const exactly = at(60).toISOString();
    const from = (await (
      await fetch(
        `${base}/deployments?environment=production&status=success&order_by=finished_at&sort=desc&finished_after=${exactly}`,
        withToken(team.tokens.reporter),
      )
    ).json()) as { ref: string }[];
    expect(from.map((deployment) => deployment.ref)).toEqual(['v1.1.0']);
    const byId = (await (
      await fetch(`${base}/deployments?environment=production`, withToken(team.tokens.reporter))
    ).json()) as {
      ref: string;
    }[];
    expect(byId.map((deployment) => deployment.ref)).toEqual(['v1.0.0', 'v1.1.0', 'v1.2.0']);
  });
});
