// The project's newest successful deployments, page by page: every environment's own deployments
// come in the same order, so a prefix of this list settles the environments whose latest ones it
// holds. Reading on is worth it only while fewer pages remain than environments are unsettled.

import { mapConcurrent } from '../concurrency.ts';
import type { DeploymentRecord } from '../model.ts';
import type { GitLabApi } from './api.ts';
import { deploymentRecord, NEWEST_FINISHED, readList } from './environment-reads.ts';
import { MAX_OFFSET_PAGE_SIZE, nextPage } from './pagination.ts';

const PAGES_AT_ONCE = 4;

/**
 * Fills `found` (environment name → its newest deployments, at most `perEnvironment`) from the
 * project's newest successful deployments. True when every successful deployment was read, so
 * an environment with fewer has no more; false when the rest is cheaper read environment by
 * environment, or the list changed while it was read (a deployment finished or was deleted
 * between two pages shifts the offsets: only the first page is then trusted).
 */
export async function scanNewestDeployments(
  api: GitLabApi,
  project: number | string,
  found: Map<string, DeploymentRecord[]>,
  perEnvironment: number,
): Promise<boolean> {
  const pageUrl = (page?: number) =>
    api.url(['projects', project, 'deployments'], {
      ...NEWEST_FINISHED,
      per_page: MAX_OFFSET_PAGE_SIZE,
      ...(page ? { page } : {}),
    });
  const what = (page: number) => `list its deployments (page ${page})`;
  const first = await readList(api, pageUrl(), 'listDeployments', project, what(1));
  const taken = new Map<string, DeploymentRecord[]>(
    [...found].map(([name, records]) => [name, [...records]]),
  );
  const seen = new Set<unknown>();
  const take = (items: readonly unknown[]) => {
    for (const item of items) {
      const { id, environment } = item as { id?: unknown; environment?: { name?: unknown } };
      // Offsets move when deployments finish meanwhile: a deployment may come twice.
      if (id !== undefined && seen.has(id)) continue;
      seen.add(id);
      const records = typeof environment?.name === 'string' ? taken.get(environment.name) : undefined;
      if (records && records.length < perEnvironment) records.push(deploymentRecord(item, project));
    }
  };
  take(first.items);
  for (const [name, records] of taken) found.set(name, records);
  if (nextPage(api, pageUrl(), first.response) === undefined) return true;

  // GitLab leaves out the totals from 10,000 deployments on: then one read per environment bounds the cost.
  const totalPages = Number.parseInt(first.response.headers['x-total-pages'] ?? '', 10);
  const total = first.response.headers['x-total'];
  const unsettled = [...found.values()].filter((records) => records.length < perEnvironment).length;
  if (!(totalPages > 1) || total === undefined || totalPages - 1 >= unsettled) return false;
  const pages = Array.from({ length: totalPages - 1 }, (_, i) => i + 2);
  const rest = await mapConcurrent(pages, PAGES_AT_ONCE, (page) =>
    readList(api, pageUrl(page), 'listDeployments', project, what(page)),
  );
  if (rest.some((page) => page.response.headers['x-total'] !== total)) return false;
  for (const page of rest) take(page.items);
  for (const [name, records] of taken) found.set(name, records);
  return true;
}
