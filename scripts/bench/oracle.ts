// The expected result of `prune --older-than <d> --keep-latest <n>`, written independently of
// src/plan, as in test/e2e/prune.test.ts: per repository, every tag except `latest` is a
// candidate; the n most recently pushed candidates stay; of the rest, those pushed before
// now − d go.
//
// "Pushed" is the time the token's read path sees: publishedAt (GraphQL, personal access token)
// or createdAt (REST tag details, CI job token). The retention scenario never re-pushes a name,
// so the two coincide there (scenarioFacts().rePushed counts the exceptions). Its push times sit
// on half-hour offsets, so a "now" that drifts by minutes between oracle and CLI changes nothing;
// and each repository has far more than n tags newer than the cut-off, so how ties at the n-th
// place are broken never matters.

import type { SandboxState, Tag } from '../../test/sandbox/index.ts';
import { DAY_MS } from '../../test/scenarios/retention.ts';

export interface RetentionRule {
  olderThanDays: number;
  keepLatest: number;
}

export type PushTime = 'publishedAt' | 'createdAt';

/** The tags the rule deletes, as "repositoryId:name". */
export function oracleDoomed(
  state: SandboxState,
  rule: RetentionRule,
  now: number,
  time: PushTime,
): Set<string> {
  const cutoff = now - rule.olderThanDays * DAY_MS;
  const doomed = new Set<string>();
  for (const repository of state.repositories()) {
    const candidates = state.tags(repository).filter((tag: Tag) => tag.name !== 'latest');
    candidates.sort((a, b) => b[time].getTime() - a[time].getTime());
    for (const tag of candidates.slice(rule.keepLatest)) {
      if (tag[time].getTime() < cutoff) doomed.add(`${repository.id}:${tag.name}`);
    }
  }
  return doomed;
}

/** The rule as CLI flags. */
export function ruleFlags(rule: RetentionRule): string[] {
  return ['--older-than', `${rule.olderThanDays}d`, '--keep-latest', String(rule.keepLatest)];
}
