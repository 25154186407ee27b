// prune --cleanup-policy end to end, against GitLab's own cleanup run in a twin sandbox; and one
// regex given every way registry-cleaner takes one, with the same deletions each time.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import {
  type CleanupPolicy,
  type Project,
  runCleanupPolicy,
  type Sandbox,
  SandboxState,
  startSandbox,
} from '../sandbox/index.ts';
import { tagSnapshot } from '../scenarios/oracle.ts';
import { type RetentionWorld, seedRetentionWorld } from '../scenarios/retention.ts';
import { runCli } from './cli.ts';
import { temporaryDirectory } from './support/temporary.ts';

const sandboxes: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

/**
 * RE2 as GitLab users write it: (?i) and a POSIX class, and a top-level "|". GitLab reads it as
 * "starts with a version, or ends with fix-…", which also keeps release candidates (v1.2.0-rc3);
 * registry-cleaner keeps what either reading keeps, so every path must keep them too.
 */
const KEEP = '(?i)V[[:digit:]]+\\.\\d+\\.\\d+|fix-.*';

/** The same rules, GitLab's way: 200 tags per repository, fewer than GitLab's 1,000-tag pages. */
const POLICY: Omit<CleanupPolicy, 'nextRunAt'> = {
  enabled: true,
  cadence: '1d',
  keepN: 5,
  olderThan: '14d',
  nameRegex: '.*',
  nameRegexKeep: KEEP,
};

/** A registry of `projects` projects, one repository of 200 tags each; twins built alike are alike. */
async function world(projects = 1): Promise<{ sandbox: Sandbox; world: RetentionWorld }> {
  const state = new SandboxState();
  const seeded = seedRetentionWorld(state, {
    projects,
    repositories: projects,
    tags: 200 * projects,
    seed: 5,
  });
  const sandbox = await startSandbox({ state });
  sandboxes.push(sandbox);
  return { sandbox, world: seeded };
}

const snapshot = (sandbox: Sandbox) => tagSnapshot(sandbox.state);

function patEnv(sandbox: Sandbox, w: RetentionWorld, extra: Record<string, string> = {}) {
  return { CI_API_V4_URL: sandbox.apiUrl, NO_COLOR: '1', REGISTRY_CLEANER_TOKEN: w.personalToken, ...extra };
}

/** What GitLab's own scheduled cleanup leaves of a twin world with these policies. */
async function afterGitLabsCleanup(
  policies: (Omit<CleanupPolicy, 'nextRunAt'> | null)[],
): Promise<Set<string>> {
  const { sandbox, world: w } = await world(policies.length);
  w.projects.forEach((project, i) => {
    sandbox.state.setCleanupPolicy(project, policies[i] ?? null);
    runCleanupPolicy(sandbox.state, 'metadata', project);
  });
  return snapshot(sandbox);
}

interface Entry {
  project: { id: number };
  status: string;
  rulesSource: string;
  cleanupPolicy?: Record<string, unknown>;
  skipped?: string;
  notes: string[];
  totals: Record<string, number>;
  tags: unknown[];
}

describe('prune --cleanup-policy', () => {
  test("enabled, disabled, absent: the first project is swept as GitLab's own run sweeps it, the others are left alone and said so; exit 0", async () => {
    const disabled = { ...POLICY, enabled: false };
    const expected = await afterGitLabsCleanup([POLICY, disabled, null]);

    const { sandbox, world: w } = await world(3);
    const [enabledProject, disabledProject, withoutPolicy] = w.projects as [Project, Project, Project];
    sandbox.state.setCleanupPolicy(enabledProject, POLICY);
    sandbox.state.setCleanupPolicy(disabledProject, disabled);
    const before = snapshot(sandbox);
    expect(expected.size).toBeLessThan(before.size);
    const projects = w.projects.flatMap((p) => ['--project', p.fullPath]);

    const dry = await runCli(['prune', ...projects, '--cleanup-policy', '--dry-run'], patEnv(sandbox, w));
    expect(dry.code).toBe(0);
    expect(snapshot(sandbox)).toEqual(before);
    expect(dry.stdout).toContain(
      `rules of the project's GitLab cleanup policy: keep_n 5, older_than 14d, name_regex '.*', name_regex_keep '${KEEP}'`,
    );
    expect(dry.stdout).toContain(
      `${disabledProject.fullPath.toLowerCase()}: left alone, nothing read or deleted: its cleanup policy is disabled`,
    );
    expect(dry.stdout).toContain(
      `${withoutPolicy.fullPath.toLowerCase()}: left alone, nothing read or deleted: the project has no cleanup policy`,
    );
    expect(dry.stdout).toMatch(/\(2 repositories left alone: no cleanup policy to run\)/);
    // a top-level "|" in name_regex_keep: the plan says how GitLab reads it
    expect(dry.stdout).toMatch(
      /note: name_regex_keep .* has a top-level "\|": GitLab's cleanup policy reads it as/,
    );

    sandbox.resetRequests();
    const asked: string[] = [];
    sandbox.intercept((request) => {
      asked.push(`${request.path} ${request.body ?? ''}`);
      return undefined;
    });
    const real = await runCli(
      ['prune', ...projects, '--cleanup-policy', '--output', 'json'],
      patEnv(sandbox, w),
    );
    expect(real.code).toBe(0);
    expect(snapshot(sandbox)).toEqual(expected);
    const report = JSON.parse(real.stdout) as {
      policies: { rulesSource: string }[];
      totals: Record<string, number>;
      repositories: Entry[];
    };
    expect(report.policies).toMatchObject([{ rulesSource: 'cleanup-policy' }]);
    const entryOf = (project: Project) => report.repositories.find((r) => r.project.id === project.id);
    expect(entryOf(enabledProject)).toMatchObject({
      status: 'swept',
      rulesSource: 'cleanup-policy',
      cleanupPolicy: { enabled: true, keepN: 5, olderThan: '14d', nameRegex: '.*', nameRegexKeep: KEEP },
    });
    expect(entryOf(disabledProject)).toMatchObject({
      status: 'skipped',
      rulesSource: 'cleanup-policy',
      skipped: 'its cleanup policy is disabled',
      cleanupPolicy: { enabled: false },
      tags: [],
    });
    expect(entryOf(withoutPolicy)).toMatchObject({
      status: 'skipped',
      skipped: 'the project has no cleanup policy',
      tags: [],
    });
    expect(entryOf(withoutPolicy)).not.toHaveProperty('cleanupPolicy');
    expect(report.totals).toMatchObject({ repositories: 3, skippedRepositories: 2, failed: 0 });
    expect(report.totals.deleted).toBe(before.size - expected.size);
    // one project read per project, and no tag of a skipped project read
    expect(sandbox.requests.filter((r) => r.operation === 'getProject')).toHaveLength(3);
    for (const skipped of w.repositories.filter((r) => r.project !== enabledProject)) {
      expect(asked.filter((line) => line.includes(`ContainerRepository/${skipped.id}"`))).toEqual([]);
    }
    expect(asked.some((line) => line.includes(`ContainerRepository/${w.repositories[0]!.id}"`))).toBe(true);
  });

  test('a CI job token: exit 3 before any request, saying why and what to use', async () => {
    const { sandbox, world: w } = await world();
    const project = w.projects[0]!;
    sandbox.state.setCleanupPolicy(project, POLICY);
    const result = await runCli(['prune', '--cleanup-policy'], {
      CI_API_V4_URL: sandbox.apiUrl,
      CI_PROJECT_ID: String(project.id),
      CI_JOB_TOKEN: w.jobTokens.get(project.id)!,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /CI_JOB_TOKEN cannot read a project's cleanup policy \(--cleanup-policy, command line\): .*set REGISTRY_CLEANER_TOKEN/,
    );
    expect(sandbox.requests).toEqual([]);
  });

  test('with a rule flag: exit 2 before any request', async () => {
    const { sandbox, world: w } = await world();
    const result = await runCli(
      ['prune', '--project', w.projects[0]!.fullPath, '--older-than', '7d'],
      patEnv(sandbox, w, { REGISTRY_CLEANER_CLEANUP_POLICY: 'true' }),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--older-than and REGISTRY_CLEANER_CLEANUP_POLICY contradict each other/);
    expect(sandbox.requests).toEqual([]);
  });
});

describe('one regex, every way in', () => {
  const dir = temporaryDirectory('registry-cleaner-regex-paths-');
  const configFile = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  /** What a run leaves of a fresh twin world; `setup` may give the project a cleanup policy. */
  async function leftAfter(
    args: (project: Project) => string[],
    env: Record<string, string> = {},
    setup?: (sandbox: Sandbox, project: Project) => void,
  ): Promise<Set<string>> {
    const { sandbox, world: w } = await world();
    const project = w.projects[0]!;
    setup?.(sandbox, project);
    const result = await runCli(['prune', ...args(project)], patEnv(sandbox, w, env));
    expect(result.code, result.stderr).toBe(0);
    return snapshot(sandbox);
  }

  test("flags, REGISTRY_CLEANER_* variables, policy files in both spellings and the cleanup policy delete what GitLab's own run deletes", async () => {
    const gitlab = await afterGitLabsCleanup([POLICY]);
    const withPolicy = (sandbox: Sandbox, project: Project) =>
      sandbox.state.setCleanupPolicy(project, POLICY);
    const paths: Record<string, Set<string>> = {
      flags: await leftAfter((p) => [
        '--project',
        p.fullPath,
        '--older-than',
        '14d',
        '--keep-latest',
        '5',
        '--keep',
        KEEP,
      ]),
      variables: await leftAfter((p) => ['--project', p.fullPath], {
        REGISTRY_CLEANER_OLDER_THAN: '14d',
        REGISTRY_CLEANER_KEEP_LATEST: '5',
        REGISTRY_CLEANER_KEEP: KEEP,
      }),
      'policy file': await leftAfter((p) => [
        '--config',
        configFile(
          'ours.json',
          JSON.stringify({
            policies: [{ project: p.fullPath, 'older-than': '14d', 'keep-latest': 5, keep: KEEP }],
          }),
        ),
      ]),
      "policy file, GitLab's names": await leftAfter((p) => [
        '--config',
        configFile(
          'gitlab.yml',
          `- project: ${p.fullPath}\n  older_than: 14d\n  keep_n: 5\n  name_regex: '.*'\n  name_regex_keep: '${KEEP}'\n`,
        ),
      ]),
      '--cleanup-policy': await leftAfter(
        (p) => ['--project', p.fullPath, '--cleanup-policy'],
        {},
        withPolicy,
      ),
      REGISTRY_CLEANER_CLEANUP_POLICY: await leftAfter(
        (p) => ['--project', p.fullPath],
        { REGISTRY_CLEANER_CLEANUP_POLICY: 'true' },
        withPolicy,
      ),
      'cleanup-policy: true in a policy file': await leftAfter(
        (p) => ['--config', configFile('own.yml', `- {project: ${p.fullPath}, cleanup-policy: true}\n`)],
        {},
        withPolicy,
      ),
    };
    for (const [path, left] of Object.entries(paths)) expect(left, path).toEqual(gitlab);

    // The regex decides something here: whole names only, or no keep at all, would leave less.
    const wholeNames = await leftAfter((p) => [
      '--project',
      p.fullPath,
      '--older-than',
      '14d',
      '--keep-latest',
      '5',
      '--keep',
      `(?:${KEEP})`,
    ]);
    expect(wholeNames.size).toBeLessThan(gitlab.size);
    expect([...gitlab].filter((tag) => /:v\d+\.\d+\.0-rc\d$/.test(tag)).length).toBeGreaterThan(
      [...wholeNames].filter((tag) => /:v\d+\.\d+\.0-rc\d$/.test(tag)).length,
    );
  });
});
