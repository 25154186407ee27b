import type { Tag } from './model.ts';

/**
 * The tags of one repository, kept cheap for 100,000 names: a Map for lookups plus a name-sorted
 * array that is rebuilt lazily after appends (seeding pushes thousands in a row) and patched in
 * place on single deletes (a cleanup deletes one tag per request between listings).
 * Order is byte-wise (`a < b` on JS strings), like the registry's lexicographic tag order.
 */
export class TagStore {
  private readonly byName = new Map<string, Tag>();
  private sortedNames: string[] = [];
  private sortedDirty = false;
  private publishedOrder: Tag[] | undefined;

  get size(): number {
    return this.byName.size;
  }

  get(name: string): Tag | undefined {
    return this.byName.get(name);
  }

  set(tag: Tag): void {
    if (!this.byName.has(tag.name)) this.sortedDirty = true;
    this.byName.set(tag.name, tag);
    this.publishedOrder = undefined;
  }

  delete(name: string): boolean {
    if (!this.byName.delete(name)) return false;
    this.publishedOrder = undefined;
    if (!this.sortedDirty) {
      const index = lowerBound(this.sortedNames, name);
      if (this.sortedNames[index] === name) this.sortedNames.splice(index, 1);
    }
    return true;
  }

  /** All names in ascending order. The array is shared: callers must not mutate it. */
  names(): readonly string[] {
    if (this.sortedDirty) {
      this.sortedNames = Array.from(this.byName.keys()).sort(compareStrings);
      this.sortedDirty = false;
    }
    return this.sortedNames;
  }

  /** Tags ordered by (publishedAt, name) ascending, as the registry sorts `published_at`. */
  byPublished(): readonly Tag[] {
    if (!this.publishedOrder) {
      this.publishedOrder = Array.from(this.byName.values()).sort(comparePublished);
    }
    return this.publishedOrder;
  }

  values(): IterableIterator<Tag> {
    return this.byName.values();
  }

  /** The registry's deduplicated `size_bytes`: each distinct manifest counted once. */
  deduplicatedSize(): number {
    const sizes = new Map<string, number>();
    for (const tag of this.byName.values()) sizes.set(tag.digest, tag.sizeBytes);
    let total = 0;
    for (const size of sizes.values()) total += size;
    return total;
  }
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function comparePublished(a: Tag, b: Tag): number {
  const byTime = a.publishedAt.getTime() - b.publishedAt.getTime();
  return byTime !== 0 ? byTime : compareStrings(a.name, b.name);
}

/** Index of the first element >= value. */
export function lowerBound<T>(
  sorted: readonly T[],
  value: T,
  compare: (a: T, b: T) => number = defaultCompare,
): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compare(sorted[middle] as T, value) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Index of the first element > value. */
export function upperBound<T>(
  sorted: readonly T[],
  value: T,
  compare: (a: T, b: T) => number = defaultCompare,
): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compare(sorted[middle] as T, value) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

function defaultCompare<T>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
