// User regexes (--match, --keep, config files) run on re2js, a JavaScript port of RE2, the engine
// of GitLab's cleanup policy (Gitlab::UntrustedRegexp): the same syntax, the same meaning, the same
// refusals, and matching in time linear in the name's length, whatever the pattern.
//
// Anchoring. GitLab's cleanup policy wraps a pattern as "\A#{regex}\z", without a group
// (app/services/projects/container_repository/cleanup_tags_base_service.rb, filter_by_name!).
// For most patterns that is a whole-name match. With a top-level "|" it is not: "main|master"
// becomes \Amain|master\z, "starts with main, or ends with master"; and an unclosed \Q quotes the
// \z away. Where the two readings can differ, a tag is deleted only when both agree: a --match
// pattern matches a name when it matches the whole name AND GitLab's reading matches; a --keep
// pattern keeps a name when either reading matches. So a rule moved over from GitLab never
// deletes a tag GitLab would keep, and --match never reaches beyond whole names. Such patterns
// carry an anchoringNote, which options/ turns into a warning.

import { RE2JS, RE2JSSyntaxException } from 're2js';

/** What a pattern is for decides which reading wins when the two differ: always the one that keeps. */
export type PatternRole = 'match' | 'keep';

export interface TagPattern {
  /** as the user wrote it */
  source: string;
  test(name: string): boolean;
  /** set when GitLab's cleanup policy would read the pattern differently: what differs, what to write */
  anchoringNote?: string;
  /** where it came from, as reasons name it, when not --match or --keep: 'name_regex', 'name_regex_keep' */
  origin?: string;
}

export function compileTagPattern(source: string, role: PatternRole): TagPattern | { error: string } {
  if (source.trim() === '') return { error: 'is empty' };
  let wholeName: RE2JS;
  try {
    wholeName = RE2JS.compile(source);
  } catch (error) {
    return { error: explainRefusal(error, source) };
  }
  const shape = topLevelShape(source);
  if (shape.alternatives.length < 2 && !shape.openQuote) {
    return { source, test: (name) => wholeName.testExact(name) };
  }
  const gitlab = compileGitLabReading(source);
  return {
    source,
    test:
      role === 'match'
        ? (name) => wholeName.testExact(name) && gitlab.test(name)
        : (name) => wholeName.testExact(name) || gitlab.test(name),
    anchoringNote: shape.openQuote ? openQuoteNote(role) : alternationNote(source, shape.alternatives, role),
  };
}

/** GitLab's anchoring, searched for anywhere in the name as GitLab searches it. */
function compileGitLabReading(source: string): { test(name: string): boolean } {
  try {
    return RE2JS.compile(`\\A${source}\\z`);
  } catch {
    // GitLab could not run it either, so it matches no tag there
    return { test: () => false };
  }
}

/** "starts with "main", or ends with "master"": \A binds the first alternative, \z the last. */
function alternationNote(source: string, alternatives: readonly string[], role: PatternRole): string {
  const quote = (alternative: string) => (alternative === '' ? '"" (any name)' : `"${alternative}"`);
  const reading = alternatives
    .map((alternative, i) =>
      i === 0
        ? `starts with ${quote(alternative)}`
        : `${i === alternatives.length - 1 ? 'or ends with' : 'contains'} ${quote(alternative)}`,
    )
    .join(', ');
  const here =
    role === 'match'
      ? 'here it matches whole names only, so GitLab may delete more'
      : 'here a tag matching either that or the whole name is kept, as GitLab would keep it';
  return `has a top-level "|": GitLab's cleanup policy reads it as: ${reading}; ${here}. Write (?:${source}) to mean whole names only`;
}

function openQuoteNote(role: PatternRole): string {
  const here =
    role === 'match'
      ? 'here it matches no tag either'
      : 'here a tag it matches as a whole name is kept all the same';
  return `has \\Q without \\E: in GitLab's cleanup policy the quote swallows the end anchor, so it matches no tag there; ${here}. End the quote with \\E`;
}

/**
 * The pattern split at every "|" outside all groups, classes and quotes, and whether it ends
 * inside a \Q quote. The pattern is known to be valid RE2.
 */
function topLevelShape(source: string): { alternatives: string[]; openQuote: boolean } {
  const alternatives: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const character = source[i];
    if (character === '\\' && source[i + 1] === 'Q') {
      const end = source.indexOf('\\E', i + 2);
      if (end < 0) return { alternatives: [...alternatives, source.slice(start)], openQuote: true };
      i = end + 1;
    } else if (character === '\\') i++;
    else if (character === '[') i = classEnd(source, i) - 1;
    else if (character === '(') depth++;
    else if (character === ')') depth--;
    else if (character === '|' && depth === 0) {
      alternatives.push(source.slice(start, i));
      start = i + 1;
    }
  }
  return { alternatives: [...alternatives, source.slice(start)], openQuote: false };
}

/**
 * Index just after the class opening at `at`, by RE2's rules: a "]" first (after an optional "^")
 * is a literal, and a POSIX class inside ("[:alpha:]") runs to the first ":]".
 */
function classEnd(source: string, at: number): number {
  let i = at + (source[at + 1] === '^' ? 2 : 1);
  if (source[i] === ']') i++;
  while (i < source.length) {
    const posixEnd = source.startsWith('[:', i) ? source.indexOf(':]', i + 2) : -1;
    if (posixEnd >= 0) i = posixEnd + 2;
    else if (source[i] === '\\') i += 2;
    else if (source[i] === ']') return i + 1;
    else i++;
  }
  return source.length;
}

const NOT_IN_RE2 = "which RE2 (GitLab's regex engine, and this tool's) does not support";

/** RE2's refusal in plain words: what the pattern uses and why it cannot run. */
function explainRefusal(error: unknown, source: string): string {
  if (!(error instanceof RE2JSSyntaxException)) {
    return `cannot be compiled (${error instanceof Error ? error.message : String(error)})`;
  }
  const what = error.getDescription();
  const where = error.getPattern() ?? '';
  // Matching a backreference needs backtracking, which RE2 gives up to run in linear time.
  const linear = 'it cannot be matched in linear time';
  if (/^\\[1-9]/.test(where)) return `uses a backreference (${where}), ${NOT_IN_RE2}: ${linear}`;
  if (where === '\\k' || (where === '(?P' && source.includes('(?P='))) {
    return `uses a named backreference, ${NOT_IN_RE2}: ${linear}`;
  }
  if (where.startsWith('(?=') || where.startsWith('(?!')) {
    return `uses a lookahead (${where.slice(0, 3)}…), ${NOT_IN_RE2}`;
  }
  if (where.startsWith('(?<=') || where.startsWith('(?<!')) {
    return `uses a lookbehind (${where.slice(0, 4)}…), ${NOT_IN_RE2}`;
  }
  if (what === 'invalid repeat count') {
    return `repeats more than RE2 allows (${where}): a count is at most 1000, and nested counts multiply`;
  }
  return `is not a valid RE2 regular expression (${what}${where ? `: ${where}` : ''})`;
}
