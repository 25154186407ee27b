// --max-wait through the real bundle: a rate limit is waited out up to the bound and no further;
// beyond it the run stops in one line that says how to wait longer, and deletes nothing more.

import { describe, expect, type OnTestFinishedHandler, test } from 'vitest';
import { oneErrorLine, runBundle } from './support/bundle.ts';
import { PROJECT_PATH, snapshot, startWorld } from './support/small-world.ts';

type OnFinished = (handler: OnTestFinishedHandler) => void;

const STOP_JOB = ['delete-tag', '--project', PROJECT_PATH, '--tag', 'feature-login'];

async function world(onTestFinished: OnFinished) {
  const started = await startWorld({ repositories: [''], builds: 2 });
  onTestFinished(() => started.sandbox.close());
  return started;
}

describe.concurrent('--max-wait', () => {
  test.for([
    ['0', /--max-wait 0 must be greater than zero/],
    ['soon', /--max-wait soon is not a duration/],
    ['2d', /--max-wait 2d is too long: at most 1d/],
  ] as const)('--max-wait %s: exit 2 before any request', async ([value, message], { onTestFinished }) => {
    const w = await world(onTestFinished);
    const result = await runBundle([...STOP_JOB, '--max-wait', value], w.jobEnv(w.sandbox));
    expect(result.code).toBe(2);
    expect(oneErrorLine(result)).toMatch(message);
    expect(w.sandbox.requests).toEqual([]);
  });

  test('a Retry-After beyond it: exit 1 at once, one line naming --max-wait, nothing deleted', async ({
    onTestFinished,
  }) => {
    const w = await world(onTestFinished);
    const before = snapshot(w.state);
    w.sandbox.intercept(() => ({ kind: 'rateLimited', retryAfterSeconds: 30 }));
    const result = await runBundle([...STOP_JOB, '--max-wait', '10s'], w.jobEnv(w.sandbox));
    expect(result.code).toBe(1);
    expect(oneErrorLine(result)).toMatch(
      /GitLab asked to wait 30 s before trying again to list the container registry of project \S+ \(HTTP 429\); run again later, or let it wait longer with --max-wait \(now 10s\)$/,
    );
    expect(w.sandbox.requests).toHaveLength(1);
    expect(snapshot(w.state)).toEqual(before);
    expect(result.ms).toBeLessThan(5_000);
  });

  test('a Retry-After within it (REGISTRY_CLEANER_MAX_WAIT): waited out, then the tag is deleted', async ({
    onTestFinished,
  }) => {
    const w = await world(onTestFinished);
    let throttled = 0;
    w.sandbox.intercept(() =>
      throttled++ === 0 ? { kind: 'rateLimited', retryAfterSeconds: 1 } : undefined,
    );
    const result = await runBundle(STOP_JOB, { ...w.jobEnv(w.sandbox), REGISTRY_CLEANER_MAX_WAIT: '2' });
    expect(result.code, result.stderr).toBe(0);
    expect(snapshot(w.state).has('acme/web-app:feature-login')).toBe(false);
    expect(result.ms).toBeGreaterThanOrEqual(1_000);
  });
});
