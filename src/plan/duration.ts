// Durations as people write them for retention ("90m", "36h", "14d", "2w", "1d12h") and as
// ISO 8601 ("P14D", "PT36H", "P1DT12H", "P2W"). Months and years have no fixed length: refused.

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Milliseconds, or an explanation of what is wrong. */
export function parseDuration(text: string): { ms: number } | { error: string } {
  const input = text.trim();
  if (input === '') return { error: 'is empty' };
  if (/^p/i.test(input)) return parseIso(input);
  const compact = input.toLowerCase().replaceAll(' ', '');
  if (/^\d+(\.\d+)?$/.test(compact)) {
    return { error: 'has no unit: add s, m, h, d or w (e.g. 14d)' };
  }
  const part = /(\d+(?:\.\d+)?)([a-z]+)/g;
  let ms = 0;
  let consumed = 0;
  for (const match of compact.matchAll(part)) {
    if (match.index !== consumed) break;
    const unit = normaliseUnit(match[2] as string);
    if (unit === undefined) {
      return {
        error: `has an unknown unit "${match[2]}": use s, m, h, d or w (months and years vary in length: use days)`,
      };
    }
    ms += Number(match[1]) * (UNIT_MS[unit] as number);
    consumed += match[0].length;
  }
  if (consumed !== compact.length)
    return { error: 'is not a duration: write e.g. 90m, 36h, 14d, 2w or P14D' };
  if (ms <= 0) return { error: 'must be greater than zero' };
  return { ms };
}

function normaliseUnit(unit: string): string | undefined {
  const aliases: Record<string, string> = {
    s: 's',
    sec: 's',
    secs: 's',
    second: 's',
    seconds: 's',
    m: 'm',
    min: 'm',
    mins: 'm',
    minute: 'm',
    minutes: 'm',
    h: 'h',
    hr: 'h',
    hrs: 'h',
    hour: 'h',
    hours: 'h',
    d: 'd',
    day: 'd',
    days: 'd',
    w: 'w',
    week: 'w',
    weeks: 'w',
  };
  return aliases[unit];
}

function parseIso(input: string): { ms: number } | { error: string } {
  const match =
    /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(
      input,
    );
  if (!match || input.toUpperCase() === 'P' || /T$/i.test(input)) {
    if (/^P(\d+Y|\d+M)/i.test(input))
      return { error: 'uses months or years, which vary in length: use days (e.g. P30D)' };
    return { error: 'is not an ISO 8601 duration such as P14D, PT36H or P1DT12H' };
  }
  const [, weeks, days, hours, minutes, seconds] = match.map((v) => (v === undefined ? 0 : Number(v)));
  const ms =
    (weeks as number) * UNIT_MS.w! +
    (days as number) * UNIT_MS.d! +
    (hours as number) * UNIT_MS.h! +
    (minutes as number) * UNIT_MS.m! +
    (seconds as number) * UNIT_MS.s!;
  if (ms <= 0) return { error: 'must be greater than zero' };
  return { ms };
}

/** "14d", "36h", "90m", "45s": the largest unit that divides evenly, days at most (retention is said in days). */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's']) {
    const size = UNIT_MS[unit] as number;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
