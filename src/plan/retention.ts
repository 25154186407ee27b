// prune's decision for one repository: for every tag read, keep or delete, and the rule that
// decided. Pure: the inventory, rules, project facts and "now" in; a RepositoryPlan out. The README
// lists the same steps in the same order.
//
//   1. `latest` is kept.
//   2. A tag an environment runs is kept: the tag templates expanded with the last successful
//      deployment (the last --keep-deployments n) of every available or stopping environment of
//      the project. Only --allow-deleting-deployed-images turns this off.
//   3. A tag matching a --keep regex is kept.
//   4. A tag not matching --match is kept (every tag matches when --match is absent).
//   5. --stale-branches: the default branch's slug and the slug of every existing branch or open
//      merge request's source branch are kept.
//   6. When an age rule is set (--keep-latest, --older-than), a tag without a usable push time is
//      kept: we never delete what we cannot date. A time is usable when its kind is accepted (last
//      pushes, unless --accept-ages adds first pushes or build times; otherwise the age rules are
//      refused for the repository) and plausible (not before the repository existed, not in the
//      future).
//   7. --keep-latest n: the n most recently pushed of the remaining tags are kept.
//   8. --older-than d: a tag pushed at or after now − d is kept.
//   9. Everything else is deleted.

import type {
  Decision,
  DeleteRule,
  GitLabCleanupPolicy,
  Inventory,
  KeepRule,
  RepositoryPlan,
  Tag,
} from '../model.ts';
import { describeSource, implausibility } from './ages.ts';
import { formatDuration } from './duration.ts';
import {
  acceptsAges,
  keptByName,
  nameReason,
  type ProjectFacts,
  type RetentionRules,
  usesAge,
} from './rules.ts';

export interface PlanInput {
  policy: string;
  inventory: Inventory;
  rules: RetentionRules;
  facts: ProjectFacts;
  now: Date;
  /** where the rules came from, when it was the project's GitLab cleanup policy */
  cleanupPolicy?: GitLabCleanupPolicy;
  /** what people should know about the rules themselves (how GitLab would read a regex, …) */
  ruleNotes?: readonly string[];
}

export function planRepository(input: PlanInput): RepositoryPlan {
  const { policy, inventory, rules, facts, now } = input;
  const decisions = new Map<string, Decision>();
  const keep = (tag: Tag, rule: KeepRule, because: string) =>
    decisions.set(tag.name, { tag, action: 'keep', rule, because });

  let eligible: Tag[] = [];
  for (const tag of inventory.tags) {
    const rule = keptByName(tag.name, rules, facts);
    if (rule) keep(tag, rule, nameReason(rule, tag.name, rules, facts));
    else eligible.push(tag);
  }

  const notes: string[] = [...(input.ruleNotes ?? [])];
  let refusal: string | undefined;
  const { times, repository } = inventory;
  if (usesAge(rules) && eligible.length > 0) {
    if (times && !acceptsAges(rules, times.meaning)) {
      refusal = `its tag times are the ${describeSource(times)}, not the last push: the age rules were not applied and nothing was deleted; if that time is right for these tags, accept it with --accept-ages ${times.meaning}`;
      for (const tag of eligible)
        keep(tag, 'untrusted-age', `time is the ${describeSource(times)}: not accepted`);
      eligible = [];
    }
    const dated: Tag[] = [];
    let implausible = 0;
    for (const tag of eligible) {
      const why = tag.pushedAt ? implausibility(tag.pushedAt, repository, now) : 'push time unknown';
      if (why === undefined) {
        dated.push(tag);
      } else {
        keep(tag, 'unknown-age', `${why}: never deleted by age`);
        if (tag.pushedAt) implausible++;
      }
    }
    if (implausible > 0) {
      notes.push(
        `${implausible} tag${implausible === 1 ? ' reports a time' : 's report times'} that cannot be a push time (before the repository existed, or in the future): kept, of unknown age`,
      );
    }
    eligible = dated;
  }

  const rank = new Map<string, number>();
  if (rules.keepLatest !== undefined) {
    eligible.sort(newestFirst);
    for (const [index, tag] of eligible.entries()) rank.set(tag.name, index + 1);
    for (const tag of eligible.slice(0, rules.keepLatest)) {
      keep(tag, 'keep-latest', `among the ${rules.keepLatest} latest (#${rank.get(tag.name)})`);
    }
    eligible = eligible.slice(rules.keepLatest);
  }

  for (const tag of eligible) {
    const reasons: string[] = [];
    let rule: DeleteRule = 'stale-branch';
    if (rules.staleBranches) reasons.push('no branch or open merge request has this slug');
    if (rules.keepLatest !== undefined) {
      rule = 'beyond-keep-latest';
      // Ranks are exact only when every tag was read.
      const shownRank = inventory.complete ? ` (#${rank.get(tag.name)})` : '';
      reasons.push(`not among the ${rules.keepLatest} latest${shownRank}`);
    }
    if (rules.olderThanMs !== undefined) {
      const age = now.getTime() - (tag.pushedAt as Date).getTime();
      if (age <= rules.olderThanMs) {
        keep(tag, 'younger', `${describePush(age)}, within ${formatDuration(rules.olderThanMs)}`);
        continue;
      }
      rule = 'older-than';
      reasons.unshift(`${describePush(age)}, older than ${formatDuration(rules.olderThanMs)}`);
    }
    decisions.set(tag.name, { tag, action: 'delete', rule, because: reasons.join('; ') });
  }

  const sorted = [...decisions.values()].sort((a, b) => byName(a.tag.name, b.tag.name));
  return {
    policy,
    repository: inventory.repository,
    ...(inventory.via ? { via: inventory.via } : {}),
    ...(inventory.times ? { times: inventory.times } : {}),
    complete: inventory.complete,
    decisions: sorted,
    deletions: sorted.filter((decision) => decision.action === 'delete').map((decision) => decision.tag.name),
    notes,
    ...(refusal ? { refusal } : {}),
    ...(input.cleanupPolicy ? { cleanupPolicy: input.cleanupPolicy } : {}),
  };
}

/** Newest first; equal times by name, so the plan is the same on every run. */
export function newestFirst(a: Tag, b: Tag): number {
  return (b.pushedAt as Date).getTime() - (a.pushedAt as Date).getTime() || byName(a.name, b.name);
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * "pushed 21d ago". A push time a little after "now" (within the clock tolerance) means the
 * registry's clock or ours is off; such a tag is younger than any cut-off, so it is kept.
 */
function describePush(ageMs: number): string {
  return ageMs < 0 ? 'pushed in the future (clock skew)' : `pushed ${describeAge(ageMs)} ago`;
}

/** "21d", "5h", "12m" — whole units, rounded down; ms ≥ 0. */
function describeAge(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}
