// User regexes (--match, --keep) run on V8's linear-time engine (the `l` flag), the counterpart of
// the RE2 engine GitLab uses for the same rules: no catastrophic backtracking, whatever the pattern
// (measured here: /(a+)+$/ on 28 characters takes 9 s with backtracking, 0 ms linear). Like RE2 it
// refuses backreferences and lookahead; counts the engine cannot take are written out
// (regex-unroll.ts). Patterns match the whole tag name, as GitLab anchors them.
// The `l` flag needs V8's --enable-experimental-regexp-engine, a process-wide switch: bin.ts sets
// it (and test/setup-env.ts for tests), so that this module stays pure.

import { unrollCounts } from './regex-unroll.ts';

export interface TagPattern {
  /** as the user wrote it */
  source: string;
  test(name: string): boolean;
}

export function compileTagPattern(source: string): TagPattern | { error: string } {
  let body = source;
  // RE2's inline case-insensitivity, common in GitLab cleanup policies. The linear engine has no
  // `i` flag, so lower-case the pattern's literals (not what follows a backslash) and the name.
  const ignoreCase = body.startsWith('(?i)');
  if (ignoreCase) body = lowerCaseLiterals(body.slice(4));
  if (body.trim() === '') return { error: 'is empty' };
  if (/\[\[:[a-z]+:\]\]/.test(body)) {
    return { error: 'uses a POSIX class like [[:alpha:]]: write it as a set, e.g. [a-zA-Z]' };
  }
  // V8 would take lookbehind, and \1 without a group as an octal escape; RE2 refuses both.
  if (/\(\?<[=!]|\\[1-9]/.test(body)) {
    return {
      error: 'uses a backreference or lookaround (\\1, (?<=…)), which GitLab (RE2) does not support either',
    };
  }
  const foreign = foreignEscape(body);
  if (foreign) return { error: foreign };
  if (/\\[pP]\{/.test(body))
    return { error: 'uses a Unicode class (\\p{…}); tag names are ASCII: use a set like [a-z]' };
  const compiled = compileLinear(body);
  if ('error' in compiled) return compiled;
  const { regex } = compiled;
  return { source, test: ignoreCase ? (name) => regex.test(name.toLowerCase()) : (name) => regex.test(name) };
}

function compileLinear(body: string): { regex: RegExp } | { error: string } {
  try {
    return { regex: new RegExp(`^(?:${body})$`, 'l') };
  } catch (error) {
    const message = (error as Error).message;
    if (!/linear time/.test(message)) {
      return {
        error: `is not a valid regular expression (${message.replace(/^Invalid regular expression: /, '')})`,
      };
    }
  }
  // Refused for what RE2 refuses too…
  if (/\\[1-9]|\\k<|\(\?[=!]/.test(body)) {
    return { error: 'uses a backreference or lookaround, which GitLab (RE2) does not support either' };
  }
  // …or for a repetition count above 16, which RE2 accepts: write the counts out.
  const unrolled = unrollCounts(body);
  if (unrolled !== undefined) {
    try {
      return { regex: new RegExp(`^(?:${unrolled})$`, 'l') };
    } catch {
      // reported below
    }
  }
  return { error: 'repeats too much to run in linear time, even written out: use + or * for long runs' };
}

function lowerCaseLiterals(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const character = pattern[i] as string;
    if (character === '\\') {
      out += character + (pattern[i + 1] ?? '');
      i++;
    } else {
      out += character.toLowerCase();
    }
  }
  return out;
}

/** Escapes that mean the same in V8 and in RE2; any other backslash-letter differs. */
const SHARED_LETTER_ESCAPES = new Set([
  'd',
  'D',
  'w',
  'W',
  's',
  'S',
  'b',
  'B',
  't',
  'n',
  'r',
  'f',
  'v',
  'x',
  'u',
  'p',
  'P',
]);

/**
 * In this engine an unknown letter escape is the letter itself: RE2's \A, \z, \Q…\E would
 * silently match the letters A, z, Q, E, and a --keep rule would keep nothing. Refuse them.
 */
function foreignEscape(body: string): string | undefined {
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') continue;
    const next = body[i + 1] ?? '';
    i++;
    if (!/[A-Za-z]/.test(next) || SHARED_LETTER_ESCAPES.has(next)) continue;
    if ('AzZ'.includes(next)) return `uses \\${next}: patterns match the whole tag name already, so drop it`;
    return `uses the escape \\${next}, which means something else in GitLab's RE2 than here: write it without the backslash, or as a set`;
  }
  return undefined;
}
