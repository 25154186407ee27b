// prune end to end against the sandbox, checked against an independent oracle.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { type Sandbox, SandboxState, startSandbox } from '../sandbox/index.ts';
import { oracleDoomed, type RetentionRule, ruleFlags, tagSnapshot } from '../scenarios/oracle.ts';
import { DAY_MS, type RetentionWorld, seedRetentionWorld } from '../scenarios/retention.ts';
import { runCli } from './cli.ts';
import { temporaryDirectory } from './support/temporary.ts';

const sandboxes: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

async function world(
  shape = { projects: 3, repositories: 20, tags: 5000 },
): Promise<{ sandbox: Sandbox; world: RetentionWorld }> {
  const state = new SandboxState();
  const seeded = seedRetentionWorld(state, shape);
  const sandbox = await startSandbox({ state });
  sandboxes.push(sandbox);
  return { sandbox, world: seeded };
}

function envFor(sandbox: Sandbox, token: Record<string, string>): Record<string, string> {
  return { CI_API_V4_URL: sandbox.apiUrl, NO_COLOR: '1', ...token };
}

const snapshot = (sandbox: Sandbox) => tagSnapshot(sandbox.state);

const RULE: RetentionRule = { olderThanDays: 14, keepLatest: 5, keep: '^v\\d+\\.\\d+\\.\\d+$' };
const oracle = (sandbox: Sandbox, now: number) => oracleDoomed(sandbox.state, RULE, now);

interface ReportTag {
  name: string;
  action: string;
  outcome?: string;
}
interface Report {
  dryRun: boolean;
  exitCode: number;
  totals: Record<string, number>;
  repositories: { repository: { id: number }; tags: ReportTag[]; error?: string }[];
}

function tagsWhere(report: Report, predicate: (tag: ReportTag) => boolean): Set<string> {
  return new Set(
    report.repositories.flatMap((r) => r.tags.filter(predicate).map((t) => `${r.repository.id}:${t.name}`)),
  );
}

const RULES = ruleFlags(RULE);

describe('prune --older-than 14d --keep-latest 5 --keep semver', () => {
  test('3 projects, 20 repositories, 5,000 tags: the dry run deletes nothing, the real run deletes exactly its plan and the oracle', async () => {
    const { sandbox, world: w } = await world();
    const projects = w.projects.flatMap((p) => ['--project', p.fullPath]);
    const env = envFor(sandbox, { REGISTRY_CLEANER_TOKEN: w.personalToken });
    const before = snapshot(sandbox);
    const expected = oracle(sandbox, Date.now());
    expect(expected.size).toBeGreaterThan(2500);

    const dry = await runCli(['prune', ...projects, ...RULES, '--dry-run', '--output', 'json'], env);
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout) as Report;
    expect(snapshot(sandbox)).toEqual(before);
    expect(
      sandbox.requests.some(
        (r) => r.method === 'DELETE' || r.graphqlFields?.some((f) => f.startsWith('destroy')),
      ),
    ).toBe(false);
    const planned = tagsWhere(plan, (t) => t.action === 'delete');
    expect(planned).toEqual(expected);

    const real = await runCli(['prune', ...projects, ...RULES, '--output', 'json'], env);
    expect(real.code).toBe(0);
    const report = JSON.parse(real.stdout) as Report;
    expect(tagsWhere(report, (t) => t.outcome === 'deleted')).toEqual(planned);
    const after = snapshot(sandbox);
    expect(after).toEqual(new Set([...before].filter((tag) => !expected.has(tag))));
    expect(report.totals).toMatchObject({ repositories: 20, deleted: expected.size, failed: 0 });
    // Tags younger than the cut-off beyond the newest pages are kept unread.
    expect(report.totals.tags).toBeLessThan(5000);
  });

  test('a sweep where little has expired reads little: oldest first up to the cut-off', async () => {
    const { sandbox, world: w } = await world({ projects: 1, repositories: 2, tags: 2000 });
    const env = envFor(sandbox, { REGISTRY_CLEANER_TOKEN: w.personalToken });
    const cutoff = Date.now() - 80 * DAY_MS;
    const old = sandbox.state
      .repositories()
      .map((r) => sandbox.state.tags(r).filter((t) => t.publishedAt.getTime() < cutoff).length);
    const result = await runCli(
      [
        'prune',
        '--project',
        w.projects[0]!.fullPath,
        '--older-than',
        '80d',
        '--keep-latest',
        '5',
        '--dry-run',
      ],
      env,
    );
    expect(result.code).toBe(0);
    const pages = sandbox.requests.filter((r) => r.graphqlFields?.includes('containerRepository')).length;
    // per repository: the oldest pages up to the cut-off, plus the newest page for --keep-latest
    const bound = old.reduce((sum, count) => sum + Math.floor(count / 20) + 2, 0);
    expect(pages).toBeLessThanOrEqual(bound);
    expect(pages).toBeLessThan(2000 / 20 / 3);
  });

  test('a legacy registry reports build times: refused by default (exit 1, nothing deleted, how to accept them)', async () => {
    const state = new SandboxState();
    const w = seedRetentionWorld(state, { projects: 1, repositories: 3, tags: 600 });
    const sandbox = await startSandbox({ state, registryMode: 'legacy' });
    sandboxes.push(sandbox);
    const before = snapshot(sandbox);
    const env = envFor(sandbox, { REGISTRY_CLEANER_TOKEN: w.personalToken });
    const refused = await runCli(
      ['prune', '--project', w.projects[0]!.fullPath, ...RULES, '--output', 'json'],
      env,
    );
    expect(refused.code).toBe(1);
    expect(snapshot(sandbox)).toEqual(before);
    const report = JSON.parse(refused.stdout) as Omit<Report, 'repositories'> & {
      repositories: { status: string; ageSource: string; refusal?: string }[];
    };
    expect(report.repositories.map((r) => [r.status, r.ageSource])).toEqual(
      Array(3).fill(['refused', 'build-time']),
    );
    expect(report.repositories[0]?.refusal).toMatch(/--accept-ages build-time$/);
    expect(report.totals).toMatchObject({ refusedRepositories: 3, deleted: 0 });

    // Accepted, the build times of this world (pushed as built) give the oracle's result.
    const expected = oracle(sandbox, Date.now());
    const accepted = await runCli(
      ['prune', '--project', w.projects[0]!.fullPath, ...RULES, '--accept-ages', 'build-time'],
      env,
    );
    expect(accepted.code).toBe(0);
    expect(snapshot(sandbox)).toEqual(new Set([...before].filter((tag) => !expected.has(tag))));
  });

  test('with a CI job token (REST only) first pushes are refused unless accepted; accepted, the result is the same', async () => {
    const { sandbox, world: w } = await world({ projects: 1, repositories: 3, tags: 900 });
    const project = w.projects[0]!;
    const env = envFor(sandbox, {
      CI_PROJECT_ID: String(project.id),
      CI_PROJECT_PATH: project.fullPath,
      CI_JOB_TOKEN: w.jobTokens.get(project.id)!,
    });
    const before = snapshot(sandbox);
    const refused = await runCli(['prune', ...RULES], env);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(
      /refused: its tag times are the first push of the tag name \(created_at\)/,
    );
    expect(snapshot(sandbox)).toEqual(before);
    // refused times are not worth a details request per tag
    expect(sandbox.requests.filter((r) => r.operation === 'tagDetails')).toEqual([]);

    sandbox.resetRequests();
    const expected = oracle(sandbox, Date.now());
    const result = await runCli(['prune', ...RULES, '--accept-ages', 'first-push', '--output', 'json'], env);
    expect(result.code).toBe(0);
    expect(snapshot(sandbox)).toEqual(new Set([...before].filter((tag) => !expected.has(tag))));
    expect(sandbox.requests.every((r) => r.auth === 'job' && r.operation !== 'graphql')).toBe(true);
    // no details for tags the name rules settle (latest, semver), at most one per remaining tag
    const details = sandbox.requests.filter((r) => r.operation === 'tagDetails').map((r) => r.path);
    expect(new Set(details).size).toBe(details.length);
    expect(details.some((path) => /\/tags\/(latest|v\d+\.\d+\.\d+)$/.test(path))).toBe(false);
  });
});

describe('a repository that cannot be read', () => {
  test('is reported with its error and exit 1; the other repositories are still swept', async () => {
    const { sandbox, world: w } = await world({ projects: 1, repositories: 3, tags: 300 });
    const broken = w.repositories[1]!;
    sandbox.intercept((request) =>
      request.operation === 'graphql' && request.body?.includes(`ContainerRepository/${broken.id}"`)
        ? { kind: 'status', status: 500 }
        : undefined,
    );
    const before = sandbox.state.tags(broken).length;
    const result = await runCli(
      ['prune', '--project', w.projects[0]!.fullPath, '--older-than', '14d', '--output', 'json'],
      envFor(sandbox, { REGISTRY_CLEANER_TOKEN: w.personalToken }),
    );
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.totals.repositoryErrors).toBe(1);
    expect(report.repositories.find((r) => r.repository.id === broken.id)?.error).toMatch(/HTTP 500/);
    expect(sandbox.state.tags(broken)).toHaveLength(before);
    expect(report.totals.deleted).toBeGreaterThan(0);
  });
});

describe('prune --stale-branches', () => {
  test('deletes exactly the matching tags of branches that no longer exist, and nothing else', async () => {
    const { sandbox, world: w } = await world({ projects: 2, repositories: 4, tags: 400 });
    const env = envFor(sandbox, { REGISTRY_CLEANER_TOKEN: w.personalToken });
    const projects = w.projects.flatMap((p) => ['--project', String(p.id)]);
    // The oracle: a tag goes when --match takes it and it is no live branch's slug (the slugs of
    // this world's branch names are their lower-cased names with '-' for anything else).
    const slugsOf = new Map<number, Set<string>>();
    for (const repository of sandbox.state.repositories()) {
      const branches = w.liveBranches.get(repository.project.id) ?? [];
      slugsOf.set(repository.id, new Set(branches.map((b) => b.toLowerCase().replace(/[^a-z0-9]/g, '-'))));
    }
    const before = snapshot(sandbox);
    const expected = new Set(
      [...before].filter((key) => {
        const [id, name] = key.split(':') as [string, string];
        return !(/^(feature|fix)-.*$/.test(name) && !slugsOf.get(Number(id))?.has(name));
      }),
    );
    expect(before.size - expected.size).toBeGreaterThan(0);
    expect([...expected].filter((key) => /:(feature|fix)-/.test(key)).length).toBeGreaterThan(0);

    const result = await runCli(
      ['prune', ...projects, '--stale-branches', '--match', '(feature|fix)-.*'],
      env,
    );
    expect(result.code).toBe(0);
    expect(snapshot(sandbox)).toEqual(expected);
  });
});

describe('config files', () => {
  test('the legacy {"name": {"id", "delete_older_than"}} shape works', async () => {
    const { sandbox, world: w } = await world({ projects: 1, repositories: 2, tags: 200 });
    const project = w.projects[0]!;
    const dir = temporaryDirectory('rc-config-');
    const file = join(dir, 'policies.json');
    writeFileSync(file, JSON.stringify({ web: { id: project.id, delete_older_than: { days: 30 } } }));
    const result = await runCli(
      ['prune', '--config', file],
      envFor(sandbox, { REGISTRY_CLEANER_TOKEN: w.personalToken }),
    );
    expect(result.code).toBe(0);
    for (const repository of sandbox.state.repositories()) {
      for (const tag of sandbox.state.tags(repository)) {
        if (tag.name !== 'latest')
          expect(tag.publishedAt.getTime()).toBeGreaterThanOrEqual(Date.now() - 30 * DAY_MS - 60_000);
      }
    }
    expect(snapshot(sandbox).size).toBeLessThan(200);
  });

  test('a YAML list of policies', async () => {
    const { sandbox, world: w } = await world({ projects: 2, repositories: 2, tags: 200 });
    const dir = temporaryDirectory('rc-config-');
    const file = join(dir, 'registry-cleaner.yml');
    writeFileSync(
      file,
      [
        'policies:',
        `  - name: sha tags of ${w.projects[0]!.fullPath}`,
        `    projects: [${w.projects[0]!.fullPath}]`,
        "    match: '[0-9a-f]{8}'",
        '    keep-latest: 0',
        '    older-than: 1d',
      ].join('\n'),
    );
    const result = await runCli(
      ['prune', '--config', file, '--output', 'json'],
      envFor(sandbox, { REGISTRY_CLEANER_TOKEN: w.personalToken }),
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    const deleted = tagsWhere(report, (t) => t.outcome === 'deleted');
    expect(deleted.size).toBeGreaterThan(0);
    for (const id of deleted) expect(id).toMatch(/^\d+:[0-9a-f]{8}$/);
    const secondProjectRepos = new Set(sandbox.state.repositories(w.projects[1]!).map((r) => r.id));
    for (const id of deleted) expect(secondProjectRepos.has(Number(id.split(':')[0]))).toBe(false);
  });
});

describe('bad input exits 2 before any request', () => {
  const dir = temporaryDirectory('rc-bad-');
  const notYaml = join(dir, 'bad.yml');
  writeFileSync(notYaml, 'policies: [\n  - {name: x\n');
  const wrongType = join(dir, 'wrong.yml');
  writeFileSync(wrongType, 'policies:\n  - name: nightly\n    project: acme/web\n    keep-latest: five\n');
  const noRules = join(dir, 'norules.json');
  writeFileSync(noRules, '[{"name": "oops", "projects": ["acme/web"]}]');

  test.each([
    [['--older-than', '14x'], /--older-than 14x has an unknown unit/],
    [['--older-than', 'P1M'], /months or years/],
    [
      ['--keep-latest', '3', '--match', '(feature'],
      /--match "\(feature" is not a valid RE2 regular expression/,
    ],
    [['--keep-latest', '3', '--keep', '(a)\\1'], /backreference/],
    [[], /at least one of older-than, keep-latest or stale-branches/],
    [['--keep-latest', '0'], /would delete every eligible tag/],
    [['--config', notYaml], /bad\.yml: not valid YAML or JSON/],
    [['--config', wrongType], /wrong\.yml: policy "nightly": keep-latest must be a number/],
    [['--config', noRules], /norules\.json: policy "oops": rules: at least one of/],
    [['--config', noRules, '--older-than', '1d'], /--config and --older-than contradict/],
    [['--older-than', '1d', '--shard', '4/3'], /--shard 4\/3 needs 1 ≤ i ≤ n/],
  ])('%j', async (args, message) => {
    const { sandbox, world: w } = await world({ projects: 1, repositories: 1, tags: 10 });
    const scope = args.includes('--config') ? [] : ['--project', w.projects[0]!.fullPath];
    const result = await runCli(
      ['prune', ...scope, ...args],
      envFor(sandbox, { REGISTRY_CLEANER_TOKEN: w.personalToken }),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(sandbox.requests).toEqual([]);
  });
});

describe('sharding', () => {
  test('shards 1/3, 2/3 and 3/3 together delete the same set as one unsharded run', async () => {
    const shape = { projects: 3, repositories: 12, tags: 1200, seed: 7 };
    const whole = await world(shape);
    const sharded = await world(shape);
    const args = (w: RetentionWorld) => [
      'prune',
      ...w.projects.flatMap((p) => ['--project', p.fullPath]),
      ...RULES,
    ];
    expect(
      (
        await runCli(
          args(whole.world),
          envFor(whole.sandbox, { REGISTRY_CLEANER_TOKEN: whole.world.personalToken }),
        )
      ).code,
    ).toBe(0);
    for (const shard of ['1/3', '2/3', '3/3']) {
      const env = envFor(sharded.sandbox, { REGISTRY_CLEANER_TOKEN: sharded.world.personalToken });
      expect((await runCli([...args(sharded.world), '--shard', shard], env)).code).toBe(0);
    }
    expect(snapshot(sharded.sandbox)).toEqual(snapshot(whole.sandbox));
    expect(snapshot(whole.sandbox).size).toBeLessThan(1200);
  });

  test('CI_NODE_INDEX/CI_NODE_TOTAL shard without flags, disjointly', async () => {
    const { sandbox, world: w } = await world({ projects: 2, repositories: 6, tags: 300 });
    const seen = new Map<number, number>();
    for (const index of ['1', '2']) {
      const env = {
        ...envFor(sandbox, { REGISTRY_CLEANER_TOKEN: w.personalToken }),
        CI_NODE_INDEX: index,
        CI_NODE_TOTAL: '2',
      };
      const result = await runCli(
        [
          'prune',
          ...w.projects.flatMap((p) => ['--project', p.fullPath]),
          ...RULES,
          '--dry-run',
          '--output',
          'json',
        ],
        env,
      );
      for (const entry of (JSON.parse(result.stdout) as Report).repositories) {
        seen.set(entry.repository.id, (seen.get(entry.repository.id) ?? 0) + 1);
      }
    }
    expect(seen.size).toBe(6);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
  });
});
