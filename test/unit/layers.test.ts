// The shape of src/, checked: which layer may import which, and no module that needs a table of
// contents. A new import across a layer fails here before review has to catch it.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));
const MAX_LINES = 300;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const FILES = sources(SRC).map((path) => ({ path: relative(SRC, path), text: readFileSync(path, 'utf8') }));

/** What a file imports (static or dynamic): modules of src/ (paths relative to it), and packages. */
function specifiersOf(file: { text: string }): string[] {
  return [...file.text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1] as string);
}

function importsOf(file: { path: string; text: string }): string[] {
  return specifiersOf(file).map((specifier) =>
    specifier.startsWith('.') ? relative(SRC, join(SRC, file.path, '..', specifier)) : specifier,
  );
}

const layerOf = (path: string) => (path.includes('/') ? path.slice(0, path.indexOf('/')) : path);

describe('layers', () => {
  test('plan/ imports only model.ts, errors.ts, plan/ and pure libraries', () => {
    const pure = new Set(['re2js']);
    for (const file of FILES.filter((f) => layerOf(f.path) === 'plan')) {
      for (const target of importsOf(file)) {
        const allowed =
          target === 'model.ts' || target === 'errors.ts' || layerOf(target) === 'plan' || pure.has(target);
        expect(allowed, `${file.path} imports ${target}`).toBe(true);
      }
    }
  });

  test.each([
    ['gitlab', ['options', 'report', 'plan', 'execute', 'commands']],
    ['report', ['gitlab', 'execute', 'commands']],
    ['options', ['gitlab', 'report', 'execute', 'commands']],
    ['execute', ['options', 'report', 'commands']],
  ])('%s/ imports nothing from %j, not even types', (layer, forbidden) => {
    for (const file of FILES.filter((f) => layerOf(f.path) === layer)) {
      for (const target of importsOf(file)) {
        expect(forbidden.includes(layerOf(target)), `${file.path} imports ${target}`).toBe(false);
      }
    }
  });

  test('no dependency is imported through its private files', () => {
    for (const file of FILES) {
      for (const target of specifiersOf(file)) {
        if (target.startsWith('node:') || target.startsWith('.')) continue;
        const parts = target.split('/');
        const depth = target.startsWith('@') ? 2 : 1;
        expect(parts.length, `${file.path} imports ${target}`).toBe(depth);
      }
    }
  });

  test(`no module in src/ is over ${MAX_LINES} lines`, () => {
    const long = FILES.map((f) => ({ path: f.path, lines: f.text.split('\n').length - 1 })).filter(
      (f) => f.lines > MAX_LINES,
    );
    expect(long).toEqual([]);
  });

  test('no comment points outside the repository', () => {
    for (const file of FILES) expect(file.text, file.path).not.toMatch(/\.\.\/shared\//);
  });
});
