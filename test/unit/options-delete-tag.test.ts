// src/options/delete-tag.ts: one project, the tags to delete, the repositories to look in.

import { describe, expect, test } from 'vitest';
import { parseCommandLine } from '../../src/cli.ts';
import { AuthError, UsageError } from '../../src/errors.ts';
import { type DeleteTagOptions, resolveDeleteTagOptions } from '../../src/options/delete-tag.ts';
import { collectRawOptions, type Env } from '../../src/options/raw.ts';
import { rawOptions, thrown } from './options-support.ts';

const JOB_TOKEN = 'glcbt-64_job-token-value-xyz';
const CI: Env = {
  CI_API_V4_URL: 'https://gitlab.example.com/api/v4',
  CI_PROJECT_ID: '42',
  CI_PROJECT_PATH: 'Acme/Web-App',
  CI_COMMIT_REF_SLUG: 'feature-login',
  CI_JOB_TOKEN: JOB_TOKEN,
};

const deleteTag = (flags: Record<string, unknown>, env: Env = CI): DeleteTagOptions =>
  resolveDeleteTagOptions(rawOptions('delete-tag', flags, env), env, false);

const refusal = (flags: Record<string, unknown>, env: Env = CI): string =>
  thrown(() => deleteTag(flags, env), UsageError).message;

const globs = (options: DeleteTagOptions) =>
  options.repositories.kind === 'globs' ? options.repositories.globs.map((glob) => glob.pattern) : 'all';

describe('the project', () => {
  test('the job’s own: CI_PROJECT_ID, else CI_PROJECT_PATH', () => {
    expect(deleteTag({}, { ...CI, CI_PROJECT_ID: ' 42 ' }).project).toEqual({ id: 42 });
    expect(deleteTag({}, { ...CI, CI_PROJECT_ID: '' }).project).toEqual({ path: 'Acme/Web-App' });
  });

  test('--project or REGISTRY_CLEANER_PROJECT wins', () => {
    expect(deleteTag({ project: ['acme/web-app'] }).project).toEqual({ path: 'acme/web-app' });
    expect(deleteTag({}, { ...CI, REGISTRY_CLEANER_PROJECT: '42' }).project).toEqual({ id: 42 });
  });

  test('one project only, however given', () => {
    expect(refusal({ project: ['1', '2'] })).toBe(
      '--project was given 2 times: delete-tag works on one project',
    );
    expect(refusal({}, { ...CI, REGISTRY_CLEANER_PROJECT: 'acme/a acme/b' })).toBe(
      'REGISTRY_CLEANER_PROJECT was given 2 times: delete-tag works on one project',
    );
  });

  test('a bad reference names its source; none at all says what to pass', () => {
    expect(refusal({}, { ...CI, CI_PROJECT_ID: 'web-app' })).toBe(
      'CI_PROJECT_ID web-app is not a project: give its numeric id or its full path (group/project)',
    );
    expect(refusal({}, { ...CI, CI_PROJECT_ID: ' ', CI_PROJECT_PATH: '' })).toBe(
      'no project: outside GitLab CI pass --project <id or group/project>',
    );
  });

  test('a job token works on its own project only (exit 3), by id or by path in any case', () => {
    expect(deleteTag({ project: ['acme/web-app'] }).project).toEqual({ path: 'acme/web-app' });
    const error = thrown(() => deleteTag({ project: ['acme/other'] }), AuthError);
    expect(error.message).toMatch(
      /^CI_JOB_TOKEN works only on the registry of its own project \(acme\/web-app\), not acme\/other:/,
    );
    expect(error.message).not.toContain(JOB_TOKEN);
    // a personal token is not limited
    expect(deleteTag({ project: ['7'] }, { ...CI, GITLAB_TOKEN: 'glpat-personal-token' }).project).toEqual({
      id: 7,
    });
  });
});

describe('the tags', () => {
  test('CI_COMMIT_REF_SLUG by default; --tag or REGISTRY_CLEANER_TAG win; duplicates dropped', () => {
    expect(deleteTag({}, { ...CI, CI_COMMIT_REF_SLUG: ' feature-login\n' }).tags).toEqual(['feature-login']);
    expect(deleteTag({ tag: ['b', 'a', 'b'] }).tags).toEqual(['b', 'a']);
    expect(deleteTag({}, { ...CI, REGISTRY_CLEANER_TAG: 'x,y x' }).tags).toEqual(['x', 'y']);
  });

  test("'1.10' and '007' stay strings, from the command line and from variables", async () => {
    const commandLine = await parseCommandLine([
      'delete-tag',
      '--tag',
      '1.10',
      '--tag',
      '007',
      '--project',
      '0042',
    ]);
    if (commandLine.kind !== 'run') throw new Error('expected a command');
    const options = resolveDeleteTagOptions(
      collectRawOptions('delete-tag', commandLine.parsed, CI),
      CI,
      false,
    );
    expect(options.tags).toEqual(['1.10', '007']);
    expect(options.project).toEqual({ id: 42 });
    expect(
      deleteTag({}, { ...CI, REGISTRY_CLEANER_TAG: '1.10 007', CI_COMMIT_REF_SLUG: '1.0' }).tags,
    ).toEqual(['1.10', '007']);
  });

  test('names as the registry allows them: up to 128 characters, not starting with . or -', () => {
    const longest = `a${'b'.repeat(127)}`;
    expect(deleteTag({ tag: [longest, '_private', 'v1.2.3-rc.1', 'Latest'] }).tags).toEqual([
      longest,
      '_private',
      'v1.2.3-rc.1',
      'Latest',
    ]);
  });

  test.each([['.hidden'], ['-flag'], [`a${'b'.repeat(128)}`], ['a b'], ['ü'], ['a:b']])(
    '%j is not a tag name',
    (tag) => {
      expect(refusal({ tag: ['fine', tag] })).toBe(
        `--tag "${tag}" is not a valid tag name (letters, digits, _ . -, at most 128, not starting with . or -)`,
      );
    },
  );

  test('a branch name with a slash gets a hint to use the slug; the source is named', () => {
    expect(refusal({}, { ...CI, CI_COMMIT_REF_SLUG: 'feature/login' })).toBe(
      'CI_COMMIT_REF_SLUG "feature/login" is not a valid tag name (letters, digits, _ . -, at most 128, not starting with . or -): use the slug of the branch ($CI_COMMIT_REF_SLUG), not its name',
    );
  });

  test("'latest' is never deleted, alone or among others", () => {
    const message =
      "names 'latest', which registry-cleaner never deletes (the newest image of the default branch); delete it in the GitLab UI if you mean it";
    expect(refusal({ tag: ['a', 'latest'] })).toBe(`--tag ${message}`);
    expect(refusal({}, { ...CI, REGISTRY_CLEANER_TAG: 'latest' })).toBe(`REGISTRY_CLEANER_TAG ${message}`);
    expect(refusal({}, { ...CI, CI_COMMIT_REF_SLUG: 'latest' })).toBe(`CI_COMMIT_REF_SLUG ${message}`);
  });

  test('no tag anywhere: say what to pass', () => {
    expect(refusal({}, { ...CI, CI_COMMIT_REF_SLUG: '  ' })).toBe(
      'no tag: outside GitLab CI pass --tag <name> (in CI it is $CI_COMMIT_REF_SLUG)',
    );
  });
});

describe('the repositories', () => {
  test("the project's root repository by default", () => {
    expect(globs(deleteTag({}))).toEqual(['.']);
  });

  test('globs from --repository or REGISTRY_CLEANER_REPOSITORY, lower-cased', () => {
    expect(globs(deleteTag({ repository: ['API', 'tools/*', '.'] }))).toEqual(['api', 'tools/*', '.']);
    expect(globs(deleteTag({}, { ...CI, REGISTRY_CLEANER_REPOSITORY: '** api' }))).toEqual(['**', 'api']);
  });

  test('--all-repositories, from the flag or its variable', () => {
    expect(deleteTag({ 'all-repositories': true }).repositories).toEqual({ kind: 'all' });
    expect(deleteTag({}, { ...CI, REGISTRY_CLEANER_ALL_REPOSITORIES: 'true' }).repositories).toEqual({
      kind: 'all',
    });
    expect(globs(deleteTag({ 'all-repositories': false, repository: ['api'] }))).toEqual(['api']);
  });

  test('a bad glob names its source', () => {
    expect(refusal({}, { ...CI, REGISTRY_CLEANER_REPOSITORY: 'api Tools//x' })).toBe(
      "REGISTRY_CLEANER_REPOSITORY Tools//x is not a repository glob: use a path below the project ('api', 'tools/*', '**'), or '.' for the root",
    );
  });

  test('--all-repositories with --repository (or its variable) contradict each other', () => {
    expect(refusal({ 'all-repositories': true, repository: ['api'] })).toBe(
      '--all-repositories and --repository contradict each other: choose one',
    );
    expect(refusal({ 'all-repositories': true }, { ...CI, REGISTRY_CLEANER_REPOSITORY: 'api' })).toBe(
      '--all-repositories and REGISTRY_CLEANER_REPOSITORY contradict each other: choose one',
    );
  });

  // Surprising: every other message names the input a value came from (raw.source); this one always
  // says --all-repositories, even when REGISTRY_CLEANER_ALL_REPOSITORIES set it.
  test('the contradiction names REGISTRY_CLEANER_ALL_REPOSITORIES when that is what was set', () => {
    expect(refusal({ repository: ['api'] }, { ...CI, REGISTRY_CLEANER_ALL_REPOSITORIES: 'true' })).toBe(
      'REGISTRY_CLEANER_ALL_REPOSITORIES and --repository contradict each other: choose one',
    );
  });
});

describe('the rest', () => {
  test('dry run, warnings from the variables and the connection, output', () => {
    const options = deleteTag(
      { 'dry-run': true, 'gitlab-url': 'http://gitlab.example.com', output: 'json' },
      { ...CI, REGISTRY_CLEANER_IMAGE: 'x' },
    );
    expect(options.dryRun).toBe(true);
    expect(options.output.format).toBe('json');
    expect(options.warnings).toEqual([
      'REGISTRY_CLEANER_IMAGE is not a registry-cleaner variable (none is close to it): ignored',
      '--gitlab-url uses http://: the token travels unencrypted; use https://',
    ]);
    expect(deleteTag({}).dryRun).toBe(false);
  });
});
