import { RE2JS } from 're2js';

/** What the sandbox asks of a compiled pattern: whether it matches somewhere in the text. */
export interface UntrustedRegexp {
  test(text: string): boolean;
}

/**
 * GitLab compiles user regexes with RE2 (Gitlab::UntrustedRegexp); re2js is a port of RE2, so the
 * syntax, the meaning and the refusals (look-around, back-references) are RE2's. Matching searches
 * the text, as UntrustedRegexp#match? does. Returns undefined for a pattern RE2 refuses.
 *
 * `anchored` is the cleanup service's wrapping (app/services/projects/container_repository/
 * cleanup_tags_base_service.rb, filter_by_name!): "\A#{regex}\z", with no group around the regex,
 * so a top-level "|" anchors only its first alternative to the start and its last to the end
 * ("main|master" matches "main-x" and "x-master"). A wrapped pattern RE2 refuses (possible when an
 * unbalanced \Q quotes the \z away) raises in GitLab, and the cleanup deletes nothing.
 */
export function compileUntrustedRegexp(pattern: string, anchored = false): UntrustedRegexp | undefined {
  try {
    const compiled = RE2JS.compile(pattern);
    return anchored ? RE2JS.compile(`\\A${pattern}\\z`) : compiled;
  } catch {
    return undefined;
  }
}
