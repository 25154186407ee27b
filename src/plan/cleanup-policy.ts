// A project's GitLab cleanup policy as retention rules (prune --cleanup-policy). Pure.
//
// GitLab's cleanup (app/services/projects/container_repository/cleanup_tags_base_service.rb and
// gitlab/cleanup_tags_service.rb) keeps `latest`, keeps names that do not match "\A#{name_regex}\z"
// or that match "\A#{name_regex_keep}\z", keeps the keep_n most recently pushed of the rest, then
// deletes those pushed before now − older_than (all of them without older_than). Those are steps 1,
// 2, 3, 6 and 7 of planRepository, so the policy maps onto the rules field for field:
//
//   name_regex → match, name_regex_keep → keep, keep_n → keepLatest, older_than → olderThanMs.
//
// A policy GitLab itself would not run is not guessed at: disabled, absent, or one its model
// refuses (app/models/container_expiration_policy.rb: an enabled policy needs a name_regex, and both
// regexes must compile; ContainerExpirationPolicies::CleanupService disables an invalid policy
// instead of running it). Then the project is left alone, and the reason says why.

import type { GitLabCleanupPolicy } from '../model.ts';
import { parseDuration } from './duration.ts';
import { compileTagPattern, type PatternRole, type TagPattern } from './regex.ts';
import type { RetentionRules } from './rules.ts';

export type CleanupPolicyRules =
  | { active: true; rules: RetentionRules; notes: string[] }
  | { active: false; why: string };

/**
 * The rules of the project's cleanup policy, on top of `base` (the rules the command itself gives:
 * extra --keep patterns, --stale-branches, --accept-ages; never match or an age rule).
 */
export function rulesFromCleanupPolicy(
  policy: GitLabCleanupPolicy | undefined,
  base: RetentionRules,
): CleanupPolicyRules {
  if (!policy) return { active: false, why: 'the project has no cleanup policy' };
  if (!policy.enabled) return { active: false, why: 'its cleanup policy is disabled' };
  const notRun = (problem: string) => ({
    active: false as const,
    why: `its cleanup policy ${problem}: GitLab disables such a policy instead of running it`,
  });
  if (isBlank(policy.nameRegex)) return notRun('has no name_regex (Remove tags matching)');

  const notes: string[] = [];
  const pattern = (field: 'name_regex' | 'name_regex_keep', source: string, role: PatternRole) => {
    const compiled = compileTagPattern(source, role);
    if ('error' in compiled) return `${field} ${JSON.stringify(source)}: it ${compiled.error}`;
    if (compiled.anchoringNote) notes.push(`${field} ${JSON.stringify(source)} ${compiled.anchoringNote}`);
    return { ...compiled, origin: field } satisfies TagPattern;
  };
  const match = pattern('name_regex', policy.nameRegex as string, 'match');
  if (typeof match === 'string') return notRun(`has an invalid ${match}`);
  const keep: TagPattern[] = [];
  if (!isBlank(policy.nameRegexKeep)) {
    const compiled = pattern('name_regex_keep', policy.nameRegexKeep as string, 'keep');
    if (typeof compiled === 'string') return notRun(`has an invalid ${compiled}`);
    keep.push(compiled);
  }

  // The policy's own rules replace any the base may hold; its other fields (--stale-branches,
  // --accept-ages, …) stay.
  const rules: RetentionRules = {
    ...base,
    match,
    keep: [...keep, ...base.keep],
    keepLatest: undefined,
    olderThanMs: undefined,
  };
  if (policy.keepN !== null) {
    if (!Number.isSafeInteger(policy.keepN) || policy.keepN < 0) {
      return notRun(`has keep_n ${policy.keepN}, which is not a number of tags`);
    }
    rules.keepLatest = policy.keepN;
  }
  if (policy.olderThan !== null) {
    const parsed = parseDuration(policy.olderThan);
    if ('error' in parsed)
      return notRun(`has older_than ${JSON.stringify(policy.olderThan)}, which ${parsed.error}`);
    rules.olderThanMs = parsed.ms;
  }
  if (rules.keepLatest === undefined && rules.olderThanMs === undefined) {
    notes.push(
      'the cleanup policy sets neither keep_n nor older_than: every tag matching name_regex is deleted, as GitLab deletes them',
    );
  }
  return { active: true, rules, notes };
}

/** "keep_n 10, older_than 30d, name_regex '.*', name_regex_keep 'v.+'": the rules, in GitLab's names. */
export function describeCleanupPolicyRules(policy: GitLabCleanupPolicy): string {
  const parts: string[] = [];
  if (policy.keepN !== null) parts.push(`keep_n ${policy.keepN}`);
  if (policy.olderThan !== null) parts.push(`older_than ${policy.olderThan}`);
  if (!isBlank(policy.nameRegex)) parts.push(`name_regex ${quote(policy.nameRegex as string)}`);
  if (!isBlank(policy.nameRegexKeep)) parts.push(`name_regex_keep ${quote(policy.nameRegexKeep as string)}`);
  return parts.join(', ');
}

function quote(pattern: string): string {
  return `'${pattern}'`;
}

/** Rails' blank?: nil, or nothing but white space. */
function isBlank(text: string | null): boolean {
  return text === null || text.trim() === '';
}
