/**
 * GitLab compiles user regexes with RE2 (Gitlab::UntrustedRegexp). This approximates RE2 on top of
 * JS RegExp: RE2-only syntax is translated (`\A`, `\z`, `(?P<name>`, a leading `(?i)`), and what RE2
 * rejects (look-around, back-references) is rejected. Returns undefined for an invalid pattern.
 */
export function compileUntrustedRegexp(pattern: string, anchored = false): RegExp | undefined {
  let source = pattern;
  let flags = '';
  const leadingFlags = /^\(\?([ims]+)\)/.exec(source);
  if (leadingFlags) {
    flags = (leadingFlags[1] ?? '').replace('m', '');
    source = source.slice(leadingFlags[0].length);
  }
  if (/\(\?<?[=!]/.test(source) || /\\[1-9]/.test(source)) return undefined;
  source = source
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$');
  try {
    return new RegExp(anchored ? `^(?:${source})$` : source, flags);
  } catch {
    return undefined;
  }
}
