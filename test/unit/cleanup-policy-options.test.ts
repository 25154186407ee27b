// prune --cleanup-policy as an option: the flag, its variable and the policy-file field; what it
// cannot be combined with; and GitLab's field names in policy files.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseCommandLine } from '../../src/cli.ts';
import { AuthError, UsageError } from '../../src/errors.ts';
import { readConfigFile } from '../../src/options/config-file.ts';
import { resolvePruneOptions } from '../../src/options/prune.ts';
import { collectRawOptions, type Env } from '../../src/options/raw.ts';
import { temporaryDirectory } from '../e2e/support/temporary.ts';

const PAT: Env = {
  CI_API_V4_URL: 'https://gitlab.example.com/api/v4',
  CI_PROJECT_ID: '42',
  REGISTRY_CLEANER_TOKEN: 'glpat-personal-token-value',
};

async function prune(argv: string[], env: Env) {
  const commandLine = await parseCommandLine(['prune', ...argv]);
  if (commandLine.kind !== 'run') throw new Error('expected a command');
  return resolvePruneOptions(collectRawOptions('prune', commandLine.parsed, env), env, false);
}

async function refused(argv: string[], env: Env): Promise<Error> {
  const error = await prune(argv, env).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

const dir = temporaryDirectory('registry-cleaner-cleanup-policy-');
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('--cleanup-policy', () => {
  test('alone is enough: no rule flag is required, and the policy carries no rule of its own', async () => {
    const [policy] = (await prune(['--cleanup-policy'], PAT)).policies;
    expect(policy?.cleanupPolicy).toBe(true);
    expect(policy?.rules).toMatchObject({ keep: [], staleBranches: false });
    expect(policy?.rules.match).toBeUndefined();
    expect(policy?.rules.keepLatest).toBeUndefined();
    expect(policy?.rules.olderThanMs).toBeUndefined();
  });

  test('REGISTRY_CLEANER_CLEANUP_POLICY=true does the same; without either the rules are required', async () => {
    const [policy] = (await prune([], { ...PAT, REGISTRY_CLEANER_CLEANUP_POLICY: 'true' })).policies;
    expect(policy?.cleanupPolicy).toBe(true);
    expect((await refused([], PAT)).message).toMatch(
      /at least one of older-than, keep-latest or stale-branches/,
    );
  });

  test('--keep, --stale-branches and --accept-ages stay: they only keep more, or say which times to trust', async () => {
    const [policy] = (
      await prune(
        ['--cleanup-policy', '--keep', 'v\\d+', '--stale-branches', '--accept-ages', 'first-push'],
        PAT,
      )
    ).policies;
    expect(policy?.rules.keep.map((keep) => keep.source)).toEqual(['v\\d+']);
    expect(policy?.rules).toMatchObject({ staleBranches: true, acceptAges: ['first-push'] });
  });

  test.each([
    [['--match', 'x.*'], '--match', 'name_regex'],
    [['--keep-latest', '5'], '--keep-latest', 'keep_n'],
    [['--older-than', 'nonsense'], '--older-than', 'older_than'],
  ])('with %j: exit 2, naming both and the policy field that decides', async (flags, flag, field) => {
    const error = await refused(['--cleanup-policy', ...flags], PAT);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe(
      `${flag} and --cleanup-policy contradict each other: the cleanup policy's ${field} decides that; drop ${flag}, or drop --cleanup-policy and give all the rules`,
    );
  });

  test('the variable is named when it was the variable', async () => {
    const error = await refused(['--older-than', '14d'], { ...PAT, REGISTRY_CLEANER_CLEANUP_POLICY: '1' });
    expect(error.message).toMatch(/^--older-than and REGISTRY_CLEANER_CLEANUP_POLICY contradict each other/);
  });

  test('a job token cannot read the policy: exit 3 before any request', async () => {
    const { REGISTRY_CLEANER_TOKEN: _, ...ci } = PAT;
    const error = await refused(['--cleanup-policy'], { ...ci, CI_JOB_TOKEN: 'glcbt-64_job-token-value' });
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(
      /^CI_JOB_TOKEN cannot read a project's cleanup policy \(--cleanup-policy, command line\): GitLab shows GET \/projects\/:id to a job token as to an anonymous user/,
    );
  });

  test('--config carries it instead: the flag with --config is a contradiction', async () => {
    const config = file('with-flag.yml', '- {project: 42, older-than: 1d}\n');
    const error = await refused(['--config', config, '--cleanup-policy'], PAT);
    expect(error.message).toMatch(/contradict each other: put the scope and rules in the config file/);
  });
});

describe('policy files', () => {
  test('cleanup-policy: true per policy; other policies keep their own rules', async () => {
    const config = file(
      'mixed.yml',
      "- {name: own, project: 1, cleanup-policy: true, keep: 'release-.*'}\n- {name: rules, project: 2, older-than: 7d}\n",
    );
    const [own, rules] = (await prune(['--config', config], PAT)).policies;
    expect(own).toMatchObject({ name: 'own', cleanupPolicy: true });
    expect(own?.rules.keep.map((keep) => keep.source)).toEqual(['release-.*']);
    expect(rules).toMatchObject({ name: 'rules', cleanupPolicy: false });
  });

  test('cleanup-policy with a rule of its own: exit 2, naming the file, the policy and the field as written', async () => {
    const config = file('clash.yml', '- {name: p, project: 1, cleanup-policy: true, keep_n: 5}\n');
    const error = await refused(['--config', config], PAT);
    expect(error.message).toBe(
      `${config}: policy "p": keep_n and cleanup-policy contradict each other: the cleanup policy's keep_n decides that; drop keep_n, or drop cleanup-policy and give all the rules`,
    );
  });

  test("GitLab's names are our rules: a policy pasted from container_expiration_policy", async () => {
    const pasted = file(
      'pasted.yml',
      [
        '- name: pasted',
        '  project: 42',
        '  keep_n: 10',
        '  older_than: 30d',
        "  name_regex: '.*'",
        "  name_regex_keep: 'v\\d+\\.\\d+\\.\\d+'",
        '',
      ].join('\n'),
    );
    const ours = file(
      'ours.yml',
      "- {name: ours, project: 42, keep-latest: 10, older-than: 30d, match: '.*', keep: 'v\\d+\\.\\d+\\.\\d+'}\n",
    );
    const [fromGitLab] = (await prune(['--config', pasted], PAT)).policies;
    const [fromOurs] = (await prune(['--config', ours], PAT)).policies;
    const summary = (policy: typeof fromOurs) => ({
      match: policy?.rules.match?.source,
      keep: policy?.rules.keep.map((keep) => keep.source),
      keepLatest: policy?.rules.keepLatest,
      olderThanMs: policy?.rules.olderThanMs,
    });
    expect(summary(fromGitLab)).toEqual(summary(fromOurs));
    expect(summary(fromGitLab)).toEqual({
      match: '.*',
      keep: ['v\\d+\\.\\d+\\.\\d+'],
      keepLatest: 10,
      olderThanMs: 30 * 86_400_000,
    });
  });

  test('messages name the field as written: GitLab spelling where the file used it', async () => {
    const badRegex = file('bad-regex.yml', "- {name: p, project: 1, name_regex: '(?=x)', older_than: 7d}\n");
    expect((await refused(['--config', badRegex], PAT)).message).toMatch(
      /bad-regex\.yml: policy "p": name_regex "\(\?=x\)" uses a lookahead/,
    );
    const badAge = file('bad-age.yml', '- {name: p, project: 1, older_than: 1month}\n');
    expect((await refused(['--config', badAge], PAT)).message).toMatch(
      /bad-age\.yml: policy "p": older_than 1month has an unknown unit "month"/,
    );
    const badCount = file('bad-count.yml', "- {name: p, project: 1, keep_n: 'ten'}\n");
    expect((await refused(['--config', badCount], PAT)).message).toMatch(
      /bad-count\.yml: policy "p": keep_n must be a number, not string "ten"/,
    );
    const noRule = file('no-rule.yml', "- {name: p, project: 1, name_regex: '.*'}\n");
    expect((await refused(['--config', noRule], PAT)).message).toMatch(
      /at least one of older-than, keep-latest or stale-branches is required/,
    );
  });

  test('one rule spelt both ways, or GitLab scheduling fields: exit 2 with what to do', async () => {
    const both = file('both.yml', '- {name: p, project: 1, older_than: 7d, older-than: 14d}\n');
    await expect(readConfigFile(both, '--config')).rejects.toThrow(
      new UsageError(
        `${both}: policy "p": older_than and older-than are one rule, spelt GitLab's way and ours: give one of them`,
      ),
    );
    for (const field of ['cadence: 1d', 'enabled: true', 'next_run_at: null']) {
      const pasted = file('schedule.yml', `- {name: p, project: 1, older_than: 7d, ${field}}\n`);
      await expect(readConfigFile(pasted, '--config')).rejects.toThrow(
        /says when GitLab runs its own cleanup, not which tags go: registry-cleaner runs when its job runs \(a pipeline schedule\); remove it$/,
      );
    }
  });
});
