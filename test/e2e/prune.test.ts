// prune end to end against the sandbox, checked against an independent oracle.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { type Sandbox, SandboxState, startSandbox, type Tag } from '../sandbox/index.ts';
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

/** Every tag as "repositoryId:name". */
function snapshot(sandbox: Sandbox): Set<string> {
  const all = new Set<string>();
  for (const repository of sandbox.state.repositories()) {
    for (const tag of sandbox.state.tags(repository)) all.add(`${repository.id}:${tag.name}`);
  }
  return all;
}

/**
 * The oracle, written independently of src/plan: per repository, everything except `latest` and
 * exact semver tags is a candidate; the 5 most recently pushed candidates stay; of the rest, those
 * pushed more than 14 days ago go.
 */
function oracleDoomed(sandbox: Sandbox, now: number): Set<string> {
  const doomed = new Set<string>();
  for (const repository of sandbox.state.repositories()) {
    const candidates = sandbox.state
      .tags(repository)
      .filter((t: Tag) => t.name !== 'latest' && !/^v[0-9]+\.[0-9]+\.[0-9]+$/.test(t.name));
    candidates.sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime());
    for (const tag of candidates.slice(5)) {
      if (tag.publishedAt.getTime() < now - 14 * DAY_MS) doomed.add(`${repository.id}:${tag.name}`);
    }
  }
  return doomed;
}

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

const RULES = ['--older-than', '14d', '--keep-latest', '5', '--keep', '^v\\d+\\.\\d+\\.\\d+$'];

describe('prune --older-than 14d --keep-latest 5 --keep semver', () => {
  test('3 projects, 20 repositories, 5,000 tags: the dry run deletes nothing, the real run deletes exactly its plan and the oracle', async () => {
    const { sandbox, world: w } = await world();
    const projects = w.projects.flatMap((p) => ['--project', p.fullPath]);
    const env = envFor(sandbox, { REGISTRY_CLEANER_TOKEN: w.personalToken });
    const before = snapshot(sandbox);
    const expected = oracleDoomed(sandbox, Date.now());
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

  test('a legacy registry (no push times to sort by) falls back to reading everything, same result', async () => {
    const state = new SandboxState();
    const w = seedRetentionWorld(state, { projects: 1, repositories: 3, tags: 600 });
    const sandbox = await startSandbox({ state, registryMode: 'legacy' });
    sandboxes.push(sandbox);
    const before = snapshot(sandbox);
    const expected = oracleDoomed(sandbox, Date.now());
    const result = await runCli(
      ['prune', '--project', w.projects[0]!.fullPath, ...RULES],
      envFor(sandbox, { REGISTRY_CLEANER_TOKEN: w.personalToken }),
    );
    expect(result.code).toBe(0);
    expect(snapshot(sandbox)).toEqual(new Set([...before].filter((tag) => !expected.has(tag))));
  });

  test('with a CI job token (REST only) the result is the same on its own project', async () => {
    const { sandbox, world: w } = await world({ projects: 1, repositories: 3, tags: 900 });
    const project = w.projects[0]!;
    const env = envFor(sandbox, {
      CI_PROJECT_ID: String(project.id),
      CI_PROJECT_PATH: project.fullPath,
      CI_JOB_TOKEN: w.jobTokens.get(project.id)!,
    });
    const before = snapshot(sandbox);
    const expected = oracleDoomed(sandbox, Date.now());
    const result = await runCli(['prune', ...RULES, '--output', 'json'], env);
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
  test('deletes the tags of branches that no longer exist and keeps the others', async () => {
    const { sandbox, world: w } = await world({ projects: 2, repositories: 4, tags: 400 });
    const env = envFor(sandbox, { REGISTRY_CLEANER_TOKEN: w.personalToken });
    const projects = w.projects.flatMap((p) => ['--project', String(p.id)]);
    const result = await runCli(
      ['prune', ...projects, '--stale-branches', '--match', '(feature|fix)-.*'],
      env,
    );
    expect(result.code).toBe(0);
    let kept = 0;
    let gone = 0;
    for (const repository of sandbox.state.repositories()) {
      const live = new Set(
        w.liveBranches.get(repository.project.id)!.map((b) => b.toLowerCase().replace(/[^a-z0-9]/g, '-')),
      );
      const names = sandbox.state.tags(repository).map((t) => t.name);
      for (const name of names) if (/^(feature|fix)-/.test(name)) expect(live.has(name)).toBe(true);
      kept += names.filter((n) => /^(feature|fix)-/.test(n)).length;
      // everything else is untouched by --match
      expect(names.filter((n) => /^v|^latest$/.test(n)).length).toBeGreaterThan(0);
    }
    gone = 400 - snapshot(sandbox).size;
    expect(kept).toBeGreaterThan(0);
    expect(gone).toBeGreaterThan(0);
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
