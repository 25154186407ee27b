// src/options/refs.ts: projects and groups as users name them.

import { describe, expect, test } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { parseGroupRef, parseProjectRef } from '../../src/options/refs.ts';
import { thrown } from './options-support.ts';

describe('parseProjectRef', () => {
  test.each([
    ['42', { id: 42 }],
    [' 42 ', { id: 42 }],
    ['007', { id: 7 }],
    ['acme/web-app', { path: 'acme/web-app' }],
    ['Acme/Web_App.v2', { path: 'Acme/Web_App.v2' }],
    ['acme/platform/sub/web', { path: 'acme/platform/sub/web' }],
    ['/acme/web-app/', { path: 'acme/web-app' }],
    ['acme%2Fweb-app', { path: 'acme/web-app' }],
    ['acme%2fweb-app', { path: 'acme/web-app' }],
    ['acme%2Fplatform%2Fweb', { path: 'acme/platform/web' }],
  ])('%j is %j', (text, ref) => {
    expect(parseProjectRef(text, '--project')).toEqual(ref);
  });

  test.each([
    'web-app',
    '',
    '  ',
    'acme//web',
    'acme/web app',
    'acme/web?x',
    'acme%2Fweb%20app',
    '-1',
    '4.2',
  ])('%j is not a project', (text) => {
    expect(thrown(() => parseProjectRef(text, 'CI_PROJECT_PATH'), UsageError).message).toBe(
      `CI_PROJECT_PATH ${text} is not a project: give its numeric id or its full path (group/project)`,
    );
  });

  // Surprising: a malformed escape next to an encoded slash makes decodeURIComponent throw a
  // URIError ("URI malformed"), which main.ts reports as an unexpected error (exit 1), not exit 2.
  test('a malformed %-escape is a usage error like any other bad path', () => {
    expect(() => parseProjectRef('acme%2Fweb%zz', '--project')).toThrow(UsageError);
  });
});

describe('parseGroupRef', () => {
  test.each([
    ['7', { id: 7 }],
    ['acme', { path: 'acme' }],
    ['acme/platform', { path: 'acme/platform' }],
    ['/acme/platform/', { path: 'acme/platform' }],
  ])('%j is %j', (text, ref) => {
    expect(parseGroupRef(text, '--group')).toEqual(ref);
  });

  test.each(['', 'acme platform', 'acme//platform', 'acme/*'])('%j is not a group', (text) => {
    expect(thrown(() => parseGroupRef(text, '--group'), UsageError).message).toBe(
      `--group ${text} is not a group: give its numeric id or its full path (e.g. acme/platform)`,
    );
  });
});
