// Fixture builders for plan inputs (not mocks of our modules).

import type { Tag } from '../../src/model.ts';
import { compileTagPattern, type PatternRole, type TagPattern } from '../../src/plan/regex.ts';
import type { RetentionRules } from '../../src/plan/retention.ts';

export const NOW = new Date('2026-11-23T12:00:00.000Z');
export const DAY = 86_400_000;

export function tag(name: string, daysAgo?: number, extra: Partial<Tag> = {}): Tag {
  return {
    name,
    ...(daysAgo === undefined
      ? {}
      : { pushedAt: new Date(NOW.getTime() - daysAgo * DAY), pushedAtSource: 'published_at' as const }),
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
  return { keep: [], staleBranches: false, ...overrides };
}
