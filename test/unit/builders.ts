// Fixture builders for plan inputs (not mocks of our modules).

import type { Decision, Inventory, Repository, Tag } from '../../src/model.ts';
import { compileTagPattern, type PatternRole, type TagPattern } from '../../src/plan/regex.ts';
import { planRepository } from '../../src/plan/retention.ts';
import type { BranchContext, RetentionRules } from '../../src/plan/rules.ts';

export const NOW = new Date('2026-11-23T12:00:00.000Z');
export const DAY = 86_400_000;

export function tag(name: string, daysAgo?: number, extra: Partial<Tag> = {}): Tag {
  return {
    name,
    ...(daysAgo === undefined ? {} : { pushedAt: new Date(NOW.getTime() - daysAgo * DAY) }),
    ...extra,
  };
}

/** A --match pattern unless said otherwise; the role matters only for a top-level "|". */
export function pattern(source: string, role: PatternRole = 'match'): TagPattern {
  const compiled = compileTagPattern(source, role);
  if ('error' in compiled) throw new Error(`${source} ${compiled.error}`);
  return compiled;
}

export function rules(overrides: Partial<RetentionRules> = {}): RetentionRules {
  return { keep: [], staleBranches: false, acceptAges: [], ...overrides };
}

export function repository(overrides: Partial<Repository> = {}): Repository {
  return {
    id: 7,
    projectId: 3,
    name: '',
    path: 'acme/web',
    location: 'registry.example.com/acme/web',
    status: null,
    ...overrides,
  };
}

/** An inventory of these tags, their times last pushes (GraphQL publishedAt). */
export function inventory(tags: readonly Tag[], overrides: Partial<Inventory> = {}): Inventory {
  return {
    repository: repository(),
    tags: [...tags],
    times: { field: 'published_at', meaning: 'last-push' },
    complete: true,
    ...overrides,
  };
}

/** The decisions planRepository makes for these tags: one per tag, by name. */
export function decide(
  tags: readonly Tag[],
  retention: RetentionRules,
  now: Date = NOW,
  branches?: BranchContext,
): Decision[] {
  return planRepository({
    policy: 'test',
    inventory: inventory(tags),
    rules: retention,
    facts: branches ? { branches } : {},
    now,
  }).decisions;
}
