// A prune policy — scope and rules — from loose values (flags or a config file), validated with
// messages that name where each value came from.

import type { AgeSource, GroupRef, ProjectRef } from '../model.ts';
import { parseDuration } from '../plan/duration.ts';
import { compileGlob, type RepositoryGlob } from '../plan/glob.ts';
import { compileTagPattern, type PatternRole, type TagPattern } from '../plan/regex.ts';
import type { RetentionRules } from '../plan/rules.ts';
import { deploymentProtection } from './deployments.ts';
import { parseGroupRef, parseProjectRef } from './refs.ts';

export interface Policy {
  /** 'command line', or the policy's name in the config file */
  name: string;
  projects: ProjectRef[];
  groups: GroupRef[];
  /** undefined: every repository */
  repositories?: RepositoryGlob[];
  rules: RetentionRules;
  /**
   * The rules come from each project's GitLab cleanup policy (--cleanup-policy): `rules` then holds
   * only what the command adds to it (extra keep patterns, --stale-branches, --accept-ages).
   */
  cleanupPolicy: boolean;
}

/** Values as written, before checking; `where(field)` names the input for messages. */
export interface PolicyInput {
  name: string;
  projects: string[];
  groups: string[];
  repositories?: string[];
  match?: string;
  keep: string[];
  keepLatest?: number;
  olderThan?: string;
  staleBranches: boolean;
  /** kinds of tag time the age rules may act on besides last pushes */
  acceptAges?: string[];
  /** take match, keep-latest and older-than from each project's GitLab cleanup policy */
  cleanupPolicy?: boolean;
  /** how deploy jobs tag their images; undefined: the default templates */
  deployedTags?: string[];
  /** successful deployments kept per environment; undefined: 1 */
  keepDeployments?: number;
  /** turns off the protection of deployed images */
  allowDeletingDeployedImages?: boolean;
}

export type Where = (field: string) => string;

/** Throws (via fail) at the first problem; fail(message) must not return. */
export function buildPolicy(
  input: PolicyInput,
  where: Where,
  fail: (message: string) => never,
  warn: (message: string) => void,
): Policy {
  if (input.cleanupPolicy) checkCleanupPolicyAlone(input, where, fail);
  const rules: RetentionRules = {
    keep: [],
    staleBranches: input.staleBranches,
    acceptAges: (input.acceptAges ?? []).map((text) => ageSource(text, where('accept-ages'), fail)),
  };
  // A pattern's role ('match' or 'keep') is also the name of its field.
  const pattern = (source: string, role: PatternRole): TagPattern => {
    const compiled = compileTagPattern(source, role);
    if ('error' in compiled) fail(`${where(role)} ${JSON.stringify(source)} ${compiled.error}`);
    if (compiled.anchoringNote) warn(`${where(role)} ${JSON.stringify(source)} ${compiled.anchoringNote}`);
    return compiled;
  };
  if (input.match !== undefined) rules.match = pattern(input.match, 'match');
  rules.keep = input.keep.map((source) => pattern(source, 'keep'));
  const deployments = deploymentProtection(input, where, fail);
  if (deployments) rules.deployments = deployments;
  if (input.keepLatest !== undefined) {
    if (!Number.isInteger(input.keepLatest) || input.keepLatest < 0) {
      fail(`${where('keep-latest')} ${input.keepLatest} must be a whole number, 0 or more`);
    }
    rules.keepLatest = input.keepLatest;
  }
  if (input.olderThan !== undefined) {
    const parsed = parseDuration(input.olderThan);
    if ('error' in parsed) fail(`${where('older-than')} ${input.olderThan} ${parsed.error}`);
    rules.olderThanMs = parsed.ms;
  }
  if (
    !input.cleanupPolicy &&
    rules.olderThanMs === undefined &&
    rules.keepLatest === undefined &&
    !rules.staleBranches
  ) {
    fail(
      `${where('rules')}: at least one of older-than, keep-latest or stale-branches is required, so that no run deletes every tag by accident`,
    );
  }
  if (rules.keepLatest === 0 && rules.olderThanMs === undefined && !rules.staleBranches) {
    fail(
      `${where('keep-latest')} 0 alone would delete every eligible tag: add older-than, or keep at least 1`,
    );
  }
  const repositories = input.repositories?.map((source) => {
    const glob = compileGlob(source);
    if ('error' in glob) fail(`${where('repository')} ${source} ${glob.error}`);
    return glob;
  });
  return {
    name: input.name,
    projects: input.projects.map((text) => parseProjectRef(text, where('project'))),
    groups: input.groups.map((text) => parseGroupRef(text, where('group'))),
    ...(repositories ? { repositories } : {}),
    rules,
    cleanupPolicy: input.cleanupPolicy === true,
  };
}

/**
 * The cleanup policy sets match, keep-latest and older-than itself: a second value for one of them
 * would leave it open which one rules. --keep, --stale-branches and --accept-ages can stay: the
 * first two only keep more than the policy does, the last says which tag times to trust.
 */
function checkCleanupPolicyAlone(input: PolicyInput, where: Where, fail: (message: string) => never): void {
  const clashes: [keyof PolicyInput, string, string][] = [
    ['match', 'match', 'name_regex'],
    ['keepLatest', 'keep-latest', 'keep_n'],
    ['olderThan', 'older-than', 'older_than'],
  ];
  for (const [key, field, gitlabField] of clashes) {
    if (input[key] === undefined) continue;
    const rule = where(field);
    const [ruleName, cleanupPolicy] = withoutSharedPlace(rule, where('cleanup-policy'));
    fail(
      `${rule} and ${cleanupPolicy} contradict each other: the cleanup policy's ${gitlabField} decides that; drop ${ruleName}, or drop ${cleanupPolicy} and give all the rules`,
    );
  }
}

/** Two places without what they share ('f.yml: policy "p": '), so a message names the place once. */
function withoutSharedPlace(a: string, b: string): [string, string] {
  let shared = 0;
  while (shared < a.length && a[shared] === b[shared]) shared++;
  const cut = a.lastIndexOf(': ', shared - 1);
  return cut < 0 ? [a, b] : [a.slice(cut + 2), b.slice(cut + 2)];
}

/** first-push or build-time: the kinds of time that need accepting (last pushes always count). */
function ageSource(text: string, where: string, fail: (message: string) => never): AgeSource {
  const value = text.trim().toLowerCase();
  if (value === 'first-push' || value === 'build-time') return value;
  return fail(
    `${where} ${text} is not a kind of tag time to accept: use first-push (GitLab's created_at on a registry with the metadata database) or build-time (legacy registries); last pushes are always used`,
  );
}
