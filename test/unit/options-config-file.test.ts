// src/options/config-file.ts: what test/unit/config-file.test.ts leaves out — reading and parsing
// the file, the three shapes it may have, the legacy shape's conversion, and field-by-field refusals.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { readConfigFile } from '../../src/options/config-file.ts';
import { temporaryDirectory } from '../e2e/support/temporary.ts';
import { rejected } from './options-support.ts';

const dir = temporaryDirectory('registry-cleaner-config-file-');
let files = 0;

function file(text: string, extension = 'yml'): string {
  const path = join(dir, `policy-${++files}.${extension}`);
  writeFileSync(path, text);
  return path;
}

async function refusal(path: string): Promise<string> {
  return (await rejected(readConfigFile(path, '--config'), UsageError)).message;
}

describe('reading and parsing', () => {
  test('a file that cannot be read names the source and the code', async () => {
    const missing = join(dir, 'missing.yml');
    expect((await rejected(readConfigFile(missing, 'REGISTRY_CLEANER_CONFIG'), UsageError)).message).toBe(
      `REGISTRY_CLEANER_CONFIG ${missing} cannot be read (ENOENT): give the path of a YAML or JSON file`,
    );
    expect(await refusal(dir)).toBe(
      `--config ${dir} cannot be read (EISDIR): give the path of a YAML or JSON file`,
    );
  });

  test('JSON, by extension or by its first character', async () => {
    const json = '[{"project": "acme/web", "older-than": "7d"}]';
    for (const path of [file(json, 'json'), file(json, 'conf')]) {
      const [policy] = await readConfigFile(path, '--config');
      expect(policy?.input).toMatchObject({ projects: ['acme/web'], olderThan: '7d' });
    }
  });

  test('a .json file that is not JSON is refused as JSON', async () => {
    const path = file('policies:\n  - project: acme/web\n', 'json');
    expect(await refusal(path)).toMatch(new RegExp(`^${path}: not valid JSON \\(`));
  });

  test('YAML flow style that only looks like JSON is read as YAML', async () => {
    const [policy] = await readConfigFile(
      file('{policies: [{project: acme/web, keep-latest: 2}]}\n'),
      '--config',
    );
    expect(policy?.input).toMatchObject({ projects: ['acme/web'], keepLatest: 2 });
  });

  test('broken YAML: the parser’s first line, on one line', async () => {
    const path = file('policies:\n  - project: [acme/web\n');
    const message = await refusal(path);
    expect(message).toMatch(new RegExp(`^${path}: not valid YAML or JSON \\(.+\\)$`));
    expect(message).not.toContain('\n');
  });
});

describe('shapes', () => {
  test('a list, or {policies: [...]}', async () => {
    const fromList = await readConfigFile(file('- {project: acme/a, older-than: 1d}\n'), '--config');
    const fromMapping = await readConfigFile(
      file('policies:\n  - {project: acme/a, older-than: 1d}\n'),
      '--config',
    );
    expect(fromList.map((policy) => policy.input)).toEqual(fromMapping.map((policy) => policy.input));
    expect(fromList[0]?.input).toEqual({
      name: 'policy #1',
      projects: ['acme/a'],
      groups: [],
      keep: [],
      staleBranches: false,
      olderThan: '1d',
    });
  });

  test('an empty list is returned as such (prune refuses it, with the fix)', async () => {
    expect(await readConfigFile(file('[]\n'), '--config')).toEqual([]);
  });

  test.each([
    ['policies: {project: acme/a}\n', ': policies must be a list'],
    ['{}\n', ': expected a list of policies'],
    ['just a string\n', ': expected a list of policies'],
    ['', ': expected a list of policies'],
    ['acme: {id: 1}\n', ': expected a list of policies'],
  ])('%j is refused', async (text, message) => {
    const path = file(text);
    expect(await refusal(path)).toMatch(`${path}${message}`);
  });
});

describe('fields', () => {
  test('singular and plural forms add up; names label the messages', async () => {
    const [policy] = await readConfigFile(
      file(
        [
          '- name: web',
          '  project: acme/web',
          '  projects: [acme/api, 7]',
          '  group: platform',
          '  groups: [8]',
          '  repository: .',
          '  repositories: [tools/*]',
          '  match: feature-.*',
          '  keep: v.*',
          '  keep-latest: 0',
          '  older-than: 2w',
          '  stale-branches: true',
          '  accept-ages: first-push',
        ].join('\n'),
      ),
      '--config',
    );
    expect(policy?.input).toEqual({
      name: 'web',
      projects: ['acme/web', 'acme/api', '7'],
      groups: ['platform', '8'],
      repositories: ['.', 'tools/*'],
      match: 'feature-.*',
      keep: ['v.*'],
      keepLatest: 0,
      olderThan: '2w',
      staleBranches: true,
      acceptAges: ['first-push'],
    });
    expect(policy?.where('keep')).toMatch(/policy-\d+\.yml: policy "web": keep$/);
  });

  test('an unnamed policy is labelled by its position', async () => {
    const path = file('- {project: a/b, older-than: 1d}\n- {project: a/c, keep-latest: x}\n');
    expect(await refusal(path)).toBe(`${path}: policy #2: keep-latest must be a number, not string "x"`);
  });

  test.each([
    ['- not a mapping\n', 'policy #1 must be a mapping of fields'],
    [
      '- {name: p, olderthan: 1d}\n',
      'policy "p": olderthan is not a policy field (fields: name, project, projects, group, groups, repository, repositories, match, keep, keep-latest, older-than, stale-branches, accept-ages, cleanup-policy, name_regex, name_regex_keep, keep_n, older_than, keep-deployments, deployed-tag, allow-deleting-deployed-images)',
    ],
    ['- {name: p, older-than: 14}\n', 'policy "p": older-than must be a duration like 14d, not number 14'],
    [
      '- {name: p, stale-branches: "yes"}\n',
      'policy "p": stale-branches must be true or false, not string "yes"',
    ],
    ['- {name: p, keep: {a: 1}}\n', 'policy "p": keep must be a string, not a mapping'],
    ['- {name: p, match: [a, b]}\n', 'policy "p": match must be a string, not a list'],
    [
      '- {name: p, accept-ages: [true]}\n',
      'policy "p": accept-ages must be a string, not boolean true: put it in quotes (YAML reads unquoted numbers, true and false as such)',
    ],
    [
      '- {name: p, groups: [-3]}\n',
      'policy "p": groups must hold strings or ids, not number -3: an id is a whole number; put a path in quotes',
    ],
    ['- {name: p, project: {id: 1}}\n', 'policy "p": project must hold strings or ids, not a mapping'],
  ])('%j', async (text, message) => {
    const path = file(text);
    expect(await refusal(path)).toBe(`${path}: ${message}`);
  });

  test('empty values (YAML null) are unset', async () => {
    const [policy] = await readConfigFile(
      file(
        '- {name: p, project: a/b, keep: null, match: null, stale-branches: null, accept-ages: null, older-than: 1d}\n',
      ),
      '--config',
    );
    expect(policy?.input).toEqual({
      name: 'p',
      projects: ['a/b'],
      groups: [],
      keep: [],
      staleBranches: false,
      olderThan: '1d',
    });
  });
});

describe('the legacy shape {"<name>": {"id": …, "delete_older_than": {…}}}', () => {
  test('becomes one policy per entry, its age as a duration', async () => {
    const policies = await readConfigFile(
      file(
        JSON.stringify({
          web: { id: 42, delete_older_than: { days: 14, hours: 12 } },
          api: { id: 'acme/api', delete_older_than: { minutes: 90 } },
        }),
        'json',
      ),
      '--config',
    );
    expect(policies.map((policy) => policy.input)).toEqual([
      { name: 'web', projects: ['42'], groups: [], keep: [], olderThan: '14d12h', staleBranches: false },
      { name: 'api', projects: ['acme/api'], groups: [], keep: [], olderThan: '90m', staleBranches: false },
    ]);
  });

  test('messages name the legacy fields: older-than is delete_older_than, project is id', async () => {
    const [policy] = await readConfigFile(
      file('{"web": {"id": 1, "delete_older_than": {"days": 1}}}', 'json'),
      '--config',
    );
    expect(policy?.where('older-than')).toMatch(/: policy "web": delete_older_than$/);
    expect(policy?.where('project')).toMatch(/: policy "web": id$/);
    expect(policy?.where('keep')).toMatch(/: policy "web": keep$/);
  });

  test.each([
    [{ id: 1, delete_older_than: 14 }, 'delete_older_than must be a mapping like {"days": 14}'],
    [
      { id: 1, delete_older_than: { months: 1 } },
      'delete_older_than.months is not a unit: use days, hours or minutes',
    ],
    [
      { id: 1, delete_older_than: { days: 0 } },
      'delete_older_than.days must be a positive number, not number 0',
    ],
    [
      { id: 1, delete_older_than: { days: '7' } },
      'delete_older_than.days must be a positive number, not string "7"',
    ],
    [{ id: 1, delete_older_than: {} }, 'delete_older_than is empty: give days, hours or minutes'],
    [{ id: [1], delete_older_than: { days: 1 } }, 'id must be a project id'],
  ])('%j is refused', async (entry, message) => {
    const path = file(JSON.stringify({ web: entry }), 'json');
    expect(await refusal(path)).toBe(`${path}: policy "web": ${message}`);
  });
});
