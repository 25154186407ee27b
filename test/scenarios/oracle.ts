// The expected result of `prune --older-than <d> --keep-latest <n> [--keep <regex>]`, written
// independently of src/plan, for the e2e tests, the bench and the soak: per repository, every tag
// except `latest` and those --keep matches is a candidate; the n most recently pushed candidates
// stay; of the rest, those pushed before now − d go.
//
// "Pushed" is the time the token's read path sees: publishedAt (GraphQL, personal access token)
// or createdAt (REST tag details, CI job token). The retention scenario never re-pushes a name,
// so the two coincide there (scenarioFacts().rePushed counts the exceptions). Its push times sit
// on half-hour offsets, so a "now" that drifts by minutes between oracle and CLI changes nothing;
// and each repository has far more than n tags newer than the cut-off, so how ties at the n-th
// place are broken never matters.

import type { SandboxState, Tag } from '../sandbox/index.ts';
import { DAY_MS } from './retention.ts';

export interface RetentionRule {
  olderThanDays: number;
  keepLatest: number;
  /** a --keep regex, as the CLI gets it (matched against the whole name) */
  keep?: string;
}

export type PushTime = 'publishedAt' | 'createdAt';

/** The tags the rule deletes, as "repositoryId:name". */
export function oracleDoomed(
  state: SandboxState,
  rule: RetentionRule,
  now: number,
  time: PushTime = 'publishedAt',
): Set<string> {
  const cutoff = now - rule.olderThanDays * DAY_MS;
  const kept = rule.keep === undefined ? undefined : new RegExp(`^(?:${rule.keep})$`);
  const doomed = new Set<string>();
  for (const repository of state.repositories()) {
    const candidates = state
      .tags(repository)
      .filter((tag: Tag) => tag.name !== 'latest' && !kept?.test(tag.name));
    candidates.sort((a, b) => b[time].getTime() - a[time].getTime());
    for (const tag of candidates.slice(rule.keepLatest)) {
      if (tag[time].getTime() < cutoff) doomed.add(`${repository.id}:${tag.name}`);
    }
  }
  return doomed;
}

/** The rule as CLI flags. */
export function ruleFlags(rule: RetentionRule): string[] {
  return [
    '--older-than',
    `${rule.olderThanDays}d`,
    '--keep-latest',
    String(rule.keepLatest),
    ...(rule.keep === undefined ? [] : ['--keep', rule.keep]),
  ];
}

/** Every tag of the sandbox as "repositoryId:name". */
export function tagSnapshot(state: SandboxState): Set<string> {
  const all = new Set<string>();
  for (const repository of state.repositories()) {
    for (const tag of state.tags(repository)) all.add(`${repository.id}:${tag.name}`);
  }
  return all;
}
