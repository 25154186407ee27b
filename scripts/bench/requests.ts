// What the sandbox recorded, summed up: requests by kind (the sandbox's `operation`, and for
// GraphQL its top-level fields), 429s, resets and injected faults.

import type { RecordedRequest } from '../../test/sandbox/index.ts';

export interface RequestSummary {
  total: number;
  byKind: Record<string, number>;
  /** answers with status 429 (the rate limit's or an injected one) */
  status429: number;
  byStatus: Record<string, number>;
}

export function kindOf(request: RecordedRequest): string {
  if (request.operation !== 'graphql') return request.operation;
  const fields = [...new Set(request.graphqlFields ?? [])];
  // A throttled or faulted request never reaches the GraphQL parser, so its fields are unknown.
  return fields.length === 0 ? 'graphql (refused before parsing)' : `graphql ${fields.join('+')}`;
}

export function summarizeRequests(requests: readonly RecordedRequest[]): RequestSummary {
  const byKind: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  let status429 = 0;
  for (const request of requests) {
    const kind = kindOf(request);
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    const status = request.status === 0 ? 'reset' : String(request.status);
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (request.status === 429) status429++;
  }
  return { total: requests.length, byKind, status429, byStatus };
}

/** "listRepositories 1, graphql containerRepository.tags 500, …", largest first. */
export function describeCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
}
