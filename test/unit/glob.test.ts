import { describe, expect, test } from 'vitest';
import { compileGlob, type RepositoryGlob } from '../../src/plan/glob.ts';

function glob(pattern: string): RepositoryGlob {
  const compiled = compileGlob(pattern);
  if ('error' in compiled) throw new Error(compiled.error);
  return compiled;
}

describe('repository globs', () => {
  test("'.' is the root repository only", () => {
    expect(glob('.').test('')).toBe(true);
    expect(glob('.').test('api')).toBe(false);
  });

  test("'*' stays within one segment, '**' crosses them and includes the root", () => {
    expect(glob('*').test('api')).toBe(true);
    expect(glob('*').test('tools/lint')).toBe(false);
    expect(glob('*').test('')).toBe(false);
    expect(glob('**').test('tools/lint')).toBe(true);
    expect(glob('**').test('')).toBe(true);
    expect(glob('tools/**/x').test('tools/x')).toBe(true);
    expect(glob('tools/**/x').test('tools/a/b/x')).toBe(true);
  });

  test('case-insensitive pattern, literal dots', () => {
    expect(glob('API').test('api')).toBe(true);
    expect(glob('a.b').test('a.b')).toBe(true);
    expect(glob('a.b').test('axb')).toBe(false);
    expect(glob('svc-?').test('svc-1')).toBe(true);
  });

  test.each(['a b', 'a//b', '../x', '$x', '-x'])('rejects %j', (pattern) => {
    expect(compileGlob(pattern)).toHaveProperty('error');
  });
});
