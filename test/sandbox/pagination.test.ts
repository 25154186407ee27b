import { afterEach, describe, expect, it } from 'vitest';
import { buildTeam, pushMany, withToken } from './fixtures.ts';
import { startSandbox } from './server.ts';
import type { Sandbox } from './types.ts';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('offset pagination (lib/gitlab/pagination/offset_header_builder.rb)', () => {
  it('sends every header, empty X-Next-Page on the last page, Link prev/next/first/last on the external URL', async () => {
    const team = buildTeam();
    pushMany(team.state, team.repository, 45);
    sandbox = await startSandbox({ state: team.state, prefix: '/gitlab' });
    const base = `${sandbox.apiUrl}/projects/Acme%2FWeb-App/registry/repositories/${team.repository.id}/tags`;

    const middle = await fetch(`${base}?page=2`, withToken(team.tokens.reporter));
    expect(middle.status).toBe(200);
    expect((await middle.json()) as unknown[]).toHaveLength(20);
    expect(middle.headers.get('x-page')).toBe('2');
    expect(middle.headers.get('x-per-page')).toBe('20');
    expect(middle.headers.get('x-next-page')).toBe('3');
    expect(middle.headers.get('x-prev-page')).toBe('1');
    expect(middle.headers.get('x-total')).toBe('45');
    expect(middle.headers.get('x-total-pages')).toBe('3');
    const href = (page: number) =>
      `https://gitlab.example.com/gitlab/api/v4/projects/Acme%2FWeb-App/registry/repositories/${team.repository.id}/tags?id=Acme%2FWeb-App&page=${page}&per_page=20&repository_id=${team.repository.id}`;
    expect(middle.headers.get('link')).toBe(
      `<${href(1)}>; rel="prev", <${href(3)}>; rel="next", <${href(1)}>; rel="first", <${href(3)}>; rel="last"`,
    );

    const last = await fetch(`${base}?page=3`, withToken(team.tokens.reporter));
    expect((await last.json()) as unknown[]).toHaveLength(5);
    expect(last.headers.has('x-next-page')).toBe(true);
    expect(last.headers.get('x-next-page')).toBe('');
    expect(last.headers.get('link')).toBe(
      `<${href(2)}>; rel="prev", <${href(1)}>; rel="first", <${href(3)}>; rel="last"`,
    );
  });

  it('clamps per_page to 100, rejects per_page=0, and answers an empty page past the end', async () => {
    const team = buildTeam();
    pushMany(team.state, team.repository, 150);
    sandbox = await startSandbox({ state: team.state });
    const base = `${sandbox.apiUrl}/projects/${team.project.id}/registry/repositories/${team.repository.id}/tags`;

    const clamped = await fetch(`${base}?per_page=500`, withToken(team.tokens.reporter));
    expect((await clamped.json()) as unknown[]).toHaveLength(100);
    expect(clamped.headers.get('x-per-page')).toBe('100');

    const zero = await fetch(`${base}?per_page=0`, withToken(team.tokens.reporter));
    expect(zero.status).toBe(400);
    expect(await zero.json()).toEqual({ error: 'per_page has a value not allowed' });

    const beyond = await fetch(`${base}?page=9`, withToken(team.tokens.reporter));
    expect(await beyond.json()).toEqual([]);
    expect(beyond.headers.get('x-prev-page')).toBe('');
    expect(beyond.headers.get('x-next-page')).toBe('');
  });

  it('omits X-Total, X-Total-Pages and rel="last" for a relation of more than 10,000 records', async () => {
    const team = buildTeam();
    for (let index = 0; index < 10_001; index++) {
      team.state.addMergeRequest(team.project, { sourceBranch: `b${index}` });
    }
    sandbox = await startSandbox({ state: team.state });
    const response = await fetch(
      `${sandbox.apiUrl}/projects/${team.project.id}/merge_requests?per_page=100&page=2`,
      withToken(team.tokens.reporter),
    );
    expect(response.status).toBe(200);
    expect(response.headers.has('x-total')).toBe(false);
    expect(response.headers.has('x-total-pages')).toBe(false);
    expect(response.headers.get('x-next-page')).toBe('3');
    expect(response.headers.get('x-prev-page')).toBe('1');
    expect(response.headers.get('link')).not.toContain('rel="last"');
  });

  it('keeps counting exactly 10,000 records, and registry tags (an array) at any size', async () => {
    const team = buildTeam();
    for (let index = 0; index < 10_000; index++) {
      team.state.addMergeRequest(team.project, { sourceBranch: `b${index}` });
    }
    pushMany(team.state, team.repository, 10_500);
    sandbox = await startSandbox({ state: team.state });
    const mergeRequests = await fetch(
      `${sandbox.apiUrl}/projects/${team.project.id}/merge_requests`,
      withToken(team.tokens.reporter),
    );
    expect(mergeRequests.headers.get('x-total')).toBe('10000');
    const tags = await fetch(
      `${sandbox.apiUrl}/projects/${team.project.id}/registry/repositories/${team.repository.id}/tags`,
      withToken(team.tokens.reporter),
    );
    expect(tags.headers.get('x-total')).toBe('10500');
    expect(tags.headers.get('link')).toContain('rel="last"');
  });

  it('puts declared defaults and coerced booleans into repository links', async () => {
    const team = buildTeam();
    for (let index = 0; index < 3; index++) team.state.addRepository(team.project, `image-${index}`);
    sandbox = await startSandbox({ state: team.state });
    const response = await fetch(
      `${sandbox.apiUrl}/projects/${team.project.id}/registry/repositories?per_page=2&tags_count=1`,
      withToken(team.tokens.reporter),
    );
    const body = (await response.json()) as { id: number; tags_count: number }[];
    expect(body.map((repository) => repository.id)).toEqual([1, 2]);
    expect(body[0]?.tags_count).toBe(0);
    expect(response.headers.get('link')).toContain(
      `<https://gitlab.example.com/api/v4/projects/${team.project.id}/registry/repositories?id=${team.project.id}&page=2&per_page=2&tags=false&tags_count=true>; rel="next"`,
    );
  });
});

describe('keyset tag pagination (lib/gitlab/pagination/keyset/header_builder.rb)', () => {
  it('follows rel="next" only, up to 1,000 per page, and sends no Link on the last page', async () => {
    const team = buildTeam();
    pushMany(team.state, team.repository, 2_500);
    sandbox = await startSandbox({ state: team.state });
    let url: string | undefined =
      `${sandbox.apiUrl}/projects/${team.project.id}/registry/repositories/${team.repository.id}/tags?pagination=keyset&per_page=5000`;
    const pages: number[] = [];
    const names: string[] = [];
    while (url) {
      const response: Response = await fetch(url, withToken(team.tokens.reporter));
      expect(response.headers.has('x-total')).toBe(false);
      expect(response.headers.has('x-next-page')).toBe(false);
      const page = (await response.json()) as { name: string }[];
      pages.push(page.length);
      names.push(...page.map((tag) => tag.name));
      const next = /<([^>]+)>; rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
      // The link is built on the external URL, as GitLab behind a proxy does; re-point it here.
      url = next?.replace('https://gitlab.example.com', sandbox.url);
    }
    expect(pages).toEqual([1000, 1000, 500]);
    expect(new Set(names).size).toBe(2_500);
  });

  it('sorts descending and carries all params in the next link', async () => {
    const team = buildTeam();
    pushMany(team.state, team.repository, 5);
    sandbox = await startSandbox({ state: team.state });
    const response = await fetch(
      `${sandbox.apiUrl}/projects/${team.project.id}/registry/repositories/${team.repository.id}/tags?pagination=keyset&per_page=2&sort=desc`,
      withToken(team.tokens.reporter),
    );
    expect(((await response.json()) as { name: string }[]).map((tag) => tag.name)).toEqual([
      'tag-4',
      'tag-3',
    ]);
    expect(response.headers.get('link')).toBe(
      `<https://gitlab.example.com/api/v4/projects/${team.project.id}/registry/repositories/${team.repository.id}/tags?id=${team.project.id}&last=tag-3&page=1&pagination=keyset&per_page=2&repository_id=${team.repository.id}&sort=desc>; rel="next"`,
    );
  });

  it('answers 200 [] for a `last` the registry rejects, and 405 on a legacy registry', async () => {
    const team = buildTeam();
    pushMany(team.state, team.repository, 5);
    sandbox = await startSandbox({ state: team.state });
    const path = `/projects/${team.project.id}/registry/repositories/${team.repository.id}/tags?pagination=keyset`;
    const rejected = await fetch(
      `${sandbox.apiUrl}${path}&last=${encodeURIComponent('.bad')}`,
      withToken(team.tokens.reporter),
    );
    expect(rejected.status).toBe(200);
    expect(await rejected.json()).toEqual([]);
    expect(rejected.headers.has('link')).toBe(false);
    await sandbox.close();

    sandbox = await startSandbox({ state: team.state, registryMode: 'legacy' });
    const legacy = await fetch(`${sandbox.apiUrl}${path}`, withToken(team.tokens.reporter));
    expect(legacy.status).toBe(405);
    expect(await legacy.json()).toEqual({ message: '405 Method Not Allowed' });
    expect(sandbox.requests.at(-1)?.operation).toBe('listTagsKeyset');
  });
});
