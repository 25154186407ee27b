// Follows GitLab's pagination to the end: X-Next-Page for offset pages (an empty value means the
// last page), else Link rel="next" rewritten onto our base URL (keyset pages carry only Link).

import { mapConcurrent } from '../concurrency.ts';
import { GitLabResponseError } from '../errors.ts';
import type { GitLabApi } from './api.ts';
import { errorFor } from './failures.ts';
import type { HttpResponse } from './http.ts';

export const MAX_OFFSET_PAGE_SIZE = 100; // Kaminari's max_per_page in GitLab (config/initializers/kaminari_config.rb)

export interface PageRequest {
  label: string;
  /** describes the read for error messages: "list the registry of project acme/web-app" */
  action: string;
}

export async function* pages(api: GitLabApi, first: URL, what: PageRequest): AsyncGenerator<unknown[]> {
  let url: URL | undefined = first;
  const seen = new Set<string>();
  while (url) {
    seen.add(url.href);
    const { items, response } = await readPage(api, url, what);
    yield items;
    url = nextPage(api, url, response);
    if (url && seen.has(url.href)) {
      throw new GitLabResponseError({ kind: 'page-loop', action: what.action });
    }
  }
}

export function nextPage(api: GitLabApi, current: URL, response: HttpResponse): URL | undefined {
  const nextHeader = response.headers['x-next-page'];
  if (nextHeader !== undefined) {
    if (nextHeader.trim() === '') return undefined;
    const next = new URL(current);
    next.searchParams.set('page', nextHeader.trim());
    return next;
  }
  const link = nextLink(response.headers.link);
  if (!link) return undefined;
  // A next page we cannot follow must not pass for the last one: a cut list could decide a deletion.
  const rebased = api.rebase(link);
  if (!rebased) throw new GitLabResponseError({ kind: 'unfollowable-link', link: link.replace(/\?.*$/, '') });
  return rebased;
}

function nextLink(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part.trim());
    if (match) return match[1];
  }
  return undefined;
}

/**
 * Every item of an offset-paginated list. When the first page tells how many there are
 * (X-Total-Pages; GitLab omits it for lists of 10,000 items or more), the other pages are
 * requested together, in order; otherwise they are followed one by one.
 */
export async function allPages(api: GitLabApi, first: URL, what: PageRequest): Promise<unknown[]> {
  const { items, response } = await readPage(api, first, what);
  const totalPages = Number.parseInt(response.headers['x-total-pages'] ?? '', 10);
  const page = Number.parseInt(response.headers['x-page'] ?? '', 10);
  if (!(totalPages > 1 && page === 1 && response.headers['x-next-page'] === '2')) {
    const next = nextPage(api, first, response);
    if (!next) return items;
    const all = [...items];
    for await (const more of pages(api, next, what)) all.push(...more);
    return all;
  }
  const rest = Array.from({ length: totalPages - 1 }, (_, i) => {
    const url = new URL(first);
    url.searchParams.set('page', String(i + 2));
    return url;
  });
  const later = await mapConcurrent(rest, rest.length, async (url) => (await readPage(api, url, what)).items);
  return [items, ...later].flat();
}

/** One page: a list, or the error that says why not. */
export async function readPage(
  api: GitLabApi,
  url: URL,
  what: PageRequest,
): Promise<{ items: unknown[]; response: HttpResponse }> {
  const response = await api.http.send({
    method: 'GET',
    url,
    label: what.label,
    action: what.action,
    api: 'rest',
    expectJson: true,
  });
  if (response.status !== 200) throw errorFor(response, api.credential, what.action);
  if (!Array.isArray(response.json)) {
    throw new GitLabResponseError({ kind: 'not-a-list', action: what.action });
  }
  return { items: response.json, response };
}
