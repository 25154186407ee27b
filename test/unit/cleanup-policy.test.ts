// GitLab's cleanup policy as retention rules (plan/cleanup-policy.ts), checked against GitLab's
// own algorithm transcribed from its source, and against the worked example of its documentation.

import fc from 'fast-check';
import { RE2JS } from 're2js';
import { describe, expect, test } from 'vitest';
import type { GitLabCleanupPolicy, Tag } from '../../src/model.ts';
import { describeCleanupPolicyRules, rulesFromCleanupPolicy } from '../../src/plan/cleanup-policy.ts';
import { planRepository } from '../../src/plan/retention.ts';
import type { RetentionRules } from '../../src/plan/rules.ts';
import { DAY, inventory, NOW, pattern, rules, tag } from './builders.ts';

function policy(overrides: Partial<GitLabCleanupPolicy> = {}): GitLabCleanupPolicy {
  return {
    enabled: true,
    keepN: 10,
    olderThan: '90d',
    nameRegex: '.*',
    nameRegexKeep: null,
    cadence: '1d',
    nextRunAt: '2026-11-24T12:00:00.000Z',
    ...overrides,
  };
}

function active(gitlab: GitLabCleanupPolicy, base: RetentionRules = rules()) {
  const converted = rulesFromCleanupPolicy(gitlab, base);
  if (!converted.active) throw new Error(`expected an active policy: ${converted.why}`);
  return converted;
}

function ourDeletions(tags: readonly Tag[], gitlab: GitLabCleanupPolicy): Set<string> {
  const plan = planRepository({
    policy: 'p',
    inventory: inventory(tags),
    rules: active(gitlab).rules,
    facts: {},
    now: NOW,
  });
  return new Set(plan.deletions);
}

/**
 * GitLab's cleanup of one page of tags, line by line from
 * app/services/projects/container_repository/cleanup_tags_base_service.rb and
 * gitlab/cleanup_tags_service.rb (pushed_at = updated_at || created_at, the last push): drop
 * `latest`; keep names not matching "\A#{name_regex}\z" or matching "\A#{name_regex_keep}\z"
 * (Gitlab::UntrustedRegexp: RE2, searched); sort by pushed_at, undated as now, newest first, and
 * keep the first keep_n; keep those pushed at or after now − older_than, and the undated.
 */
function gitlabDeletions(tags: readonly Tag[], gitlab: GitLabCleanupPolicy): Set<string> {
  const remove = RE2JS.compile(`\\A${gitlab.nameRegex}\\z`);
  const retain = RE2JS.compile(`\\A${gitlab.nameRegexKeep ?? ''}\\z`);
  let doomed = tags
    .filter((t) => t.name !== 'latest')
    .filter((t) => remove.matcher(t.name).find() && !retain.matcher(t.name).find());
  if (gitlab.keepN !== null) {
    const time = (t: Tag) => t.pushedAt?.getTime() ?? NOW.getTime();
    doomed = [...doomed].sort((a, b) => time(b) - time(a)).slice(gitlab.keepN);
  }
  if (gitlab.olderThan !== null) {
    const cutoff = NOW.getTime() - Number.parseInt(gitlab.olderThan, 10) * DAY;
    doomed = doomed.filter((t) => t.pushedAt !== undefined && t.pushedAt.getTime() < cutoff);
  }
  return new Set(doomed.map((t) => t.name));
}

describe('a policy GitLab would not run is reported, never guessed', () => {
  test.each([
    ['absent', undefined, 'the project has no cleanup policy'],
    ['disabled', policy({ enabled: false }), 'its cleanup policy is disabled'],
    [
      'without name_regex',
      policy({ nameRegex: null }),
      'its cleanup policy has no name_regex (Remove tags matching): GitLab disables such a policy instead of running it',
    ],
    ['with a blank name_regex', policy({ nameRegex: '  ' }), 'has no name_regex'],
    [
      'with a lookahead',
      policy({ nameRegex: '(?!v).*' }),
      'has an invalid name_regex "(?!v).*": it uses a lookahead',
    ],
    [
      'with a bad keep regex',
      policy({ nameRegexKeep: 'a(' }),
      'has an invalid name_regex_keep "a(": it is not a valid RE2',
    ],
    ['with keep_n -1', policy({ keepN: -1 }), 'has keep_n -1, which is not a number of tags'],
    [
      'with older_than 1month',
      policy({ olderThan: '1month' }),
      'has older_than "1month", which has an unknown unit',
    ],
  ])('%s', (_, gitlab, why) => {
    const converted = rulesFromCleanupPolicy(gitlab, rules());
    expect(converted.active).toBe(false);
    if (!converted.active) expect(converted.why).toContain(why);
  });
});

describe('an enabled policy maps field by field', () => {
  test("name_regex → match, name_regex_keep → keep, keep_n → keep-latest, older_than → older-than; the command's extras stay", () => {
    const extra = pattern('release-.*', 'keep');
    const { rules: mapped, notes } = active(
      policy({ keepN: 5, olderThan: '14d', nameRegex: 'feature-.*', nameRegexKeep: 'feature-keep.*' }),
      rules({ keep: [extra], staleBranches: true, acceptAges: ['first-push'] }),
    );
    expect(mapped.match?.source).toBe('feature-.*');
    expect(mapped.keep.map((k) => k.source)).toEqual(['feature-keep.*', 'release-.*']);
    expect(mapped).toMatchObject({
      keepLatest: 5,
      olderThanMs: 14 * DAY,
      staleBranches: true,
      acceptAges: ['first-push'],
    });
    expect(notes).toEqual([]);
  });

  test('the reasons name the policy fields, not flags', () => {
    const plan = planRepository({
      policy: 'p',
      inventory: inventory([tag('main', 40), tag('v1', 40), tag('feature-a', 40)]),
      rules: active(
        policy({ keepN: null, olderThan: '30d', nameRegex: '(?:v|feature-).*', nameRegexKeep: 'v1' }),
      ).rules,
      facts: {},
      now: NOW,
    });
    expect(plan.decisions.map((d) => `${d.tag.name}: ${d.because}`)).toEqual([
      'feature-a: pushed 40d ago, older than 30d',
      'main: does not match name_regex (?:v|feature-).*',
      'v1: matches name_regex_keep v1',
    ]);
  });

  test('a policy without keep_n or older_than deletes every matching tag, as GitLab does, and says so', () => {
    const { rules: mapped, notes } = active(policy({ keepN: null, olderThan: null, nameRegex: 'tmp-.*' }));
    expect(mapped.keepLatest).toBeUndefined();
    expect(mapped.olderThanMs).toBeUndefined();
    expect(notes).toEqual([
      'the cleanup policy sets neither keep_n nor older_than: every tag matching name_regex is deleted, as GitLab deletes them',
    ]);
    const tags = [tag('tmp-1', 0), tag('tmp-2', 1), tag('keep-me', 9), tag('latest', 3)];
    expect(ourDeletions(tags, policy({ keepN: null, olderThan: null, nameRegex: 'tmp-.*' }))).toEqual(
      new Set(['tmp-1', 'tmp-2']),
    );
  });

  test('a top-level | is read as GitLab reads it, leaning to keep, with a note for the plan', () => {
    const { notes } = active(policy({ nameRegex: 'main|dev', nameRegexKeep: 'v1|v2' }));
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(
      /^name_regex "main\|dev" has a top-level "\|": GitLab's cleanup policy reads it as/,
    );
    expect(notes[1]).toMatch(/^name_regex_keep "v1\|v2" has a top-level "\|"/);
  });

  test("described in GitLab's names", () => {
    expect(describeCleanupPolicyRules(policy({ nameRegexKeep: 'v.+' }))).toBe(
      "keep_n 10, older_than 90d, name_regex '.*', name_regex_keep 'v.+'",
    );
    expect(describeCleanupPolicyRules(policy({ keepN: null, olderThan: null }))).toBe("name_regex '.*'");
  });
});

describe("GitLab's semantics", () => {
  test("the worked example of GitLab's documentation deletes dev-v42, v43 and v42", () => {
    // doc/user/packages/container_registry/reduce_container_registry_storage.md, "Example cleanup
    // policy workflow": keep 1, keep production-.*, older than 7 days, remove .*
    const tags = [
      tag('latest', 2 / 24),
      tag('production-v44', 3),
      tag('production-v43', 6),
      tag('production-v42', 11),
      tag('dev-v44', 2),
      tag('dev-v43', 5),
      tag('dev-v42', 10),
      tag('v44', 1),
      tag('v43', 12),
      tag('v42', 20),
    ];
    const example = policy({ keepN: 1, olderThan: '7d', nameRegex: '.*', nameRegexKeep: 'production-.*' });
    expect(ourDeletions(tags, example)).toEqual(new Set(['dev-v42', 'v43', 'v42']));
    expect(gitlabDeletions(tags, example)).toEqual(new Set(['dev-v42', 'v43', 'v42']));
  });

  const NAMES = [
    'latest',
    'main',
    'master',
    'main-x',
    'v1.0.0',
    'v2',
    'feature-a',
    'feature-b',
    'dev',
    'x-dev',
  ];
  const tagsArb = (undated: boolean) =>
    fc
      .uniqueArray(
        fc.record({
          name: fc.oneof(fc.constantFrom(...NAMES), fc.stringMatching(/^[a-z0-9-]{1,8}$/)),
          dated: undated ? fc.boolean() : fc.constant(true),
        }),
        { selector: (t) => t.name, maxLength: 30 },
      )
      // distinct times, a quarter of a day apart: GitLab's order among equal times is its sort's
      .chain((entries) =>
        fc
          .shuffledSubarray(
            Array.from({ length: 200 }, (_, i) => i),
            { minLength: entries.length, maxLength: entries.length },
          )
          .map((slots) =>
            entries.map((entry, i) => tag(entry.name, entry.dated ? (slots[i] as number) / 4 : undefined)),
          ),
      );
  const policyArb = (alternation: boolean) =>
    fc.record({
      enabled: fc.constant(true),
      keepN: fc.constantFrom(null, 1, 5, 10),
      olderThan: fc.constantFrom(null, '7d', '14d', '30d'),
      nameRegex: fc.constantFrom(
        '.*',
        'feature-.*',
        '(?:main|dev)',
        '[a-z]+',
        ...(alternation ? ['main|dev', 'v.*|.*-x'] : []),
      ),
      nameRegexKeep: fc.constantFrom(
        null,
        'v\\d+\\.\\d+\\.\\d+',
        'main',
        ...(alternation ? ['main|dev'] : []),
      ),
      cadence: fc.constant('1d'),
      nextRunAt: fc.constant(null),
    });

  test('dated tags, whole-name regexes: exactly what GitLab deletes', () => {
    fc.assert(
      fc.property(tagsArb(false), policyArb(false), (tags, gitlab) => {
        expect(ourDeletions(tags, gitlab)).toEqual(gitlabDeletions(tags, gitlab));
      }),
      { numRuns: 500 },
    );
  });

  test('undated tags and a top-level |: never a tag GitLab would keep', () => {
    fc.assert(
      fc.property(tagsArb(true), policyArb(true), (tags, gitlab) => {
        const gitlabDoomed = gitlabDeletions(tags, gitlab);
        for (const name of ourDeletions(tags, gitlab)) expect(gitlabDoomed.has(name), name).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
