// The protection of deployed images as flags, REGISTRY_CLEANER_* variables and policy files give
// it: on by default, templates checked before any request, turned off only by its named flag.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseCommandLine } from '../../src/cli.ts';
import { UsageError } from '../../src/errors.ts';
import { resolveDeleteTagOptions } from '../../src/options/delete-tag.ts';
import type { CommandName } from '../../src/options/flags.ts';
import { resolvePruneOptions } from '../../src/options/prune.ts';
import { collectRawOptions, type Env } from '../../src/options/raw.ts';
import { DEFAULT_TAG_TEMPLATES } from '../../src/plan/tag-templates.ts';
import { temporaryDirectory } from '../e2e/support/temporary.ts';

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

const prune = async (argv: string[], env: Env = CI) =>
  resolvePruneOptions(await raw('prune', ['--older-than', '14d', ...argv], env), env, false);
const deleteTag = async (argv: string[], env: Env = CI) =>
  resolveDeleteTagOptions(await raw('delete-tag', argv, env), env, false);

async function usageError(run: Promise<unknown>): Promise<string> {
  const error = await run.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UsageError);
  return (error as Error).message;
}

/** A personal token: policy files name other projects. */
const WITH_TOKEN: Env = { ...CI, REGISTRY_CLEANER_TOKEN: 'glpat-personal-token-0123' };

const sources = (templates: readonly { source: string }[] | undefined) => templates?.map((t) => t.source);

describe('prune', () => {
  test('protects deployed images by default: the default templates, the last deployment', async () => {
    const [policy] = (await prune([])).policies;
    expect(sources(policy?.rules.deployments?.templates)).toEqual(DEFAULT_TAG_TEMPLATES);
    expect(policy?.rules.deployments?.keepDeployments).toBe(1);
  });

  test('--deployed-tag replaces the defaults; its variable takes a list; --keep-deployments for rollbacks', async () => {
    const [flagged] = (await prune(['--deployed-tag', '$CI_COMMIT_SHORT_SHA', '--keep-deployments', '3']))
      .policies;
    expect(sources(flagged?.rules.deployments?.templates)).toEqual(['$CI_COMMIT_SHORT_SHA']);
    expect(flagged?.rules.deployments?.keepDeployments).toBe(3);
    const env = { ...CI, REGISTRY_CLEANER_DEPLOYED_TAG: '$CI_COMMIT_SHA, web-$CI_COMMIT_REF_SLUG' };
    const [fromEnv] = (await prune([], env)).policies;
    expect(sources(fromEnv?.rules.deployments?.templates)).toEqual([
      '$CI_COMMIT_SHA',
      'web-$CI_COMMIT_REF_SLUG',
    ]);
  });

  test('only --allow-deleting-deployed-images turns it off', async () => {
    const [policy] = (await prune(['--allow-deleting-deployed-images'])).policies;
    expect(policy?.rules.deployments).toBeUndefined();
    const [fromEnv] = (await prune([], { ...CI, REGISTRY_CLEANER_ALLOW_DELETING_DEPLOYED_IMAGES: 'true' }))
      .policies;
    expect(fromEnv?.rules.deployments).toBeUndefined();
  });

  test('bad templates and counts are refused before any request, naming the input', async () => {
    expect(await usageError(prune(['--deployed-tag', '$CI_PIPELINE_IID']))).toMatch(
      /^--deployed-tag "\$CI_PIPELINE_IID" uses \$CI_PIPELINE_IID, which a deployment's record does not tell/,
    );
    // What GitLab leaves of REGISTRY_CLEANER_DEPLOYED_TAG: $CI_COMMIT_SHORT_SHA in .gitlab-ci.yml
    expect(await usageError(prune([], { ...CI, REGISTRY_CLEANER_DEPLOYED_TAG: '1a2b3c4d' }))).toMatch(
      /^REGISTRY_CLEANER_DEPLOYED_TAG "1a2b3c4d" has no variable.*\$\$CI_COMMIT_SHORT_SHA/,
    );
    for (const count of ['0', '101', '1.5']) {
      expect(await usageError(prune(['--keep-deployments', count]))).toMatch(
        new RegExp(`^--keep-deployments ${count.replace('.', '\\.')} must be a whole number from 1 to 100`),
      );
    }
    expect(
      await usageError(prune(['--allow-deleting-deployed-images', '--deployed-tag', '$CI_COMMIT_SHA'])),
    ).toBe(
      '--allow-deleting-deployed-images and --deployed-tag contradict each other: the first turns off the protection the second configures',
    );
  });

  test('policy files: deployed-tag, keep-deployments, allow-deleting-deployed-images', async () => {
    const dir = temporaryDirectory('registry-cleaner-deployments-');
    const file = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    const config = file(
      'ok.yml',
      [
        '- {name: web, project: 1, older-than: 7d, deployed-tag: [web-$CI_COMMIT_SHORT_SHA], keep-deployments: 2}',
        '- {name: scratch, project: 2, older-than: 7d, allow-deleting-deployed-images: true}',
        '- {name: plain, project: 3, older-than: 7d}',
        '',
      ].join('\n'),
    );
    const [web, scratch, plain] = (
      await resolvePruneOptions(await raw('prune', ['--config', config], WITH_TOKEN), WITH_TOKEN, false)
    ).policies;
    expect(sources(web?.rules.deployments?.templates)).toEqual(['web-$CI_COMMIT_SHORT_SHA']);
    expect(web?.rules.deployments?.keepDeployments).toBe(2);
    expect(scratch?.rules.deployments).toBeUndefined();
    expect(sources(plain?.rules.deployments?.templates)).toEqual(DEFAULT_TAG_TEMPLATES);
    const bad = file(
      'bad.yml',
      "- {name: web, project: 1, older-than: 7d, deployed-tag: 'app:$CI_COMMIT_SHA'}\n",
    );
    expect(
      await usageError(
        raw('prune', ['--config', bad], WITH_TOKEN).then((r) => resolvePruneOptions(r, WITH_TOKEN, false)),
      ),
    ).toBe(
      `${bad}: policy "web": deployed-tag "app:$CI_COMMIT_SHA" contains ":", which no tag name can: a template gives the tag alone (letters, digits, _ . - and variables), not the image or its path`,
    );
    const notNumber = file('n.yml', "- {name: web, project: 1, older-than: 7d, keep-deployments: 'two'}\n");
    expect(
      await usageError(
        raw('prune', ['--config', notNumber], WITH_TOKEN).then((r) =>
          resolvePruneOptions(r, WITH_TOKEN, false),
        ),
      ),
    ).toBe(`${notNumber}: policy "web": keep-deployments must be a number, not string "two"`);
  });
});

describe('delete-tag', () => {
  test('guards by default with the default templates; its own environment is CI_ENVIRONMENT_NAME', async () => {
    const options = await deleteTag([], { ...CI, CI_ENVIRONMENT_NAME: 'review/feature-login' });
    expect(sources(options.deployedGuard?.templates)).toEqual(DEFAULT_TAG_TEMPLATES);
    expect(options.deployedGuard?.ownEnvironment).toBe('review/feature-login');
    expect((await deleteTag([])).deployedGuard?.ownEnvironment).toBeUndefined();
  });

  test('--allow-deleting-deployed-images forces the deletion; a bad template is refused', async () => {
    expect((await deleteTag(['--allow-deleting-deployed-images'])).deployedGuard).toBeUndefined();
    expect(await usageError(deleteTag(['--deployed-tag', '$']))).toMatch(
      /^--deployed-tag "\$" has a \$ that no variable name follows/,
    );
    expect(
      await usageError(deleteTag(['--allow-deleting-deployed-images', '--deployed-tag', '$CI_COMMIT_SHA'])),
    ).toMatch(/contradict each other/);
  });
});
