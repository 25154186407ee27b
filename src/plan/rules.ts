// The retention rules of a prune policy and the project facts some of them need, and the rules
// that decide from a tag's name alone (steps 1–5 of the README's list). Pure.

import type { AgeSource, NameRule } from '../model.ts';
import { type DeployedTags, type DeploymentProtection, describeDeployed } from './deployed.ts';
import type { TagPattern } from './regex.ts';

export interface RetentionRules {
  match?: TagPattern;
  keep: readonly TagPattern[];
  keepLatest?: number;
  olderThanMs?: number;
  staleBranches: boolean;
  /** kinds of time the age rules may act on besides last pushes (--accept-ages) */
  acceptAges: readonly AgeSource[];
  /** keep what environments run; undefined only when turned off (--allow-deleting-deployed-images) */
  deployments?: DeploymentProtection;
}

/** What the rules need to know about a tag's project besides its tags. */
export interface ProjectFacts {
  /** with --stale-branches: the project's live branches */
  branches?: BranchContext;
  /** unless the protection is off: the tags the project's environments run */
  deployed?: DeployedTags;
}

export interface BranchContext {
  /** slug → a branch (or open merge request source branch) it belongs to */
  liveSlugs: ReadonlyMap<string, string>;
  defaultBranchSlug?: string;
}

export const LATEST = 'latest';

/** Whether any rule looks at push times (and so whether tags without one must be kept). */
export function usesAge(rules: RetentionRules): boolean {
  return rules.keepLatest !== undefined || rules.olderThanMs !== undefined;
}

export function acceptsAges(rules: RetentionRules, meaning: AgeSource): boolean {
  return meaning === 'last-push' || rules.acceptAges.includes(meaning);
}

/** Which project facts the rules need read before planning. */
export function factsNeeded(rules: RetentionRules): { branches: boolean; deployments: boolean } {
  return { branches: rules.staleBranches, deployments: rules.deployments !== undefined };
}

/** Steps 1–5: the rules that decide from the name alone; undefined when the name leaves it open. */
export function keptByName(name: string, rules: RetentionRules, facts: ProjectFacts): NameRule | undefined {
  if (name === LATEST) return 'latest';
  if (rules.deployments) {
    // Not knowing what environments run must never read as "they run nothing".
    if (!facts.deployed) throw new Error('bug: the deployed tags were not read before planning');
    if (facts.deployed.has(name)) return 'deployed';
  }
  if (rules.keep.some((pattern) => pattern.test(name))) return 'keep';
  if (rules.match && !rules.match.test(name)) return 'not-matched';
  const { branches } = facts;
  if (rules.staleBranches && branches) {
    if (name === branches.defaultBranchSlug) return 'default-branch';
    if (branches.liveSlugs.has(name)) return 'live-branch';
  }
  return undefined;
}

export function nameReason(rule: NameRule, name: string, rules: RetentionRules, facts: ProjectFacts): string {
  switch (rule) {
    case 'latest':
      return "'latest' is always kept";
    case 'deployed': {
      const deployed = facts.deployed?.get(name);
      return deployed ? describeDeployed(deployed) : 'deployed';
    }
    case 'keep': {
      const pattern = rules.keep.find((keep) => keep.test(name));
      return `matches ${pattern?.origin ?? '--keep'} ${pattern?.source}`;
    }
    case 'not-matched':
      return `does not match ${rules.match?.origin ?? '--match'} ${rules.match?.source}`;
    case 'default-branch':
      return 'slug of the default branch';
    case 'live-branch':
      return `slug of branch ${facts.branches?.liveSlugs.get(name)}`;
  }
}
