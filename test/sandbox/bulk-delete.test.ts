import { setImmediate as nextTick } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTeam, FIXED_NOW, pushMany, withToken } from './fixtures.ts';
import { startSandbox } from './server.ts';
import type { RegistryMode, Sandbox } from './types.ts';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(FIXED_NOW.getTime() - days * DAY);

async function start(registryMode: RegistryMode = 'api') {
  const team = buildTeam();
  sandbox = await startSandbox({ state: team.state, registryMode });
  const url = `${sandbox.apiUrl}/projects/${team.project.id}/registry/repositories/${team.repository.id}/tags`;
  const bulkDelete = (query: string, token = team.tokens.maintainer) =>
    fetch(`${url}?${query}`, { method: 'DELETE', ...withToken(token) });
  const remaining = () => team.state.tags(team.repository).map((tag) => tag.name);
  return { team, bulkDelete, remaining };
}

describe('bulk delete validation and permissions (lib/api/project_container_repositories.rb)', () => {
  it('answers Grape errors for a missing or invalid regex, and 403 to a Developer', async () => {
    const { team, bulkDelete } = await start();
    const missing = await bulkDelete('keep_n=1');
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({
      error: 'name_regex, name_regex_delete are missing, at least one parameter must be provided',
    });
    const invalid = await bulkDelete(`name_regex_delete=${encodeURIComponent('*v10.')}`);
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({ error: 'name_regex_delete is an invalid regexp' });
    const lookaround = await bulkDelete(`name_regex_keep=${encodeURIComponent('(?!x).*')}&name_regex=.*`);
    expect(await lookaround.json()).toEqual({ error: 'name_regex_keep is an invalid regexp' });
    const developer = await bulkDelete('name_regex_delete=.*', team.tokens.developer);
    expect(developer.status).toBe(403);
  });

  it('answers 202 once per hour per repository; errors do not take the lease', async () => {
    const { team, bulkDelete } = await start();
    expect((await bulkDelete('name_regex_delete=.*', team.tokens.developer)).status).toBe(403);
    const first = await bulkDelete('name_regex_delete=.*');
    expect(first.status).toBe(202);
    expect(await first.json()).toBe(202);
    const second = await bulkDelete('name_regex_delete=.*');
    expect(second.status).toBe(400);
    expect(await second.json()).toEqual({
      message:
        'This request has already been made. You can run this at most once an hour for a given container repository',
    });
    team.state.clock = () => new Date(FIXED_NOW.getTime() + 60 * 60 * 1000 + 1);
    expect((await bulkDelete('name_regex_delete=.*')).status).toBe(202);
  });
});

describe('bulk cleanup semantics', () => {
  it('keeps latest, honours keep regex, keep_n (most recent) and older_than', async () => {
    const { team, bulkDelete, remaining } = await start();
    const push = (name: string, days: number) =>
      team.state.pushTag(team.repository, name, { at: daysAgo(days) });
    push('latest', 100);
    push('main', 100);
    push('feature-a', 1);
    push('feature-b', 5);
    push('feature-c', 10);
    push('feature-d', 20);
    push('release-1', 30);
    const query = [
      `name_regex_delete=${encodeURIComponent('feature-.*|latest|release-.*')}`,
      `name_regex_keep=${encodeURIComponent('release-.*')}`,
      'keep_n=1',
      'older_than=7d',
    ].join('&');
    expect((await bulkDelete(query)).status).toBe(202);
    await nextTick();
    // feature-a is the kept newest; feature-b is younger than 7 days.
    expect(remaining()).toEqual(['feature-a', 'feature-b', 'latest', 'main', 'release-1']);
  });

  it('anchors regexes to the whole name and skips protected tags', async () => {
    const { team, bulkDelete, remaining } = await start();
    for (const name of ['v1', 'v1-rc', 'xv1', 'v2']) team.state.pushTag(team.repository, name);
    team.state.addProtectionRule(team.project, { pattern: '^v2$', minimumAccessLevelForDelete: 'owner' });
    await bulkDelete('name_regex_delete=v.');
    await nextTick();
    expect(remaining()).toEqual(['v1-rc', 'v2', 'xv1']);
  });

  it('wraps as \\A…\\z without a group: a top-level | anchors only its first and last alternatives', async () => {
    // cleanup_tags_base_service.rb, filter_by_name!: "\\A#{name_regex_delete || name_regex}\\z"
    const { team, bulkDelete, remaining } = await start();
    for (const name of ['main', 'main-x', 'xmain', 'master', 'x-master', 'master-x', 'keep-main-1', 'keep-1'])
      team.state.pushTag(team.repository, name);
    await bulkDelete(
      `name_regex_delete=${encodeURIComponent('main|master')}&name_regex_keep=${encodeURIComponent('keep-.*|.*-1')}`,
    );
    await nextTick();
    // deleted: starts with "main" or ends with "master"; kept: starts with "keep-" or ends with "-1"
    expect(remaining()).toEqual(['keep-1', 'keep-main-1', 'master-x', 'xmain']);
  });

  it('applies keep_n per 1,000-tag page on an API registry', async () => {
    const { team, bulkDelete, remaining } = await start();
    pushMany(team.state, team.repository, 1500);
    await bulkDelete('name_regex_delete=.*&keep_n=10');
    await nextTick();
    // Ten kept in the first page of 1,000 names and ten in the second.
    expect(remaining()).toHaveLength(20);
  });

  it('does nothing when older_than cannot be parsed, and reads "+" in a query as a space', async () => {
    const { team, bulkDelete, remaining } = await start();
    team.state.pushTag(team.repository, 'old', { at: daysAgo(30) });
    await bulkDelete('name_regex_delete=.*&older_than=soon');
    await nextTick();
    expect(remaining()).toEqual(['old']);
    team.state.cleanupLeases.clear();
    team.state.pushTag(team.repository, 'aaa', { at: daysAgo(30) });
    await bulkDelete('name_regex_delete=a+&older_than=1d');
    await nextTick();
    expect(remaining()).toEqual(['aaa', 'old']);
  });

  it('legacy registry: pushed-at is the build time; a missing build time counts as now for keep_n', async () => {
    const { team, bulkDelete, remaining } = await start('legacy');
    team.state.pushTag(team.repository, 'built-long-ago', { at: daysAgo(1), configCreatedAt: daysAgo(400) });
    team.state.pushTag(team.repository, 'reproducible', { at: daysAgo(300), configCreatedAt: null });
    team.state.pushTag(team.repository, 'fresh', { at: daysAgo(300), configCreatedAt: daysAgo(2) });
    await bulkDelete('name_regex_delete=.*&keep_n=1');
    await nextTick();
    expect(remaining()).toEqual(['reproducible']);
  });
});
