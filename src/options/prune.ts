// Options of `registry-cleaner prune`: one policy from the flags, or many from --config; the
// scope defaults to the CI job's own project; sharding defaults from CI_NODE_INDEX/CI_NODE_TOTAL.

import { AuthError, UsageError } from '../errors.ts';
import { parseShard, type Shard } from '../plan/shard.ts';
import { readConfigFile } from './config-file.ts';
import { type Connection, checkJobTokenScope, resolveConnection } from './connection.ts';
import { type OutputOptions, resolveOutput } from './output.ts';
import { buildPolicy, type Policy, type PolicyInput } from './policy.ts';
import type { Env, RawOptions } from './raw.ts';

export interface PruneOptions {
  connection: Connection;
  output: OutputOptions;
  policies: Policy[];
  shard?: Shard;
  dryRun: boolean;
  warnings: string[];
}

/** Flags that describe a policy; with --config the file describes them instead. */
const POLICY_FLAGS = [
  'project',
  'group',
  'repository',
  'match',
  'keep',
  'keep-latest',
  'older-than',
  'stale-branches',
  'accept-ages',
  'cleanup-policy',
  'keep-deployments',
  'deployed-tag',
  'allow-deleting-deployed-images',
];

const fail = (message: string): never => {
  throw new UsageError(message);
};

export async function resolvePruneOptions(raw: RawOptions, env: Env, isTty: boolean): Promise<PruneOptions> {
  const warnings: string[] = [...raw.warnings];
  const output = resolveOutput(raw, env, isTty);
  const connection = resolveConnection(raw, env, warnings);
  const policies = await resolvePolicies(raw, env, warnings);
  const shard = resolveShard(raw, env);
  checkTokenCanDo(connection, policies, env);
  for (const policy of policies) {
    if (
      policy.rules.staleBranches &&
      !policy.cleanupPolicy &&
      !policy.rules.match &&
      policy.rules.keep.length === 0
    ) {
      warnings.push(
        `${policy.name}: --stale-branches without --match or --keep treats every tag that is not a live branch's slug as stale, release tags included`,
      );
    }
  }
  return { connection, output, policies, ...(shard ? { shard } : {}), dryRun: raw.flag('dry-run'), warnings };
}

async function resolvePolicies(raw: RawOptions, env: Env, warnings: string[]): Promise<Policy[]> {
  const warn = (message: string) => warnings.push(message);
  const config = raw.string('config');
  if (config) {
    const clash = POLICY_FLAGS.find((name) => raw.has(name));
    if (clash) {
      throw new UsageError(
        `${config.source} and ${raw.source(clash)} contradict each other: put the scope and rules in the config file`,
      );
    }
    const entries = await readConfigFile(config.value, config.source);
    if (entries.length === 0) {
      throw new UsageError(
        `${config.value}: no policies: add at least one, e.g. policies: [{project: acme/web-app, older-than: 14d}]`,
      );
    }
    return entries.map(({ input, where }) =>
      buildPolicy(withDefaultScope(input, env, where('project')), where, fail, warn),
    );
  }
  const input: PolicyInput = {
    name: 'command line',
    projects: raw.strings('project')?.value ?? [],
    groups: raw.strings('group')?.value ?? [],
    ...(raw.has('repository') ? { repositories: raw.strings('repository')?.value ?? [] } : {}),
    keep: raw.strings('keep')?.value ?? [],
    staleBranches: raw.flag('stale-branches'),
    ...(raw.has('accept-ages') ? { acceptAges: raw.strings('accept-ages')?.value ?? [] } : {}),
    ...(raw.flag('cleanup-policy') ? { cleanupPolicy: true } : {}),
    ...(raw.has('deployed-tag') ? { deployedTags: raw.strings('deployed-tag')?.value ?? [] } : {}),
    allowDeletingDeployedImages: raw.flag('allow-deleting-deployed-images'),
  };
  const keepDeployments = raw.number('keep-deployments');
  if (keepDeployments) input.keepDeployments = keepDeployments.value;
  const match = raw.string('match');
  if (match) input.match = match.value;
  const keepLatest = raw.number('keep-latest');
  if (keepLatest) input.keepLatest = keepLatest.value;
  const olderThan = raw.string('older-than');
  if (olderThan) input.olderThan = olderThan.value;
  const where = (field: string) => (field === 'rules' ? 'prune' : (raw.source(field) ?? `--${field}`));
  return [buildPolicy(withDefaultScope(input, env, '--project'), where, fail, warn)];
}

function withDefaultScope(input: PolicyInput, env: Env, where: string): PolicyInput {
  if (input.projects.length > 0 || input.groups.length > 0) return input;
  const own = env.CI_PROJECT_ID?.trim() || env.CI_PROJECT_PATH?.trim();
  if (!own)
    throw new UsageError(`${where}: no project or group: outside GitLab CI pass --project or --group`);
  return { ...input, projects: [own] };
}

function resolveShard(raw: RawOptions, env: Env): Shard | undefined {
  const setting = raw.string('shard');
  if (setting) {
    const shard = parseShard(setting.value);
    if ('error' in shard) throw new UsageError(`${setting.source} ${setting.value} ${shard.error}`);
    return shard;
  }
  // `parallel: n` sets CI_NODE_INDEX (1..n) and CI_NODE_TOTAL; a job without it has CI_NODE_TOTAL=1.
  const total = env.CI_NODE_TOTAL?.trim();
  if (!total || total === '1') return undefined;
  const index = env.CI_NODE_INDEX?.trim();
  if (!index) {
    throw new UsageError(
      `CI_NODE_TOTAL is ${total} but CI_NODE_INDEX is not set: GitLab sets both under parallel:; pass --shard i/n to choose a shard`,
    );
  }
  const shard = parseShard(`${index}/${total}`);
  if ('error' in shard) throw new UsageError(`CI_NODE_INDEX/CI_NODE_TOTAL ${index}/${total} ${shard.error}`);
  return shard;
}

/** A job token reaches only its own project's registry, and only through REST. */
function checkTokenCanDo(connection: Connection, policies: Policy[], env: Env): void {
  const { credential } = connection;
  if (credential.kind !== 'job') return;
  for (const policy of policies) {
    checkJobTokenScope(credential, policy.projects, env);
    if (policy.groups.length > 0) {
      throw new AuthError(
        `${credential.source} cannot list a group's registry (${policy.name}): set REGISTRY_CLEANER_TOKEN to a group access token with the api scope`,
      );
    }
    if (policy.cleanupPolicy) {
      throw new AuthError(
        `${credential.source} cannot read a project's cleanup policy (--cleanup-policy, ${policy.name}): GitLab shows GET /projects/:id to a job token as to an anonymous user, without the policy; set REGISTRY_CLEANER_TOKEN to a token with the read_api or api scope`,
      );
    }
    if (policy.rules.staleBranches) {
      throw new AuthError(
        `${credential.source} cannot read branches or merge requests (--stale-branches, ${policy.name}): set REGISTRY_CLEANER_TOKEN to a token with the api scope`,
      );
    }
  }
}
