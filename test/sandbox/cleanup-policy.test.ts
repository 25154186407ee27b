import { afterEach, describe, expect, it } from 'vitest';
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
});
