import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compileTagPattern, type PatternRole, type TagPattern } from '../../src/plan/regex.ts';

function compiled(source: string, role: PatternRole = 'match'): TagPattern {
  const pattern = compileTagPattern(source, role);
  if ('error' in pattern) throw new Error(`${source} ${pattern.error}`);
  return pattern;
}

describe('counted repetitions count exactly', () => {
  test.each([
    ['[0-9a-f]{40}', 'a'.repeat(40), 'a'.repeat(39)],
    ['[a-z]{1,63}', 'abc', 'a'.repeat(64)],
    ['(?:[0-9a-f]{8}){5}', '0'.repeat(40), '0'.repeat(41)],
    ['x{0,200}', 'x'.repeat(128), 'y'],
    ['v(\\d+)\\.(?P<minor>\\d+){1,20}', 'v1.2', 'v1.'],
    ['(a|bc){17}', 'a'.repeat(17), 'a'.repeat(16)],
    ['[\\]x]{17}', ']'.repeat(17), ']'.repeat(18)],
  ])('%s', (source, matching, other) => {
    const pattern = compiled(source);
    expect(pattern.test(matching)).toBe(true);
    expect(pattern.test(other)).toBe(false);
  });

  test('nested counts whose product is above 1000 are refused, as RE2 refuses them', () => {
    const pattern = compileTagPattern('(?:(?:(?:[a-z]{100}){100}){100})', 'match');
    expect('error' in pattern && pattern.error).toMatch(/repeats more than RE2 allows/);
  });

  // Patterns from a small grammar that RE2 and JavaScript read alike, against ordinary
  // backtracking RegExp on names of up to 128 characters: they accept exactly the same names.
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
    .map(([unit, n]) => unit.repeat(n).slice(0, 128));

  test('accept exactly what backtracking RegExp accepts on the shared syntax', () => {
    fc.assert(
      fc.property(patternArb, fc.array(name, { minLength: 1, maxLength: 8 }), (source, names) => {
        const re2 = compiled(source);
        const reference = new RegExp(`^(?:${source})$`);
        for (const candidate of names) {
          expect(re2.test(candidate), `${source} on ${candidate}`).toBe(reference.test(candidate));
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('tag patterns', () => {
  test('match the whole name', () => {
    const pattern = compiled('v\\d+');
    expect(pattern.test('v1')).toBe(true);
    expect(pattern.test('xv1')).toBe(false);
    expect(pattern.test('v1-rc')).toBe(false);
  });

  test("RE2's (?i) means case-insensitive, and escapes keep their meaning", () => {
    expect(compiled('(?i)feature-.*').test('FEATURE-x')).toBe(true);
    // \D is "not a digit", not "a digit"
    const escaped = compiled('(?i)V\\D\\d');
    expect(escaped.test('vX1')).toBe(true);
    expect(escaped.test('v11')).toBe(false);
  });

  test('a catastrophic pattern runs in linear time', () => {
    // With backtracking this input takes many seconds; RE2 answers at once.
    // (No timing assertion: the test would simply not finish in the vitest timeout otherwise.)
    expect(compiled('(a+)+').test(`${'a'.repeat(120)}b`)).toBe(false);
    expect(compiled('(a|a)*b').test(`${'a'.repeat(120)}c`)).toBe(false);
  });

  // RE2 syntax that the engine before re2js refused or misread, as GitLab users write it.
  test.each([
    ['[[:digit:]]+', '2024', 'v2024'],
    ['(?i)main', 'Main', 'main-1'],
    ['(?i:main)', 'MAIN', 'MAINX'],
    ['\\Aabc\\z', 'abc', 'abcd'],
    ['v\\d+\\z', 'v12', 'v12a'],
    ['(?P<n>x)y', 'xy', 'x'],
    ['[]a]', ']', 'b'],
    ['\\Qa.b\\E', 'a.b', 'axb'],
    ['\\pL+', 'abc', 'a1'],
  ])('%j is RE2 syntax with its RE2 meaning', (source, matching, other) => {
    const pattern = compiled(source);
    expect(pattern.test(matching)).toBe(true);
    expect(pattern.test(other)).toBe(false);
  });

  test.each([
    ['(a)\\1', /backreference/],
    ['\\1abc', /backreference/],
    ['(?<=v)1', /lookbehind/],
    ['(?=a)a', /lookahead/],
    ['[', /is not a valid RE2 regular expression \(missing closing \]: \[\)/],
    ['', /empty/],
  ])('rejects %j', (source, message) => {
    const pattern = compileTagPattern(source, 'match');
    expect('error' in pattern && pattern.error).toMatch(message);
  });
});

describe("GitLab's anchoring, \\A#{regex}\\z without a group", () => {
  test('main|master: --match matches whole names only, --keep keeps what GitLab keeps', () => {
    const match = compiled('main|master', 'match');
    const keep = compiled('main|master', 'keep');
    // GitLab reads \Amain|master\z: "starts with main" or "ends with master"
    expect(
      ['main', 'master', 'main-x', 'x-master', 'xmainx'].map((n) => [n, match.test(n), keep.test(n)]),
    ).toEqual([
      ['main', true, true],
      ['master', true, true],
      ['main-x', false, true],
      ['x-master', false, true],
      ['xmainx', false, false],
    ]);
  });

  test('a pattern the two readings disagree on says so, and how to write it', () => {
    expect(compiled('main|master', 'match').anchoringNote).toBe(
      'has a top-level "|": GitLab\'s cleanup policy reads it as: starts with "main", or ends with "master"; here it matches whole names only, so GitLab may delete more. Write (?:main|master) to mean whole names only',
    );
    expect(compiled('main|master', 'keep').anchoringNote).toMatch(
      /; here a tag matching either that or the whole name is kept, as GitLab would keep it\. Write \(\?:main\|master\) to mean whole names only$/,
    );
    expect(compiled('v.*|rc|(a|b)|', 'keep').anchoringNote).toMatch(
      /reads it as: starts with "v\.\*", contains "rc", contains "\(a\|b\)", or ends with "" \(any name\);/,
    );
    expect(compiled('\\Qv1.', 'keep').anchoringNote).toMatch(
      /has \\Q without \\E: in GitLab's cleanup policy the quote swallows the end anchor.*End the quote with \\E$/,
    );
  });

  // Only a "|" outside every group, class and quote changes the reading.
  test.each([
    ['a|b', true],
    ['(a)|b', true],
    ['[a]|b', true],
    ['[]a]|b', true],
    ['[^]a]|b', true],
    ['[[:alpha:]]|b', true],
    ['\\Qx\\E|y', true],
    ['\\(|b', true],
    ['(?i)a|b', true],
    ['(?:a|b)', false],
    ['(a|b)', false],
    ['[a|b]', false],
    ['[]|]', false],
    ['[^]|]', false],
    ['[[:alpha:]|]', false],
    ['\\|', false],
    ['\\Qa|b\\E', false],
    ['(?i:a|b)c', false],
    ['\\x{7C}', false],
  ])('%j: anchoring note %s', (source, noted) => {
    expect(compiled(source).anchoringNote !== undefined).toBe(noted);
  });

  test('an unclosed \\Q is noted too; a closed one is not', () => {
    expect(compiled('\\Qv1.').anchoringNote).toMatch(/\\Q without \\E/);
    expect(compiled('\\Qv1.\\E').anchoringNote).toBeUndefined();
  });
});
