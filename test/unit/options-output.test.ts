// src/options/output.ts: format, verbosity, colour, and files that must be writable before a request.

import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { colorWanted, type OutputOptions, resolveOutput } from '../../src/options/output.ts';
import type { Env } from '../../src/options/raw.ts';
import { temporaryDirectory } from '../e2e/support/temporary.ts';
import { rawOptions, thrown } from './options-support.ts';

function output(flags: Record<string, unknown>, env: Env = {}, isTty = false): OutputOptions {
  return resolveOutput(rawOptions('delete-tag', flags, env), env, isTty);
}

function refusal(flags: Record<string, unknown>, env: Env = {}): string {
  return thrown(() => output(flags, env), UsageError).message;
}

describe('format and verbosity', () => {
  test('defaults: text, neither verbose nor quiet, no files, not in GitLab CI', () => {
    expect(output({})).toEqual({
      format: 'text',
      verbose: false,
      quiet: false,
      color: false,
      gitlabCi: false,
    });
  });

  test('json from the flag or the variable', () => {
    expect(output({ output: 'json' }).format).toBe('json');
    expect(output({}, { REGISTRY_CLEANER_OUTPUT: 'json' }).format).toBe('json');
  });

  test('another format is refused, naming where it came from', () => {
    expect(refusal({}, { REGISTRY_CLEANER_OUTPUT: 'yaml' })).toBe(
      'REGISTRY_CLEANER_OUTPUT yaml is not a format: use text or json',
    );
  });

  test('--verbose and --quiet contradict each other, however given', () => {
    const message = '--verbose and --quiet contradict each other: choose one';
    expect(refusal({ verbose: true, quiet: true })).toBe(message);
    expect(refusal({ verbose: true }, { REGISTRY_CLEANER_QUIET: 'yes' })).toBe(message);
    expect(output({ verbose: true }, { REGISTRY_CLEANER_QUIET: 'false' })).toMatchObject({
      verbose: true,
      quiet: false,
    });
  });

  test('GitLab CI job-log sections and the project page come from the job', () => {
    expect(
      output({}, { GITLAB_CI: 'true', CI_PROJECT_URL: ' https://gitlab.example.com/acme/web ' }),
    ).toMatchObject({
      gitlabCi: true,
      projectUrl: 'https://gitlab.example.com/acme/web',
    });
    expect(output({}, { GITLAB_CI: 'false', CI_PROJECT_URL: '  ' })).not.toHaveProperty('projectUrl');
    expect(output({}, { GITLAB_CI: 'false' }).gitlabCi).toBe(false);
  });
});

describe('colour', () => {
  test('--color / --no-color win over everything', () => {
    expect(colorWanted({ NO_COLOR: '1' }, false, true)).toBe(true);
    expect(colorWanted({ FORCE_COLOR: '1', CI: 'true' }, true, false)).toBe(false);
  });

  test('NO_COLOR (any non-empty value) turns it off, even over FORCE_COLOR and a terminal', () => {
    expect(colorWanted({ NO_COLOR: '1', FORCE_COLOR: '1' }, true)).toBe(false);
    expect(colorWanted({ NO_COLOR: 'false' }, true)).toBe(false);
    // an empty NO_COLOR is unset (no-color.org)
    expect(colorWanted({ NO_COLOR: '' }, true)).toBe(true);
  });

  test.each([
    ['1', true],
    ['3', true],
    ['true', true],
    ['', true],
    ['0', false],
    ['false', false],
    ['FALSE', false],
    ['no', false],
  ])('FORCE_COLOR=%j decides (%s), terminal or not', (value, expected) => {
    expect(colorWanted({ FORCE_COLOR: value }, false)).toBe(expected);
    expect(colorWanted({ FORCE_COLOR: value, CI: 'true' }, true)).toBe(expected);
  });

  test('otherwise: on in a terminal and in CI job logs (GitLab renders ANSI), off elsewhere', () => {
    expect(colorWanted({}, true)).toBe(true);
    expect(colorWanted({ CI: 'true' }, false)).toBe(true);
    expect(colorWanted({ GITLAB_CI: 'true' }, false)).toBe(true);
    expect(colorWanted({}, false)).toBe(false);
    expect(colorWanted({ CI: 'false', GITLAB_CI: '' }, false)).toBe(false);
  });

  test('resolveOutput passes the flag or REGISTRY_CLEANER_COLOR, and the terminal', () => {
    expect(output({}, {}, true).color).toBe(true);
    expect(output({ color: false }, {}, true).color).toBe(false);
    expect(output({}, { REGISTRY_CLEANER_COLOR: 'off' }, true).color).toBe(false);
    expect(output({}, { REGISTRY_CLEANER_COLOR: 'on', NO_COLOR: '1' }).color).toBe(true);
    expect(output({}, { NO_COLOR: '1' }, true).color).toBe(false);
  });
});

describe('files to write: checked before any request, created by nobody', () => {
  const dir = temporaryDirectory('registry-cleaner-output-');

  test('each file flag is kept as given when its path can be written', () => {
    writeFileSync(join(dir, 'existing.json'), '{}');
    const options = output({
      report: join(dir, 'existing.json'),
      dotenv: join(dir, 'result.env'),
      annotations: join(dir, 'new', 'deeper', 'annotations.json'),
    });
    expect(options).toMatchObject({
      reportFile: join(dir, 'existing.json'),
      dotenvFile: join(dir, 'result.env'),
      annotationsFile: join(dir, 'new', 'deeper', 'annotations.json'),
    });
    expect(options).not.toHaveProperty('junitFile');
  });

  test('directories that do not exist yet are fine (the writers create them), and the check creates none', () => {
    const path = join(dir, 'reports', 'today', 'junit.xml');
    expect(output({}, { REGISTRY_CLEANER_JUNIT: path }).junitFile).toBe(path);
    expect(existsSync(join(dir, 'reports'))).toBe(false);
  });

  test('a directory where the file should be: EISDIR', () => {
    const directory = join(dir, 'a-directory');
    mkdirSync(directory);
    expect(refusal({ report: directory })).toBe(
      `--report ${directory} cannot be written (EISDIR): choose a writable path`,
    );
  });

  test('a file where a directory should be, however deep: ENOTDIR, naming the source', () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, '');
    expect(refusal({ dotenv: join(file, 'result.env') })).toBe(
      `--dotenv ${join(file, 'result.env')} cannot be written (ENOTDIR): choose a writable path`,
    );
    const deep = join(file, 'a', 'b', 'junit.xml');
    expect(refusal({}, { REGISTRY_CLEANER_JUNIT: deep })).toBe(
      `REGISTRY_CLEANER_JUNIT ${deep} cannot be written (ENOTDIR): choose a writable path`,
    );
  });

  test.skipIf(process.getuid?.() === 0)('a directory this user cannot write to: EACCES', () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    expect(refusal({ report: join(locked, 'report.json') })).toBe(
      `--report ${join(locked, 'report.json')} cannot be written (EACCES): choose a writable path`,
    );
  });
});
