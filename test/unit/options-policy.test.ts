// src/options/policy.ts: buildPolicy turns loose values into a Policy, or fails naming the input.

import { describe, expect, test } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { buildPolicy, type Policy, type PolicyInput } from '../../src/options/policy.ts';

const DAY = 86_400_000;

class Refused extends Error {}

const where = (field: string) => `<${field}>`;
const fail = (message: string): never => {
  throw new Refused(message);
};

function input(overrides: Partial<PolicyInput> = {}): PolicyInput {
  return {
    name: 'nightly',
    projects: ['acme/web'],
    groups: [],
    keep: [],
    staleBranches: false,
    olderThan: '14d',
    ...overrides,
  };
}

function build(overrides: Partial<PolicyInput>): { policy: Policy; warnings: string[] } {
  const warnings: string[] = [];
  const policy = buildPolicy(input(overrides), where, fail, (message) => warnings.push(message));
  return { policy, warnings };
}

function refusal(overrides: Partial<PolicyInput>): string {
  try {
    build(overrides);
  } catch (error) {
    // project and group references are refused by options/refs.ts directly, as UsageErrors
    expect(error instanceof Refused || error instanceof UsageError, String(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected buildPolicy to fail');
}

describe('a valid policy', () => {
  test('scope and rules, as values', () => {
    const { policy, warnings } = build({
      projects: ['42', 'acme/web'],
      groups: ['acme/platform', '7'],
      repositories: ['.', 'api/*'],
      match: 'feature-.*',
      keep: ['v\\d+', 'stable'],
      keepLatest: 3,
      olderThan: '2w',
      staleBranches: true,
      acceptAges: ['first-push', ' Build-Time '],
    });
    expect(warnings).toEqual([]);
    expect(policy.name).toBe('nightly');
    expect(policy.projects).toEqual([{ id: 42 }, { path: 'acme/web' }]);
    expect(policy.groups).toEqual([{ path: 'acme/platform' }, { id: 7 }]);
    expect(policy.repositories?.map((glob) => glob.pattern)).toEqual(['.', 'api/*']);
    const { rules } = policy;
    expect(rules.match?.source).toBe('feature-.*');
    expect(rules.match?.test('feature-login')).toBe(true);
    expect(rules.match?.test('my-feature-login')).toBe(false);
    expect(rules.keep.map((pattern) => pattern.source)).toEqual(['v\\d+', 'stable']);
    expect(rules.keep[0]?.test('v12')).toBe(true);
    expect(rules).toMatchObject({
      keepLatest: 3,
      olderThanMs: 14 * DAY,
      staleBranches: true,
      acceptAges: ['first-push', 'build-time'],
    });
  });

  test('what is not given stays unset: every repository, no match pattern, last pushes only; deployed images kept', () => {
    const { policy } = build({});
    expect(policy).not.toHaveProperty('repositories');
    const { deployments, ...rules } = policy.rules;
    expect(rules).toEqual({ keep: [], staleBranches: false, acceptAges: [], olderThanMs: 14 * DAY });
    expect(deployments?.keepDeployments).toBe(1);
  });

  test('an empty repository list is kept as given (it selects no repository)', () => {
    expect(build({ repositories: [] }).policy.repositories).toEqual([]);
  });
});

describe('rules that would delete too much', () => {
  test('at least one of older-than, keep-latest or stale-branches', () => {
    const message =
      '<rules>: at least one of older-than, keep-latest or stale-branches is required, so that no run deletes every tag by accident';
    expect(refusal({ olderThan: undefined })).toBe(message);
    expect(refusal({ olderThan: undefined, match: 'feature-.*', keep: ['v.*'] })).toBe(message);
    expect(build({ olderThan: undefined, keepLatest: 5 }).policy.rules.keepLatest).toBe(5);
    expect(build({ olderThan: undefined, staleBranches: true }).policy.rules.staleBranches).toBe(true);
  });

  test('keep-latest 0 alone would delete every eligible tag; with another rule it is fine', () => {
    expect(refusal({ olderThan: undefined, keepLatest: 0 })).toBe(
      '<keep-latest> 0 alone would delete every eligible tag: add older-than, or keep at least 1',
    );
    expect(build({ keepLatest: 0 }).policy.rules).toMatchObject({ keepLatest: 0, olderThanMs: 14 * DAY });
    expect(build({ olderThan: undefined, keepLatest: 0, staleBranches: true }).policy.rules.keepLatest).toBe(
      0,
    );
  });

  test.each([-1, 1.5, Number.NaN])('keep-latest %s is not a count', (keepLatest) => {
    expect(refusal({ keepLatest })).toBe(`<keep-latest> ${keepLatest} must be a whole number, 0 or more`);
  });
});

describe('values that do not parse', () => {
  test.each([
    ['soon', '<older-than> soon is not a duration: write e.g. 90m, 36h, 14d, 2w or P14D'],
    ['14', '<older-than> 14 has no unit: add s, m, h, d or w (e.g. 14d)'],
    ['P1M', '<older-than> P1M uses months or years, which vary in length: use days (e.g. P30D)'],
    ['0d', '<older-than> 0d must be greater than zero'],
  ])('older-than %s', (olderThan, message) => {
    expect(refusal({ olderThan })).toBe(message);
  });

  test('accept-ages takes first-push and build-time only', () => {
    expect(refusal({ acceptAges: ['first-push', 'last-push'] })).toBe(
      "<accept-ages> last-push is not a kind of tag time to accept: use first-push (GitLab's created_at on a registry with the metadata database) or build-time (legacy registries); last pushes are always used",
    );
  });

  test('regex errors name the field and quote the pattern', () => {
    expect(refusal({ match: '(?=v)\\d+' })).toBe(
      '<match> "(?=v)\\\\d+" uses a lookahead ((?=…), which RE2 (GitLab\'s regex engine, and this tool\'s) does not support',
    );
    expect(refusal({ keep: ['ok', '(a)\\1'] })).toMatch(/^<keep> "\(a\)\\\\1" uses a backreference/);
    expect(refusal({ keep: ['[z-a]'] })).toMatch(/^<keep> "\[z-a\]" is not a valid RE2 regular expression/);
    expect(refusal({ match: ' ' })).toBe('<match> " " is empty');
  });

  test('repository globs and project and group references', () => {
    expect(refusal({ repositories: ['api', 'a b'] })).toBe(
      "<repository> a b is not a repository glob: use a path below the project ('api', 'tools/*', '**'), or '.' for the root",
    );
    expect(refusal({ projects: ['web-app'] })).toBe(
      '<project> web-app is not a project: give its numeric id or its full path (group/project)',
    );
    expect(refusal({ groups: ['acme platform'] })).toBe(
      '<group> acme platform is not a group: give its numeric id or its full path (e.g. acme/platform)',
    );
  });
});

describe('patterns GitLab reads differently', () => {
  test('a top-level "|" is accepted, with a warning that names the field and the pattern', () => {
    const { policy, warnings } = build({ match: 'feature-.*|fix-.*', keep: ['main|master'] });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(
      /^<match> "feature-\.\*\|fix-\.\*" has a top-level "\|": GitLab's cleanup policy reads it as: starts with "feature-\.\*", or ends with "fix-\.\*"; here it matches whole names only/,
    );
    expect(warnings[1]).toMatch(/^<keep> "main\|master" has a top-level "\|": .*here a tag matching either/);
    expect(warnings[1]).toMatch(/Write \(\?:main\|master\) to mean whole names only$/);
    // kept, as GitLab would keep it: "main-old" starts with "main"
    expect(policy.rules.keep[0]?.test('main-old')).toBe(true);
  });

  test('a whole-name pattern draws no warning', () => {
    expect(build({ match: '(?:feature|fix)-.*', keep: ['v\\d+'] }).warnings).toEqual([]);
  });
});
