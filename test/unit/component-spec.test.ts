// The components' headers hold only what GitLab 17.0 accepts. GitLab checks the header strictly
// (lib/gitlab/ci/config/header/spec.rb allowed only `inputs` before 18.10 added `description`;
// lib/gitlab/ci/config/header/input.rb and entry/base_input.rb allow an input default, description,
// options, regex and type, and `rules` only from 18.7): a newer key makes every older GitLab refuse
// the include, and gitlab-ci-local accepts it, so the component tests cannot see it.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';

const TEMPLATES = new URL('../../templates/', import.meta.url);
const SPEC_KEYS = ['inputs'];
const INPUT_KEYS = new Set(['default', 'description', 'options', 'regex', 'type']);
// array: GitLab 16.11
const INPUT_TYPES = new Set(['string', 'number', 'boolean', 'array']);

const templates = readdirSync(TEMPLATES)
  .filter((name) => name.endsWith('.yml'))
  .sort();

function documents(name: string) {
  const text = readFileSync(new URL(name, TEMPLATES), 'utf8');
  const [header, body, ...rest] = parseAllDocuments(text);
  return { text, header: header?.toJS() as Record<string, unknown>, body: body?.toJS(), rest };
}

describe('templates/*.yml headers', () => {
  test('there are components to check', () => {
    expect(templates).toEqual(['delete-tag-on-stop.yml', 'prune.yml']);
  });

  describe.each(templates)('%s', (name) => {
    const { text, header, body, rest } = documents(name);
    const inputs = (header?.spec as { inputs?: Record<string, Record<string, unknown>> })?.inputs ?? {};

    test('is a header and one document of jobs', () => {
      expect(rest).toEqual([]);
      expect(body).toBeTypeOf('object');
      expect(Object.keys(header)).toEqual(['spec']);
    });

    test('spec holds only inputs', () => {
      expect(Object.keys(header.spec as object)).toEqual(SPEC_KEYS);
    });

    test('each input uses only default, description, options, regex and type', () => {
      expect(Object.keys(inputs).length).toBeGreaterThan(0);
      for (const [input, definition] of Object.entries(inputs)) {
        const unknown = Object.keys(definition).filter((key) => !INPUT_KEYS.has(key));
        expect(unknown, `input ${input}`).toEqual([]);
        expect(INPUT_TYPES.has(String(definition.type ?? 'string')), `input ${input} type`).toBe(true);
      }
    });

    test('every default fits its own type, options and regex (GitLab refuses the include otherwise)', () => {
      for (const [input, definition] of Object.entries(inputs)) {
        expect(definition, `input ${input} has a default`).toHaveProperty('default');
        const value = definition.default;
        switch (definition.type ?? 'string') {
          case 'array':
            expect(Array.isArray(value), `input ${input}`).toBe(true);
            break;
          case 'string':
            expect(typeof value, `input ${input}`).toBe('string');
            break;
          default:
            expect(typeof value, `input ${input}`).toBe(definition.type);
        }
        if (definition.options) expect(definition.options, `input ${input}`).toContain(value);
        if (definition.regex)
          expect(String(value), `input ${input}`).toMatch(new RegExp(String(definition.regex)));
      }
    });

    test('every input is used, and nothing undeclared is', () => {
      const used = new Set([...text.matchAll(/\$\[\[\s*inputs\.([\w-]+)\s*\]\]/g)].map((match) => match[1]));
      expect([...used].sort()).toEqual(Object.keys(inputs).sort());
    });
  });
});
