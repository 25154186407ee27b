// Bundles the CLI into one file, dist/registry-cleaner.mjs, that runs with no node_modules.
// Unminified on purpose: measured here, the minified bundle started slower (~150 ms vs ~55 ms).

import { chmodSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const outfile = 'dist/registry-cleaner.mjs';

/**
 * Modules that most runs never execute are bundled on their own, as CommonJS, and embedded as a
 * string that is compiled the first time one of them is required. V8 scans a string literal much
 * faster than it pre-parses the same code, so --version and --help no longer pay for the HTTP
 * client (0.76 MB) or the YAML parser (0.25 MB). Measured by importing the bundle 25 times in one
 * process (compile + evaluate, median): 31.8 ms as plain code, 25.8 ms with undici deferred,
 * 20.4 ms with yaml too.
 */
const undiciImports = readFileSync(new URL('../src/gitlab/undici.ts', import.meta.url), 'utf8');
const DEFERRED: Record<string, string[]> = {
  // the modules src/gitlab/undici.ts imports by path
  undici: [
    ...new Set(
      [...undiciImports.matchAll(/from '(undici\/lib\/[^']+)'/g)].map((match) => match[1] as string),
    ),
  ],
  // only read for YAML policy files (src/options/config-file.ts)
  yaml: ['yaml'],
};

function deferredModules(): Plugin {
  const projectDir = fileURLToPath(new URL('..', import.meta.url));
  return {
    name: 'deferred-modules',
    setup(bundle) {
      for (const [group, members] of Object.entries(DEFERRED)) {
        const filter = new RegExp(
          `^(${members.map((m) => m.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`,
        );
        bundle.onResolve({ filter }, (args) => ({
          path: `${group}:${args.path}`,
          namespace: 'deferred-member',
        }));
      }
      // An undici module imported by src/ but missing from the group would load undici whole again.
      bundle.onResolve({ filter: /^undici(\/|$)/ }, (args) => {
        if (args.importer.includes('node_modules')) return undefined;
        throw new Error(`${args.path}: import undici only in src/gitlab/undici.ts, by module path`);
      });
      // A member re-exports its entry of the group's module, which compiles the group once.
      bundle.onLoad({ filter: /.*/, namespace: 'deferred-member' }, (args) => {
        const [group, ...rest] = args.path.split(':');
        return {
          contents: `module.exports = require(${JSON.stringify(`deferred-group:${group}`)})[${JSON.stringify(rest.join(':'))}];`,
          loader: 'js',
        };
      });
      bundle.onResolve({ filter: /^deferred-group:/ }, (args) => ({
        path: args.path.slice('deferred-group:'.length),
        namespace: 'deferred-group',
      }));
      bundle.onLoad({ filter: /.*/, namespace: 'deferred-group' }, async (args) => {
        const members = DEFERRED[args.path] ?? [];
        const inner = await build({
          stdin: {
            contents: `module.exports = {${members.map((path) => `${JSON.stringify(path)}: require(${JSON.stringify(path)})`).join(', ')}};`,
            resolveDir: projectDir,
          },
          bundle: true,
          platform: 'node',
          format: 'cjs',
          target: 'node24',
          write: false,
          legalComments: 'eof',
          logLevel: 'warning',
        });
        const code = inner.outputFiles[0]?.text ?? '';
        return {
          contents: [
            "const { compileFunction } = require('node:vm');",
            `const load = compileFunction(${JSON.stringify(code)}, ['exports', 'require', 'module'], { filename: ${JSON.stringify(`registry-cleaner/${args.path}.cjs`)} });`,
            'const loaded = { exports: {} };',
            'load(loaded.exports, require, loaded);',
            'module.exports = loaded.exports;',
          ].join('\n'),
          loader: 'js',
        };
      });
    },
  };
}

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
    deferredModules(),
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
