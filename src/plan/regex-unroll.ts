// V8's linear-time engine refuses counted repetitions above 16 (`[0-9a-f]{40}`, `[a-z]{1,63}`),
// and nested counts whose product is above 16, which GitLab's RE2 accepts. Only whether a tag name
// matches matters here, so a count can be written out as copies: A{m,n} = A…A (m times) followed
// by (?:A)? (n−m times), A{m,} = A…A A*. Tag names have at most 128 characters, so a count above
// 129 matches exactly what 129 does (copies beyond can only match the empty string), which bounds
// the copies.

const NAME_LIMIT_COUNT = 129;
/** Beyond this, the written-out pattern is refused rather than compiled. */
export const MAX_UNROLLED_LENGTH = 20_000;

/** The pattern with every counted repetition written out; undefined when that would be too large. */
export function unrollCounts(pattern: string): string | undefined {
  const out = rewriteSequence(pattern, 0, pattern.length);
  return out.length > MAX_UNROLLED_LENGTH ? undefined : out;
}

function rewriteSequence(pattern: string, start: number, end: number): string {
  let out = '';
  // where the last quantifiable atom begins in `out`, or -1 after an operator
  let atomStart = -1;
  let i = start;
  while (i < end) {
    const character = pattern[i] as string;
    const count = character === '{' ? /^\{(\d+)(?:(,)(\d*))?\}/.exec(pattern.slice(i, end)) : null;
    if (count && atomStart >= 0) {
      const atom = out.slice(atomStart);
      const min = Number(count[1]);
      const max = count[2] ? (count[3] ? Number(count[3]) : Number.POSITIVE_INFINITY) : min;
      out = out.slice(0, atomStart) + writeOut(atom, min, max);
      i += count[0].length;
      if (pattern[i] === '?') i++; // laziness changes which match is found, not whether one is
      atomStart = -1;
      continue;
    }
    if (character === '*' || character === '+' || character === '?' || character === '|') {
      out += character;
      i++;
      if (character !== '|' && pattern[i] === '?') out += pattern[i++];
      atomStart = -1;
      continue;
    }
    atomStart = out.length;
    if (character === '\\') {
      const length = escapeLength(pattern, i);
      out += pattern.slice(i, i + length);
      i += length;
    } else if (character === '[') {
      const close = classEnd(pattern, i);
      out += pattern.slice(i, close);
      i = close;
    } else if (character === '(') {
      const close = groupEnd(pattern, i, end);
      const prefix = /^\((\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>))?/.exec(pattern.slice(i, close))?.[0] ?? '(';
      // Copies of a capturing group would repeat its name; only the match matters, so none captures.
      const kept = prefix === '(' || /^\(\?<[A-Za-z_$]/.test(prefix) ? '(?:' : prefix;
      out += `${kept}${rewriteSequence(pattern, i + prefix.length, close - 1)})`;
      i = close;
    } else {
      out += character;
      i++;
    }
  }
  return out;
}

function writeOut(atom: string, min: number, max: number): string {
  const required = Math.min(min, NAME_LIMIT_COUNT);
  const upTo = Math.min(max, NAME_LIMIT_COUNT);
  const group =
    atom.startsWith('(?:') && groupEnd(atom, 0, atom.length) === atom.length ? atom : `(?:${atom})`;
  const optional =
    max === Number.POSITIVE_INFINITY ? `${group}*` : `${group}?`.repeat(Math.max(0, upTo - required));
  return atom.repeat(required) + optional;
}

/** Index just after the escape sequence starting at `at` (a backslash). */
function escapeLength(pattern: string, at: number): number {
  const next = pattern[at + 1] ?? '';
  if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(pattern.slice(at + 2, at + 4))) return 4;
  if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(pattern.slice(at + 2, at + 6))) return 6;
  if (next === 'c' && /^[A-Za-z]$/.test(pattern[at + 2] ?? '')) return 3;
  return next === '' ? 1 : 2;
}

/** Index just after the character class opening at `at`. */
function classEnd(pattern: string, at: number): number {
  let i = at + 1;
  while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? escapeLength(pattern, i) : 1;
  return Math.min(i + 1, pattern.length);
}

/** Index just after the group opening at `at`, skipping escapes, classes and inner groups. */
function groupEnd(pattern: string, at: number, end: number): number {
  let depth = 0;
  let i = at;
  while (i < end) {
    const character = pattern[i];
    if (character === '\\') i += escapeLength(pattern, i);
    else if (character === '[') i = classEnd(pattern, i);
    else {
      if (character === '(') depth++;
      else if (character === ')' && --depth === 0) return i + 1;
      i++;
    }
  }
  return end;
}
