import { describe, expect, test } from 'vitest';
import { branchContext } from '../../src/plan/branches.ts';

describe('branchContext (--stale-branches)', () => {
  test('maps each live branch slug to the branch it came from, and slugs the default branch', () => {
    const context = branchContext(['main', 'Feature/Login', 'renovate/node-24.x'], 'main');
    expect([...context.liveSlugs]).toEqual([
      ['main', 'main'],
      ['feature-login', 'Feature/Login'],
      ['renovate-node-24-x', 'renovate/node-24.x'],
    ]);
    expect(context.defaultBranchSlug).toBe('main');
  });

  test('two branches with one slug: the first listed names it', () => {
    const context = branchContext(['feature/a', 'Feature_A', 'feature-a'], undefined);
    expect([...context.liveSlugs]).toEqual([['feature-a', 'feature/a']]);
  });

  test('no default branch (an empty repository): no default slug', () => {
    expect(branchContext([], undefined)).toEqual({ liveSlugs: new Map() });
  });
});
