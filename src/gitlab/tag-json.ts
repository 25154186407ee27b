// Tags as GitLab's answers describe them, turned into the program's Tag: one decoder per answer
// shape, so a name, a time or a size is read the same way everywhere.

import type { Tag } from '../model.ts';

/** A tag's name in a REST list item ({name, path, location}); '' when the item has none. */
export function tagNameOf(item: unknown): string {
  const name = (item as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : '';
}

/** REST tag details: {name, digest, created_at, total_size, …}. */
export function tagFromDetails(name: string, json: unknown): Tag {
  const raw = (json ?? {}) as Record<string, unknown>;
  const createdAt = parseTime(raw.created_at);
  const size = typeof raw.total_size === 'number' ? raw.total_size : undefined;
  return {
    name,
    ...(typeof raw.digest === 'string' ? { digest: raw.digest } : {}),
    ...(createdAt ? { pushedAt: createdAt } : {}),
    ...(size === undefined ? {} : { sizeBytes: size }),
  };
}

/** A GraphQL ContainerRepositoryTag node, with both of its times (the reader chooses one). */
export interface TagNode {
  name: string;
  digest: string | null;
  createdAt: string | null;
  publishedAt?: string | null;
  totalSize: string | number | null;
}

export function tagFromNode(node: TagNode, time: 'publishedAt' | 'createdAt'): Tag {
  const pushedAt = parseTime(node[time]);
  const size = node.totalSize === null || node.totalSize === undefined ? undefined : Number(node.totalSize);
  return {
    name: node.name,
    ...(node.digest ? { digest: node.digest } : {}),
    ...(pushedAt ? { pushedAt } : {}),
    ...(size !== undefined && Number.isFinite(size) ? { sizeBytes: size } : {}),
  };
}

export function parseTime(value: unknown): Date | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
