// Parity with RE2, the engine of GitLab's cleanup policy: every expected answer below comes from
// RE2's documented semantics, not from running the engine. "RE2 syntax:" cites an entry of RE2's
// syntax page (github.com/google/re2/wiki/Syntax); "re2/parse.cc:" cites RE2's parser where the
// page is silent. "GitLab:" rows are about anchoring: GitLab's cleanup policy runs
// "\A#{regex}\z" (app/services/projects/container_repository/cleanup_tags_base_service.rb).

import { describe, expect, test } from 'vitest';
import { compileTagPattern, type PatternRole, type TagPattern } from '../../src/plan/regex.ts';

function compiled(source: string, role: PatternRole): TagPattern {
  const pattern = compileTagPattern(source, role);
  if ('error' in pattern) throw new Error(`${source} ${pattern.error}`);
  return pattern;
}

/** The answer for both roles, or per role where GitLab's anchoring and the whole name differ. */
type Expected = boolean | { match: boolean; keep: boolean };

/** [pattern, name, expected, where the answer comes from] */
const TABLE: [string, string, Expected, string][] = [
  // ASCII classes
  ['[[:digit:]]+', '123', true, 'RE2 syntax: [[:digit:]] digits (≡ [0-9])'],
  ['[[:digit:]]+', '12a', false, 'RE2 syntax: [[:digit:]] digits (≡ [0-9])'],
  ['[[:alpha:]]+', 'Main', true, 'RE2 syntax: [[:alpha:]] alphabetic (≡ [A-Za-z])'],
  ['[[:alpha:]]+', 'é', false, 'RE2 syntax: ASCII character class; é is not ASCII'],
  ['[[:^alpha:]]+', '1.2', true, 'RE2 syntax: [[:^alpha:]] negated ASCII character class'],
  ['[[:xdigit:]]{8}', 'deadBEEF', true, 'RE2 syntax: [[:xdigit:]] hex digit (≡ [0-9A-Fa-f])'],
  ['[[:word:]]+', 'feature_x1', true, 'RE2 syntax: [[:word:]] word characters (≡ [0-9A-Za-z_])'],
  ['[[:word:]]+', 'feature-x1', false, 'RE2 syntax: [[:word:]] has no "-"'],
  ['v[[:digit:][:lower:]]+', 'v1rc', true, 'RE2 syntax: [:foo:] as a character class element'],
  ['[^[:digit:]]+', 'abc', true, 'RE2 syntax: [^[:name:]] named ASCII class inside a negated class'],
  ['\\d+', '٣', false, 'RE2 syntax: Perl character classes are all ASCII-only'],
  ['\\w+', 'é', false, 'RE2 syntax: \\w word characters (≡ [0-9A-Za-z_]), ASCII-only'],
  // flags
  ['(?i)main', 'MAIN', true, 'RE2 syntax: (?flags) set flags within current group; i case-insensitive'],
  ['(?i:main)-x', 'MaIn-x', true, 'RE2 syntax: (?flags:re) set flags during re'],
  ['(?i:main)-x', 'main-X', false, 'RE2 syntax: (?flags:re) the flag ends with the group'],
  ['(?i)main(?-i)-x', 'MAIN-X', false, 'RE2 syntax: flag syntax -xyz (clear)'],
  ['(?i)release-.*', 'Release-1', true, 'RE2 syntax: i case-insensitive (default false)'],
  ['main', 'MAIN', false, 'RE2 syntax: i case-insensitive (default false)'],
  [
    '(?i)k',
    '\u212a',
    true,
    're2/unicode_casefold.h: case folding follows Unicode (K, k and the Kelvin sign)',
  ],
  ['(?i)é', 'É', true, 're2/unicode_casefold.h: case folding follows Unicode'],
  ['(?s)a.b', 'a\nb', true, 'RE2 syntax: s let . match \\n'],
  ['(?U)v.+', 'v1', true, 'RE2 syntax: U ungreedy changes which match, not whether one exists'],
  // single characters and the end of the text
  [
    'a.b',
    'a\nb',
    false,
    'RE2 syntax: . any character, possibly including newline (s=true); s defaults to false',
  ],
  ['a.b', 'a-b', true, 'RE2 syntax: . any character'],
  ['v1$', 'v1\n', false, 'RE2 syntax: $ at end of text (like \\z not \\Z)'],
  ['v1\\b-.*', 'v1-rc', true, 'RE2 syntax: \\b at ASCII word boundary'],
  ['v1\\brc', 'v1rc', false, 'RE2 syntax: \\b at ASCII word boundary (none between 1 and r)'],
  // classes with "]" first
  ['[]a]+', ']a]', true, 're2/parse.cc: a "]" right after "[" or "[^" is a literal'],
  ['[]a]', 'b', false, 're2/parse.cc: a "]" right after "[" is a literal; the class is ] and a'],
  ['[^]a]', 'b', true, 're2/parse.cc: a "]" right after "[^" is a literal; the class is neither ] nor a'],
  ['[^]a]', ']', false, 're2/parse.cc: a "]" right after "[^" is a literal'],
  ['[^]a]', 'a', false, 're2/parse.cc: a "]" right after "[^" is a literal'],
  // quoting
  ['\\Qv1.2\\E', 'v1.2', true, 'RE2 syntax: \\Q...\\E literal text even if ... has punctuation'],
  ['\\Qv1.2\\E', 'v1x2', false, 'RE2 syntax: \\Q...\\E the dot is literal'],
  ['\\Q1+1\\E-.*', '1+1-rc', true, 'RE2 syntax: \\Q...\\E literal text'],
  ['\\Qa|b\\E', 'a|b', true, 'RE2 syntax: \\Q...\\E the "|" is literal, not an alternation'],
  ['\\x{41}\\x42', 'AB', true, 'RE2 syntax: \\x{10FFFF} and \\x7F hex character codes'],
  ['v\\056\\d', 'v.1', true, 'RE2 syntax: \\123 octal character code'],
  // Unicode classes and names (tag names are ASCII in OCI; the engine still reads any string)
  ['\\pL+', 'Straße', true, 'RE2 syntax: \\pN Unicode character class (one-letter name)'],
  ['\\pL+', '日本', true, 'RE2 syntax: \\pN Unicode character class; L letter'],
  ['\\pL+', 'v1', false, 'RE2 syntax: \\pL letter; 1 is N'],
  ['\\PL+', '123', true, 'RE2 syntax: \\PN negated Unicode character class'],
  ['\\p{Greek}+', 'αβγ', true, 'RE2 syntax: \\p{Greek} Unicode character class'],
  [
    '[\\p{Lu}\\d]+',
    'ÄB1',
    true,
    'RE2 syntax: [\\p{Name}] named Unicode property inside a class; Lu uppercase letter',
  ],
  ['.', '😀', true, 'RE2 syntax: . any character: one code point, even outside the BMP'],
  ['..', '😀', false, 'RE2 syntax: . any character: one code point, so not two'],
  // anchors
  ['\\Aabc\\z', 'abc', true, 'RE2 syntax: \\A at beginning of text, \\z at end of text'],
  ['\\Aabc', 'xabc', false, 'RE2 syntax: \\A at beginning of text'],
  ['^v\\d+$', 'v12', true, 'RE2 syntax: ^ at beginning of text, $ at end of text'],
  // groups
  ['(?P<n>x)y', 'xy', true, 'RE2 syntax: (?P<name>re) named & numbered capturing group'],
  ['(v)(\\d+)', 'v12', true, 'RE2 syntax: (re) numbered capturing group'],
  ['(?:feature|fix)-.*', 'fix-1', true, 'RE2 syntax: (?:re) non-capturing group; x|y x or y'],
  [
    '(?:feature|fix)-.*',
    'hotfix-1',
    false,
    'RE2 syntax: (?:re) groups the alternation; the whole name must match',
  ],
  // counted repetitions
  ['[0-9a-f]{40}', '0123456789abcdef0123456789abcdef01234567', true, 'RE2 syntax: x{n} exactly n x'],
  ['[0-9a-f]{40}', '0123456789abcdef0123456789abcdef0123456', false, 'RE2 syntax: x{n} exactly n x'],
  ['[a-z]{1,63}', 'a'.repeat(63), true, 'RE2 syntax: x{n,m} n or n+1 or ... or m x'],
  ['[a-z]{1,63}', 'a'.repeat(64), false, 'RE2 syntax: x{n,m} at most m'],
  ['v{2,}', 'vvvv', true, 'RE2 syntax: x{n,} n or more x'],
  ['a{1000}', 'a'.repeat(1000), true, 'RE2 syntax: counts up to 1000 are accepted'],
  ['a{1000}', 'a'.repeat(999), false, 'RE2 syntax: x{n} exactly n x'],
  ['(?:[a-z]{1,63}\\.){1,15}', 'a.bc.', true, 'RE2 syntax: nested counts within 1000 (63 × 15 = 945)'],
  ['(?:[0-9a-f]{8}){5}', '0'.repeat(40), true, 'RE2 syntax: x{n} exactly n x, nested'],
  ['(?:[0-9a-f]{8}){5}', '0'.repeat(41), false, 'RE2 syntax: x{n} exactly n x, nested'],
  ['a{,3}', 'a{,3}', true, 're2/parse.cc: "{" not followed by a count is a literal'],
  // empty alternatives and alternation
  ['(?:rc|)1', '1', true, 'RE2 syntax: x|y x or y; an empty alternative matches the empty string'],
  ['(?:rc|)1', 'rc1', true, 'RE2 syntax: x|y x or y'],
  ['(|a)b', 'ab', true, 'RE2 syntax: x|y with an empty x'],
  // anchoring: GitLab's \A…\z without a group, against the whole name
  ['main|master', 'main', true, 'GitLab: \\Amain|master\\z; both readings match'],
  ['main|master', 'main-x', { match: false, keep: true }, 'GitLab: \\Amain matches the start of main-x'],
  ['main|master', 'x-master', { match: false, keep: true }, 'GitLab: master\\z matches the end of x-master'],
  ['main|master', 'xmainx', false, 'GitLab: neither alternative at its anchor'],
  ['(?:main|master)', 'main-x', false, 'GitLab: \\A(?:main|master)\\z is a whole-name match'],
  ['v.*|latest', 'v1', true, 'GitLab: \\Av.* matches'],
  ['v.*|latest', 'not-latest', { match: false, keep: true }, 'GitLab: latest\\z matches the end'],
  [
    'a|',
    'b',
    { match: false, keep: true },
    'GitLab: \\Aa|\\z; the empty last alternative matches at the end of any name',
  ],
  [
    '|a',
    'b',
    { match: false, keep: true },
    'GitLab: \\A|a\\z; the empty first alternative matches at the start of any name',
  ],
  [
    '\\Qv1.',
    'v1.',
    { match: false, keep: true },
    'GitLab: \\A\\Qv1.\\z quotes the \\z too, so no tag matches there',
  ],
];

describe('RE2 parity', () => {
  test('the table has at least 40 patterns', () => {
    expect(new Set(TABLE.map(([source]) => source)).size).toBeGreaterThanOrEqual(40);
  });

  test.each(TABLE)('%j on %j', (source, name, expected, _why) => {
    const both = typeof expected === 'boolean' ? { match: expected, keep: expected } : expected;
    expect({
      match: compiled(source, 'match').test(name),
      keep: compiled(source, 'keep').test(name),
    }).toEqual(both);
  });
});

describe('what RE2 refuses is refused, saying why', () => {
  test.each<[string, RegExp]>([
    // RE2 syntax: \1 backreference NOT SUPPORTED
    [
      '(a)\\1',
      /uses a backreference \(\\1\), which RE2 .* does not support: it cannot be matched in linear time/,
    ],
    // RE2 syntax: \k<name> named backreference NOT SUPPORTED
    ['(?P<n>a)\\k<n>', /uses a named backreference, which RE2 .* does not support/],
    ['(?P<n>a)(?P=n)', /uses a named backreference, which RE2 .* does not support/],
    // RE2 syntax: (?=re) before text matching re NOT SUPPORTED
    [
      '(?=a)a',
      /uses a lookahead \(\(\?=…\), which RE2 \(GitLab's regex engine, and this tool's\) does not support$/,
    ],
    ['feature-(?!login).*', /uses a lookahead \(\(\?!…\)/],
    // RE2 syntax: (?<=re) after text matching re NOT SUPPORTED
    ['(?<=v)1', /uses a lookbehind \(\(\?<=…\), which RE2 .* does not support/],
    ['(?<!v)1', /uses a lookbehind \(\(\?<!…\)/],
    // RE2 syntax: counts above 1000 are rejected
    [
      'a{1001}',
      /repeats more than RE2 allows \(\{1001\}\): a count is at most 1000, and nested counts multiply/,
    ],
    ['x{0,2000}', /repeats more than RE2 allows \(\{0,2000\}\)/],
    // re2/parse.cc: the product of nested counts may not exceed 1000 either
    ['(?:a{2}){501}', /repeats more than RE2 allows \(\{501\}\)/],
    // RE2 syntax: x++ possessive NOT SUPPORTED; (?>re) NOT SUPPORTED; \Z NOT SUPPORTED
    ['a++', /is not a valid RE2 regular expression \(invalid nested repetition operator: \+\+\)/],
    ['(?>a)', /is not a valid RE2 regular expression \(invalid or unsupported Perl syntax: \(\?>\)/],
    ['v1\\Z', /is not a valid RE2 regular expression \(invalid escape sequence: \\Z\)/],
    ['[[:foo:]]', /is not a valid RE2 regular expression \(invalid character class range: \[:foo:\]\)/],
    ['[z-a]', /is not a valid RE2 regular expression \(invalid character class range: z-a\)/],
    ['(feature', /is not a valid RE2 regular expression \(missing closing \): \(feature\)/],
    ['*-rc', /is not a valid RE2 regular expression \(missing argument to repetition operator: \*\)/],
    ['v1\\', /is not a valid RE2 regular expression \(trailing backslash at end of expression\)/],
    ['', /^is empty$/],
    ['  ', /^is empty$/],
  ])('%j', (source, message) => {
    for (const role of ['match', 'keep'] as const) {
      const result = compileTagPattern(source, role);
      expect('error' in result && result.error).toMatch(message);
    }
  });

  // RE2 (C++) takes \C, one byte even in UTF-8 mode; re2js, a port of Go's RE2, does not. Tag names
  // are ASCII, where one byte is one character: "." does the same.
  test('\\C, the one RE2 escape re2js lacks, is refused with the reason', () => {
    const result = compileTagPattern('v\\C', 'match');
    expect('error' in result && result.error).toMatch(/invalid escape sequence: \\C/);
  });
});
