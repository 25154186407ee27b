// What both JSON reports (delete-tag, prune) share: their version and the request counts.

import type { RequestStatistics } from '../model.ts';

/** The JSON report's version: fields are stable, a new one is additive (docs/reports.md). */
export const REPORT_VERSION = 1;

export interface RequestCounts {
  total: number;
  retries: number;
  rateLimited: number;
  /** requests sent, by what they were for ('listTags', 'deleteTag', …) */
  byKind: Record<string, number>;
}

export function requestCounts(statistics: RequestStatistics): RequestCounts {
  return {
    total: statistics.total,
    retries: statistics.retries,
    rateLimited: statistics.rateLimited,
    byKind: statistics.byLabel,
  };
}
