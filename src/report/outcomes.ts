// Outcomes as people read them: one label and colour each, and their counts.

import type { Outcome, TagResult } from '../model.ts';
import { ALREADY_GONE, OUTCOMES } from '../model.ts';
import type { Colors } from './console.ts';

export type OutcomeCounts = Record<Outcome, number>;

export const OUTCOME_STYLE: Record<Outcome, { label: string; color: keyof Colors }> = {
  planned: { label: 'would delete', color: 'cyan' },
  deleted: { label: 'deleted', color: 'green' },
  absent: { label: ALREADY_GONE, color: 'dim' },
  protected: { label: 'protected', color: 'yellow' },
  forbidden: { label: 'forbidden', color: 'red' },
  failed: { label: 'failed', color: 'red' },
};

export function paintOutcome(outcome: Outcome, colors: Colors, text = OUTCOME_STYLE[outcome].label): string {
  return (colors[OUTCOME_STYLE[outcome].color] as (text: string) => string)(text);
}

/**
 * Outcomes worth a line even in --quiet and a failure in JUnit: a deletion that did not happen.
 * Protected tags count when they were asked for by name (delete-tag); a sweep expects some.
 */
export function isProblem(outcome: Outcome, { protectedFails }: { protectedFails: boolean }): boolean {
  return outcome === 'failed' || outcome === 'forbidden' || (protectedFails && outcome === 'protected');
}

/** delete-tag asked for its tags by name: a protected one is a failure. */
export const AS_ASKED = { protectedFails: true };
/** A sweep expects protected tags: they are not a failure of it. */
export const IN_A_SWEEP = { protectedFails: false };

export function countOutcomes(results: readonly Pick<TagResult, 'outcome'>[]): OutcomeCounts {
  const totals = Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as OutcomeCounts;
  for (const result of results) totals[result.outcome]++;
  return totals;
}
