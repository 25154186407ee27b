// Carries out a read strategy's passes over any source that lists a repository's tags in time
// order (GitLab's GraphQL API, the registry's own API), checking that the source really sorts: a
// source that cannot (times missing, pages out of order) is not trusted, and the caller reads
// every tag instead.

import type { Inventory, ReadStrategy, Repository, Tag, TagOrder, TimeSource } from '../model.ts';

/** Pages of tags in the given order, each tag with the time the source sorts by. */
export type TimeOrderedSource = (order: TagOrder) => AsyncIterable<readonly Tag[]>;

export async function readPasses(
  repository: Repository,
  strategy: ReadStrategy,
  source: TimeOrderedSource,
  times: TimeSource,
): Promise<Inventory | undefined> {
  // No passes: the rules need every tag, which any order gives.
  if (strategy.passes.length === 0) return undefined;
  const read = new Map<string, Tag>();
  const session = strategy.start();
  const finish = (complete: boolean): Inventory => ({
    repository,
    tags: [...read.values()],
    times,
    complete,
  });
  for (const [pass, order] of strategy.passes.entries()) {
    let previous: number | undefined;
    let passOver = false;
    pages: for await (const page of source(order)) {
      for (const tag of page) {
        const time = tag.pushedAt?.getTime();
        if (time === undefined || !inOrder(order, previous, time)) return undefined;
        previous = time;
        const verdict = session.see(tag, pass);
        if (verdict === 'complete') return finish(true);
        if (verdict === 'enough') return finish(false);
        read.set(tag.name, tag);
        if (verdict === 'next-pass') {
          passOver = true;
          break pages;
        }
      }
    }
    // A pass that ran out of tags read them all.
    if (!passOver) return finish(true);
  }
  return finish(true);
}

function inOrder(order: TagOrder, previous: number | undefined, time: number): boolean {
  if (previous === undefined || order === 'name') return true;
  return order === 'newest-first' ? time <= previous : time >= previous;
}
