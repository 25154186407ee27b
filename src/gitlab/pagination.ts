// Follows GitLab's pagination to the end: X-Next-Page for offset pages (an empty value means the
// last page), else Link rel="next" rewritten onto our base URL (keyset pages carry only Link).

import { GitLabResponseError } from '../errors.ts';
import type { GitLabApi } from './api.ts';
import { refusal } from './failures.ts';
import type { HttpResponse } from './http.ts';

export const MAX_OFFSET_PAGE_SIZE = 100; // Kaminari max_per_page (../shared/gitlab-api.md §1.5)

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
    const response = await api.http.send({
      method: 'GET',
      url,
      label: what.label,
      api: 'rest',
      expectJson: true,
    });
    if (response.status !== 200) throw refusal(response, api.credential, what.action);
    if (!Array.isArray(response.json)) {
      throw new GitLabResponseError(`GitLab answered ${what.action} with something that is not a list`, 200);
    }
    yield response.json;
    url = nextPage(api, url, response);
    if (url && seen.has(url.href)) {
      throw new GitLabResponseError(
        `GitLab's pagination for ${what.action} points back to a page already read`,
        200,
      );
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
  return link ? api.rebase(link) : undefined;
}

function nextLink(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part.trim());
    if (match) return match[1];
  }
  return undefined;
}
