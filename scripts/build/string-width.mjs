// Stands in for the npm package string-width inside the bundle (see scripts/build.ts).
// yargs' help layout (cliui, wrap-ansi) only measures our own ASCII help text; the real package
// builds Unicode width tables when it loads, which made every --help measurably slower.

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences are what it strips
const ANSI = /\u001b\[[0-9;]*[A-Za-z]|\u001b\]8;;[^\u0007]*\u0007/g;

export default function stringWidth(text) {
  if (typeof text !== 'string' || text.length === 0) return 0;
  let width = 0;
  for (const character of text.replace(ANSI, '')) {
    const code = character.codePointAt(0) ?? 0;
    // control characters and combining marks take no column
    if (code < 0x20 || (code >= 0x7f && code < 0xa0) || (code >= 0x300 && code <= 0x36f)) continue;
    width++;
  }
  return width;
}
