// What to read of a repository before planning: the least that decides every tag exactly as
// reading everything would. Pure; gitlab/ carries the strategy out without knowing the rules.
//
// With --older-than, a tag pushed at or after the cut-off is kept whatever else holds, so tags are
// read oldest first and reading stops at the cut-off. --keep-latest n needs the n newest eligible
// tags, which may be younger than the cut-off: a first pass reads newest first until it has seen
// them; the oldest-first pass then stops where the first pass began to read, or at the cut-off.
// The cost follows the tags to delete, not the size of the repository.

import type { ReadSession, ReadStrategy, ReadVerdict, Repository, Tag, TagOrder } from '../model.ts';
import { implausibility } from './ages.ts';
import { acceptsAges, keptByName, type ProjectFacts, type RetentionRules, usesAge } from './rules.ts';

export function readStrategy(
  rules: RetentionRules,
  facts: ProjectFacts,
  now: Date,
  repository: Repository,
): ReadStrategy {
  const undecidedByName = (name: string) => keptByName(name, rules, facts) === undefined;
  const needsTime = (name: string) => usesAge(rules) && undecidedByName(name);
  const accepts = acceptsAges.bind(undefined, rules);
  if (rules.olderThanMs === undefined) {
    // Without a cut-off the n newest can be anywhere: every tag is read.
    return { passes: [], needsTime, acceptsAges: accepts, start: () => ({ see: () => 'more' }) };
  }
  const cutoffMs = now.getTime() - rules.olderThanMs;
  const keepLatest = rules.keepLatest ?? 0;
  const passes: TagOrder[] = keepLatest > 0 ? ['newest-first', 'oldest-first'] : ['oldest-first'];
  // As in the plan: only a plausible push time makes a tag eligible for --keep-latest.
  const eligible = (tag: Tag, time: Date) =>
    undecidedByName(tag.name) && implausibility(time, repository, now) === undefined;
  return {
    passes,
    needsTime,
    acceptsAges: accepts,
    start(): ReadSession {
      let eligibleSeen = 0;
      // The oldest time the newest-first pass reached: every tag after it was read then; tags at
      // exactly that time may not all have been (the pass stopped among equals).
      let newestPassReachedMs = Number.POSITIVE_INFINITY;
      return {
        see(tag: Tag, pass: number): ReadVerdict {
          const time = timeOf(tag);
          if (passes[pass] === 'newest-first') {
            newestPassReachedMs = time.getTime();
            return eligible(tag, time) && ++eligibleSeen >= keepLatest ? 'next-pass' : 'more';
          }
          // Past where the first pass reached, every tag was read then, young or not.
          if (time.getTime() > newestPassReachedMs) return 'complete';
          if (time.getTime() >= cutoffMs) return 'enough';
          return 'more';
        },
      };
    },
  };
}

/** Readers show time-ordered passes only tags with a time. */
function timeOf(tag: Tag): Date {
  if (!tag.pushedAt) throw new Error(`bug: tag ${tag.name} was read by time without one`);
  return tag.pushedAt;
}
