import { describe, expect, test } from 'vitest';
import { compileTagPattern } from '../../src/plan/regex.ts';
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

describe('tag patterns', () => {
  test('match the whole name', () => {
    const compiled = compileTagPattern('v\\d+');
    expect('error' in compiled).toBe(false);
    if ('error' in compiled) return;
    expect(compiled.test('v1')).toBe(true);
    expect(compiled.test('xv1')).toBe(false);
    expect(compiled.test('v1-rc')).toBe(false);
  });

  test("RE2's (?i) prefix means case-insensitive", () => {
    const compiled = compileTagPattern('(?i)feature-.*');
    expect('error' in compiled ? compiled.error : compiled.test('FEATURE-x')).toBe(true);
    // escapes keep their meaning: \D is "not a digit", not "a digit"
    const escaped = compileTagPattern('(?i)V\\D\\d');
    if ('error' in escaped) throw new Error(escaped.error);
    expect(escaped.test('vX1')).toBe(true);
    expect(escaped.test('v11')).toBe(false);
  });

  test('a catastrophic pattern runs in linear time', () => {
    const compiled = compileTagPattern('(a+)+');
    if ('error' in compiled) throw new Error(compiled.error);
    // With backtracking this input takes many seconds; the linear engine answers at once.
    // (No timing assertion: the test would simply not finish in the vitest timeout otherwise.)
    expect(compiled.test(`${'a'.repeat(120)}b`)).toBe(false);
  });

  test.each([
    ['(a)\\1', /backreference or lookahead/],
    ['(?=a)a', /backreference or lookahead/],
    ['[', /not a valid regular expression/],
    ['', /empty/],
    ['[[:alpha:]]+', /POSIX class/],
  ])('rejects %j', (source, message) => {
    const compiled = compileTagPattern(source);
    expect('error' in compiled && compiled.error).toMatch(message);
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
