import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { readConfigFile } from '../../src/options/config-file.ts';
import { temporaryDirectory } from '../e2e/support/temporary.ts';

const dir = temporaryDirectory('registry-cleaner-config-');

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function refusal(path: string): Promise<string> {
  const error = await readConfigFile(path, '--config').then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UsageError);
  return (error as Error).message;
}

describe('policy files: values YAML would turn into something else', () => {
  test('a number where a tag pattern or glob belongs is refused, with a hint to quote it', async () => {
    expect(
      await refusal(file('keep.yml', '- {name: p, project: 42, keep: [1.10], older-than: 1d}\n')),
    ).toMatch(/keep\.yml: policy "p": keep must be a string, not number 1\.1: put it in quotes/);
    expect(
      await refusal(file('match.yml', '- {name: p, project: 42, match: 1.10, older-than: 1d}\n')),
    ).toMatch(/match must be a string, not number 1\.1: put it in quotes/);
    expect(
      await refusal(file('repo.yml', '- {name: p, project: 42, repositories: [2024], older-than: 1d}\n')),
    ).toMatch(/repositories must be a string, not number 2024: put it in quotes/);
  });

  test('projects and groups take whole numbers as ids, and refuse other numbers', async () => {
    const [policy] = await readConfigFile(
      file('ids.yml', "- {name: p, projects: [42, '007'], groups: 7, older-than: 1d}\n"),
      '--config',
    );
    expect(policy?.input).toMatchObject({ projects: ['42', '007'], groups: ['7'] });
    expect(await refusal(file('fraction.yml', '- {name: p, projects: [4.2], older-than: 1d}\n'))).toMatch(
      /projects must hold strings or ids, not number 4\.2: an id is a whole number; put a path in quotes/,
    );
  });

  test('keep-latest and older-than left empty (null) are unset, as every other field', async () => {
    const [policy] = await readConfigFile(
      file('nulls.yml', 'policies:\n  - name: p\n    project: 42\n    keep-latest:\n    older-than: 3d\n'),
      '--config',
    );
    expect(policy?.input.keepLatest).toBeUndefined();
    expect(policy?.input.olderThan).toBe('3d');
  });
});
