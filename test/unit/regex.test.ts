import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compileTagPattern, type TagPattern } from '../../src/plan/regex.ts';
import { MAX_UNROLLED_LENGTH, unrollCounts } from '../../src/plan/regex-unroll.ts';

function compiled(source: string): TagPattern {
  const pattern = compileTagPattern(source);
  if ('error' in pattern) throw new Error(`${source} ${pattern.error}`);
  return pattern;
}

describe('counted repetitions the linear engine cannot take are written out', () => {
  test.each([
    ['[0-9a-f]{40}', 'a'.repeat(40), 'a'.repeat(39)],
    ['[a-z]{1,63}', 'abc', 'a'.repeat(64)],
    ['(?:[0-9a-f]{8}){5}', '0'.repeat(40), '0'.repeat(41)],
    ['x{0,200}', 'x'.repeat(128), 'y'],
    ['v(\\d+)\\.(?<minor>\\d+){1,20}', 'v1.2', 'v1.'],
    ['(a|bc){17}', 'a'.repeat(17), 'a'.repeat(16)],
    ['[\\]x]{17}', ']'.repeat(17), ']'.repeat(18)],
  ])('%s', (source, matching, other) => {
    const pattern = compiled(source);
    expect(pattern.test(matching)).toBe(true);
    expect(pattern.test(other)).toBe(false);
  });

  test('a pattern too large once written out is refused with a reason', () => {
    const pattern = compileTagPattern('(?:(?:(?:[a-z]{100}){100}){100})');
    expect('error' in pattern && pattern.error).toMatch(/repeats too much/);
    expect(unrollCounts('(?:(?:[a-z]{100}){100}){100}')).toBeUndefined();
    expect(MAX_UNROLLED_LENGTH).toBeGreaterThan(1000);
  });

  // Patterns from a small grammar with counts up to 40, against ordinary backtracking RegExp on
  // names of up to 130 characters: written out, they accept exactly the same names.
  const atom = fc.constantFrom('a', 'b', '[ab]', '\\d', '.', '(?:ab)', '(a|b)');
  const counted = fc
    .tuple(
      atom,
      fc.integer({ min: 0, max: 40 }),
      fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
      fc.boolean(),
    )
    .map(([a, m, extra, open]) =>
      open ? `${a}{${m},}` : extra === undefined ? `${a}{${m}}` : `${a}{${m},${m + extra}}`,
    );
  const piece = fc.oneof(
    atom,
    counted,
    atom.map((a) => `${a}*`),
    atom.map((a) => `${a}+`),
  );
  const patternArb = fc.array(piece, { minLength: 1, maxLength: 4 }).map((parts) => parts.join(''));
  const name = fc
    .tuple(fc.constantFrom('a', 'b', '1', 'ab', 'ba'), fc.integer({ min: 0, max: 65 }))
    .map(([unit, n]) => unit.repeat(n).slice(0, 130));

  test('accept exactly what backtracking RegExp accepts', () => {
    fc.assert(
      fc.property(patternArb, fc.array(name, { minLength: 1, maxLength: 8 }), (source, names) => {
        const linear = compiled(source);
        const reference = new RegExp(`^(?:${source})$`);
        for (const candidate of names.filter((n) => n.length <= 128)) {
          expect(linear.test(candidate), `${source} on ${candidate}`).toBe(reference.test(candidate));
        }
      }),
      { numRuns: 400 },
    );
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
    ['(a)\\1', /backreference or look/],
    ['\\1abc', /backreference or lookaround/],
    ['(?<=v)1', /backreference or lookaround/],
    ['v\\d+\\z', /uses \\z: patterns match the whole tag name already/],
    ['\\Av1', /uses \\A/],
    ['\\Qa.b\\E', /uses the escape \\Q/],
    ['(?=a)a', /backreference or look/],
    ['[', /not a valid regular expression/],
    ['', /empty/],
    ['[[:alpha:]]+', /POSIX class/],
  ])('rejects %j', (source, message) => {
    const compiled = compileTagPattern(source);
    expect('error' in compiled && compiled.error).toMatch(message);
  });
});
