// How many names one deletion request carries: as many as keep it well inside GitLab's GraphQL
// request timeout (30 s; GitLab deletes the names one by one, each a call to its registry, and an
// S3-backed registry can take a second a name). Starts at the 20 names GitLab's own UI sends,
// grows only while requests stay fast, and shrinks at once when one is slow or times out. Pure.

import { MAX_NAMES_PER_REQUEST, NAMES_PER_MUTATION } from '../gitlab/deletion.ts';

/** A third of GitLab's GraphQL timeout: room for a slower registry, a busier GitLab, the network. */
export const TARGET_REQUEST_MS = 10_000;

export class DeletionBatchSize {
  private names = NAMES_PER_MUTATION;

  get size(): number {
    return this.names;
  }

  /**
   * After a request: `deleted` names done in `ms`. A request that timed out says how fast the
   * registry really is (what it got done before the cut); one that deleted nothing gives no rate.
   */
  observe({
    sent,
    deleted,
    ms,
    timedOut,
  }: {
    sent: number;
    deleted: number;
    ms: number;
    timedOut: boolean;
  }): void {
    const done = timedOut ? deleted : sent;
    if (done <= 0 || ms <= 0) {
      if (timedOut) this.names = Math.max(1, Math.floor(this.names / 4));
      return;
    }
    const fits = Math.floor((TARGET_REQUEST_MS * done) / ms);
    const next = timedOut ? Math.min(fits, Math.floor(this.names / 2)) : Math.min(fits, this.names * 2);
    this.names = Math.min(MAX_NAMES_PER_REQUEST, Math.max(1, next));
  }
}
