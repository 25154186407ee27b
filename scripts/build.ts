// Bundles the CLI into one file, dist/registry-cleaner.mjs, that runs with no node_modules: a plain
// esbuild bundle of src/bin.ts and its dependencies. Unminified: the minified bundle started slower
// when measured (docs/performance.md has the start-up figures).

import { chmodSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const outfile = 'dist/registry-cleaner.mjs';

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
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
console.log(`${outfile}: ${(statSync(outfile).size / 1024).toFixed(0)} KiB, version ${pkg.version}`);
