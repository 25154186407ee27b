import { describe, expect, test } from 'vitest';
import { DeletionBatchSize, TARGET_REQUEST_MS } from '../../src/execute/batch-size.ts';

describe('the names one deletion request carries', () => {
  test("starts at GitLab's UI size (20) and grows, doubling at most, while requests stay fast", () => {
    const size = new DeletionBatchSize();
    const sizes = [size.size];
    for (let i = 0; i < 4; i++) {
      size.observe({ sent: size.size, deleted: size.size, ms: 200, timedOut: false });
      sizes.push(size.size);
    }
    expect(sizes).toEqual([20, 40, 80, 100, 100]);
  });

  test('a slow registry (a second a name) keeps requests near a third of the 30 s timeout', () => {
    const size = new DeletionBatchSize();
    size.observe({ sent: 20, deleted: 20, ms: 20_000, timedOut: false });
    expect(size.size).toBe(TARGET_REQUEST_MS / 1000);
    size.observe({ sent: 10, deleted: 10, ms: 10_000, timedOut: false });
    expect(size.size).toBe(10);
  });

  test('a timed-out request shrinks it at once, to what the registry did in time, at most half', () => {
    const size = new DeletionBatchSize();
    size.observe({ sent: 20, deleted: 12, ms: 30_000, timedOut: true });
    expect(size.size).toBe(4);
    const nothing = new DeletionBatchSize();
    nothing.observe({ sent: 20, deleted: 0, ms: 30_000, timedOut: true });
    expect(nothing.size).toBe(5);
    for (let i = 0; i < 5; i++) nothing.observe({ sent: 5, deleted: 0, ms: 30_000, timedOut: true });
    expect(nothing.size).toBe(1);
  });
});
