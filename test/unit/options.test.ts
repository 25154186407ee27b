import { describe, expect, test } from 'vitest';
import { parseCommandLine } from '../../src/cli.ts';
import { AuthError, UsageError } from '../../src/errors.ts';
import { type DeleteTagOptions, resolveDeleteTagOptions } from '../../src/options/delete-tag.ts';
import { collectRawOptions, type Env } from '../../src/options/raw.ts';

const CI: Env = {
  CI: 'true',
  GITLAB_CI: 'true',
  CI_API_V4_URL: 'https://gitlab.example.com/gitlab/api/v4',
  CI_SERVER_URL: 'https://gitlab.example.com/gitlab',
  CI_PROJECT_ID: '42',
  CI_PROJECT_PATH: 'Acme/Web-App',
  CI_COMMIT_REF_SLUG: 'feature-login',
  CI_JOB_TOKEN: 'glcbt-64_job-token-value-xyz',
};

async function resolve(argv: string[], env: Env): Promise<DeleteTagOptions> {
  const commandLine = await parseCommandLine(['delete-tag', ...argv]);
  if (commandLine.kind !== 'run') throw new Error('expected a command');
  return resolveDeleteTagOptions(collectRawOptions('delete-tag', commandLine.parsed, env), env, false);
}

async function usageError(argv: string[], env: Env): Promise<string> {
  const error = await resolve(argv, env).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UsageError);
  return (error as Error).message;
}

describe('delete-tag inside GitLab CI', () => {
  test('needs no options: CI_* variables and the job token', async () => {
    const options = await resolve([], CI);
    expect(options.project).toEqual({ id: 42 });
    expect(options.tags).toEqual(['feature-login']);
    expect(options.repositories).toMatchObject({ kind: 'globs' });
    expect(options.connection.restUrl).toBe('https://gitlab.example.com/gitlab/api/v4');
    expect(options.connection.graphqlUrl).toBe('https://gitlab.example.com/gitlab/api/graphql');
    expect(options.connection.credential).toEqual({
      kind: 'job',
      value: CI.CI_JOB_TOKEN,
      source: 'CI_JOB_TOKEN',
    });
    expect(options.dryRun).toBe(false);
    expect(options.output.color).toBe(true); // GitLab job logs render ANSI
    expect(options.warnings).toEqual([]);
  });

  test('CI_SERVER_URL with a sub-path when CI_API_V4_URL is missing', async () => {
    const { CI_API_V4_URL: _, ...env } = CI;
    const options = await resolve([], env);
    expect(options.connection.restUrl).toBe('https://gitlab.example.com/gitlab/api/v4');
  });

  test('token precedence: --token, REGISTRY_CLEANER_TOKEN, GITLAB_TOKEN, CI_JOB_TOKEN', async () => {
    const env = {
      ...CI,
      GITLAB_TOKEN: 'glpat-from-gitlab-token',
      REGISTRY_CLEANER_TOKEN: 'glpat-from-rc-token',
    };
    expect((await resolve([], env)).connection.credential).toMatchObject({
      kind: 'private',
      value: 'glpat-from-rc-token',
      source: 'REGISTRY_CLEANER_TOKEN',
    });
    const { REGISTRY_CLEANER_TOKEN: _, ...withoutRc } = env;
    expect((await resolve([], withoutRc)).connection.credential.source).toBe('GITLAB_TOKEN');
    const flagged = await resolve(['--token', 'glpat-on-the-command-line'], env);
    expect(flagged.connection.credential).toMatchObject({
      value: 'glpat-on-the-command-line',
      source: '--token',
    });
    expect(flagged.warnings.join()).toMatch(/REGISTRY_CLEANER_TOKEN/);
  });

  test('a job token pasted into REGISTRY_CLEANER_TOKEN is still sent as a job token', async () => {
    const options = await resolve([], { ...CI, REGISTRY_CLEANER_TOKEN: 'glcbt-64_another-job-token' });
    expect(options.connection.credential.kind).toBe('job');
  });

  test('flags and REGISTRY_CLEANER_* variables; the flag wins', async () => {
    const env = {
      ...CI,
      REGISTRY_CLEANER_TAG: 'a, b c',
      REGISTRY_CLEANER_DRY_RUN: 'true',
      REGISTRY_CLEANER_RETRIES: '2',
      REGISTRY_CLEANER_TIMEOUT: '5',
      REGISTRY_CLEANER_ALL_REPOSITORIES: 'yes',
    };
    const fromEnv = await resolve([], env);
    expect(fromEnv.tags).toEqual(['a', 'b', 'c']);
    expect(fromEnv.dryRun).toBe(true);
    expect(fromEnv.connection.retries).toBe(2);
    expect(fromEnv.connection.timeoutMs).toBe(5000);
    expect(fromEnv.repositories).toEqual({ kind: 'all' });
    const flagged = await resolve(['--tag', 'x', '--retries', '0', '--timeout', '2m'], env);
    expect(flagged.tags).toEqual(['x']);
    expect(flagged.connection.retries).toBe(0);
    expect(flagged.connection.timeoutMs).toBe(120_000);
  });

  test("tag names stay strings: '1.10' and '007'", async () => {
    const options = await resolve(['--tag', '1.10', '--tag', '007'], CI);
    expect(options.tags).toEqual(['1.10', '007']);
  });

  test('a project path is kept as written and a job token may use its own project by path', async () => {
    const options = await resolve(['--project', 'acme/web-app'], CI);
    expect(options.project).toEqual({ path: 'acme/web-app' });
  });
});

describe('delete-tag refuses bad input before any request', () => {
  test.each<[string[], Env, RegExp]>([
    [[], {}, /no GitLab URL/],
    [[], { ...CI, CI_JOB_TOKEN: '' }, /no token.*REGISTRY_CLEANER_TOKEN/],
    [[], { ...CI, CI_COMMIT_REF_SLUG: '' }, /no tag/],
    [[], { ...CI, CI_PROJECT_ID: '', CI_PROJECT_PATH: '' }, /no project/],
    [['--tag', 'feature/login'], CI, /not a valid tag name.*slug/],
    [['--tag', '.hidden'], CI, /not a valid tag name/],
    [['--tag', 'latest'], CI, /--tag names 'latest', which registry-cleaner never deletes/],
    [[], { ...CI, CI_COMMIT_REF_SLUG: 'latest' }, /CI_COMMIT_REF_SLUG names 'latest'/],
    [['--tag', 'x'.repeat(129)], CI, /not a valid tag name/],
    [['--gitlab-url', 'gitlab.example.com'], CI, /no scheme: write it as https:\/\/gitlab\.example\.com/],
    [['--gitlab-url', 'https://user:pw@gitlab.example.com'], CI, /must not contain credentials/],
    [['--gitlab-url', 'ftp://gitlab.example.com'], CI, /https/],
    [['--gitlab-url', 'https://gitlab.example.com/acme/web-app/-/packages'], CI, /points inside GitLab/],
    [['--gitlab-url', 'https://gitlab.example.com/api/v4/projects/1'], CI, /points inside GitLab/],
    [['--timeout', '0'], CI, /greater than zero/],
    [['--timeout', 'soon'], CI, /--timeout soon/],
    [['--retries', '-1'], CI, /--retries -1 must be a whole number from 0 to 10/],
    [['--retries', 'many'], CI, /--retries/],
    [['--concurrency', '1000'], CI, /--concurrency/],
    [['--project', 'web-app'], CI, /--project web-app is not a project/],
    [['--project', '1', '--project', '2'], CI, /one project/],
    [['--repository', 'a b'], CI, /not a repository glob/],
    [['--repository', 'api', '--all-repositories'], CI, /contradict/],
    [['--verbose', '--quiet'], CI, /contradict/],
    [['--ca-file', '/nonexistent/ca.pem'], CI, /cannot be read \(ENOENT\)/],
    [['--output', 'yaml'], CI, /Invalid values|yaml/],
    [
      [],
      { ...CI, REGISTRY_CLEANER_DRYRUN: 'true' },
      /unknown variable REGISTRY_CLEANER_DRYRUN: did you mean REGISTRY_CLEANER_DRY_RUN/,
    ],
    [[], { ...CI, REGISTRY_CLEANER_DRY_RUN: 'maybe' }, /REGISTRY_CLEANER_DRY_RUN=maybe is not a boolean/],
    [['--tga', 'x'], CI, /Unknown argument: --tga/],
    // one value per --tag: a stray word is not one more tag to delete
    [['--tag', 'a', 'stray'], CI, /Unknown argument: stray/],
  ])('%j', async (argv, env, message) => {
    expect(await usageError(argv, env)).toMatch(message);
  });

  test('a job token on another project is refused (exit 3) without a request', async () => {
    for (const project of ['7', 'other/project']) {
      const error = await resolve(['--project', project], CI).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AuthError);
      expect((error as Error).message).toMatch(/REGISTRY_CLEANER_TOKEN/);
      expect((error as Error).message).not.toContain(CI.CI_JOB_TOKEN);
    }
  });

  test('a variable set to blanks counts as unset', async () => {
    const options = await resolve([], { ...CI, REGISTRY_CLEANER_RETRIES: '  ', REGISTRY_CLEANER_TAG: ' ' });
    expect(options.connection.retries).toBe(4);
    expect(options.tags).toEqual(['feature-login']);
  });

  test('an unknown command is named in the error', async () => {
    const error = await parseCommandLine(['purge']).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/^unknown command 'purge': Did you mean prune\?/);
  });

  test('plain http to a remote host warns that the token travels unencrypted', async () => {
    const options = await resolve(['--gitlab-url', 'http://gitlab.example.com'], CI);
    expect(options.warnings.join()).toMatch(/unencrypted/);
    const local = await resolve(['--gitlab-url', 'http://127.0.0.1:8080'], CI);
    expect(local.warnings).toEqual([]);
  });

  test('NO_COLOR and FORCE_COLOR decide colour', async () => {
    expect((await resolve([], { ...CI, NO_COLOR: '1' })).output.color).toBe(false);
    const { CI: _, GITLAB_CI: __, ...local } = CI;
    expect((await resolve([], local)).output.color).toBe(false);
    expect((await resolve([], { ...local, FORCE_COLOR: '1' })).output.color).toBe(true);
  });
});
