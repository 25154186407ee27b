// src/options/prune.ts: one policy from the flags or many from --config, the default scope, the
// shard, and what a job token may not do.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { AuthError, UsageError } from '../../src/errors.ts';
import { type PruneOptions, resolvePruneOptions } from '../../src/options/prune.ts';
import type { Env } from '../../src/options/raw.ts';
import { temporaryDirectory } from '../e2e/support/temporary.ts';
import { rawOptions, rejected } from './options-support.ts';

const DAY = 86_400_000;
const JOB_TOKEN = 'glcbt-64_job-token-value-xyz';

/** A CI job with a personal token, so that the job-token limits stay out of the way. */
const CI: Env = {
  CI: 'true',
  GITLAB_CI: 'true',
  CI_API_V4_URL: 'https://gitlab.example.com/api/v4',
  CI_PROJECT_ID: '42',
  CI_PROJECT_PATH: 'acme/web-app',
  REGISTRY_CLEANER_TOKEN: 'glpat-personal-token-value',
};
const { REGISTRY_CLEANER_TOKEN: _personal, ...CI_WITHOUT_TOKEN } = CI;
const JOB: Env = { ...CI_WITHOUT_TOKEN, CI_JOB_TOKEN: JOB_TOKEN };

const prune = (flags: Record<string, unknown>, env: Env = CI): Promise<PruneOptions> =>
  resolvePruneOptions(rawOptions('prune', flags, env), env, false);

const usageError = async (flags: Record<string, unknown>, env: Env = CI) =>
  (await rejected(prune(flags, env), UsageError)).message;

const dir = temporaryDirectory('registry-cleaner-prune-');
function configFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('one policy from the flags', () => {
  test('the whole result: connection, output, the policy, no shard, no dry run', async () => {
    const options = await prune({ 'older-than': '14d', keep: ['v.*'], 'dry-run': true });
    expect(options.connection.restUrl).toBe('https://gitlab.example.com/api/v4');
    expect(options.output.format).toBe('text');
    expect(options.policies).toHaveLength(1);
    expect(options.policies[0]).toMatchObject({ name: 'command line', projects: [{ id: 42 }], groups: [] });
    expect(options.policies[0]?.rules).toMatchObject({ olderThanMs: 14 * DAY, staleBranches: false });
    expect(options).not.toHaveProperty('shard');
    expect(options.dryRun).toBe(true);
    expect(options.warnings).toEqual([]);
  });

  test('rules from REGISTRY_CLEANER_* variables, --keep one per line', async () => {
    const options = await prune(
      {},
      {
        ...CI,
        REGISTRY_CLEANER_KEEP_LATEST: '3',
        REGISTRY_CLEANER_MATCH: 'feature-.*',
        REGISTRY_CLEANER_KEEP: 'v\\d+\nstable, lts',
        REGISTRY_CLEANER_ACCEPT_AGES: 'first-push',
        REGISTRY_CLEANER_REPOSITORY: 'api, tools/*',
      },
    );
    const [policy] = options.policies;
    expect(policy?.rules.keepLatest).toBe(3);
    expect(policy?.rules.match?.source).toBe('feature-.*');
    expect(policy?.rules.keep.map((pattern) => pattern.source)).toEqual(['v\\d+', 'stable, lts']);
    expect(policy?.rules.acceptAges).toEqual(['first-push']);
    expect(policy?.repositories?.map((glob) => glob.pattern)).toEqual(['api', 'tools/*']);
  });

  test('--keep-latest 0 is a value, not an absence: alone it is refused', async () => {
    expect(await usageError({ 'keep-latest': 0 })).toBe(
      '--keep-latest 0 alone would delete every eligible tag: add older-than, or keep at least 1',
    );
  });

  test('messages name the flag or variable a value came from; the rule guard names the command', async () => {
    expect(await usageError({}, { ...CI, REGISTRY_CLEANER_OLDER_THAN: 'soon' })).toBe(
      'REGISTRY_CLEANER_OLDER_THAN soon is not a duration: write e.g. 90m, 36h, 14d, 2w or P14D',
    );
    expect(await usageError({ match: '(?=x)' })).toMatch(/^--match "\(\?=x\)" uses a lookahead/);
    expect(await usageError({ match: 'feature-.*' })).toBe(
      'prune: at least one of older-than, keep-latest or stale-branches is required, so that no run deletes every tag by accident',
    );
  });

  test('anchoring warnings reach the options, naming the source', async () => {
    const options = await prune({ 'older-than': '1d' }, { ...CI, REGISTRY_CLEANER_KEEP: 'main|master' });
    expect(options.warnings).toHaveLength(1);
    expect(options.warnings[0]).toMatch(/^REGISTRY_CLEANER_KEEP "main\|master" has a top-level "\|"/);
  });

  test('warnings of every kind are collected in order: variables, connection, policy', async () => {
    const options = await prune(
      { 'older-than': '1d', 'gitlab-url': 'http://gitlab.example.com', keep: ['a|b'] },
      { ...CI, REGISTRY_CLEANER_IMAGE: 'x' },
    );
    expect(options.warnings.map((warning) => warning.split(' ')[0])).toEqual([
      'REGISTRY_CLEANER_IMAGE',
      '--gitlab-url',
      '--keep',
    ]);
  });
});

describe('the default scope', () => {
  test("the job's own project: CI_PROJECT_ID, else CI_PROJECT_PATH", async () => {
    expect((await prune({ 'older-than': '1d' })).policies[0]?.projects).toEqual([{ id: 42 }]);
    const byPath = await prune({ 'older-than': '1d' }, { ...CI, CI_PROJECT_ID: ' ' });
    expect(byPath.policies[0]?.projects).toEqual([{ path: 'acme/web-app' }]);
  });

  test('a --group or --project replaces it', async () => {
    const grouped = await prune({ 'older-than': '1d', group: ['acme'] });
    expect(grouped.policies[0]).toMatchObject({ projects: [], groups: [{ path: 'acme' }] });
    const projects = await prune({ 'older-than': '1d', project: ['7', 'acme/api'] });
    expect(projects.policies[0]?.projects).toEqual([{ id: 7 }, { path: 'acme/api' }]);
  });

  test('outside CI with neither: say what to pass', async () => {
    const { CI_PROJECT_ID: _id, CI_PROJECT_PATH: _path, ...outside } = CI;
    expect(await usageError({ 'older-than': '1d' }, outside)).toBe(
      '--project: no project or group: outside GitLab CI pass --project or --group',
    );
  });
});

describe('--config', () => {
  test('policies from the file, each with the default scope when it names none', async () => {
    const path = configFile(
      'two.yml',
      'policies:\n  - {name: own, older-than: 7d}\n  - {name: api, project: acme/api, keep-latest: 2}\n',
    );
    const options = await prune({ config: path, concurrency: 2 });
    expect(options.policies.map((policy) => [policy.name, policy.projects])).toEqual([
      ['own', [{ id: 42 }]],
      ['api', [{ path: 'acme/api' }]],
    ]);
    expect(options.connection.concurrency).toBe(2);
  });

  test('errors inside the file name the file, the policy and the field', async () => {
    const path = configFile('bad.yml', '- {name: p, older-than: 1d, keep: ["(?=x)"]}\n');
    expect(await usageError({ config: path })).toMatch(
      new RegExp(`^${path}: policy "p": keep "\\(\\?=x\\)" uses a lookahead`),
    );
    const { CI_PROJECT_ID: _id, CI_PROJECT_PATH: _path, ...outside } = CI;
    const noScope = configFile('no-scope.yml', '- {name: p, older-than: 1d}\n');
    expect(await usageError({ config: noScope }, outside)).toBe(
      `${noScope}: policy "p": project: no project or group: outside GitLab CI pass --project or --group`,
    );
  });

  test.each<[Record<string, unknown>, Env, string]>([
    [{ 'older-than': '1d' }, {}, '--older-than'],
    [{ project: ['acme/web'] }, {}, '--project'],
    [{ 'stale-branches': false }, {}, '--stale-branches'],
    [{}, { REGISTRY_CLEANER_KEEP_LATEST: '3' }, 'REGISTRY_CLEANER_KEEP_LATEST'],
    [{}, { REGISTRY_CLEANER_GROUP: 'acme' }, 'REGISTRY_CLEANER_GROUP'],
  ])('with a rule or scope from %j %j: a contradiction', async (flags, env, named) => {
    const path = configFile('clash.yml', '- {older-than: 1d}\n');
    expect(await usageError({ ...flags, config: path }, { ...CI, ...env })).toBe(
      `--config and ${named} contradict each other: put the scope and rules in the config file`,
    );
  });

  test('the variable names itself when it gives the file', async () => {
    const path = configFile('clash-env.yml', '- {older-than: 1d}\n');
    expect(await usageError({ match: 'x' }, { ...CI, REGISTRY_CLEANER_CONFIG: path })).toBe(
      'REGISTRY_CLEANER_CONFIG and --match contradict each other: put the scope and rules in the config file',
    );
  });

  test('a file without policies is refused', async () => {
    const path = configFile('empty.yml', 'policies: []\n');
    expect(await usageError({ config: path })).toBe(
      `${path}: no policies: add at least one, e.g. policies: [{project: acme/web-app, older-than: 14d}]`,
    );
  });
});

describe('--shard', () => {
  test('from the flag, which wins over CI_NODE_INDEX/CI_NODE_TOTAL', async () => {
    const env = { ...CI, CI_NODE_INDEX: '1', CI_NODE_TOTAL: '3' };
    expect((await prune({ 'older-than': '1d', shard: '2/5' }, env)).shard).toEqual({ index: 2, total: 5 });
    expect((await prune({ 'older-than': '1d' }, { ...env, REGISTRY_CLEANER_SHARD: '4/5' })).shard).toEqual({
      index: 4,
      total: 5,
    });
  });

  test('from `parallel: n`: CI_NODE_INDEX of CI_NODE_TOTAL; a job without it (total 1) is not sharded', async () => {
    expect(
      (await prune({ 'older-than': '1d' }, { ...CI, CI_NODE_INDEX: '3', CI_NODE_TOTAL: '3' })).shard,
    ).toEqual({
      index: 3,
      total: 3,
    });
    expect(
      await prune({ 'older-than': '1d' }, { ...CI, CI_NODE_INDEX: '1', CI_NODE_TOTAL: '1' }),
    ).not.toHaveProperty('shard');
    expect(await prune({ 'older-than': '1d' }, { ...CI, CI_NODE_INDEX: '2' })).not.toHaveProperty('shard');
  });

  test.each<[Record<string, unknown>, Env, string]>([
    [{ shard: '2' }, {}, '--shard 2 is not a shard: write i/n, e.g. 2/5'],
    [{ shard: '0/3' }, {}, '--shard 0/3 needs 1 ≤ i ≤ n'],
    [{}, { REGISTRY_CLEANER_SHARD: '4/3' }, 'REGISTRY_CLEANER_SHARD 4/3 needs 1 ≤ i ≤ n'],
    [{}, { CI_NODE_INDEX: '4', CI_NODE_TOTAL: '3' }, 'CI_NODE_INDEX/CI_NODE_TOTAL 4/3 needs 1 ≤ i ≤ n'],
  ])('%j %j is refused', async (flags, env, message) => {
    expect(await usageError({ 'older-than': '1d', ...flags }, { ...CI, ...env })).toBe(message);
  });

  // Surprising: with CI_NODE_TOTAL but no CI_NODE_INDEX the job is refused (rightly), but the
  // message reads "CI_NODE_INDEX/CI_NODE_TOTAL undefined/3 is not a shard: write i/n, e.g. 2/5".
  test('a missing CI_NODE_INDEX is said to be missing, not shown as "undefined"', async () => {
    const message = await usageError({ 'older-than': '1d' }, { ...CI, CI_NODE_TOTAL: '3' });
    expect(message).not.toContain('undefined');
  });
});

describe('what a job token cannot do: refused with exit 3, before any request', () => {
  const authError = async (flags: Record<string, unknown>, env: Env = JOB) => {
    const error = await rejected(prune(flags, env), AuthError);
    expect(error.message).not.toContain(JOB_TOKEN);
    return error.message;
  };

  test('its own project is fine', async () => {
    const options = await prune({ 'older-than': '1d' }, JOB);
    expect(options.connection.credential.kind).toBe('job');
  });

  test('a group', async () => {
    expect(await authError({ 'older-than': '1d', group: ['acme'] })).toBe(
      "CI_JOB_TOKEN cannot list a group's registry (command line): set REGISTRY_CLEANER_TOKEN to a group access token with the api scope",
    );
  });

  test('--stale-branches (branches and merge requests are out of its reach)', async () => {
    expect(await authError({ 'stale-branches': true })).toBe(
      'CI_JOB_TOKEN cannot read branches or merge requests (--stale-branches, command line): set REGISTRY_CLEANER_TOKEN to a token with the api scope',
    );
  });

  test('another project, also in one policy of a config file, named by its policy', async () => {
    expect(await authError({ 'older-than': '1d', project: ['acme/other'] })).toMatch(
      /^CI_JOB_TOKEN works only on the registry of its own project \(acme\/web-app\), not acme\/other:/,
    );
    const path = configFile(
      'job.yml',
      '- {name: own, older-than: 1d}\n- {name: sweep, group: acme, older-than: 1d}\n',
    );
    expect(await authError({ config: path })).toMatch(
      /^CI_JOB_TOKEN cannot list a group's registry \(sweep\)/,
    );
  });

  test('a job token pasted into REGISTRY_CLEANER_TOKEN is refused the same way, under that name', async () => {
    const env = { ...CI, REGISTRY_CLEANER_TOKEN: JOB_TOKEN };
    expect(await authError({ 'stale-branches': true }, env)).toMatch(
      /^REGISTRY_CLEANER_TOKEN cannot read branches/,
    );
  });

  test('usage errors come first: a bad rule is exit 2 even with a job token on a group', async () => {
    expect(await usageError({ group: ['acme'], 'older-than': 'soon' }, JOB)).toMatch(/^--older-than soon/);
  });
});

describe('--stale-branches without --match or --keep', () => {
  test('warns that release tags are stale too, naming the policy', async () => {
    expect((await prune({ 'stale-branches': true })).warnings).toEqual([
      "command line: --stale-branches without --match or --keep treats every tag that is not a live branch's slug as stale, release tags included",
    ]);
    const path = configFile('stale.yml', '- {name: reviews, stale-branches: true}\n');
    expect((await prune({ config: path })).warnings).toEqual([
      expect.stringMatching(/^reviews: --stale-branches without --match or --keep/),
    ]);
  });

  test('no warning with --match or --keep', async () => {
    expect((await prune({ 'stale-branches': true, match: 'review-.*' })).warnings).toEqual([]);
    expect((await prune({ 'stale-branches': true, keep: ['v.*'] })).warnings).toEqual([]);
  });
});
