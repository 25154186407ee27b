import { describe, expect, test } from 'vitest';
import { inShard, parseShard } from '../../src/plan/shard.ts';
import { refSlug } from '../../src/plan/slug.ts';

describe('refSlug (CI_COMMIT_REF_SLUG)', () => {
  test.each([
    ['Feature/ABC_123', 'feature-abc-123'],
    ['--Foo--', 'foo'],
    ['renovate/docker-node-20.x', 'renovate-docker-node-20-x'],
    ['Ünïcode-Branch', 'n-code-branch'],
    [`${'a'.repeat(62)}-b`, 'a'.repeat(62)],
    ['a//b', 'a--b'],
    ['main', 'main'],
    ['x'.repeat(70), 'x'.repeat(63)],
  ])('%s → %s', (ref, slug) => {
    expect(refSlug(ref)).toBe(slug);
  });
});

describe('shards', () => {
  test('are disjoint and cover every repository', () => {
    const ids = Array.from({ length: 500 }, (_, i) => 1000 + i * 7);
    for (const total of [1, 2, 3, 7]) {
      const owners = ids.map((id) =>
        Array.from({ length: total }, (_, i) => i + 1).filter((index) => inShard(id, { index, total })),
      );
      expect(owners.every((list) => list.length === 1)).toBe(true);
    }
  });

  test('parse i/n', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, total: 3 });
    expect(parseShard('0/3')).toHaveProperty('error');
    expect(parseShard('4/3')).toHaveProperty('error');
    expect(parseShard('a/b')).toHaveProperty('error');
  });
});
