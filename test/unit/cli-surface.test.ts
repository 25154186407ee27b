// The command line's edges: REGISTRY_CLEANER_* names that are not flags, and --color / --no-color.

import { describe, expect, test } from 'vitest';
import { parseCommandLine } from '../../src/cli.ts';
import { UsageError } from '../../src/errors.ts';
import { resolveDeleteTagOptions } from '../../src/options/delete-tag.ts';
import type { CommandName } from '../../src/options/flags.ts';
import { resolvePruneOptions } from '../../src/options/prune.ts';
import { collectRawOptions, type Env } from '../../src/options/raw.ts';

const CI: Env = {
  CI: 'true',
  GITLAB_CI: 'true',
  CI_API_V4_URL: 'https://gitlab.example.com/api/v4',
  CI_PROJECT_ID: '42',
  CI_COMMIT_REF_SLUG: 'feature-login',
  CI_JOB_TOKEN: 'glcbt-64_job-token-value-xyz',
};

async function raw(command: CommandName, argv: string[], env: Env) {
  const commandLine = await parseCommandLine([command, ...argv]);
  if (commandLine.kind !== 'run') throw new Error('expected a command');
  return collectRawOptions(command, commandLine.parsed, env);
}

const deleteTag = async (argv: string[], env: Env) =>
  resolveDeleteTagOptions(await raw('delete-tag', argv, env), env, false);
const prune = async (argv: string[], env: Env) =>
  resolvePruneOptions(await raw('prune', argv, env), env, false);

describe('REGISTRY_CLEANER_* variables that are no flag', () => {
  test('a name close to a flag is a likely typo: exit 2, with the name meant', async () => {
    for (const [name, meant] of [
      ['REGISTRY_CLEANER_DRYRUN', 'REGISTRY_CLEANER_DRY_RUN'],
      ['REGISTRY_CLEANER_TAGS', 'REGISTRY_CLEANER_TAG'],
      ['REGISTRY_CLEANER_OLDERTHAN', 'REGISTRY_CLEANER_OLDER_THAN'],
      ['REGISTRY_CLEANER_KEEP_LAST', 'REGISTRY_CLEANER_KEEP_LATEST'],
      ['REGISTRY_CLEANER_GITLAB_URI', 'REGISTRY_CLEANER_GITLAB_URL'],
    ]) {
      const error = await deleteTag([], { ...CI, [name as string]: 'x' }).catch((caught: unknown) => caught);
      expect(error, name).toBeInstanceOf(UsageError);
      expect((error as Error).message).toBe(
        `unknown variable ${name}: did you mean ${meant}? (see registry-cleaner --help for the flags; each has a REGISTRY_CLEANER_<FLAG> variable)`,
      );
    }
  });

  test('a name far from every flag (a group variable meant for something else) is a warning', async () => {
    const env = { ...CI, REGISTRY_CLEANER_IMAGE: 'registry.example.com/rc:1', REGISTRY_CLEANER_VERSION: '1' };
    const expected = [
      'REGISTRY_CLEANER_IMAGE is not a registry-cleaner variable (none is close to it): ignored',
      'REGISTRY_CLEANER_VERSION is not a registry-cleaner variable (none is close to it): ignored',
    ];
    expect((await deleteTag([], env)).warnings).toEqual(expected);
    expect((await prune(['--older-than', '14d'], env)).warnings).toEqual(expected);
  });

  test('outputs of an earlier run (REGISTRY_CLEANER_RESULT_*) and every flag of either command pass quietly', async () => {
    const env = { ...CI, REGISTRY_CLEANER_RESULT_DELETED: '3', REGISTRY_CLEANER_OLDER_THAN: '14d' };
    expect((await deleteTag([], env)).warnings).toEqual([]);
  });
});

describe('colour', () => {
  const { CI: _ci, GITLAB_CI: _gitlab, ...local } = CI;

  test('--no-color turns it off in a CI log and over FORCE_COLOR; --color turns it on over NO_COLOR', async () => {
    expect((await deleteTag([], CI)).output.color).toBe(true);
    expect((await deleteTag(['--no-color'], CI)).output.color).toBe(false);
    expect((await deleteTag(['--no-color'], { ...CI, FORCE_COLOR: '1' })).output.color).toBe(false);
    expect((await deleteTag(['--color'], local)).output.color).toBe(true);
    expect((await deleteTag(['--color'], { ...local, NO_COLOR: '1' })).output.color).toBe(true);
    expect((await deleteTag(['--color=false'], CI)).output.color).toBe(false);
  });

  test('REGISTRY_CLEANER_COLOR does the same, and the flag wins over it', async () => {
    expect((await deleteTag([], { ...CI, REGISTRY_CLEANER_COLOR: 'false' })).output.color).toBe(false);
    expect((await deleteTag([], { ...local, REGISTRY_CLEANER_COLOR: 'true' })).output.color).toBe(true);
    expect((await deleteTag(['--color'], { ...CI, REGISTRY_CLEANER_COLOR: 'false' })).output.color).toBe(
      true,
    );
  });
});
