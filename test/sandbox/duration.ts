/**
 * Seconds for a human duration, as ChronicDuration.parse reads `older_than` ("1h", "2d", "1month",
 * "1 day"); unknown words are ignored, and a bare number is seconds. Undefined when nothing parses
 * (GitLab's cleanup then fails on `nil.seconds` and deletes nothing).
 */
export function parseDuration(text: string): number | undefined {
  let seconds = 0;
  let found = false;
  for (const match of text.toLowerCase().matchAll(/(\d+(?:\.\d+)?)\s*([a-z]*)/g)) {
    const unit = unitSeconds(match[2] ?? '');
    if (unit === undefined) continue;
    seconds += Number(match[1]) * unit;
    found = true;
  }
  return found ? seconds : undefined;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function unitSeconds(unit: string): number | undefined {
  if (unit === '' || /^s(ec(ond)?s?)?$/.test(unit) || unit === 'secs') return 1;
  if (/^m(in(ute)?s?)?$/.test(unit) || unit === 'mins') return MINUTE;
  if (/^h((ou)?rs?)?$/.test(unit)) return HOUR;
  if (/^d(ays?)?$/.test(unit)) return DAY;
  if (/^w((ee)?ks?)?$/.test(unit)) return 7 * DAY;
  if (/^mo(n(th)?s?)?$/.test(unit) || unit === 'mos') return 30 * DAY;
  if (/^y((ea)?rs?)?$/.test(unit)) return 365.25 * DAY;
  return undefined;
}
