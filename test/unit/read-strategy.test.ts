import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { readPasses } from '../../src/gitlab/read-passes.ts';
import type { Tag, TagOrder } from '../../src/model.ts';
import { rulesFromCleanupPolicy } from '../../src/plan/cleanup-policy.ts';
import { deployedTags } from '../../src/plan/deployed.ts';
import { readStrategy } from '../../src/plan/read-strategy.ts';
import { planRepository } from '../../src/plan/retention.ts';
import type { ProjectFacts, RetentionRules } from '../../src/plan/rules.ts';
import { DEFAULT_TAG_TEMPLATES, parseTagTemplate, type TagTemplate } from '../../src/plan/tag-templates.ts';
import { DAY, inventory, NOW, pattern, repository, rules } from './builders.ts';

const LAST_PUSH = { field: 'published_at', meaning: 'last-push' } as const;

/** A registry that sorts by time, breaking ties in an order of its own, in pages of `pageSize`. */
function sortingSource(tags: readonly Tag[], tieOrder: readonly number[], pageSize: number) {
  return async function* (order: TagOrder): AsyncGenerator<Tag[]> {
    const ranked = tags.map((tag, i) => ({ tag, tie: tieOrder[i] ?? i }));
    ranked.sort((a, b) => {
      const at = (a.tag.pushedAt as Date).getTime();
      const bt = (b.tag.pushedAt as Date).getTime();
      return (order === 'newest-first' ? bt - at : at - bt) || a.tie - b.tie;
    });
    for (let i = 0; i < ranked.length; i += pageSize) yield ranked.slice(i, i + pageSize).map((r) => r.tag);
  };
}

const NAMES = ['latest', 'main', 'v1.0.0', 'v2.1.3', 'feature-a', 'feature-b', 'fix-c', 'abc123', 'def456'];

// Dated tags with unique names; times on a coarse grid so that ties are common.
const tagsArb = fc
  .uniqueArray(
    fc.record({
      name: fc.oneof(fc.constantFrom(...NAMES), fc.stringMatching(/^[a-z0-9]{1,6}$/)),
      halfDaysAgo: fc.integer({ min: -6, max: 80 }),
    }),
    { selector: (t) => t.name, maxLength: 40 },
  )
  .map((entries) =>
    entries.map(({ name, halfDaysAgo }) => ({
      name,
      pushedAt: new Date(NOW.getTime() - (halfDaysAgo * DAY) / 2),
    })),
  );

const ownRulesArb = fc
  .record({
    olderDays: fc.integer({ min: 0, max: 40 }),
    keepLatest: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
    keep: fc.subarray(['v\\d+\\.\\d+\\.\\d+', 'main', '[0-9a-f]{6}']),
    match: fc.option(fc.constantFrom('feature-.*', '.*[0-9].*', '[a-f].*'), { nil: undefined }),
    staleBranches: fc.boolean(),
    protectDeployed: fc.boolean(),
  })
  .map(
    (r): RetentionRules => ({
      olderThanMs: r.olderDays * DAY,
      acceptAges: [],
      keep: r.keep.map((source) => pattern(source, 'keep')),
      staleBranches: r.staleBranches,
      ...(r.protectDeployed ? { deployments: { templates: TEMPLATES, keepDeployments: 1 } } : {}),
      ...(r.keepLatest === undefined ? {} : { keepLatest: r.keepLatest }),
      ...(r.match === undefined ? {} : { match: pattern(r.match) }),
    }),
  );

// --cleanup-policy: rules from a GitLab cleanup policy (a regex may have a top-level "|"), on top
// of the command's own --keep and --stale-branches. Without older_than every tag is read by name,
// as without --older-than: no partial read to check.
const cleanupPolicyRulesArb = fc
  .record({
    keepN: fc.constantFrom(null, 1, 5, 10),
    olderThan: fc.constantFrom('7d', '14d', '30d'),
    nameRegex: fc.constantFrom('.*', 'feature-.*', 'main|v.*', '[a-f].*'),
    nameRegexKeep: fc.constantFrom(null, 'v\\d+\\.\\d+\\.\\d+', 'main|abc.*'),
    extraKeep: fc.subarray(['[0-9a-f]{6}']),
    staleBranches: fc.boolean(),
  })
  .map(({ extraKeep, staleBranches, ...gitlab }): RetentionRules => {
    const base = rules({ keep: extraKeep.map((source) => pattern(source, 'keep')), staleBranches });
    const converted = rulesFromCleanupPolicy(
      { ...gitlab, enabled: true, cadence: '1d', nextRunAt: null },
      base,
    );
    if (!converted.active) throw new Error(converted.why);
    return converted.rules;
  });

const rulesArb = fc.oneof(ownRulesArb, cleanupPolicyRulesArb);

/** Created 30 days ago: times older than that (and those in the future) are not push times. */
const REPOSITORY = repository({ createdAt: new Date(NOW.getTime() - 30 * DAY) });

const TEMPLATES = DEFAULT_TAG_TEMPLATES.map((source) => parseTagTemplate(source) as TagTemplate);

// production runs abc123 (its short SHA) and fix-c (its ref's slug); both are among NAMES.
const FACTS: ProjectFacts = {
  branches: { liveSlugs: new Map([['feature-a', 'feature/a']]), defaultBranchSlug: 'main' },
  deployed: deployedTags(
    [
      {
        name: 'production',
        slug: 'production',
        state: 'available',
        deployments: [{ ref: 'fix/c', sha: 'abc123', refIsTag: false }],
      },
    ],
    TEMPLATES,
  ),
};

describe('the read strategy', () => {
  test('the plan from the partial read equals the plan from reading everything', async () => {
    await fc.assert(
      fc.asyncProperty(
        tagsArb,
        rulesArb,
        fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        async (tags, rules, tieOrder, pageSize) => {
          const strategy = readStrategy(rules, FACTS, NOW, REPOSITORY);
          const partial = await readPasses(
            REPOSITORY,
            strategy,
            sortingSource(tags, tieOrder, pageSize),
            LAST_PUSH,
          );
          expect(partial).toBeDefined();
          if (!partial) return;
          const plan = (read: typeof partial) =>
            planRepository({ policy: 'p', inventory: read, rules, facts: FACTS, now: NOW });
          const fromPartial = plan(partial);
          const fromAll = plan(inventory(tags, { repository: REPOSITORY }));
          expect(fromPartial.deletions).toEqual(fromAll.deletions);
          const actionInFull = new Map(fromAll.decisions.map((d) => [d.tag.name, d.action]));
          for (const decision of fromPartial.decisions)
            expect(decision.action).toBe(actionInFull.get(decision.tag.name));
          // Unread tags are never deleted by the full plan either; a read that says it is complete read everything.
          if (partial.complete) expect(partial.tags.length).toBe(tags.length);
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('with --older-than only, reading stops at the cut-off: younger tags are not read', async () => {
    const tags = [0, 1, 2, 20, 30].map((days) => ({
      name: `t${days}`,
      pushedAt: new Date(NOW.getTime() - days * DAY),
    }));
    const strategy = readStrategy(rules({ olderThanMs: 10 * DAY }), {}, NOW, repository());
    expect(strategy.passes).toEqual(['oldest-first']);
    const read = await readPasses(repository(), strategy, sortingSource(tags, [], 2), LAST_PUSH);
    expect(read?.tags.map((t) => t.name)).toEqual(['t30', 't20']);
    expect(read?.complete).toBe(false);
  });

  test('a read whose oldest-first pass reaches what the newest-first pass read is complete', async () => {
    // keep-latest 3 reads t0 t1 t2 newest first; oldest first t30 t20 t2, then t1: read already
    const tags = [0, 1, 2, 20, 30].map((days) => ({
      name: `t${days}`,
      pushedAt: new Date(NOW.getTime() - days * DAY),
    }));
    const strategy = readStrategy(rules({ olderThanMs: 1.5 * DAY, keepLatest: 3 }), {}, NOW, repository());
    const read = await readPasses(repository(), strategy, sortingSource(tags, [], 2), LAST_PUSH);
    expect(read?.tags.map((t) => t.name).sort()).toEqual(['t0', 't1', 't2', 't20', 't30']);
    expect(read?.complete).toBe(true);
  });

  test('without --older-than every tag is needed: no passes, the reader reads all by name', () => {
    const strategy = readStrategy(rules({ keepLatest: 3 }), {}, NOW, repository());
    expect(strategy.passes).toEqual([]);
    expect(strategy.needsTime('feature-x')).toBe(true);
    expect(strategy.needsTime('latest')).toBe(false);
  });

  test('times are needed only where an age rule could decide: never for names the name rules keep', () => {
    const strategy = readStrategy(rules({ keep: [pattern('v.*')], olderThanMs: DAY }), {}, NOW, repository());
    expect(['v1', 'latest', 'feature'].map((name) => strategy.needsTime(name))).toEqual([false, false, true]);
    const noAge = readStrategy(rules({ staleBranches: true }), FACTS, NOW, repository());
    expect(noAge.needsTime('feature')).toBe(false);
    const deployed = readStrategy(
      rules({ olderThanMs: DAY, deployments: { templates: TEMPLATES, keepDeployments: 1 } }),
      FACTS,
      NOW,
      repository(),
    );
    expect(['abc123', 'fix-c', 'feature'].map((name) => deployed.needsTime(name))).toEqual([
      false,
      false,
      true,
    ]);
  });
});
