// src/options/raw.ts: flags and REGISTRY_CLEANER_* variables merged, each value with its source.

import { describe, expect, test } from 'vitest';
import { parseCommandLine } from '../../src/cli.ts';
import { UsageError } from '../../src/errors.ts';
import { collectRawOptions, parseBoolean, RawOptions } from '../../src/options/raw.ts';
import { rawOptions, thrown } from './options-support.ts';

describe('where a value comes from', () => {
  test('a flag wins over its variable, and each value names its source', () => {
    const raw = rawOptions(
      'prune',
      { 'older-than': '14d' },
      { REGISTRY_CLEANER_OLDER_THAN: '30d', REGISTRY_CLEANER_MATCH: 'feature-.*' },
    );
    expect(raw.string('older-than')).toEqual({ value: '14d', source: '--older-than' });
    expect(raw.string('match')).toEqual({ value: 'feature-.*', source: 'REGISTRY_CLEANER_MATCH' });
    expect(raw.source('older-than')).toBe('--older-than');
    expect(raw.source('match')).toBe('REGISTRY_CLEANER_MATCH');
  });

  test('what was given neither way is absent, not a default', () => {
    const raw = rawOptions('prune', {}, {});
    expect(raw.has('older-than')).toBe(false);
    expect(raw.string('older-than')).toBeUndefined();
    expect(raw.source('older-than')).toBeUndefined();
    expect(raw.flag('dry-run')).toBe(false);
  });

  test('a flag of the other command is not read from the environment (and not called unknown)', () => {
    const raw = rawOptions(
      'prune',
      {},
      { REGISTRY_CLEANER_TAG: 'feature-x', REGISTRY_CLEANER_OLDER_THAN: '1d' },
    );
    expect(raw.has('tag')).toBe(false);
    expect(raw.has('older-than')).toBe(true);
    expect(raw.warnings).toEqual([]);
    const deleteTag = rawOptions('delete-tag', {}, { REGISTRY_CLEANER_OLDER_THAN: '1d' });
    expect(deleteTag.has('older-than')).toBe(false);
    expect(deleteTag.warnings).toEqual([]);
  });

  test('a variable set to blanks is unset, so CI settings pages can clear one', () => {
    const raw = rawOptions(
      'prune',
      {},
      {
        REGISTRY_CLEANER_OLDER_THAN: '',
        REGISTRY_CLEANER_KEEP_LATEST: '   ',
        REGISTRY_CLEANER_DRY_RUN: '\t',
        REGISTRY_CLEANER_PROJECT: ' \n ',
      },
    );
    for (const name of ['older-than', 'keep-latest', 'dry-run', 'project'])
      expect(raw.has(name), name).toBe(false);
  });

  test('string values from variables lose surrounding blanks; from flags they are kept as given', () => {
    expect(rawOptions('prune', {}, { REGISTRY_CLEANER_SHARD: ' 2/5\n' }).string('shard')?.value).toBe('2/5');
    expect(rawOptions('prune', { shard: ' 2/5' }).string('shard')?.value).toBe(' 2/5');
  });
});

describe('lists', () => {
  test('tag names, paths and ages split on commas and blanks', () => {
    const raw = rawOptions(
      'prune',
      {},
      {
        REGISTRY_CLEANER_PROJECT: 'acme/web, acme/api\tacme/docs,,',
        REGISTRY_CLEANER_ACCEPT_AGES: 'first-push build-time',
      },
    );
    expect(raw.strings('project')).toEqual({
      value: ['acme/web', 'acme/api', 'acme/docs'],
      source: 'REGISTRY_CLEANER_PROJECT',
    });
    expect(raw.strings('accept-ages')?.value).toEqual(['first-push', 'build-time']);
    expect(rawOptions('delete-tag', {}, { REGISTRY_CLEANER_TAG: 'a, b c' }).strings('tag')?.value).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  test('regular expressions (--keep) take one per line, so commas and blanks inside them survive', () => {
    const raw = rawOptions(
      'prune',
      {},
      { REGISTRY_CLEANER_KEEP: '^v\\d+$\r\n (main|release-.{1,3}) \n\nstable, lts' },
    );
    expect(raw.strings('keep')?.value).toEqual(['^v\\d+$', '(main|release-.{1,3})', 'stable, lts']);
  });

  test('a list flag given once is a list of one; given many times, every value, as strings', () => {
    expect(rawOptions('prune', { project: 'acme/web' }).strings('project')).toEqual({
      value: ['acme/web'],
      source: '--project',
    });
    expect(rawOptions('prune', { project: [42, 'acme/api'] }).strings('project')?.value).toEqual([
      '42',
      'acme/api',
    ]);
  });
});

describe('booleans and numbers from variables', () => {
  test.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    [' On ', true],
    ['false', false],
    ['0', false],
    ['No', false],
    ['off', false],
  ])('REGISTRY_CLEANER_DRY_RUN=%j is %s', (text, expected) => {
    const raw = rawOptions('prune', {}, { REGISTRY_CLEANER_DRY_RUN: text });
    expect(raw.string('dry-run')).toEqual({ value: expected, source: 'REGISTRY_CLEANER_DRY_RUN' });
    expect(raw.flag('dry-run')).toBe(expected);
  });

  test('parseBoolean leaves anything else undecided', () => {
    for (const text of ['maybe', 'y', 'n', '2', 'enabled', ''])
      expect(parseBoolean(text), text).toBeUndefined();
  });

  test('a boolean variable that is neither is refused, naming the variable and the value', () => {
    const error = thrown(() => rawOptions('prune', {}, { REGISTRY_CLEANER_DRY_RUN: 'maybe' }), UsageError);
    expect(error.message).toBe('REGISTRY_CLEANER_DRY_RUN=maybe is not a boolean: use true or false');
  });

  test('a number variable is read as a number, blanks around it ignored', () => {
    expect(rawOptions('prune', {}, { REGISTRY_CLEANER_KEEP_LATEST: ' 5 ' }).number('keep-latest')).toEqual({
      value: 5,
      source: 'REGISTRY_CLEANER_KEEP_LATEST',
    });
    // range and wholeness are the resolver's business, not raw's
    expect(rawOptions('prune', {}, { REGISTRY_CLEANER_RETRIES: '2.5' }).number('retries')?.value).toBe(2.5);
  });

  test.each(['many', '5 tags', 'Infinity', '-Infinity'])(
    'REGISTRY_CLEANER_RETRIES=%j is not a number',
    (text) => {
      const error = thrown(() => rawOptions('prune', {}, { REGISTRY_CLEANER_RETRIES: text }), UsageError);
      expect(error.message).toBe(`REGISTRY_CLEANER_RETRIES=${text} is not a number`);
    },
  );
});

describe('a flag given twice', () => {
  test('a single-valued flag given twice is refused: which one was meant is not ours to guess', () => {
    const error = thrown(() => rawOptions('prune', { timeout: ['1s', '2s'] }), UsageError);
    expect(error.message).toBe('--timeout was given 2 times: give it once');
    expect(thrown(() => rawOptions('prune', { 'keep-latest': [1, 2, 3] }), UsageError).message).toBe(
      '--keep-latest was given 3 times: give it once',
    );
  });

  test('through yargs: a repeated single-valued flag arrives as a list and is refused; tags stay strings', async () => {
    const twice = await parseCommandLine(['prune', '--older-than', '1d', '--older-than', '2d']);
    if (twice.kind !== 'run') throw new Error('expected a command');
    expect(thrown(() => collectRawOptions('prune', twice.parsed, {}), UsageError).message).toBe(
      '--older-than was given 2 times: give it once',
    );
    const tags = await parseCommandLine(['delete-tag', '--tag', '1.10', '--tag', '007']);
    if (tags.kind !== 'run') throw new Error('expected a command');
    expect(collectRawOptions('delete-tag', tags.parsed, {}).strings('tag')?.value).toEqual(['1.10', '007']);
  });
});

describe('REGISTRY_CLEANER_* variables that are no flag', () => {
  test.each([
    ['REGISTRY_CLEANER_DRYRUN', 'REGISTRY_CLEANER_DRY_RUN'],
    ['REGISTRY_CLEANER_TA', 'REGISTRY_CLEANER_TAG'],
    ['REGISTRY_CLEANER_KEEPLATEST', 'REGISTRY_CLEANER_KEEP_LATEST'],
    ['REGISTRY_CLEANER_CONCURENCY', 'REGISTRY_CLEANER_CONCURRENCY'],
  ])('%s is a likely typo of %s: refused, naming it', (name, meant) => {
    const error = thrown(() => rawOptions('prune', {}, { [name]: 'x' }), UsageError);
    expect(error.message).toBe(
      `unknown variable ${name}: did you mean ${meant}? (see registry-cleaner --help for the flags; each has a REGISTRY_CLEANER_<FLAG> variable)`,
    );
  });

  test('how close is close scales with the name: a quarter of it, and at least one edit', () => {
    // OLDER_THAN has 10 characters: 2 edits are a typo, 3 are another name
    expect(
      thrown(() => rawOptions('prune', {}, { REGISTRY_CLEANER_OLDERTHEN: '1d' }), UsageError).message,
    ).toMatch(/did you mean REGISTRY_CLEANER_OLDER_THAN\?/);
    expect(rawOptions('prune', {}, { REGISTRY_CLEANER_OLDRTHEN: '1d' }).warnings).toHaveLength(1);
    // TAG has 3: one edit still counts, two do not
    expect(rawOptions('prune', {}, { REGISTRY_CLEANER_TAGSS: 'x' }).warnings).toHaveLength(1);
  });

  test('a name far from every flag is a warning, in name order, and the run goes on', () => {
    const raw = rawOptions(
      'prune',
      { 'older-than': '1d' },
      { REGISTRY_CLEANER_VERSION: '1', REGISTRY_CLEANER_IMAGE: 'registry.example.com/rc:1' },
    );
    expect(raw.warnings).toEqual([
      'REGISTRY_CLEANER_IMAGE is not a registry-cleaner variable (none is close to it): ignored',
      'REGISTRY_CLEANER_VERSION is not a registry-cleaner variable (none is close to it): ignored',
    ]);
    expect(raw.string('older-than')?.value).toBe('1d');
  });

  test('outputs of an earlier run (REGISTRY_CLEANER_RESULT_*) and other prefixes pass quietly', () => {
    const raw = rawOptions(
      'prune',
      {},
      {
        REGISTRY_CLEANER_RESULT_DELETED: '3',
        REGISTRY_CLEANER_RESULT_DRYRUN: 'x',
        REGISTRY_IMAGE: 'x',
        CI: 'true',
      },
    );
    expect(raw.warnings).toEqual([]);
  });
});

describe('RawOptions', () => {
  test('flag() is true only for the value true', () => {
    const raw = new RawOptions();
    raw.set('dry-run', { value: false, source: '--dry-run' });
    raw.set('quiet', { value: 'true', source: 'x' });
    raw.set('verbose', { value: true, source: '--verbose' });
    expect([raw.flag('dry-run'), raw.flag('quiet'), raw.flag('verbose'), raw.flag('color')]).toEqual([
      false,
      false,
      true,
      false,
    ]);
    expect(raw.has('dry-run')).toBe(true);
  });
});

describe('values that mean nothing are unset, as blanks are', () => {
  test('a list variable of separators only is unset, not an empty list', () => {
    const raw = rawOptions(
      'prune',
      {},
      { REGISTRY_CLEANER_REPOSITORY: ' , ', REGISTRY_CLEANER_KEEP: '\n\n' },
    );
    expect(raw.has('repository')).toBe(false);
    expect(raw.has('keep')).toBe(false);
  });

  test('numbers from variables are decimal: 0x10 and 1e1 are refused', () => {
    expect(
      rawOptions('prune', {}, { REGISTRY_CLEANER_KEEP_LATEST: ' 12 ' }).number('keep-latest')?.value,
    ).toBe(12);
    for (const text of ['0x10', '1e1', '12abc']) {
      expect(
        thrown(() => rawOptions('prune', {}, { REGISTRY_CLEANER_KEEP_LATEST: text }), UsageError).message,
      ).toBe(`REGISTRY_CLEANER_KEEP_LATEST=${text} is not a number`);
    }
  });

  test('a blank variable close to a flag name is no error: it would be unset anyway', () => {
    const raw = rawOptions('prune', {}, { REGISTRY_CLEANER_DRYRUN: '' });
    expect(raw.warnings).toEqual([]);
    expect(() => rawOptions('prune', {}, { REGISTRY_CLEANER_DRYRUN: 'true' })).toThrow(
      /did you mean REGISTRY_CLEANER_DRY_RUN/,
    );
  });
});
