// Options of `registry-cleaner delete-tag`. Inside a GitLab CI job none are needed: the project
// comes from CI_PROJECT_ID, the tag from CI_COMMIT_REF_SLUG, the token from CI_JOB_TOKEN.

import { UsageError } from '../errors.ts';
import { type ProjectRef, TAG_NAME } from '../model.ts';
import { compileGlob } from '../plan/glob.ts';
import { LATEST } from '../plan/rules.ts';
import type { TagTemplate } from '../plan/tag-templates.ts';
import type { RepositorySelection } from '../plan/targets.ts';
import { type Connection, checkJobTokenScope, resolveConnection } from './connection.ts';
import { tagTemplates } from './deployments.ts';
import { type OutputOptions, resolveOutput } from './output.ts';
import type { Env, RawOptions } from './raw.ts';
import { parseProjectRef } from './refs.ts';

export interface DeleteTagOptions {
  connection: Connection;
  output: OutputOptions;
  project: ProjectRef;
  tags: string[];
  repositories: RepositorySelection;
  dryRun: boolean;
  /** keeps the tags other available environments run; undefined with --allow-deleting-deployed-images */
  deployedGuard?: DeployedGuard;
  /** printed on stderr before anything else */
  warnings: string[];
}

export interface DeployedGuard {
  templates: TagTemplate[];
  /** the environment this stop job stops (CI_ENVIRONMENT_NAME): its own deployment keeps nothing */
  ownEnvironment?: string;
}

export function resolveDeleteTagOptions(raw: RawOptions, env: Env, isTty: boolean): DeleteTagOptions {
  const warnings: string[] = [...raw.warnings];
  const output = resolveOutput(raw, env, isTty);
  const connection = resolveConnection(raw, env, warnings);
  const project = resolveProject(raw, env);
  const tags = resolveTags(raw, env);
  const repositories = resolveRepositories(raw);
  const deployedGuard = resolveDeployedGuard(raw, env);
  checkJobTokenScope(connection.credential, [project], env);
  return {
    connection,
    output,
    project,
    tags,
    repositories,
    dryRun: raw.flag('dry-run'),
    ...(deployedGuard ? { deployedGuard } : {}),
    warnings,
  };
}

function resolveDeployedGuard(raw: RawOptions, env: Env): DeployedGuard | undefined {
  const templates = raw.strings('deployed-tag');
  if (raw.flag('allow-deleting-deployed-images')) {
    if (templates) {
      throw new UsageError(
        `${raw.source('allow-deleting-deployed-images')} and ${templates.source} contradict each other: the first turns off the check the second configures`,
      );
    }
    return undefined;
  }
  const fail = (message: string): never => {
    throw new UsageError(message);
  };
  const ownEnvironment = env.CI_ENVIRONMENT_NAME?.trim();
  return {
    templates: tagTemplates(templates?.value, templates?.source ?? '--deployed-tag', fail),
    ...(ownEnvironment ? { ownEnvironment } : {}),
  };
}

function resolveProject(raw: RawOptions, env: Env): ProjectRef {
  const setting = raw.strings('project');
  if (setting) {
    if (setting.value.length !== 1) {
      throw new UsageError(
        `${setting.source} was given ${setting.value.length} times: delete-tag works on one project`,
      );
    }
    return parseProjectRef(setting.value[0] as string, setting.source);
  }
  if (env.CI_PROJECT_ID?.trim()) return parseProjectRef(env.CI_PROJECT_ID, 'CI_PROJECT_ID');
  if (env.CI_PROJECT_PATH?.trim()) return parseProjectRef(env.CI_PROJECT_PATH, 'CI_PROJECT_PATH');
  throw new UsageError('no project: outside GitLab CI pass --project <id or group/project>');
}

function resolveTags(raw: RawOptions, env: Env): string[] {
  const setting = raw.strings('tag');
  const tags = setting?.value ?? (env.CI_COMMIT_REF_SLUG?.trim() ? [env.CI_COMMIT_REF_SLUG.trim()] : []);
  const source = setting?.source ?? 'CI_COMMIT_REF_SLUG';
  if (tags.length === 0)
    throw new UsageError('no tag: outside GitLab CI pass --tag <name> (in CI it is $CI_COMMIT_REF_SLUG)');
  for (const tag of tags) {
    if (!TAG_NAME.test(tag)) {
      throw new UsageError(
        `${source} "${tag}" is not a valid tag name (letters, digits, _ . -, at most 128, not starting with . or -)${tag.includes('/') ? ': use the slug of the branch ($CI_COMMIT_REF_SLUG), not its name' : ''}`,
      );
    }
  }
  // 'latest' is kept by every rule of this tool; a stop job (a branch named "latest") must not
  // take it either.
  if (tags.includes(LATEST)) {
    throw new UsageError(
      `${source} names 'latest', which registry-cleaner never deletes (the newest image of the default branch); delete it in the GitLab UI if you mean it`,
    );
  }
  return [...new Set(tags)];
}

function resolveRepositories(raw: RawOptions): RepositorySelection {
  const setting = raw.strings('repository');
  if (raw.flag('all-repositories')) {
    if (setting)
      throw new UsageError(
        `${raw.source('all-repositories')} and ${setting.source} contradict each other: choose one`,
      );
    return { kind: 'all' };
  }
  const patterns = setting?.value ?? ['.'];
  const globs = patterns.map((pattern) => {
    const glob = compileGlob(pattern);
    if ('error' in glob)
      throw new UsageError(`${setting?.source ?? '--repository'} ${pattern} ${glob.error}`);
    return glob;
  });
  return { kind: 'globs', globs };
}
