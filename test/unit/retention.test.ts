import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Decision, Inventory, Tag } from '../../src/model.ts';
import { reclaimableBytes, sharedWithKept } from '../../src/plan/reclaim.ts';
import { planRepository } from '../../src/plan/retention.ts';
import { DAY, decide, inventory, NOW, pattern, repository, rules, tag } from './builders.ts';

const deleted = (decisions: Decision[]) =>
  decisions.filter((d) => d.action === 'delete').map((d) => d.tag.name);

describe('planRepository', () => {
  test('older-than keeps what is younger and deletes the rest, saying why', () => {
    const plan = decide([tag('a', 20), tag('b', 10), tag('c', 14.5)], rules({ olderThanMs: 14 * DAY }), NOW);
    expect(plan.map((d) => [d.tag.name, d.action, d.rule])).toEqual([
      ['a', 'delete', 'older-than'],
      ['b', 'keep', 'younger'],
      ['c', 'delete', 'older-than'],
    ]);
    expect(plan[0]?.because).toBe('pushed 20d ago, older than 14d');
  });

  test('a push time a little after now (clock skew) is kept as younger, and says so', () => {
    const plan = decide([tag('skewed', -2 / 24 / 60)], rules({ olderThanMs: 14 * DAY }), NOW);
    expect(plan[0]).toMatchObject({
      action: 'keep',
      rule: 'younger',
      because: 'pushed in the future (clock skew), within 14d',
    });
  });

  test('a tag pushed exactly at the cut-off is kept ("before now − duration" is deleted)', () => {
    expect(deleted(decide([tag('edge', 14)], rules({ olderThanMs: 14 * DAY }), NOW))).toEqual([]);
  });

  test('keep-latest keeps the n newest eligible tags; ties are broken by name', () => {
    const tags = [tag('a', 5), tag('b', 1), tag('c', 3), tag('d', 3), tag('e', 9)];
    const plan = decide(tags, rules({ keepLatest: 2 }), NOW);
    expect(deleted(plan)).toEqual(['a', 'd', 'e']);
    expect(plan.find((d) => d.tag.name === 'c')).toMatchObject({
      rule: 'keep-latest',
      because: 'among the 2 latest (#2)',
    });
  });

  test('the issue example: --older-than 14d --keep-latest 5 --keep semver', () => {
    const tags = [
      ...Array.from({ length: 8 }, (_, i) => tag(`feature-${i}`, 20 + i)),
      tag('v1.2.3', 90),
      tag('v1.2.3-rc1', 90),
      tag('latest', 100),
    ];
    const plan = decide(
      tags,
      rules({ olderThanMs: 14 * DAY, keepLatest: 5, keep: [pattern('v\\d+\\.\\d+\\.\\d+', 'keep')] }),
      NOW,
    );
    expect(deleted(plan)).toEqual(['feature-5', 'feature-6', 'feature-7', 'v1.2.3-rc1']);
  });

  test('match limits what is eligible; keep wins over match', () => {
    const plan = decide(
      [tag('feature-a', 30), tag('main', 30), tag('feature-keep', 30)],
      rules({ olderThanMs: DAY, match: pattern('feature-.*'), keep: [pattern('.*-keep', 'keep')] }),
      NOW,
    );
    expect(deleted(plan)).toEqual(['feature-a']);
    expect(plan.find((d) => d.tag.name === 'main')?.rule).toBe('not-matched');
    expect(plan.find((d) => d.tag.name === 'feature-keep')?.rule).toBe('keep');
  });

  test('regexes match the whole name, as GitLab anchors them', () => {
    const plan = decide(
      [tag('xfeature-a', 30), tag('feature-a', 30)],
      rules({ olderThanMs: DAY, match: pattern('feature-a') }),
      NOW,
    );
    expect(deleted(plan)).toEqual(['feature-a']);
  });

  test('stale branches: slugs of live branches, open merge requests and the default branch are kept', () => {
    const branches = { liveSlugs: new Map([['feature-login', 'feature/Login']]), defaultBranchSlug: 'main' };
    const plan = decide(
      [tag('feature-login', 90), tag('feature-gone', 1), tag('main', 90), tag('latest', 90)],
      rules({ staleBranches: true }),
      NOW,
      branches,
    );
    expect(deleted(plan)).toEqual(['feature-gone']);
    expect(plan.find((d) => d.tag.name === 'feature-login')).toMatchObject({
      rule: 'live-branch',
      because: 'slug of branch feature/Login',
    });
    expect(plan.find((d) => d.tag.name === 'main')?.rule).toBe('default-branch');
  });

  test('a tag without a push time is never deleted by age, and takes no keep-latest slot', () => {
    const plan = decide(
      [tag('undated'), tag('old', 30), tag('older', 40)],
      rules({ keepLatest: 1, olderThanMs: DAY }),
      NOW,
    );
    expect(plan.find((d) => d.tag.name === 'undated')?.rule).toBe('unknown-age');
    expect(deleted(plan)).toEqual(['older']);
  });

  test('without an age rule, dates are not needed', () => {
    const plan = decide([tag('undated')], rules({ staleBranches: true }), NOW, {
      liveSlugs: new Map(),
    });
    expect(deleted(plan)).toEqual(['undated']);
  });
});

describe('times that are not push times', () => {
  const created = new Date(NOW.getTime() - 60 * DAY);
  const plan = (tags: Tag[], times: Inventory['times'], retention = rules({ olderThanMs: 14 * DAY })) =>
    planRepository({
      policy: 'p',
      inventory: inventory(tags, {
        repository: repository({ createdAt: created }),
        ...(times ? { times } : {}),
      }),
      rules: retention,
      facts: {},
      now: NOW,
    });
  const LAST = { field: 'published_at', meaning: 'last-push' } as const;
  const FIRST = { field: 'created_at', meaning: 'first-push' } as const;
  const BUILD = { field: 'created_at', meaning: 'build-time' } as const;

  test('a time before the repository existed (a reproducible build: 1970) is an unknown age, named and noted', () => {
    const epoch = { name: 'jib', pushedAt: new Date(0) };
    const result = plan([epoch, tag('old', 30), tag('new', 1)], LAST);
    expect(result.deletions).toEqual(['old']);
    expect(result.decisions.find((d) => d.tag.name === 'jib')).toMatchObject({
      action: 'keep',
      rule: 'unknown-age',
      because: expect.stringMatching(/1970-01-01 is before its repository existed/),
    });
    expect(result.notes).toEqual([expect.stringMatching(/^1 tag reports a time that cannot be a push time/)]);
  });

  test('a time well in the future is an unknown age, not "younger"', () => {
    const result = plan([tag('ahead', -2)], LAST);
    expect(result.decisions[0]).toMatchObject({
      rule: 'unknown-age',
      because: expect.stringMatching(/in the future/),
    });
    expect(result.notes).toHaveLength(1);
  });

  test('first pushes and build times are refused by default: nothing is deleted, and the plan says how to accept them', () => {
    for (const times of [FIRST, BUILD]) {
      const result = plan([tag('old', 30), tag('latest', 30)], times);
      expect(result.deletions).toEqual([]);
      expect(result.refusal).toMatch(new RegExp(`--accept-ages ${times.meaning}$`));
      expect(result.decisions.find((d) => d.tag.name === 'old')?.rule).toBe('untrusted-age');
      expect(result.decisions.find((d) => d.tag.name === 'latest')?.rule).toBe('latest');
    }
  });

  test('an accepted kind of time is used; a refusal needs a tag the age rules would decide', () => {
    const accepted = plan(
      [tag('old', 30)],
      FIRST,
      rules({ olderThanMs: 14 * DAY, acceptAges: ['first-push'] }),
    );
    expect(accepted.deletions).toEqual(['old']);
    expect(accepted.refusal).toBeUndefined();
    const onlyNames = plan([tag('latest', 30)], BUILD);
    expect(onlyNames.refusal).toBeUndefined();
    const noAgeRule = plan([tag('old', 30)], BUILD, rules({ staleBranches: true }));
    expect(noAgeRule.refusal).toBeUndefined();
  });
});

describe('digests', () => {
  const tags: Tag[] = [
    tag('a', 30, { digest: 'sha256:1', sizeBytes: 100 }),
    tag('b', 30, { digest: 'sha256:1', sizeBytes: 100 }),
    tag('c', 30, { digest: 'sha256:2', sizeBytes: 50 }),
    tag('d', 1, { digest: 'sha256:2', sizeBytes: 50 }),
    tag('e', 30, { digest: 'sha256:3' }),
  ];

  test('only images none of whose tags survive become reclaimable', () => {
    const gone = new Set(['a', 'b', 'c', 'e']);
    expect(reclaimableBytes(tags, (name) => gone.has(name))).toEqual({
      bytes: 100,
      digests: 2,
      unknownSize: 1,
    });
  });

  test('a deleted tag sharing its image with a kept one is pointed out', () => {
    const plan = decide(tags, rules({ olderThanMs: 7 * DAY }), NOW);
    expect(sharedWithKept(plan)).toEqual(new Map([['c', ['d']]]));
  });
});

// ---- properties ---------------------------------------------------------------------------

const NAMES = [
  'latest',
  'main',
  'v1.0.0',
  'v2.1.3',
  'feature-a',
  'feature-b',
  'fix-c',
  'ci-0a1b2c3d',
  'ci-deadbeef',
  'nightly',
];
const tagsArb = fc
  .uniqueArray(
    fc.record({
      name: fc.constantFrom(...NAMES),
      days: fc.option(
        fc.integer({ min: 0, max: 90 * 24 }).map((h) => h / 24),
        { nil: undefined },
      ),
    }),
    { selector: (t) => t.name, maxLength: NAMES.length },
  )
  .map((list) => list.map(({ name, days }) => tag(name, days)));
const rulesArb = fc.record({
  keepLatest: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
  olderDays: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
  keep: fc.subarray(['v\\d+\\.\\d+\\.\\d+', 'main', 'nightly']),
  match: fc.option(fc.constantFrom('feature-.*', 'ci-[0-9a-f]{8}', '.*'), { nil: undefined }),
});
type RulesInput = {
  keepLatest: number | undefined;
  olderDays: number | undefined;
  keep: string[];
  match: string | undefined;
};
const toRules = (r: RulesInput) =>
  rules({
    ...(r.keepLatest === undefined ? {} : { keepLatest: r.keepLatest }),
    ...(r.olderDays === undefined ? {} : { olderThanMs: r.olderDays * DAY }),
    keep: r.keep.map((source) => pattern(source, 'keep')),
    ...(r.match === undefined ? {} : { match: pattern(r.match) }),
  });

describe('policy properties', () => {
  test('kept: --keep matches, latest, the keep-latest newest, everything younger, everything undated', () => {
    fc.assert(
      fc.property(tagsArb, rulesArb, (tags, input) => {
        const r = toRules(input);
        const plan = decide(tags, r, NOW);
        const gone = new Set(deleted(plan));
        for (const t of tags) {
          if (t.name === 'latest' || r.keep.some((p) => p.test(t.name))) expect(gone.has(t.name)).toBe(false);
          if (r.match && !r.match.test(t.name)) expect(gone.has(t.name)).toBe(false);
          if ((r.olderThanMs !== undefined || r.keepLatest !== undefined) && !t.pushedAt)
            expect(gone.has(t.name)).toBe(false);
          if (
            r.olderThanMs !== undefined &&
            t.pushedAt &&
            NOW.getTime() - t.pushedAt.getTime() <= r.olderThanMs
          ) {
            expect(gone.has(t.name)).toBe(false);
          }
        }
        if (r.keepLatest !== undefined) {
          const eligible = tags
            .filter(
              (t) =>
                t.pushedAt &&
                t.name !== 'latest' &&
                !r.keep.some((p) => p.test(t.name)) &&
                (!r.match || r.match.test(t.name)),
            )
            .sort((a, b) => b.pushedAt!.getTime() - a.pushedAt!.getTime() || (a.name < b.name ? -1 : 1));
          for (const t of eligible.slice(0, r.keepLatest)) expect(gone.has(t.name)).toBe(false);
        }
        expect(plan).toHaveLength(tags.length);
      }),
      { numRuns: 500 },
    );
  });

  test('the plan is the same for the same input, whatever the order tags arrive in', () => {
    const arrivals = tagsArb.chain((tags) =>
      fc.tuple(
        fc.constant(tags),
        fc.shuffledSubarray(tags, { minLength: tags.length, maxLength: tags.length }),
      ),
    );
    fc.assert(
      fc.property(arrivals, rulesArb, ([tags, shuffled], input) => {
        const r = toRules(input);
        expect(decide(shuffled, r, NOW)).toEqual(decide(tags, r, NOW));
      }),
      { numRuns: 300 },
    );
  });

  test('a stricter rule never deletes more', () => {
    fc.assert(
      fc.property(
        tagsArb,
        rulesArb,
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 30 }),
        (tags, input, moreKept, moreDays) => {
          const base = new Set(deleted(decide(tags, toRules(input), NOW)));
          const stricter: RulesInput[] = [
            { ...input, keepLatest: (input.keepLatest ?? 0) + moreKept },
            { ...input, olderDays: (input.olderDays ?? 0) + moreDays },
            { ...input, keep: [...input.keep, 'feature-a'] },
            ...(input.match === undefined ? [{ ...input, match: 'fix-.*' }] : []),
          ];
          for (const candidate of stricter) {
            for (const name of deleted(decide(tags, toRules(candidate), NOW)))
              expect(base.has(name)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
