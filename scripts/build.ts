// Bundles the CLI into one file, dist/registry-cleaner.mjs, that runs with no node_modules.
// Unminified on purpose: measured here, the minified bundle started slower (~150 ms vs ~55 ms).

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
  // undici is CommonJS and calls require() for Node built-ins; an ES module has no require.
  banner: {
    js: [
      '#!/usr/bin/env node',
      "import { createRequire as __registryCleanerRequire } from 'node:module';",
      'const require = __registryCleanerRequire(import.meta.url);',
    ].join('\n'),
  },
  define: { REGISTRY_CLEANER_VERSION: JSON.stringify(pkg.version) },
  // Measured here: string-width (three copies, pulled in by yargs' help layout) spent ~50 ms of
  // every start building Unicode width tables. Our help text is ASCII, so a small stand-in does.
  plugins: [
    {
      name: 'light-string-width',
      setup(bundle) {
        bundle.onResolve({ filter: /^string-width$/ }, () => ({
          path: fileURLToPath(new URL('build/string-width.mjs', import.meta.url)),
        }));
      },
    },
  ],
  legalComments: 'eof',
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
console.log(`${outfile}: ${(statSync(outfile).size / 1024).toFixed(0)} KiB, version ${pkg.version}`);
