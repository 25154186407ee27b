import { describe, expect, it } from 'vitest';
import { FIXED_NOW, withToken } from './fixtures.ts';
import { startSandbox } from './server.ts';
import { SandboxState } from './state.ts';

describe('SandboxState builders', () => {
  it('re-pushing a tag keeps created_at, moves updated/published_at and the digest', () => {
    const state = new SandboxState();
    const repository = state.addRepository(state.addProject('Acme/Web-App'), 'API');
    const first = state.pushTag(repository, 'main', { at: new Date('2024-01-01T00:00:00Z') });
    const second = state.pushTag(repository, 'main', { at: new Date('2024-02-01T00:00:00Z') });
    expect(first.updatedAt).toBeNull();
    expect(second.createdAt).toEqual(new Date('2024-01-01T00:00:00Z'));
    expect(second.updatedAt).toEqual(new Date('2024-02-01T00:00:00Z'));
    expect(second.publishedAt).toEqual(new Date('2024-02-01T00:00:00Z'));
    expect(second.digest).not.toBe(first.digest);
    expect(second.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(repository.path).toBe('acme/web-app/api');
    expect(repository.lastPublishedAt).toEqual(new Date('2024-02-01T00:00:00Z'));
  });

  it('keeps tags in byte-wise name order across pushes and deletes', () => {
    const state = new SandboxState();
    const repository = state.addRepository(state.addProject('a/b'));
    for (const name of ['b', 'B', 'a-1', 'a.1', 'a_1', '10', '9']) state.pushTag(repository, name);
    expect(state.tags(repository).map((tag) => tag.name)).toEqual(['10', '9', 'B', 'a-1', 'a.1', 'a_1', 'b']);
    expect(state.deleteTag(repository, 'a.1')).toBe(true);
    expect(state.deleteTag(repository, 'a.1')).toBe(false);
    state.pushTag(repository, 'a');
    expect(state.tags(repository).map((tag) => tag.name)).toEqual(['10', '9', 'B', 'a', 'a-1', 'a_1', 'b']);
  });

  it('finds projects case-insensitively, creates parent groups, limits protection rules to 5', () => {
    const state = new SandboxState();
    const project = state.addProject('Acme/Platform/Tools', { id: 77 });
    expect(state.findProject('acme/platform/tools')).toBe(project);
    expect(state.findGroup('acme/platform')?.parent?.fullPath).toBe('Acme');
    expect(state.addProject('Acme/next').id).toBe(78);
    for (let index = 0; index < 5; index++) {
      state.addProtectionRule(project, { pattern: `r${index}`, minimumAccessLevelForDelete: 'maintainer' });
    }
    expect(() =>
      state.addProtectionRule(project, { pattern: 'x', minimumAccessLevelForDelete: 'owner' }),
    ).toThrow();
  });
});

describe('scale', () => {
  it('seeds 100,000 tags over 20 repositories and serves 1,000-tag pages and deletes quickly', async () => {
    const started = Date.now();
    const state = new SandboxState();
    state.clock = () => new Date(FIXED_NOW);
    const user = state.addUser('bench');
    const project = state.addProject('bench/app');
    state.addMember(project, user, 'maintainer');
    const token = state.addPersonalToken(user);
    const repositories = Array.from({ length: 20 }, (_, index) =>
      state.addRepository(project, `image-${index}`),
    );
    for (let index = 0; index < 100_000; index++) {
      state.pushTag(repositories[index % 20] as (typeof repositories)[number], `v${index}`, {
        at: new Date(FIXED_NOW.getTime() - index * 1000),
      });
    }
    const sandbox = await startSandbox({ state });
    try {
      const base = `${sandbox.apiUrl}/projects/${project.id}/registry/repositories/${repositories[0]?.id}/tags`;
      let url: string | undefined = `${base}?pagination=keyset&per_page=1000`;
      let listed = 0;
      while (url) {
        const response: Response = await fetch(url, withToken(token));
        listed += ((await response.json()) as unknown[]).length;
        url = /<([^>]+)>; rel="next"/
          .exec(response.headers.get('link') ?? '')?.[1]
          ?.replace('https://gitlab.example.com', sandbox.url);
      }
      expect(listed).toBe(5_000);
      const deletions = await Promise.all(
        Array.from({ length: 500 }, (_, index) =>
          fetch(`${base}/v${index * 20}`, { method: 'DELETE', ...withToken(token) }).then(
            (response) => response.status,
          ),
        ),
      );
      expect(deletions.every((status) => status === 200)).toBe(true);
      expect(state.tagStore(repositories[0] as (typeof repositories)[number]).size).toBe(4_500);
    } finally {
      await sandbox.close();
    }
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
