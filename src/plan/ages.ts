// Which reported tag times are push times this run may act on. Pure.
//
// A time is only a push time when its source says so and it is plausible: GitLab's registry with
// its metadata database reports the last push (publishedAt); createdAt is the first push of the
// name there, and the image's build time on legacy registries, where reproducible builds (Jib, ko,
// Bazel, SOURCE_DATE_EPOCH=0) report 1970-01-01. Acting on a first push deletes a tag re-pushed a
// minute ago; acting on a build time, an image pushed a minute ago. So only last pushes count by
// default, and whatever source: no tag was pushed before its repository existed, or in the future.

import type { AgeSource, Repository, TimeSource } from '../model.ts';

/** Clocks of GitLab, its registry and this runner differ by seconds; beyond this, a time is not a push. */
export const CLOCK_TOLERANCE_MS = 5 * 60_000;

export const AGE_SOURCES: readonly AgeSource[] = ['last-push', 'first-push', 'build-time'];

/** What a source means, for people: "last push (publishedAt)". */
export function describeSource(times: TimeSource): string {
  const meaning: Record<AgeSource, string> = {
    'last-push': 'last push',
    'first-push': 'first push of the tag name',
    'build-time': 'image build time on a legacy registry',
  };
  return `${meaning[times.meaning]} (${times.field})`;
}

/** Why a reported time is not a push time, or undefined when it may be one. */
export function implausibility(time: Date, repository: Repository, now: Date): string | undefined {
  const at = time.getTime();
  if (repository.createdAt && at < repository.createdAt.getTime() - CLOCK_TOLERANCE_MS) {
    return `its time ${day(time)} is before its repository existed (${day(repository.createdAt)})`;
  }
  if (at > now.getTime() + CLOCK_TOLERANCE_MS) return `its time ${day(time)} is in the future`;
  return undefined;
}

function day(time: Date): string {
  return time.toISOString().slice(0, 10);
}
