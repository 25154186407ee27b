// prune's decision, one repository at a time: for every tag, keep or delete, and the rule that
// decided. Pure: tags, rules, branches and "now" in; decisions out. The README lists the same
// steps in the same order.
//
//   1. `latest` is kept.
//   2. A tag matching a --keep regex is kept.
//   3. A tag not matching --match is kept (every tag matches when --match is absent).
//   4. --stale-branches: the default branch's slug and the slug of every existing branch or open
//      merge request's source branch are kept.
//   5. When an age rule is set (--keep-latest, --older-than), a tag without a usable push time is
//      kept: we never delete what we cannot date.
//   6. --keep-latest n: the n most recently pushed of the remaining tags are kept.
//   7. --older-than d: a tag pushed at or after now − d is kept.
//   8. Everything else is deleted.

import type { Tag } from '../model.ts';
import { formatDuration } from './duration.ts';
import type { TagPattern } from './regex.ts';

export interface RetentionRules {
  match?: TagPattern;
  keep: readonly TagPattern[];
  keepLatest?: number;
  olderThanMs?: number;
  staleBranches: boolean;
}

export interface BranchContext {
  /** slug → a branch (or open merge request source branch) it belongs to */
  liveSlugs: ReadonlyMap<string, string>;
  defaultBranchSlug?: string;
}

/** Steps 1–4: the keep rules that decide from the name alone. */
export type NameRule = 'latest' | 'keep' | 'not-matched' | 'default-branch' | 'live-branch';
export type KeepRule = NameRule | 'unknown-age' | 'keep-latest' | 'younger';
export type DeleteRule = 'older-than' | 'beyond-keep-latest' | 'stale-branch';

export interface Decision {
  tag: Tag;
  action: 'keep' | 'delete';
  /** for a keep, the step that kept it; for a delete, the last rule that let it go */
  rule: KeepRule | DeleteRule;
  /** for people: "pushed 21d ago, older than 14d; not among the 5 latest" */
  because: string;
}

export const LATEST = 'latest';

export function needsPushTimes(rules: RetentionRules): boolean {
  return rules.keepLatest !== undefined || rules.olderThanMs !== undefined;
}

/** Steps 1–4: the rules that decide from the name alone; undefined when the name leaves it open. */
export function keptByName(
  name: string,
  rules: RetentionRules,
  branches: BranchContext | undefined,
): NameRule | undefined {
  if (name === LATEST) return 'latest';
  if (rules.keep.some((pattern) => pattern.test(name))) return 'keep';
  if (rules.match && !rules.match.test(name)) return 'not-matched';
  if (rules.staleBranches && branches) {
    if (name === branches.defaultBranchSlug) return 'default-branch';
    if (branches.liveSlugs.has(name)) return 'live-branch';
  }
  return undefined;
}

/**
 * @param read.allRead false when tags younger than the --older-than cut-off were not read (they
 *   are kept either way); ranks beyond --keep-latest are then lower bounds and are not shown.
 */
export function planRepository(
  tags: readonly Tag[],
  rules: RetentionRules,
  now: Date,
  branches?: BranchContext,
  read: { allRead: boolean } = { allRead: true },
): Decision[] {
  const decisions = new Map<string, Decision>();
  const keep = (tag: Tag, rule: KeepRule, because: string) =>
    decisions.set(tag.name, { tag, action: 'keep', rule, because });

  let eligible: Tag[] = [];
  for (const tag of tags) {
    const rule = keptByName(tag.name, rules, branches);
    if (rule) keep(tag, rule, nameReason(rule, tag.name, rules, branches));
    else eligible.push(tag);
  }

  if (needsPushTimes(rules)) {
    const dated: Tag[] = [];
    for (const tag of eligible) {
      if (tag.pushedAt) dated.push(tag);
      else keep(tag, 'unknown-age', 'push time unknown: never deleted by age');
    }
    eligible = dated;
  }

  const rank = new Map<string, number>();
  if (rules.keepLatest !== undefined) {
    // Newest first; equal times by name, so the plan is the same on every run.
    eligible.sort((a, b) => b.pushedAt!.getTime() - a.pushedAt!.getTime() || (a.name < b.name ? -1 : 1));
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
      reasons.push(
        `not among the ${rules.keepLatest} latest${read.allRead ? ` (#${rank.get(tag.name)})` : ''}`,
      );
    }
    if (rules.olderThanMs !== undefined) {
      const age = now.getTime() - tag.pushedAt!.getTime();
      if (age <= rules.olderThanMs) {
        keep(tag, 'younger', `${describePush(age)}, within ${formatDuration(rules.olderThanMs)}`);
        continue;
      }
      rule = 'older-than';
      reasons.unshift(`${describePush(age)}, older than ${formatDuration(rules.olderThanMs)}`);
    }
    decisions.set(tag.name, { tag, action: 'delete', rule, because: reasons.join('; ') });
  }

  return [...decisions.values()].sort((a, b) =>
    a.tag.name < b.tag.name ? -1 : a.tag.name > b.tag.name ? 1 : 0,
  );
}

function nameReason(rule: NameRule, name: string, rules: RetentionRules, branches?: BranchContext): string {
  switch (rule) {
    case 'latest':
      return "'latest' is always kept";
    case 'keep':
      return `matches --keep ${rules.keep.find((pattern) => pattern.test(name))?.source}`;
    case 'not-matched':
      return `does not match --match ${rules.match?.source}`;
    case 'default-branch':
      return 'slug of the default branch';
    case 'live-branch':
      return `slug of branch ${branches?.liveSlugs.get(name)}`;
  }
}

/**
 * "pushed 21d ago". A push time after "now" means the registry's clock or ours is off; such a tag
 * is younger than any cut-off, so it is kept.
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

/**
 * Bytes the registry's garbage collection can free: images (digests) none of whose tags survive.
 * Deleting one of several tags on a digest frees nothing while another stays.
 */
export function reclaimableBytes(
  tags: readonly Tag[],
  isGone: (name: string) => boolean,
): { bytes: number; digests: number; unknownSize: number } {
  const byDigest = new Map<string, { size?: number; survivors: number }>();
  for (const tag of tags) {
    if (!tag.digest) continue;
    const entry = byDigest.get(tag.digest) ?? { survivors: 0 };
    if (tag.sizeBytes !== undefined) entry.size = tag.sizeBytes;
    if (!isGone(tag.name)) entry.survivors++;
    byDigest.set(tag.digest, entry);
  }
  let bytes = 0;
  let digests = 0;
  let unknownSize = 0;
  for (const entry of byDigest.values()) {
    if (entry.survivors > 0) continue;
    digests++;
    if (entry.size === undefined) unknownSize++;
    else bytes += entry.size;
  }
  return { bytes, digests, unknownSize };
}

/** Tags to delete whose image another, kept tag still uses: deleting them frees nothing. */
export function sharedWithKept(decisions: readonly Decision[]): Map<string, string[]> {
  const keptByDigest = new Map<string, string[]>();
  for (const decision of decisions) {
    if (decision.action !== 'keep' || !decision.tag.digest) continue;
    keptByDigest.set(decision.tag.digest, [
      ...(keptByDigest.get(decision.tag.digest) ?? []),
      decision.tag.name,
    ]);
  }
  const shared = new Map<string, string[]>();
  for (const decision of decisions) {
    const kept =
      decision.action === 'delete' && decision.tag.digest ? keptByDigest.get(decision.tag.digest) : undefined;
    if (kept) shared.set(decision.tag.name, kept);
  }
  return shared;
}
