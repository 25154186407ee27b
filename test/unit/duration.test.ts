import { describe, expect, test } from 'vitest';
import { formatDuration, parseDuration } from '../../src/plan/duration.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('parseDuration', () => {
  test.each([
    ['90m', 90 * MIN],
    ['36h', 36 * HOUR],
    ['14d', 14 * DAY],
    ['2w', 14 * DAY],
    ['1d12h', 36 * HOUR],
    ['30s', 30_000],
    ['1.5h', 90 * MIN],
    ['14 days', 14 * DAY],
    ['P14D', 14 * DAY],
    ['PT36H', 36 * HOUR],
    ['P1DT12H', 36 * HOUR],
    ['P2W', 14 * DAY],
    ['pt90m', 90 * MIN],
  ])('%s', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ms });
  });

  test.each([
    ['', /empty/],
    ['14', /no unit/],
    ['14x', /unknown unit/],
    ['1month', /unknown unit/],
    ['P1M', /months or years/],
    ['P1Y', /months or years/],
    ['P', /ISO 8601/],
    ['PT', /ISO 8601/],
    ['0d', /greater than zero/],
    ['-3d', /not a duration/],
    ['3d foo', /not a duration|unknown unit/],
  ])('rejects %j', (text, message) => {
    const result = parseDuration(text);
    expect('error' in result && result.error).toMatch(message);
  });

  test('formatDuration picks the largest even unit', () => {
    expect(formatDuration(14 * DAY)).toBe('14d');
    expect(formatDuration(36 * HOUR)).toBe('36h');
    expect(formatDuration(90 * MIN)).toBe('90m');
    expect(formatDuration(1500)).toBe('1500ms');
  });
});
