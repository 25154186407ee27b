// User regexes in linear time: pathological patterns, each compiled as prune compiles --match and
// --keep (src/plan/regex.ts, re2js), tested against 100,000 tag names, some built to make a
// backtracking engine explode ('aaa…a!'). prune tests every tag against every pattern, so the
// per-name time is what a sweep pays. Runs in this process: the bundle runs the same re2js code,
// and timing it here leaves out HTTP. A second measure times adversarial names of 32 and 128
// characters: with linear matching the time per character stays flat as names grow.

import { compileTagPattern, type PatternRole } from '../../src/plan/regex.ts';

export interface RegexPatternFigures {
  source: string;
  role: PatternRole;
  compileMicros: number;
  names: number;
  matched: number;
  totalMs: number;
  nanosPerName: number;
  /** ns per character on an 'aaa…a!' name of 32 and of 128 characters */
  nanosPerChar32: number;
  nanosPerChar128: number;
}

export interface RegexFigures {
  names: number;
  /** 'aaa…a!', 'aaa…a' and 'xxx…x' */
  adversarialNames: number;
  patterns: RegexPatternFigures[];
}

const NAMES = 100_000;
const COMPILE_RUNS = 20;
const SCALING_RUNS = 10_000;

const PATTERNS: [string, PatternRole][] = [
  ['(a+)+$', 'match'],
  ['(a|a)*b', 'match'],
  ['(x+x+)+y', 'match'],
  ['(a|aa)+', 'match'],
  ['(.*a){20}', 'match'],
  ['[a-z]{1,63}', 'match'],
  ['(?:[a-z0-9]{1,63}[.-]){1,15}[a-z]{2,}', 'match'],
  ['a{1000}', 'match'],
  ['(?:a{10}){100}', 'match'],
  ['[0-9a-f]{40}', 'match'],
  ['(?i)v\\d+\\.\\d+\\.\\d+(?:-rc\\d+)?', 'match'],
  // a top-level "|" in --keep runs both readings (see src/plan/regex.ts)
  ['main|master|(a+)+b', 'keep'],
];

export function runRegexCase(): RegexFigures {
  const names = tagNames(NAMES);
  const adversarial = names.filter((name) => /^(?:a+!?|x+)$/.test(name)).length;
  warmUp(names);
  return {
    names: names.length,
    adversarialNames: adversarial,
    patterns: PATTERNS.map(([s, r]) => measure(s, r, names)),
  };
}

function measure(source: string, role: PatternRole, names: readonly string[]): RegexPatternFigures {
  const compileStarted = performance.now();
  let pattern = compileTagPattern(source, role);
  for (let i = 1; i < COMPILE_RUNS; i++) pattern = compileTagPattern(source, role);
  const compileMicros = ((performance.now() - compileStarted) * 1000) / COMPILE_RUNS;
  if ('error' in pattern) throw new Error(`${source} ${pattern.error}`);
  const started = performance.now();
  let matched = 0;
  for (const name of names) if (pattern.test(name)) matched++;
  const totalMs = performance.now() - started;
  const perChar = (length: number) => {
    const name = `${'a'.repeat(length - 1)}!`;
    const begun = performance.now();
    for (let i = 0; i < SCALING_RUNS; i++) pattern.test(name);
    return ((performance.now() - begun) * 1e6) / SCALING_RUNS / length;
  };
  return {
    source,
    role,
    compileMicros,
    names: names.length,
    matched,
    totalMs,
    nanosPerName: (totalMs * 1e6) / names.length,
    nanosPerChar32: perChar(32),
    nanosPerChar128: perChar(128),
  };
}

/** re2js' own code compiled by V8 before the first figure, so that it does not pay for that. */
function warmUp(names: readonly string[]): void {
  const pattern = compileTagPattern('[a-z]+-\\d+', 'match');
  if ('error' in pattern) throw new Error(pattern.error);
  for (const name of names.slice(0, 5_000)) pattern.test(name);
}

/**
 * Names of up to 128 characters (the OCI limit): commit SHAs, versions, branch slugs, and three in
 * ten adversarial ('aaa…a!', 'xxx…x', 'aaa…a'). Deterministic, so runs compare.
 */
function tagNames(count: number): string[] {
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const hex = (length: number) =>
    Array.from({ length }, () => '0123456789abcdef'[Math.floor(random() * 16)]).join('');
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = 1 + Math.floor(random() * 127);
    switch (i % 10) {
      case 0:
        names.push(hex(8));
        break;
      case 1:
        names.push(hex(40));
        break;
      case 2:
        names.push(`v${i % 7}.${i % 13}.${i % 101}${i % 3 === 0 ? `-rc${i % 5}` : ''}`);
        break;
      case 3:
      case 4:
        names.push(`feature-${i.toString(36)}-${hex(6)}`);
        break;
      case 5:
        names.push(`${'a'.repeat(length)}!`);
        break;
      case 6:
        names.push('x'.repeat(length + 1));
        break;
      case 7:
        names.push('a'.repeat(length + 1));
        break;
      default:
        names.push(i % 2 === 0 ? 'main' : `renovate-${hex(12)}`);
    }
  }
  return names;
}
