// Bundles the CLI into one file, dist/registry-cleaner.mjs, that runs with no node_modules: a plain
// esbuild bundle of src/bin.ts and its dependencies. Unminified: the minified bundle started slower
// when measured (docs/performance.md has the start-up figures).

import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const outfile = 'dist/registry-cleaner.mjs';
/** Typographic characters of comments in the bundle (ours and our dependencies'), in ASCII. */
const ASCII_FOR: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u2014': '-',
  '\u2013': '-',
  '\u2026': '...',
  '\u2192': '->',
};

await build({
  entryPoints: ['src/bin.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  // undici is CommonJS and require()s Node's built-ins; in an ES module esbuild leaves those calls
  // to a `require` it expects the bundle to have.
  banner: {
    js: [
      '#!/usr/bin/env node',
      "import { createRequire as __registryCleanerRequire } from 'node:module';",
      'const require = __registryCleanerRequire(import.meta.url);',
    ].join('\n'),
  },
  define: { REGISTRY_CLEANER_VERSION: JSON.stringify(pkg.version) },
  // string-width (pulled in by yargs' help layout) builds Unicode width tables when it loads, which
  // made --help measurably slower; our help text is ASCII, so a small stand-in does.
  alias: { 'string-width': fileURLToPath(new URL('build/string-width.mjs', import.meta.url)) },
  legalComments: 'eof',
  charset: 'ascii',
  logLevel: 'warning',
});
// Node keeps a module's source in memory for the whole run, as one string: a single non-ASCII
// character makes it two bytes per character (the bundle twice over). esbuild escapes them in code
// (charset: 'ascii'); what remains is in comments, written here in ASCII.
const source = readFileSync(outfile, 'utf8');
const ascii = source.replace(/[\u0080-\uffff]/g, (char) => ASCII_FOR[char] ?? '?');
if (ascii !== source) writeFileSync(outfile, ascii);
chmodSync(outfile, 0o755);
console.log(`${outfile}: ${(statSync(outfile).size / 1024).toFixed(0)} KiB, version ${pkg.version}`);
