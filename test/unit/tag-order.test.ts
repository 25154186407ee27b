import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { byteCompare, precedingTagName } from '../../src/gitlab/tag-order.ts';
import { TAG_NAME } from '../../src/model.ts';

const FIRST = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
const REST = `${FIRST}.-`;
const tagName = fc
  .tuple(fc.constantFrom(...FIRST), fc.array(fc.constantFrom(...REST), { maxLength: 127 }))
  .map(([first, rest]) => first + rest.join(''));

describe('precedingTagName', () => {
  test('examples', () => {
    expect(precedingTagName('0')).toBeUndefined();
    expect(precedingTagName('a-')).toBe('a');
    expect(precedingTagName('b')).toBe(`a${'z'.repeat(127)}`);
    expect(precedingTagName('a')).toBe(`_${'z'.repeat(127)}`);
    expect(precedingTagName('A')).toBe(`9${'z'.repeat(127)}`);
    // '0' is preceded by '.', then the name is filled up with the greatest character
    expect(precedingTagName('v1.0')).toBe(`v1..${'z'.repeat(124)}`);
  });

  test('is a valid name that sorts before, with nothing valid in between', () => {
    fc.assert(
      fc.property(tagName, tagName, (name, other) => {
        const before = precedingTagName(name);
        if (before === undefined) {
          expect(name).toBe('0');
          return;
        }
        expect(before).toMatch(TAG_NAME);
        expect(byteCompare(before, name)).toBe(-1);
        // no valid tag strictly between `before` and `name`
        expect(byteCompare(other, before) > 0 && byteCompare(other, name) < 0).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  test('a near neighbour is never skipped', () => {
    fc.assert(
      fc.property(tagName, (name) => {
        const before = precedingTagName(name);
        if (before === undefined) return;
        // any prefix-extension of `before` that is valid sorts at or before it, or at or after name
        for (const suffix of ['-', '.', '0', 'z']) {
          const candidate = (before + suffix).slice(0, 128);
          if (!TAG_NAME.test(candidate)) continue;
          expect(byteCompare(candidate, before) <= 0 || byteCompare(candidate, name) >= 0).toBe(true);
        }
      }),
    );
  });
});
