// --shard i/n (or CI_NODE_INDEX/CI_NODE_TOTAL under `parallel: n`): a stable partition of
// repositories by id, so n jobs of a scheduled pipeline split an instance without talking to each
// other. Ids are permanent, so a repository stays in its shard from run to run.

export interface Shard {
  /** 1-based, as CI_NODE_INDEX */
  index: number;
  total: number;
}

export function inShard(repositoryId: number, shard: Shard): boolean {
  return repositoryId % shard.total === shard.index - 1;
}

export function parseShard(text: string): Shard | { error: string } {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) return { error: 'is not a shard: write i/n, e.g. 2/5' };
  const index = Number(match[1]);
  const total = Number(match[2]);
  if (total < 1 || index < 1 || index > total) return { error: 'needs 1 ≤ i ≤ n' };
  return { index, total };
}
